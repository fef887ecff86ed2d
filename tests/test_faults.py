"""Backend faults through the whole pipeline: each one's outcome and its exact HTTP call count.

Every fault comes from the scripted loopback server (``summarizer.testing.FakeOpenAI``);
nothing of ours is patched. The settings keep waits small: 3 transport attempts, 2 re-asks,
retry waits of at most 50 ms, a 0.5 s timeout in the tests of slow answers (5 s elsewhere,
so that a loaded machine does not turn a quick answer into a timeout). So one brief sends at most
3 x (1 + 2) = 9 requests.
The table in ``docs/reliability.md`` lists these tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from briefs import ARTICLE as ARTICLE_TEXT
from briefs import draft as good_draft

from summarizer.article import Article
from summarizer.base.config import load_settings
from summarizer.base.errors import (
    BackendError,
    BriefValidationError,
    RefusalError,
    SummarizerError,
    TruncatedOutputError,
)
from summarizer.cli.exits import exit_code
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeOpenAI, Reply, completion, empty_choices, error_body

TEXT = ARTICLE_TEXT
ARTICLE = Article(text=TEXT, title="Port Halden strike", origin="port-strike.txt")

ATTEMPTS = 3
REASKS = 2
TIMEOUT_S = 5.0  # generous: a loaded CI machine must not turn a fast answer into a timeout
SLOW_TIMEOUT_S = 0.5  # for the tests of answers slower than the timeout


def draft(**changes: Any) -> dict[str, Any]:
    """The shared known-good draft of the example article (every quote grounded), as JSON data."""
    return {**good_draft().model_dump(), **changes}


def answer(body: dict[str, Any] | str | None = None, **kwargs: Any) -> Reply:
    """A 200 chat completion whose content is ``body`` (a draft by default)."""
    content = (
        json.dumps(body if body is not None else draft()) if not isinstance(body, str) else body
    )
    return Reply(body=completion(content, **kwargs))


GOOD = answer()
INVENTED = "The minister resigned in protest on Friday"


def status(code: int, message: str = "fake failure", **headers: str) -> Reply:
    return Reply(status=code, body=error_body(message), headers=headers)


def settings_for(server: FakeOpenAI, tmp_path: Path, **flags: Any) -> Any:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "model": "fake-model",
        "mode": "json_schema",
        "timeout_s": TIMEOUT_S,
        "transport_attempts": ATTEMPTS,
        "retry_max_wait_s": 0.05,
        "max_reasks": REASKS,
        **flags,
    }
    return load_settings(values, env={}, path=tmp_path / "no-config.toml")


@pytest.fixture
def make(server: FakeOpenAI, tmp_path: Path) -> Iterator[Any]:
    made: list[Summarizer] = []

    def factory(**flags: Any) -> Summarizer:
        made.append(Summarizer(settings=settings_for(server, tmp_path, **flags)))
        return made[-1]

    yield factory
    for summarizer in made:
        summarizer.close()


def brief_after(make: Any, server: FakeOpenAI, *replies: Reply, **flags: Any) -> Any:
    server.script(*replies)
    return make(**flags).summarize(ARTICLE)


def failure(make: Any, server: FakeOpenAI, *replies: Reply, **flags: Any) -> SummarizerError:
    server.script(*replies)
    with pytest.raises(SummarizerError) as info:
        make(**flags).summarize(ARTICLE)
    return info.value


# --- transient HTTP failures: retried by the transport ---------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(status(429, **{"retry-after": "0.01"}), id="429-retry-after"),
        pytest.param(status(429, **{"retry-after-ms": "10"}), id="429-retry-after-ms"),
        pytest.param(status(500), id="500"),
        pytest.param(
            Reply(
                status=502, body=b"<html>\n<h1>Bad Gateway</h1>\n</html>", content_type="text/html"
            ),
            id="502-html",
        ),
        pytest.param(status(503, **{"retry-after": "0"}), id="503"),
        pytest.param(Reply(delay_s=SLOW_TIMEOUT_S * 3, body=GOOD.body), id="slower-than-timeout"),
        pytest.param(Reply(reset=True), id="connection-reset"),
    ],
)
def test_transient_fault_recovers_on_next_attempt(
    make: Any, server: FakeOpenAI, fault: Reply
) -> None:
    timeout = {"timeout_s": SLOW_TIMEOUT_S} if fault.delay_s else {}
    brief = brief_after(make, server, fault, fault, GOOD, **timeout)

    assert server.calls == 3
    assert brief.usage.requests == 3
    assert brief.attempts == 1  # one answer: the retries were transport-level
    assert brief.grounding.items_dropped == 0


@pytest.mark.parametrize(
    ("fault", "words", "code"),
    [
        pytest.param(status(429, "Rate limit reached"), "HTTP 429", 429, id="429"),
        pytest.param(status(500, "boom"), "HTTP 500", 500, id="500"),
        pytest.param(
            Reply(
                status=502, body=b"<html>\n<h1>Bad\nGateway</h1></html>", content_type="text/html"
            ),
            "HTTP 502",
            502,
            id="502",
        ),
        pytest.param(Reply(status=503, body=b""), "HTTP 503", 503, id="503-empty-body"),
        pytest.param(
            Reply(delay_s=SLOW_TIMEOUT_S * 3, body=GOOD.body), "timed out", None, id="slow"
        ),
        pytest.param(Reply(reset=True), "cannot reach", None, id="reset"),
    ],
)
def test_transient_fault_every_attempt_is_backend_error(
    make: Any, server: FakeOpenAI, fault: Reply, words: str, code: int | None
) -> None:
    started = time.monotonic()
    timeout = {"timeout_s": SLOW_TIMEOUT_S} if fault.delay_s else {}
    err = failure(make, server, *[fault] * ATTEMPTS, **timeout)

    assert type(err) is BackendError
    assert exit_code(err) == 4
    assert server.calls == ATTEMPTS
    assert err.attempts == ATTEMPTS
    assert err.usage.requests == ATTEMPTS
    assert err.status_code == code
    assert words in str(err)
    assert "\n" not in str(err)  # the CLI prints it as one line
    assert str(err).startswith("port-strike.txt: ")
    assert time.monotonic() - started < ATTEMPTS * SLOW_TIMEOUT_S * 3 + 5


def test_retry_after_is_honoured(make: Any, server: FakeOpenAI) -> None:
    started = time.monotonic()
    brief_after(make, server, status(429, **{"retry-after": "0.4"}), GOOD, retry_max_wait_s=5.0)
    assert time.monotonic() - started >= 0.4
    assert server.calls == 2


def test_retry_after_ms_wins_over_retry_after(make: Any, server: FakeOpenAI) -> None:
    started = time.monotonic()
    brief_after(
        make,
        server,
        status(429, **{"retry-after-ms": "300", "retry-after": "20"}),
        GOOD,
        retry_max_wait_s=5.0,
    )
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 5
    assert server.calls == 2


def test_retry_after_is_capped_by_retry_max_wait(make: Any, server: FakeOpenAI) -> None:
    started = time.monotonic()
    brief_after(make, server, status(429, **{"retry-after": "3600"}), GOOD, retry_max_wait_s=0.2)
    assert time.monotonic() - started < 3
    assert server.calls == 2


async def test_429_pauses_every_call_of_the_transport(make: Any, server: FakeOpenAI) -> None:
    """A 429 to one brief holds back the other brief's next request too."""
    arrivals: list[float] = []
    lock = threading.Lock()
    sent_429: list[float] = []
    replies = [
        replace(status(429, **{"retry-after": "0.6"}), delay_s=0.1),
        Reply(delay_s=0.3, body=answer(draft(headline=7)).body),  # bad: forces a re-ask
    ]

    def respond(_request: dict[str, Any]) -> Reply:
        with lock:
            arrivals.append(time.monotonic())
            if not replies:
                return GOOD
            reply = replies.pop(0)
            if reply.status == 429:
                sent_429.append(time.monotonic() + reply.delay_s)
            return reply

    server.responder = respond
    summarizer = make(retry_max_wait_s=5.0)
    other = Article(text=TEXT + "\n\nMore news later.", origin="other.txt")
    results = [r async for r in summarizer.summarize_many([ARTICLE, other], concurrency=2)]
    await summarizer.aclose()

    assert all(r.ok for r in results), [r.error for r in results]
    assert len(arrivals) == 4
    # Both later requests (the rate-limited retry and the other brief's re-ask, which
    # was ready at ~0.3 s) waited for the pause the 429 set.
    assert min(arrivals[2:]) >= sent_429[0] + 0.55


