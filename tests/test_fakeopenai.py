"""Tests for the scripted fake OpenAI server, driven by the real ``openai`` client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from summarizer.testing import FakeOpenAI, Reply, completion, empty_choices, random_faults

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Summarize: nothing happened."}
]


@pytest.fixture
def client(server: FakeOpenAI) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as cli:
        yield cli


def _ask(
    client: openai.OpenAI, *, timeout: float = 10.0, temperature: float | None = None
) -> ChatCompletion:
    if temperature is None:
        return client.chat.completions.create(
            model="fake-model", messages=MESSAGES, timeout=timeout
        )
    return client.chat.completions.create(
        model="fake-model", messages=MESSAGES, timeout=timeout, temperature=temperature
    )


def test_base_url_is_loopback_v1(server: FakeOpenAI) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v1")


def test_scripted_completion_parses(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(body=completion("hello brief", prompt_tokens=7, completion_tokens=3)))

    result = _ask(client)

    assert result.choices[0].message.content == "hello brief"
    assert result.choices[0].finish_reason == "stop"
    assert result.model == "fake-model"
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (7, 10)


def test_replies_served_in_order(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(body=completion("one")), Reply(body=completion("two")))

    assert _ask(client).choices[0].message.content == "one"
    assert _ask(client).choices[0].message.content == "two"
    assert server.pending == 0


def test_rate_limit_with_retry_after(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(
        Reply(
            status=429,
            body={"error": {"message": "slow down", "type": "rate_limit_exceeded"}},
            headers={"Retry-After": "7"},
        )
    )

    with pytest.raises(openai.RateLimitError) as info:
        _ask(client)

    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "7"
    assert "slow down" in str(info.value)


def test_reset_is_connection_error(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(reset=True), Reply(body=completion("after reset")))

    with pytest.raises(openai.APIConnectionError) as info:
        _ask(client)
    assert not isinstance(info.value, openai.APITimeoutError)

    # The client recovers on a fresh connection.
    assert _ask(client).choices[0].message.content == "after reset"


def test_delay_beyond_timeout_is_timeout_error(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(body=completion("too late"), delay_s=2.0))

    start = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        _ask(client, timeout=0.2)
    assert time.perf_counter() - start < 1.5


def test_delay_within_timeout_answers(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(body=completion("slow but fine"), delay_s=0.1))

    start = time.perf_counter()
    assert _ask(client).choices[0].message.content == "slow but fine"
    assert time.perf_counter() - start >= 0.1


def test_requests_recorded_with_json(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(Reply(body=completion("x")))

    _ask(client, temperature=0.0)

    assert len(server.requests) == 1
    request = server.requests[0]
    assert request["method"] == "POST"
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer test"
    assert request["json"]["model"] == "fake-model"
    assert request["json"]["messages"] == MESSAGES
    assert request["json"]["temperature"] == 0.0
    assert server.chat_requests == server.requests


def test_calls_counted(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.default = Reply(body=completion("again"))
    assert server.calls == 0

    for _ in range(3):
        _ask(client)
    client.models.list()

    assert server.calls == 3  # GET /v1/models is recorded but is not a chat call
    assert len(server.requests) == 4


def test_tool_args_completion(server: FakeOpenAI, client: openai.OpenAI) -> None:
    args = json.dumps({"headline": "Nothing happened", "actors": []})
    server.script(Reply(body=completion(tool_args=args, finish_reason="tool_calls")))

    message = _ask(client).choices[0].message

    assert message.content is None
    assert message.tool_calls is not None and len(message.tool_calls) == 1
    call = message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == "BriefDraft"
    assert json.loads(call.function.arguments) == json.loads(args)


def test_refusal_and_empty_choices(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.script(
        Reply(body=completion(refusal="I can't help with that.")),
        Reply(body=empty_choices()),
    )

    assert _ask(client).choices[0].message.refusal == "I can't help with that."
    assert _ask(client).choices == []


def test_script_exhausted_is_500(server: FakeOpenAI, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as info:
        _ask(client)
    assert "script ran out" in str(info.value)


def test_default_callable_sees_request_json(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.default = lambda body: Reply(body=completion(f"model={body['model']}"))

    assert _ask(client).choices[0].message.content == "model=fake-model"


def test_responder_overrides_script() -> None:
    reply = Reply(body=completion("benchmark"), delay_s=0.01)
    with (
        FakeOpenAI(responder=lambda _body: reply) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as client,
    ):
        server.script(Reply(status=500))
        for _ in range(3):
            assert _ask(client).choices[0].message.content == "benchmark"
        assert server.calls == 3
        assert server.pending == 1


def test_models_list(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["fake-model"]


def test_unknown_route_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="fake-model", input="x")


def test_random_faults_deterministic_for_seed() -> None:
    def statuses(seed: int) -> list[int]:
        fault = random_faults(seed, p429=0.3, p500=0.1)
        return [fault({}).status for _ in range(200)]

    first = statuses(1234)
    assert first == statuses(1234)
    assert first != statuses(4321)
    assert set(first) == {200, 429, 500}
    assert 30 <= first.count(429) <= 90  # ~60 expected


def test_random_faults_as_default(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.default = random_faults(7, p429=0.5, p500=0.0, ok=Reply(body=completion("ok!")))
    outcomes: list[int] = []
    for _ in range(20):
        try:
            _ask(client)
            outcomes.append(200)
        except openai.RateLimitError as err:
            assert err.response.headers["retry-after"] == "0"
            outcomes.append(429)
    replay = random_faults(7, p429=0.5, p500=0.0)
    assert outcomes == [replay({}).status for _ in range(20)]
    assert {200, 429} == set(outcomes)


def test_random_faults_rejects_bad_probabilities() -> None:
    with pytest.raises(ValueError):
        random_faults(0, p429=0.8, p500=0.5)


def test_fifty_sequential_requests_are_fast(server: FakeOpenAI, client: openai.OpenAI) -> None:
    server.default = Reply(body=completion("fast"))
    _ask(client)  # warm up: connection + client lazy imports

    start = time.perf_counter()
    for _ in range(50):
        _ask(client)
    elapsed = time.perf_counter() - start

    assert elapsed < 1.5, f"50 requests took {elapsed:.3f}s: delayed-ACK stalls?"
    assert server.calls == 51


def test_stop_does_not_hang_with_pending_delay() -> None:
    server = FakeOpenAI().start()
    with openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as client:
        server.script(Reply(body=completion("never"), delay_s=30))
        with pytest.raises(openai.APITimeoutError):
            _ask(client, timeout=0.1)
        start = time.perf_counter()
        server.stop()
        assert time.perf_counter() - start < 2.0


async def test_async_client_works(server: FakeOpenAI) -> None:
    server.script(Reply(body=completion("async hello")))
    async with openai.AsyncOpenAI(
        base_url=server.base_url, api_key="test", max_retries=0
    ) as client:
        result = await client.chat.completions.create(model="fake-model", messages=MESSAGES)
    assert result.choices[0].message.content == "async hello"
