"""Briefs replayed from real recorded traffic (cassettes/), and the cassettes' hygiene.

Recorded by scripts/record-cassettes from the embedded llama.cpp server (SmolLM2-135M) or
another configured backend; see docs/testing.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openai
import pytest
import vcr as vcrpy
from conftest import CASSETTES, FIXTURES, REDACTED, Recorded
from vcr.errors import CannotOverwriteExistingCassetteException

from summarizer import BackendError, Brief, BriefValidationError, verify
from summarizer.article import load_article
from summarizer.formats import render
from summarizer.model.backends import ModeMemory
from summarizer.testing import FakeOpenAI, Reply, completion

ARTICLE = FIXTURES / "cassette_article.txt"
EXAMPLE = FIXTURES.parent.parent / "examples" / "port-strike.txt"  # the README's article
REASK_MARKER = "Your brief failed these checks"


def citations(brief: Brief) -> list[Any]:
    items: list[Any] = [*brief.summary, *brief.actors, *brief.positions]
    items += [*brief.disputes, *brief.next_steps]
    return [c for item in items for c in item.evidence]


def assert_grounded(brief: Brief, text: str) -> None:
    # The 135M model may get every item dropped: still a valid brief, and it says so.
    Brief.model_validate_json(brief.model_dump_json())  # schema-valid as serialized
    report = brief.grounding
    # something was checked: quotes, or items dropped with their reasons (the 135M model's)
    assert report.quotes_checked > 0 or report.items_dropped > 0
    assert all(item.reasons for item in report.dropped)
    for c in citations(brief):
        assert text[c.start : c.end] == c.quote, f"citation not at its offsets: {c!r}"
    # Every item that survived passes the claim-support check on its own.
    result = verify(brief, text)
    assert result.ok, [(i.path, i.reasons) for i in result.items if not i.supported]
    ids = {a.id for a in brief.actors}
    for position in brief.positions:
        assert position.actor in ids


def written(recorded: Recorded, source: Path, **flags: Any) -> tuple[Brief | None, Any, int]:
    """A brief the model writes itself (the write strategy): ``(brief, usage, attempts)``;
    or, when nothing of the answers survived the claim check (the 135M model's usual
    outcome), no brief but the empty-brief failure (exit 5, issue 20), which must say why,
    with its usage and attempts."""
    with recorded.summarizer(**flags) as summarizer:
        try:
            brief = summarizer.summarize(source)
        except BriefValidationError as exc:
            assert exc.message.startswith("the brief is empty") and exc.problems, exc
            assert recorded.tuned, exc  # a real model's brief is not empty
            return None, exc.usage, exc.attempts or 0
    assert_grounded(brief, load_article(source).text)
    return brief, brief.usage, brief.attempts


def body_bytes(response: dict[str, Any]) -> bytes:
    body = response["body"]["string"]
    return body if isinstance(body, bytes) else body.encode()


def chat_bodies(cassette: Any) -> list[dict[str, Any]]:
    return [
        json.loads(request.body)
        for request in cassette.requests
        if request.uri.endswith("/chat/completions")
    ]


@pytest.mark.vcr
@pytest.mark.default_cassette("ferry_brief")
def test_full_brief(recorded: Recorded, vcr: Any) -> None:
    """A full brief of the fixture article, through Summarizer, in the backend's own mode.

    One re-ask is allowed (the embedded default is none) so that the recording also shows
    the re-ask that test_reask_fixes_or_drops replays.
    """
    brief, usage, attempts = written(recorded, ARTICLE, max_reasks=1)
    if brief is not None:
        assert brief.model == recorded.model
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.requests == attempts == len(chat_bodies(vcr))
    first = chat_bodies(vcr)[0]
    assert first["temperature"] == 0 and first["seed"] == 0
    if recorded.mode == "tools":
        assert first["tool_choice"]["function"]["name"] == "BriefDraft"
    if recorded.tuned:  # the embedded backend's options went out, so the replay matches them
        assert first["max_tokens"] == 1024 and first["repeat_penalty"] == 1.3


@pytest.mark.vcr
@pytest.mark.needs_server("llama.cpp")
def test_choose_brief(recorded: Recorded, vcr: Any) -> None:
    """The embedded default's strategy: the model picks among proposed sentences and actors
    under a grammar; every item is the article's own sentence, cited and supported."""
    with recorded.summarizer(strategy="choose") as summarizer:
        brief = summarizer.summarize(EXAMPLE)
    text = load_article(EXAMPLE).text
    assert_grounded(brief, text)
    assert brief.method == "extractive" and len(chat_bodies(vcr)) == 1
    assert len(brief.summary) >= 2 and len(brief.actors) >= 3
    assert len(brief.positions) >= 2 and len(brief.next_steps) >= 1
    assert all(s.extractive and s.text == s.evidence[0].quote for s in brief.summary)
    assert brief.grounding.claims_checked == brief.grounding.claims_supported > 0
    # an extractive stance is shown as the actor's own sentence, with no program-made topic
    names = {a.id: a.name for a in brief.actors}
    page = render(brief, "markdown")
    for p in brief.positions:
        assert p.extractive and f"{names[p.actor]} on {p.topic}:" not in page