# --- answers that are not chat completions: not retried --------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(body=b"this is not JSON"), id="body-not-json"),
        pytest.param(
            Reply(body=b"<html><body>Login</body></html>", content_type="text/html"),
            id="html-page",
        ),
        pytest.param(Reply(body=[1, 2, 3]), id="json-not-a-completion"),
        pytest.param(
            Reply(body={**completion("x"), "choices": [{"index": 0, "finish_reason": "stop"}]}),
            id="choice-without-message",
        ),
    ],
)
def test_malformed_reply_is_backend_error_at_once(
    make: Any, server: FakeOpenAI, reply: Reply
) -> None:
    err = failure(make, server, reply, GOOD)

    assert isinstance(err, BackendError)
    assert exit_code(err) == 4
    assert "not" in str(err) and "chat completion" in str(err) or "not valid JSON" in str(err)
    assert "\n" not in str(err)
    assert server.calls == 1
    assert err.attempts == 1


def test_json_with_wrong_content_type_is_accepted(make: Any, server: FakeOpenAI) -> None:
    reply = Reply(body=GOOD.body, content_type="text/plain; charset=utf-8")
    brief = brief_after(make, server, reply)
    assert server.calls == 1
    assert brief.attempts == 1


def test_auth_failure_is_not_retried(make: Any, server: FakeOpenAI) -> None:
    err = failure(make, server, status(401, "Incorrect API key provided"))
    assert type(err) is BackendError
    assert err.status_code == 401
    assert "authentication failed" in str(err)
    assert server.calls == 1 and err.attempts == 1


