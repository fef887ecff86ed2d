"""The pipeline through ``Summarizer(transport=httpx2.MockTransport(...))``: no sockets.

The conversation loop (re-asks, truncation, refusals), the transport's retries and error
mapping, mode fallback and the chunk map all run for real; only the HTTP exchange is
answered in process by :class:`summarizer.testing.MockOpenAI`. ``Conversation`` is also
driven directly, fed completions by hand: it does no I/O at all.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from briefs import ARTICLE, draft_json
from openai.types.chat import ChatCompletion

from summarizer import BackendError, BriefValidationError, RefusalError, Summarizer
from summarizer.article import Article
from summarizer.base.config import load_settings
from summarizer.base.errors import TruncatedOutputError
from summarizer.model.conversation import Conversation
from summarizer.model.options import Options
from summarizer.model.prompts import load_prompts
from summarizer.testing import MockOpenAI, Reply, completion, error_body, handler

# Any socket would fail the test: everything is answered in process.
pytestmark = pytest.mark.block_network()

KEY = "sk-seam-test-0123456789abcdef0123456789"


def make(mock: MockOpenAI, **flags: Any) -> Summarizer:
    values: dict[str, Any] = {
        "base_url": mock.base_url,
        "model": "fake-model",
        "mode": "json_schema",
        "retry_max_wait_s": 0.0,
        "timeout_s": 5.0,
        **flags,
    }
    return Summarizer(settings=load_settings(values, env={}), transport=mock.transport)


def ok(content: str | None = None, **kw: Any) -> Reply:
    return Reply(body=completion(content or draft_json(), **kw))


def bad_quote() -> str:
    data = json.loads(draft_json())
    data["summary"][0]["evidence"] = ["a sentence the article never said"]
    return json.dumps(data)


# --- the conversation, fed by hand ---------------------------------------------------------


def conversation(**options: Any) -> Conversation:
    article = Article(text=ARTICLE)
    return Conversation(
        article, load_prompts(), mode="json_schema", model="m", options=Options(**options)
    )


def answer(content: str | None, **kw: Any) -> ChatCompletion:
    return ChatCompletion.model_validate(completion(content, **kw))


def test_conversation_reasks_with_the_failed_check_then_finishes() -> None:
    conv = conversation(max_reasks=1)
    assert conv.receive(answer(bad_quote())) is None  # another request is due
    reask = conv.request()["messages"]
    assert reask[-2]["role"] == "assistant" and reask[-1]["role"] == "user"
    assert "a sentence the article never said" in reask[-1]["content"]
    outcome = conv.receive(answer(draft_json()))
    assert outcome is not None and outcome.attempts == 2
    assert outcome.report.quotes_verified == outcome.report.quotes_checked


def test_conversation_grows_max_tokens_once_after_truncation() -> None:
    conv = conversation(max_reasks=2, max_tokens=100)
    assert conv.receive(answer('{"headline": "cut', finish_reason="length")) is None
    assert conv.request()["max_tokens"] == 200
    with pytest.raises(TruncatedOutputError):
        conv.receive(answer('{"headline": "cut again', finish_reason="length"))


def test_conversation_refusal_is_not_reasked() -> None:
    conv = conversation(max_reasks=2)
    with pytest.raises(RefusalError, match="not allowed"):
        conv.receive(answer(None, refusal="That is not allowed."))


def test_conversation_drops_what_stays_ungrounded_unless_strict() -> None:
    lenient = conversation(max_reasks=0)
    outcome = lenient.receive(answer(bad_quote()))
    assert outcome is not None and outcome.report.quotes_dropped == 1
    with pytest.raises(BriefValidationError):
        conversation(max_reasks=0, strict=True).receive(answer(bad_quote()))


# --- the whole pipeline over the mock transport --------------------------------------------


def test_one_brief_without_sockets(mock: MockOpenAI) -> None:
    mock.script(ok(prompt_tokens=1000, completion_tokens=300))
    with make(mock) as s:
        brief = s.summarize(ARTICLE)
    assert mock.calls == 1 and brief.usage.requests == 1
    assert brief.usage.prompt_tokens == 1000
    assert brief.grounding.quotes_verified == brief.grounding.quotes_checked == 8
    request = mock.chat_requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["json"]["response_format"]["type"] == "json_schema"


def test_a_reask_goes_over_the_transport(mock: MockOpenAI) -> None:
    mock.script(ok(bad_quote()), ok())
    with make(mock, max_reasks=1) as s:
        brief = s.summarize(ARTICLE)
    assert brief.attempts == 2 and mock.calls == 2
    assert len(mock.chat_requests[1]["json"]["messages"]) == 4


def test_truncation_asks_again_with_a_larger_budget(mock: MockOpenAI) -> None:
    mock.script(ok('{"headline": "cut', finish_reason="length"), ok())
    with make(mock, max_tokens=512) as s:
        s.summarize(ARTICLE)
    assert [r["json"]["max_tokens"] for r in mock.chat_requests] == [512, 1024]


def test_refusal_through_the_pipeline(mock: MockOpenAI) -> None:
    mock.script(Reply(body=completion(None, refusal="No.")))
    with make(mock) as s, pytest.raises(RefusalError):
        s.summarize(ARTICLE)
    assert mock.calls == 1


def test_transient_failures_are_retried_and_counted(mock: MockOpenAI) -> None:
    mock.script(
        Reply(status=500, body=error_body("boom")),
        Reply(status=429, headers={"retry-after": "0"}, body=error_body("slow down")),
        Reply(reset=True),
        ok(),
    )
    with make(mock, transport_attempts=4) as s:
        brief = s.summarize(ARTICLE)
    assert brief.usage.requests == 4 and mock.calls == 4


def test_errors_are_mapped_and_the_key_redacted(mock: MockOpenAI) -> None:
    mock.default = Reply(status=401, body=error_body(f"Incorrect API key provided: {KEY}"))
    values = {"base_url": mock.base_url, "model": "fake-model", "mode": "json_schema"}
    settings = load_settings(values, env={"OPENAI_API_KEY": KEY})
    summarizer = Summarizer(settings=settings, transport=mock.transport)
    summarizer.backend.api_key = KEY
    with summarizer, pytest.raises(BackendError) as caught:
        summarizer.summarize(ARTICLE)
    assert caught.value.status_code == 401 and "authentication failed" in str(caught.value)
    assert KEY not in str(caught.value)
    assert mock.calls == 1  # an authentication failure is not retried


def test_mode_fallback_after_a_rejected_request_shape(mock: MockOpenAI) -> None:
    rejected = Reply(status=400, body=error_body("response_format is not supported"))
    tools = Reply(body=completion(tool_args=draft_json()))
    mock.script(rejected, rejected, tools)
    with make(mock, mode="auto") as s:
        brief = s.summarize(ARTICLE)
    sent = [r["json"] for r in mock.chat_requests]
    assert [("response_format" in b, "tools" in b) for b in sent] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    assert brief.attempts == 1


def test_a_one_off_handler_and_the_async_api() -> None:
    import httpx2

    seen: list[dict[str, Any]] = []

    def respond(request: dict[str, Any]) -> Reply:
        seen.append(request)
        return ok()

    async def main() -> int:
        values = {"base_url": "http://fake-openai.test/v1", "model": "m", "mode": "json_schema"}
        async with Summarizer(
            settings=load_settings(values, env={}), transport=httpx2.MockTransport(handler(respond))
        ) as s:
            briefs = await asyncio.gather(*(s.asummarize(ARTICLE) for _ in range(3)))
            # the sync API works inside a running loop too (its own loop, in a helper thread)
            briefs.append(s.summarize(ARTICLE))
        return len(briefs)

    assert asyncio.run(main()) == 4
    # the transport sees every request: the four briefs, and the window probe (GETs, once)
    chats = [r for r in seen if "messages" in r]
    assert len(chats) == 4 and all(r["model"] == "m" for r in chats)
    assert len(seen) - len(chats) <= 3  # /props, /models, /api/version


# --- the chunk map over the mock transport -------------------------------------------------


def test_the_chunk_map_and_reduce_run_through_the_transport(mock: MockOpenAI) -> None:
    from test_chunking import Scripted, all_quotes, long_article

    text = long_article(60)
    responder = Scripted()
    mock.responder = responder
    with make(mock, context_window=4096, max_tokens=512, chunk_concurrency=3) as s:
        brief = s.summarize(text)
    assert brief.chunks is not None and brief.chunks > 1
    assert len(responder.chunks) == brief.chunks and responder.merges == 1
    # + the planner's two tokenizer probes, which count too but do not reach the mock
    assert mock.calls == brief.chunks + 1 == brief.usage.requests - 2
    assert brief.headline == brief.summary[0].text  # the merge's headline, which it supports
    assert all(q in text for q in all_quotes(brief))


# --- one owner of the request options -------------------------------------------------------


def test_the_embedded_tuning_is_in_the_cache_key_before_the_server_starts(tmp_path: Any) -> None:
    gguf = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    gguf.write_bytes(b"never started")
    s = Summarizer(settings=load_settings({"local_model": gguf}, env={}))
    assert s.backend.embedded and s.backend.base_url is None
    _, parts = s.cache_key(Article(text=ARTICLE))
    # the options the requests will carry: capped max_tokens, no re-asks (small_model_options)
    assert (s.options.max_tokens, s.options.max_reasks) == (1024, 0)
    assert (parts["max_tokens"], parts["max_reasks"]) == (1024, 0)
    assert s.options.timeout_s == 600.0 and s.options.schema_caps is not None
    explicit = Summarizer(settings=load_settings({"local_model": gguf, "max_tokens": 300}, env={}))
    assert explicit.cache_key(Article(text=ARTICLE))[1]["max_tokens"] == 300