@pytest.mark.vcr
@pytest.mark.default_cassette("ferry_brief", replay_only=True)
def test_reask_fixes_or_drops(recorded: Recorded, vcr: Any) -> None:
    """The first recorded answer failed grounding: the re-ask quoted the failed checks."""
    brief, _, attempts = written(recorded, ARTICLE, max_reasks=1)
    if attempts == 1:
        pytest.skip(f"{recorded.name}: the first recorded answer was grounded; nothing re-asked")
    assert attempts > 1
    first, second = chat_bodies(vcr)[:2]
    n = len(first["messages"])
    assert second["messages"][:n] == first["messages"]
    reask = second["messages"][-1]
    assert reask["role"] == "user" and REASK_MARKER in reask["content"]
    assert any(
        why in reask["content"] for why in ("not supported", "does not exist", "does not occur")
    ), reask["content"]
    # What the last answer still got wrong was dropped and reported, never kept (or, when
    # nothing was left, the failure said so: written() checks it).
    if brief is not None:
        report = brief.grounding
        assert report.quotes_checked >= report.quotes_verified + report.quotes_repaired
        if report.dropped:
            assert report.items_dropped + report.quotes_dropped > 0
            assert all(item.reasons for item in report.dropped)


@pytest.mark.vcr
@pytest.mark.needs_server("llama.cpp")
def test_auto_falls_back_to_tools(recorded: Recorded, vcr: Any, isolated: Path) -> None:
    """llama.cpp answers 500 to json_schema: mode auto steps down to tools and remembers it."""
    _, usage, attempts = written(recorded, ARTICLE, mode="auto")

    answers = [r for q, r in zip(vcr.requests, vcr.responses, strict=True) if q.method == "POST"]
    statuses = [response["status"]["code"] for response in answers]  # not the window probes
    assert statuses[:2] == [500, 500]
    assert all(b"response_format" in body_bytes(r) for r in answers[:2])
    bodies = chat_bodies(vcr)
    assert bodies[0]["response_format"]["json_schema"]["strict"] is True  # strict first
    assert bodies[1]["response_format"]["json_schema"]["strict"] is False  # then json_schema
    assert all("tools" in body and "response_format" not in body for body in bodies[2:])
    assert usage.requests == len(bodies) == 2 + attempts

    memory_file = isolated / "cache" / "modes.json"
    assert json.loads(memory_file.read_text()) == {recorded.base_url.rstrip("/"): "tools"}
    assert ModeMemory().get(recorded.base_url.rstrip("/")) == "tools"


@pytest.mark.vcr
@pytest.mark.default_cassette("ferry_brief", replay_only=True)
def test_changed_request_is_a_cassette_miss(recorded: Recorded) -> None:
    """A request the cassette does not hold fails loudly (it never reaches a network)."""
    with recorded.summarizer() as summarizer, pytest.raises(BackendError) as caught:
        summarizer.summarize(load_article(ARTICLE).text + "\nOne more sentence changes the body.")
    cause = caught.value.__cause__
    assert isinstance(cause, openai.APIConnectionError)
    assert isinstance(cause.__cause__, CannotOverwriteExistingCassetteException)


# --- hygiene ---

SECRET_PATTERNS = {
    "an OpenAI-style key": re.compile(r"sk-[A-Za-z0-9_\-]{16,}"),
    "a bearer token": re.compile(r"Bearer\s+(?!" + REDACTED + r"\b)[A-Za-z0-9._~+/\-]{8,}"),
    "a set-cookie header": re.compile(r"set-cookie", re.IGNORECASE),
    "an organization header": re.compile(r"openai-(organization|project)\W+(?!REDACTED)\w", re.I),
}