# --- answers that fail validation: the re-ask loop --------------------------------------


def test_schema_mismatch_is_reasked_with_the_problems(make: Any, server: FakeOpenAI) -> None:
    brief = brief_after(make, server, answer({"headline": 3}), GOOD)

    assert server.calls == 2
    assert brief.attempts == 2
    reask = server.chat_requests[1]["json"]["messages"][-1]
    assert reask["role"] == "user"
    assert "headline" in reask["content"] and "summary" in reask["content"]


def test_schema_mismatch_every_time_is_validation_error(make: Any, server: FakeOpenAI) -> None:
    err = failure(make, server, *[answer({"headline": 3})] * (1 + REASKS))

    assert type(err) is BriefValidationError
    assert exit_code(err) == 5
    assert server.calls == 1 + REASKS
    assert err.attempts == 1 + REASKS
    assert err.problems and err.last_output == '{"headline": 3}'


def test_ungrounded_quote_is_reasked_then_fixed(make: Any, server: FakeOpenAI) -> None:
    bad = draft()
    bad["positions"][0]["evidence"] = [INVENTED]
    brief = brief_after(make, server, answer(bad), GOOD)

    assert server.calls == 2 and brief.attempts == 2
    assert INVENTED in server.chat_requests[1]["json"]["messages"][-1]["content"]
    assert brief.grounding.items_dropped == 0
    assert len(brief.positions) == 1


def test_ungrounded_quote_every_time_is_dropped_and_reported(make: Any, server: FakeOpenAI) -> None:
    bad = draft()
    bad["positions"][0]["evidence"] = [INVENTED]
    brief = brief_after(make, server, *[answer(bad)] * (1 + REASKS))

    assert server.calls == 1 + REASKS
    assert brief.positions == []
    assert brief.grounding.items_dropped == 1
    assert [d.path for d in brief.grounding.dropped] == ["positions[0]"]
    assert INVENTED in brief.grounding.dropped[0].reasons[0]
    for item in [*brief.summary, *brief.actors, *brief.disputes, *brief.next_steps]:
        assert all(TEXT[c.start : c.end] == c.quote for c in item.evidence)


def test_ungrounded_quote_under_strict_is_validation_error(make: Any, server: FakeOpenAI) -> None:
    bad = draft()
    bad["positions"][0]["evidence"] = [INVENTED]
    err = failure(make, server, *[answer(bad)] * (1 + REASKS), strict=True)

    assert type(err) is BriefValidationError
    assert server.calls == 1 + REASKS
    assert any(INVENTED in p for p in err.problems)


# --- truncation, refusal, empty and huge answers ----------------------------------------


def test_truncated_answer_is_asked_again_with_more_tokens(make: Any, server: FakeOpenAI) -> None:
    cut = answer('{"headline": "Port Halden', finish_reason="length")
    brief = brief_after(make, server, cut, GOOD, max_tokens=1000)

    assert server.calls == 2 and brief.attempts == 2
    sizes = [r["json"]["max_tokens"] for r in server.chat_requests]
    assert sizes == [1000, 2000]


def test_truncated_twice_is_truncated_output_error(make: Any, server: FakeOpenAI) -> None:
    cut = answer('{"headline": "Port Halden', finish_reason="length")
    err = failure(make, server, cut, cut, GOOD)

    assert type(err) is TruncatedOutputError
    assert exit_code(err) == 4
    assert server.calls == 2


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        pytest.param(
            Reply(body=completion(None, refusal="I can't help with that.")),
            "the model refused: I can't help with that.",
            id="refusal",
        ),
        pytest.param(
            answer(finish_reason="content_filter"), "stopped by a content filter", id="filter"
        ),
    ],
)
def test_refusal_is_refusal_error_without_retry(
    make: Any, server: FakeOpenAI, reply: Reply, words: str
) -> None:
    err = failure(make, server, reply, GOOD)

    assert type(err) is RefusalError
    assert exit_code(err) == 4
    assert words in str(err)
    assert server.calls == 1


