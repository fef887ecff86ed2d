"""Structured-output modes, the fallback between them, and backend resolution.

The matrix replays each mode against every recorded server (cassettes/); the request
shapes and the fallback order are checked against the scripted server in summarizer/testing.
"""

from __future__ import annotations

import json
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, Recorded

from summarizer import BackendError, Brief, ConfigurationError, Summarizer, TruncatedOutputError
from summarizer.article import load_article
from summarizer.base.config import load_settings
from summarizer.base.errors import BriefValidationError, UnsupportedRequestError
from summarizer.cli.exits import exit_code
from summarizer.model.backends import FALLBACK_ORDER, MODES, ModeMemory, resolve_backend
from summarizer.testing import FakeOpenAI, Reply, completion, error_body

ARTICLE = FIXTURES / "cassette_article.txt"
TEXT = load_article(ARTICLE).text
loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

DRAFT: dict[str, Any] = {
    "headline": "Harbor City council delays vote on ferry fares",
    "summary": [
        {
            "text": "The council postponed a vote on higher ferry fares.",
            "evidence": ["postponed a vote on raising ferry fares"],
        },
        {
            "text": "It will vote on a smaller increase in June.",
            "evidence": ["The council will meet again on June 12"],
        },
    ],
    "actors": [
        {
            "id": "ruiz",
            "name": "Ana Ruiz",
            "kind": "person",
            "role": "Mayor",
            "evidence": ["Mayor Ana Ruiz said the increase was needed"],
        },
        {
            "id": "union",
            "name": "Dockworkers Union",
            "kind": "organization",
            "role": "Opposes the plan.",
            "evidence": ["The Dockworkers Union opposes the plan."],
        },
    ],
    "positions": [
        {
            "actor": "union",
            "topic": "ferry fares",
            "stance": "Members cannot pay twice as much to get to work.",
            "evidence": ["Our members cannot pay twice as much to get to work"],
        }
    ],
    "disputes": [],
    "next_steps": [
        {
            "action": "Vote on a smaller increase.",
            "actors": [],
            "when": "June 12",
            "certainty": "scheduled",
            "evidence": ["The council will meet again on June 12"],
        }
    ],
}


def mode_of(body: dict[str, Any]) -> str:
    """Which mode a request was sent in, read from its shape."""
    if "tools" in body:
        return "tools"
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return "strict" if fmt["json_schema"].get("strict") else "json_schema"
    return "json" if fmt.get("type") == "json_object" else "plain"


def answer(body: dict[str, Any]) -> Reply:
    """A grounded brief in the shape the request asked for."""
    if mode_of(body) == "tools":
        return Reply(body=completion(tool_args=json.dumps(DRAFT)))
    return Reply(body=completion(json.dumps(DRAFT)))


def rejecting(*modes: str, status: int = 400) -> Any:
    """A server that rejects some request shapes the way real servers do (naming the field)."""

    def respond(body: dict[str, Any]) -> Reply:
        mode = mode_of(body)
        if mode in modes:
            field = "tools" if mode == "tools" else "response_format"
            message = f"Invalid value for '{field}': {mode} is not supported by this server."
            return Reply(status=status, body=error_body(message, type="invalid_request_error"))
        return answer(body)

    return respond


def summarizer_for(server: FakeOpenAI, **flags: Any) -> Summarizer:
    settings = {"base_url": server.base_url, "model": "fake-model", "retry_max_wait_s": 0}
    return Summarizer(settings=load_settings({**settings, **flags}))