def find_secrets(text: str) -> list[str]:
    return [what for what, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def test_no_cassette_holds_a_secret() -> None:
    files = [p for p in CASSETTES.rglob("*") if p.is_file()]
    assert any(p.suffix == ".yaml" for p in files), "no cassettes found"
    leaks = {
        str(p.relative_to(CASSETTES)): found
        for p in files
        if (found := find_secrets(p.read_text(encoding="utf-8", errors="replace")))
    }
    assert not leaks, f"secrets in cassettes (scrub and re-record): {leaks}"


def test_every_cassette_set_says_where_it_came_from() -> None:
    for meta in CASSETTES.glob("*/meta.json"):
        data = json.loads(meta.read_text())
        assert {"base_url", "model", "mode", "server", "recorded_at"} <= data.keys(), meta
        assert "127.0.0.1" not in data["base_url"]


def test_scanner_catches_what_it_should() -> None:
    assert find_secrets("authorization: Bearer sk-abcdefghijklmnopqrstu")
    assert find_secrets("- Bearer eyJhbGciOiJIUzI1NiJ9.x")
    assert find_secrets("Set-Cookie: __cf_bm=abc")
    assert not find_secrets("authorization:\n- Bearer REDACTED\n")


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_recording_scrubs_secrets(vcr_config: dict[str, Any], tmp_path: Path) -> None:
    """Record real traffic with a key-shaped secret through our VCR settings; nothing leaks."""
    secret = "sk-proj-" + "x" * 40
    headers = {
        "set-cookie": "__cf_bm=tracking; path=/",
        "openai-organization": "org-secretorganization",
        "openai-project": "proj_secretproject",
    }
    config = {**vcr_config, "record_mode": "all"}
    with FakeOpenAI(default=Reply(body=completion("ok"), headers=headers)) as server:
        recorder = vcrpy.VCR(**config)
        with recorder.use_cassette(str(tmp_path / "scrub.yaml")):
            client = openai.OpenAI(base_url=server.base_url, api_key=secret, max_retries=0)
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            client.close()
        port = server.base_url.split(":")[2].split("/")[0]
    assert server.requests[0]["headers"]["authorization"] == f"Bearer {secret}"  # it was sent
    text = (tmp_path / "scrub.yaml").read_text()
    assert secret not in text and not find_secrets(text)
    assert "org-secret" not in text and "proj_secret" not in text
    assert "http://localhost/v1/chat/completions" in text and port not in text


LONG_ARTICLE = FIXTURES / "long_cassette_article.txt"


@pytest.mark.vcr
@pytest.mark.needs_server("llama.cpp")
def test_long_article_in_chunks(recorded: Recorded, vcr: Any) -> None:
    """A long article briefed in parts by the real model, merged, grounded against the whole.

    The budget is set small (the embedded model's real window holds this article whole), so
    the recording shows the map over chunks, the reduce call and the server's tokenizer.
    """
    with recorded.summarizer(max_input_tokens=300, chunk_tokens=300, chunk_overlap=30) as s:
        brief = s.summarize(LONG_ARTICLE)
    text = load_article(LONG_ARTICLE).text
    assert brief.chunks >= 3
    assert_grounded(brief, text)
    chats = chat_bodies(vcr)
    # one request per chunk, plus the consolidating call when any part's summary survived
    # grounding (the 135M model's seldom does: then the reduce is skipped, and says why; a
    # consolidating call whose answer failed validation is reported the same way, with why)
    nothing = ["no part's summary survived grounding: nothing to consolidate"]
    reduce = [d for d in brief.grounding.dropped if d.path == "reduce"]
    skipped = any(d.reasons == nothing for d in reduce)
    assert len(chats) == brief.chunks + (0 if skipped else 1)
    assert all(d.reasons for d in reduce)
    # usage.requests counts the tokenizer's POSTs too (issue 13 #6)
    posts = [r for r in vcr.requests if r.method == "POST"]
    assert brief.usage.requests == len(posts) > len(chats)
    for body in chats[: brief.chunks]:  # each part's request holds a slice of the article
        user = body["messages"][1]["content"]
        numbered = [re.sub(r"^\[\d+\] ", "", line) for line in user.splitlines()[3:6]]
        assert any(line and line in text for line in numbered)
    assert brief.source.content_hash == load_article(LONG_ARTICLE).content_hash


@pytest.mark.vcr
@pytest.mark.needs_server("llama.cpp")
def test_long_article_chosen_in_parts(recorded: Recorded, vcr: Any) -> None:
    """Issue 20: the embedded default's choose strategy on a long article: the program reads
    it whole, the real model chooses part by part (one short request each, no actors in
    it), and the merged brief has the goal's minimums, every item the article's own
    sentence and supported."""
    with recorded.summarizer(
        strategy="choose", max_input_tokens=300, chunk_tokens=300, chunk_overlap=30
    ) as s:
        brief = s.summarize(LONG_ARTICLE)
    text = load_article(LONG_ARTICLE).text
    assert brief.chunks >= 3
    assert_grounded(brief, text)
    chats = chat_bodies(vcr)
    assert 2 <= len(chats) <= brief.chunks and brief.attempts == len(chats)
    for body in chats:
        schema = body["tools"][0]["function"]["parameters"]["properties"]
        assert "actors" not in schema and "summary" in schema
        assert body["tool_choice"]["function"]["name"] == "choose"
    assert brief.method == "extractive"
    assert len(brief.summary) >= 2 and len(brief.actors) >= 3
    assert len(brief.positions) >= 2 and len(brief.next_steps) >= 1
    assert brief.grounding.claims_checked == brief.grounding.claims_supported > 0