def test_empty_choices_is_backend_error_without_retry(make: Any, server: FakeOpenAI) -> None:
    err = failure(make, server, Reply(body=empty_choices()), GOOD)

    assert type(err) is BackendError
    assert "no choices" in str(err)
    assert server.calls == 1


def test_very_large_body_is_reasked_without_echoing_it(make: Any, server: FakeOpenAI) -> None:
    huge = answer("x" * 8_000_000)  # an 8 MB answer that is not a brief
    brief = brief_after(make, server, huge, GOOD)

    assert server.calls == 2 and brief.attempts == 2
    # The non-JSON answer is not sent back: the re-ask stays small.
    reask = json.dumps(server.chat_requests[1]["json"])
    assert len(reask) < 100_000


def test_very_large_body_every_time_is_validation_error(make: Any, server: FakeOpenAI) -> None:
    huge = answer("x" * 8_000_000)
    started = time.monotonic()
    err = failure(make, server, *[huge] * (1 + REASKS))

    assert type(err) is BriefValidationError
    assert server.calls == 1 + REASKS
    assert len(str(err)) < 1000
    assert time.monotonic() - started < 10


def test_bound_on_calls_per_brief(make: Any, server: FakeOpenAI) -> None:
    """Worst case: every answer fails after transient faults; exactly the documented bound."""
    per_answer = [status(500)] * (ATTEMPTS - 1) + [answer({"headline": 3})]
    err = failure(make, server, *per_answer * (1 + REASKS), GOOD)

    assert type(err) is BriefValidationError
    assert server.calls == ATTEMPTS * (1 + REASKS)
    assert err.usage.requests == ATTEMPTS * (1 + REASKS)


# --- the same faults through the CLI: one line on stderr and the exit code ---------------


def cli(base_url: str, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``summarizer summarize`` on the example article against ``base_url``."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    article = tmp_path / "port-strike.txt"
    article.write_text(TEXT, encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "SUMMARIZER_"))
    }
    env |= {
        "SUMMARIZER_HOME": str(tmp_path / "home"),
        "SUMMARIZER_TRANSPORT_ATTEMPTS": str(ATTEMPTS),
        "SUMMARIZER_RETRY_MAX_WAIT_S": "0.01",
        "SUMMARIZER_TIMEOUT_S": str(TIMEOUT_S),
        "SUMMARIZER_MAX_REASKS": str(REASKS),
    }
    command = [sys.executable, "-c", "from summarizer.cli.app import main; main()"]
    command += ["-q", "summarize", "--base-url", base_url]
    command += ["--model", "fake-model", "--mode", "json_schema", "--format", "json"]
    command += [*args, str(article)]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


CLI_CASES: dict[str, tuple[list[Reply], int, int, str | None]] = {
    # id: (replies, exit code, HTTP calls, words in the error line)
    "ok": ([GOOD], 0, 1, None),
    "500": ([status(500, "boom")] * ATTEMPTS, 4, ATTEMPTS, "HTTP 500 from"),
    "not-json": ([Reply(body=b"not json")], 4, 1, "not valid JSON"),
    "schema": ([answer({"headline": 3})] * (1 + REASKS), 5, 1 + REASKS, "failed validation"),
}


def test_cli_exit_code_for_each_fault(tmp_path: Path) -> None:
    """Each kind of outcome through ``summarizer summarize``: one error line, exit code, calls.

    The cases run side by side (one server and one process each) to keep the suite fast.
    Refusal, truncation and empty choices share exit 4 with every BackendError (asserted
    through ``exit_code`` above, which is what the CLI exits with).
    """
    with contextlib.ExitStack() as stack:
        running = {}
        for name, (replies, *_) in CLI_CASES.items():
            server = stack.enter_context(FakeOpenAI())
            server.script(*replies)
            running[name] = (server, cli(server.base_url, tmp_path / name))
        for name, (server, process) in running.items():
            stdout, stderr = process.communicate(timeout=60)
            _, code, calls, words = CLI_CASES[name]
            assert process.returncode == code, (name, stderr)
            assert server.calls == calls, name
            assert "Traceback" not in stderr, name
            if words is None:
                assert json.loads(stdout)["headline"] == draft()["headline"]
                assert stderr == ""
                continue
            lines = stderr.splitlines()
            assert len(lines) == 1, (name, stderr)
            assert lines[0].startswith("summarizer: error: "), name
            assert "port-strike.txt" in lines[0] and words in lines[0], (name, lines[0])
            assert stdout == "", name
