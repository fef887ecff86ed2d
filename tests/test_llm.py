"""The model loop against a scripted loopback server: re-asks, retry bound, truncation,
refusal, usage accounting and request shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from briefs import ARTICLE, draft, draft_json

from summarizer import (
    BackendError,
    BriefValidationError,
    RefusalError,
    Summarizer,
    TruncatedOutputError,
)
from summarizer.cli.exits import exit_code
from summarizer.formats import render
from summarizer.testing import FakeOpenAI, Reply, completion


def make(server: FakeOpenAI, **options: object) -> Summarizer:
    settings = {
        "base_url": server.base_url,
        "model": "fake-model",
        "mode": "json_schema",
        "retry_max_wait_s": 0.0,
        "timeout_s": 5.0,
        **options,
    }
    from summarizer.base.config import load_settings

    return Summarizer(settings=load_settings(settings))


def ok(content: str | None = None, **kw: object) -> Reply:
    return Reply(body=completion(content or draft_json(), **kw))  # type: ignore[arg-type]


def test_valid_answer_in_one_call(server: FakeOpenAI) -> None:
    server.script(ok(prompt_tokens=1000, completion_tokens=300))
    with make(server) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 1
    assert brief.attempts == 1
    assert brief.usage.prompt_tokens == 1000
    assert brief.usage.completion_tokens == 300
    assert brief.usage.requests == 1
    assert brief.grounding.quotes_verified == brief.grounding.quotes_checked == 8
    assert brief.model == "fake-model"
    assert brief.backend == server.base_url
    import hashlib

    assert brief.source.content_hash == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_request_shape_static_first_article_last(server: FakeOpenAI) -> None:
    server.script(ok())
    with make(server) as s:
        s.summarize(ARTICLE)
    body = server.chat_requests[0]["json"]
    system, user = body["messages"]
    assert system["role"] == "system" and "untrusted" in system["content"]
    assert ARTICLE.strip() not in system["content"]
    assert (
        user["content"]
        .rstrip()
        .endswith("Write the brief of this article as JSON. Cite sentences by their numbers.")
    )
    opening = user["content"].index("<<<ARTICLE-")
    # the article follows its opening marker as numbered sentences, never in the system prompt
    assert user["content"].index("[1] Dockworkers at Port Halden extend strike") > opening
    assert "[15] Brandt said the authority was willing" in user["content"]
    assert body["temperature"] == 0
    assert body["seed"] == 0
    schema = body["response_format"]["json_schema"]["schema"]
    assert set(schema["required"]) == {
        "headline",
        "summary",
        "actors",
        "positions",
        "disputes",
        "next_steps",
    }


def test_reask_after_ungrounded_answer_then_valid(server: FakeOpenAI) -> None:
    bad = draft()
    bad.summary[0].evidence = ["Moscow has agreed to a ceasefire"]
    server.script(
        ok(bad.model_dump_json(), prompt_tokens=100, completion_tokens=10),
        ok(prompt_tokens=200, completion_tokens=20),
    )
    with make(server) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2
    assert brief.attempts == 2
    assert brief.grounding.dropped == []
    # usage counts the failed attempt too
    assert (brief.usage.prompt_tokens, brief.usage.completion_tokens) == (300, 30)
    reask = server.chat_requests[1]["json"]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert json.loads(reask[-2]["content"])["summary"][0]["evidence"] == [
        "Moscow has agreed to a ceasefire"
    ]
    assert reask[-1]["role"] == "user"
    assert (
        "quote 'Moscow has agreed to a ceasefire' does not occur in the article"
        in (reask[-1]["content"])
    )


def test_reask_after_schema_violation(server: FakeOpenAI) -> None:
    server.script(ok('{"headline": "x"}'), ok())
    with make(server) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2
    assert "summary: Field required" in server.chat_requests[1]["json"]["messages"][-1]["content"]
    assert brief.attempts == 2


def test_lenient_drops_and_reports_after_reasks_run_out(server: FakeOpenAI) -> None:
    bad = draft()
    bad.positions[0].evidence = ["an invented quote"]
    server.default = ok(bad.model_dump_json())
    with make(server, max_reasks=1) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2
    assert brief.positions == []
    assert [d.path for d in brief.grounding.dropped] == ["positions[0]"]
    assert brief.grounding.items_dropped == 1
    for sentence in brief.summary:
        assert all(ARTICLE[c.start : c.end] == c.quote for c in sentence.evidence)


def test_strict_fails_with_validation_error(server: FakeOpenAI) -> None:
    bad = draft()
    bad.positions[0].evidence = ["an invented quote"]
    server.default = ok(bad.model_dump_json(), prompt_tokens=7)
    with make(server, max_reasks=2, strict=True) as s, pytest.raises(BriefValidationError) as err:
        s.summarize(ARTICLE)
    assert server.calls == 3
    assert err.value.attempts == 3
    assert err.value.usage.prompt_tokens == 21
    assert "an invented quote" in (err.value.last_output or "")
    assert any("does not occur in the article" in p for p in err.value.problems)
    assert exit_code(err.value) == 5


def test_unparseable_answers_fail_even_when_lenient(server: FakeOpenAI) -> None:
    server.default = ok("this is not json")
    with make(server, max_reasks=1) as s, pytest.raises(BriefValidationError):
        s.summarize(ARTICLE)
    assert server.calls == 2


@pytest.mark.parametrize(("attempts", "reasks"), [(1, 0), (2, 1), (3, 2), (4, 2)])
def test_http_calls_never_exceed_transport_attempts_times_answers(
    server: FakeOpenAI, attempts: int, reasks: int
) -> None:
    """Every answer fails validation after every transport attempt but the last fails."""
    bad = draft()
    bad.summary[0].evidence = ["not in the article at all"]
    script: list[Reply] = []
    for _ in range(1 + reasks):
        script += [Reply(status=503, body={"error": {"message": "busy"}})] * (attempts - 1)
        script.append(ok(bad.model_dump_json()))
    server.script(*script)
    summarizer = make(server, transport_attempts=attempts, max_reasks=reasks, strict=True)
    with summarizer as s, pytest.raises(BriefValidationError):
        s.summarize(ARTICLE)
    assert server.calls == attempts * (1 + reasks)
    assert server.pending == 0


def test_transport_gives_up_after_its_attempts(server: FakeOpenAI) -> None:
    server.default = Reply(status=500, body={"error": {"message": "boom"}})
    with make(server, transport_attempts=3) as s, pytest.raises(BackendError) as err:
        s.summarize(ARTICLE)
    assert server.calls == 3
    assert err.value.status_code == 500
    assert exit_code(err.value) == 4


def test_client_errors_are_not_retried(server: FakeOpenAI) -> None:
    server.default = Reply(status=401, body={"error": {"message": "bad key"}})
    with make(server, transport_attempts=4) as s, pytest.raises(BackendError) as err:
        s.summarize(ARTICLE)
    assert server.calls == 1
    assert "authentication failed" in str(err.value)


def test_truncation_retries_once_with_more_tokens(server: FakeOpenAI) -> None:
    server.script(ok('{"headline": "cut', finish_reason="length"), ok())
    with make(server, max_tokens=1000) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2
    assert [r["json"]["max_tokens"] for r in server.chat_requests] == [1000, 2000]
    assert brief.attempts == 2


def test_truncation_twice_is_a_clear_error(server: FakeOpenAI) -> None:
    server.default = ok('{"headline": "cut', finish_reason="length")
    with make(server) as s, pytest.raises(TruncatedOutputError) as err:
        s.summarize(ARTICLE)
    assert server.calls == 2
    assert "max_tokens" in str(err.value)


def test_refusal_is_a_clear_error_without_reasks(server: FakeOpenAI) -> None:
    server.default = ok(refusal="I can't help with that.")
    with make(server) as s, pytest.raises(RefusalError) as err:
        s.summarize(ARTICLE)
    assert server.calls == 1
    assert "refused" in str(err.value)


def test_content_filter_is_a_refusal(server: FakeOpenAI) -> None:
    server.default = ok(finish_reason="content_filter")
    with make(server) as s, pytest.raises(RefusalError):
        s.summarize(ARTICLE)


async def test_async_twin_and_summarize_many(server: FakeOpenAI) -> None:
    server.default = ok()
    async with make(server) as s:
        brief = await s.asummarize(ARTICLE)
        assert brief.attempts == 1
        results = [r async for r in s.summarize_many([ARTICLE, "", ARTICLE], concurrency=2)]
    assert sorted(r.index for r in results) == [0, 1, 2]
    failed = [r for r in results if not r.ok]
    assert [r.index for r in failed] == [1]
    assert failed[0].error is not None and exit_code(failed[0].error) == 3
    assert server.calls == 3


def test_module_level_summarize_from_python(server: FakeOpenAI, tmp_path: Path) -> None:
    from summarizer import summarize

    server.default = ok()
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE)
    brief = summarize(path, base_url=server.base_url, model="m", mode="json_schema")
    quotes = [
        q
        for item in [
            *brief.summary,
            *brief.actors,
            *brief.positions,
            *brief.disputes,
            *brief.next_steps,
        ]
        for q in item.evidence
    ]
    # offsets count in the article as loaded: its dateline read apart (issue 20)
    from summarizer.article import load_article

    text = load_article(path).text
    assert "HALDEN, 3 March:" in ARTICLE and "HALDEN, 3 March:" not in text
    assert quotes and all(text[c.start : c.end] == c.quote for c in quotes)
    assert brief.source.content_hash
    assert "Port Halden" in render(brief, "markdown")


def test_user_prompt_templates_override_the_defaults(server: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "system.j2").write_text("You are the house style desk. Answer in JSON.\n")
    server.default = ok()
    with make(server) as default:
        default_version = default.prompts.version
        default.summarize(ARTICLE)
    with make(server, prompts_dir=str(tmp_path)) as custom:
        brief = custom.summarize(ARTICLE)
    system = server.chat_requests[-1]["json"]["messages"][0]["content"]
    assert system == "You are the house style desk. Answer in JSON.\n"
    # the other templates fall back to the package's own; the version tells them apart
    assert "<<<ARTICLE-" in server.chat_requests[-1]["json"]["messages"][1]["content"]
    assert brief.prompt_version != default_version


def test_multiline_refusal_is_one_line(server: FakeOpenAI) -> None:
    server.default = ok(refusal="I can't.\n\nThis request\nviolates policy.")
    with make(server) as s, pytest.raises(RefusalError) as err:
        s.summarize(ARTICLE)
    assert "\n" not in str(err.value)
    assert "I can't. This request violates policy." in str(err.value)


def test_strict_mode_sends_only_openais_strict_subset(server: FakeOpenAI) -> None:
    too_long = draft()
    too_long.headline = "x" * 201  # over the model's max_length: the schema sent omits it
    server.script(ok(json.dumps(too_long.model_dump())), ok())
    with make(server, mode="strict") as s:
        brief = s.summarize(ARTICLE)
    shape = server.chat_requests[0]["json"]["response_format"]["json_schema"]
    assert shape["strict"] is True
    text = json.dumps(shape["schema"])
    for keyword in ("maxLength", "minLength", "maxItems", "minItems"):
        assert keyword not in text
    # the limit still holds on our side: the long headline was re-asked
    assert server.calls == 2
    assert "headline" in server.chat_requests[1]["json"]["messages"][-1]["content"]
    assert brief.headline == draft().headline


OVERFLOW = Reply(
    status=400,
    body={
        "error": {
            "message": "This model's maximum context length is 4096 tokens. However, you "
            "requested 5423 tokens (4399 in the messages, 1024 in the completion).",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    },
)


def test_reask_that_overflows_the_context_keeps_the_first_answer(server: FakeOpenAI) -> None:
    bad = draft()
    bad.positions[0].evidence = ["an invented quote"]
    server.script(ok(bad.model_dump_json()), OVERFLOW)
    with make(server, max_reasks=2) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2  # the 400 is not retried
    assert brief.positions == []
    assert [d.path for d in brief.grounding.dropped] == ["positions[0]"]

    server.script(ok(bad.model_dump_json()), OVERFLOW)
    with make(server, max_reasks=2, strict=True) as s, pytest.raises(BriefValidationError):
        s.summarize(ARTICLE)


def test_truncated_then_overflow_is_a_truncation_error(server: FakeOpenAI) -> None:
    server.script(ok('{"headline": "cut', finish_reason="length"), OVERFLOW)
    with make(server) as s, pytest.raises(TruncatedOutputError) as err:
        s.summarize(ARTICLE)
    assert "does not fit the context window" in str(err.value)
    assert server.calls == 2


def test_first_request_overflowing_is_a_backend_error(server: FakeOpenAI) -> None:
    server.script(OVERFLOW)
    with make(server) as s, pytest.raises(BackendError) as err:
        s.summarize(ARTICLE)
    assert err.value.status_code == 400
    assert server.calls == 1