def memory_file(home: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((home / "cache" / "modes.json").read_text())
    return data


# --- the matrix, replayed from real servers ---


@pytest.mark.vcr
@pytest.mark.own_mode_cassette("ferry_brief")
@pytest.mark.parametrize("mode", MODES)
def test_mode_matrix(recorded: Recorded, mode: str, vcr: Any) -> None:
    """Each mode against each recorded server: a grounded brief, or the server's refusal."""
    # Without a schema to constrain it, the 135M model runs to max_tokens in JSON mode (twice:
    # the loop asks again with double): a small cap keeps that recording under a minute.
    settings = {"max_tokens": 256} if mode == "json" and recorded.tuned else {}
    with recorded.summarizer(mode=mode, **settings) as summarizer:
        try:
            brief = summarizer.summarize(ARTICLE)
        except (BackendError, BriefValidationError) as exc:
            empty = isinstance(exc, BriefValidationError) and exc.message.startswith(
                "the brief is empty"
            )
            if empty:  # the 135M model writing a brief itself: nothing survived the check,
                assert recorded.tuned and exc.problems, exc  # and the failure says why
                return
            if isinstance(exc, (TruncatedOutputError, BriefValidationError)):
                # A server that cannot constrain JSON mode to the schema lets a small model
                # run to max_tokens, or stop with JSON of another shape: reported as such.
                assert mode == "json" and recorded.tuned, exc
                return
            assert exc.status_code in (400, 422, 500), exc
            assert isinstance(exc, UnsupportedRequestError), exc
            if recorded.server == "llama.cpp":
                assert mode in ("strict", "json_schema")
                assert "'text' or 'json_object'" in exc.message
            chats = [r for r in vcr.requests if r.uri.endswith("/chat/completions")]
            assert len(chats) == 1  # a pinned mode is not retried or changed
            return
    if recorded.server == "llama.cpp":
        assert mode in ("tools", "json")
    assert brief.grounding.quotes_checked > 0
    for item in [*brief.summary, *brief.actors, *brief.positions, *brief.next_steps]:
        assert all(c.quote in TEXT for c in item.evidence)


# --- request shapes ---


def strict_violations(node: Any, path: str = "$") -> list[str]:
    """Where a schema breaks OpenAI strict mode: open objects or optional properties."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            props = node.get("properties")
            if not isinstance(props, dict):
                found.append(f"{path}: an object without properties")
            else:
                if node.get("additionalProperties") is not False:
                    found.append(f"{path}: additionalProperties is not false")
                missing = set(props) - set(node.get("required", []))
                if missing:
                    found.append(f"{path}: not required: {sorted(missing)}")
        for key, value in node.items():
            found += strict_violations(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += strict_violations(value, f"{path}[{i}]")
    return found


def test_strict_checker_sees_violations() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert strict_violations(schema) == [
        "$.properties.a: additionalProperties is not false",
        "$.properties.a: not required: ['b']",
    ]


@loopback
@pytest.mark.parametrize("mode", MODES)
def test_request_shape(mode: str) -> None:
    with FakeOpenAI(responder=answer) as server, summarizer_for(server, mode=mode) as s:
        brief = s.summarize(ARTICLE)
    assert brief.attempts == 1 and not brief.grounding.dropped
    (request,) = server.chat_requests
    body = request["json"]
    assert mode_of(body) == mode
    assert body["model"] == "fake-model" and body["temperature"] == 0 and body["seed"] == 0
    if mode in ("strict", "json_schema"):
        spec = body["response_format"]["json_schema"]
        assert spec["name"] == "BriefDraft" and spec["strict"] is (mode == "strict")
        assert "tools" not in body
        if mode == "strict":
            assert strict_violations(spec["schema"]) == []
            assert spec["schema"]["$defs"], "nested models are checked too"
    elif mode == "tools":
        (tool,) = body["tools"]
        assert tool["type"] == "function" and tool["function"]["name"] == "BriefDraft"
        assert tool["function"]["parameters"]["properties"].keys() >= {"headline", "actors"}
        assert body["tool_choice"] == {"type": "function", "function": {"name": "BriefDraft"}}
        assert "response_format" not in body
    else:
        assert body["response_format"] == {"type": "json_object"}
        assert "tools" not in body
        assert "headline" in json.dumps(body["messages"])  # the schema travels in the prompt


# --- the fallback order ---


@loopback
@pytest.mark.parametrize("status", [400, 422, 500])
def test_fallback_order_and_memory(status: int, isolated: Path) -> None:
    with FakeOpenAI(responder=rejecting("strict", "json_schema", status=status)) as server:
        with summarizer_for(server, mode="auto") as s:
            brief = s.summarize(ARTICLE)
        assert [mode_of(r["json"]) for r in server.chat_requests] == [
            "strict",
            "json_schema",
            "tools",
        ]
        assert brief.usage.requests == 3 and brief.attempts == 1
        assert memory_file(isolated) == {server.base_url: "tools"}

        # Next time the remembered mode goes first: no probing.
        with summarizer_for(server, mode="auto") as s:
            s.summarize(ARTICLE)
        assert [mode_of(r["json"]) for r in server.chat_requests[3:]] == ["tools"]


@loopback
def test_fallback_reaches_json_and_is_remembered_per_base_url(isolated: Path) -> None:
    with (
        FakeOpenAI(responder=rejecting("strict", "json_schema", "tools")) as picky,
        FakeOpenAI(responder=answer) as capable,
    ):
        with summarizer_for(picky, mode="auto") as s:
            s.summarize(ARTICLE)
        with summarizer_for(capable, mode="auto") as s:
            s.summarize(ARTICLE)
        assert [mode_of(r["json"]) for r in picky.chat_requests] == list(FALLBACK_ORDER)
        assert [mode_of(r["json"]) for r in capable.chat_requests] == ["strict"]
        assert memory_file(isolated) == {picky.base_url: "json", capable.base_url: "strict"}
        assert ModeMemory().get(picky.base_url) == "json"


@loopback
def test_no_mode_accepted_is_a_backend_error() -> None:
    with (
        FakeOpenAI(responder=rejecting(*MODES)) as server,
        summarizer_for(server) as s,
        pytest.raises(BackendError) as caught,
    ):
        s.summarize(ARTICLE)
    assert caught.value.status_code == 400
    assert len(server.chat_requests) == len(FALLBACK_ORDER)


@loopback
def test_pinned_mode_does_not_fall_back(isolated: Path) -> None:
    with FakeOpenAI(responder=rejecting("json_schema")) as server:
        with summarizer_for(server, mode="json_schema") as s, pytest.raises(BackendError):
            s.summarize(ARTICLE)
        assert len(server.chat_requests) == 1
    assert not (isolated / "cache" / "modes.json").exists()


@loopback
def test_unrelated_500_is_retried_not_a_fallback(isolated: Path) -> None:
    with FakeOpenAI(default=answer) as server:
        server.script(Reply(status=500, body=error_body("the GPU caught fire")))
        with summarizer_for(server, mode="auto", transport_attempts=2) as s:
            s.summarize(ARTICLE)
        assert [mode_of(r["json"]) for r in server.chat_requests] == ["strict", "strict"]
    assert memory_file(isolated) == {server.base_url: "strict"}


# --- backend resolution ---


def write_config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_flag_beats_config_beats_environment(isolated: Path) -> None:
    env = {"OPENAI_BASE_URL": "http://env.example/v1", "SUMMARIZER_MODEL": "m"}
    write_config(isolated, 'base_url = "http://config.example/v1"\n')
    from_config = resolve_backend(load_settings(env=env | {"SUMMARIZER_HOME": str(isolated)}))
    assert from_config.base_url == "http://config.example/v1"
    assert "config file" in from_config.reasons["base_url"]

    flagged = load_settings({"base_url": "http://flag.example/v1"}, env=env)
    assert resolve_backend(flagged, env=env).base_url == "http://flag.example/v1"
    assert resolve_backend(flagged, env=env).reasons["base_url"] == "flag"


def test_environment_openai_key_selects_openai() -> None:
    env = {"OPENAI_API_KEY": "sk-test"}
    backend = resolve_backend(load_settings(env=env), env=env)
    assert backend.base_url == "https://api.openai.com/v1"
    assert (backend.model, backend.mode, backend.api_key) == ("gpt-4o-mini", "strict", "sk-test")
    assert not backend.embedded


def test_environment_base_url_beats_embedded() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "SUMMARIZER_MODEL": "llama3"}
    backend = resolve_backend(load_settings(env=env), env=env)
    assert backend.base_url == "http://127.0.0.1:11434/v1" and backend.mode == "json_schema"
    assert backend.reasons["base_url"] == "environment OPENAI_BASE_URL"


@pytest.mark.skipif(find_spec("llama_cpp") is None, reason="the [local] extra is missing")
def test_nothing_configured_picks_the_embedded_model() -> None:
    backend = resolve_backend(load_settings(env={}), env={})
    assert backend.embedded and backend.base_url is None
    assert backend.local_model is not None and backend.local_model.suffix == ".gguf"
    assert backend.mode == "tools"
    assert "embedded" in backend.reasons["base_url"]


def test_nothing_at_all_is_a_configuration_error_with_a_how_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if the [local] extra were missing
    with pytest.raises(ConfigurationError) as caught:
        resolve_backend(load_settings(env={}), env={})
    message = str(caught.value)
    assert "OPENAI_API_KEY" in message and "--base-url" in message
    assert "pip install 'summarizer[local]'" in message
    assert exit_code(caught.value) == 2


PROFILES = """
[backends.work]
base_url = "http://work.example/v1"
model = "work-model"
mode = "json_schema"
api_key_env = "WORK_KEY"

[backends.lab]
base_url = "http://lab.example/v1"
model = "lab-model"
"""


def test_profiles_are_selected_by_name(isolated: Path) -> None:
    write_config(isolated, PROFILES)
    env = {"WORK_KEY": "secret-work", "OPENAI_API_KEY": "sk-other"}
    work = resolve_backend(load_settings({"backend": "work"}), env=env)
    assert (work.name, work.base_url, work.model, work.mode) == (
        "work",
        "http://work.example/v1",
        "work-model",
        "json_schema",
    )
    assert work.api_key == "secret-work" and work.reasons["api_key"] == "environment WORK_KEY"

    lab = resolve_backend(load_settings({"backend": "lab"}), env=env)
    assert (lab.base_url, lab.model, lab.mode) == ("http://lab.example/v1", "lab-model", "auto")

    # A flag still beats the profile.
    over = resolve_backend(load_settings({"backend": "work", "model": "other"}), env=env)
    assert over.model == "other" and over.base_url == "http://work.example/v1"


def test_profile_errors_say_what_is_wrong(isolated: Path) -> None:
    write_config(isolated, PROFILES)
    with pytest.raises(ConfigurationError, match="unknown backend 'nope'.*lab, work"):
        resolve_backend(load_settings({"backend": "nope"}), env={})
    with pytest.raises(ConfigurationError, match="WORK_KEY"):
        resolve_backend(load_settings({"backend": "work"}), env={})


@loopback
def test_profile_drives_the_requests(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAI(responder=answer) as server:
        write_config(
            isolated,
            f'[backends.fake]\nbase_url = "{server.base_url}"\nmodel = "fake-model"\n'
            'mode = "tools"\napi_key_env = "FAKE_KEY"\n',
        )
        monkeypatch.setenv("FAKE_KEY", "key-from-profile")
        with Summarizer(backend="fake") as s:
            brief = s.summarize(ARTICLE)
        (request,) = server.chat_requests
    assert isinstance(brief, Brief) and brief.backend == "fake"
    assert request["headers"]["authorization"] == "Bearer key-from-profile"
    assert mode_of(request["json"]) == "tools"
