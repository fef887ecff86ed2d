"""Issue 13 #4 (model side), #6 and the re-ask echo: a total deadline per model request, the
request bound of long articles (``max_requests_per_brief``, tokenizer requests counted), and
a huge failed answer not sent back in the re-ask. Loopback servers only; nothing patched.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from briefs import ARTICLE as ARTICLE_TEXT
from briefs import draft as good_draft

from summarizer.article import Article
from summarizer.base.config import load_settings
from summarizer.base.errors import BackendError, ConfigurationError
from summarizer.model.options import Options
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeOpenAI, Reply, completion

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ARTICLE = Article(text=ARTICLE_TEXT, title="Port Halden strike", origin="port-strike.txt")
GOOD = Reply(body=completion(json.dumps(good_draft().model_dump())))


def settings_for(base_url: str, tmp_path: Path, **flags: Any) -> Any:
    values: dict[str, Any] = {
        "base_url": base_url,
        "model": "fake-model",
        "mode": "json_schema",
        "timeout_s": 5.0,
        "transport_attempts": 3,
        "retry_max_wait_s": 0.05,
        "max_reasks": 2,
        **flags,
    }
    return load_settings(values, env={}, path=tmp_path / "no-config.toml")


# --- #4: a model reply that trickles in ------------------------------------------------------


class Trickler:
    """A raw loopback server: reads a request, sends 200 headers at once, then the body of a
    valid completion one byte every ``every_s`` seconds (the per-read timeout never fires)."""

    def __init__(self, every_s: float = 0.3) -> None:
        self.every_s = every_s
        self.connections = 0
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        body = GOOD.encoded_body()
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(rest) < length:
                rest += conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n" % len(body)
            )
            for i in range(len(body)):
                if self.stop.wait(self.every_s):
                    return
                try:
                    conn.sendall(body[i : i + 1])
                except OSError:
                    return  # the client gave up: what the deadline is for

    def __enter__(self) -> Trickler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()
        self.thread.join(5)


def test_a_trickling_model_reply_ends_at_the_total_deadline(tmp_path: Path) -> None:
    """1 byte / 0.3 s would take minutes per attempt: each attempt ends at timeout_s."""
    timeout_s, attempts = 1.0, 2

    async def brief(base_url: str) -> float:
        settings = settings_for(  # the window set: no probe connection to count
            base_url,
            tmp_path,
            timeout_s=timeout_s,
            transport_attempts=attempts,
            context_window=8192,
        )
        async with Summarizer(settings=settings) as s:
            started = time.monotonic()
            with pytest.raises(BackendError, match="timed out waiting for") as info:
                # a guard for the test itself: without the deadline this runs for minutes
                await asyncio.wait_for(s.asummarize(ARTICLE), 20)
            assert info.value.usage.requests == attempts
            return time.monotonic() - started

    with (
        FakeOpenAI(default=GOOD) as warm,
        Summarizer(settings=settings_for(warm.base_url, tmp_path)) as s,
    ):
        s.summarize(ARTICLE)  # the SDK's first-use imports, not timed below
    with Trickler(every_s=0.3) as server:
        elapsed = asyncio.run(brief(server.base_url))
    assert server.connections == attempts  # retried like a timeout
    # without the deadline: ~1700 bytes x 0.3 s for each attempt
    assert timeout_s * attempts * 0.9 <= elapsed < timeout_s * attempts + 1.5


# --- #6: the request bound of a long article --------------------------------------------------


def long_text(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {i}: the council debated item {i} of the port budget for an hour. "
        f"Members said item {i} would cost {i * 7 % 90 + 10} million over three years."
        for i in range(paragraphs)
    )


def test_request_bound_grows_with_chunks() -> None:
    from summarizer.longform.budget import request_bound

    o = Options(transport_attempts=4, max_reasks=2)
    assert request_bound(0, o) == 12  # one call: A x (1 + R)
    assert request_bound(3, o) == 3 * 12 + 12  # chunks, then the consolidating call
    assert request_bound(3, o, chunk_reasks=False) == 3 * 4 + 12


def test_a_plan_over_max_requests_per_brief_is_refused_before_any_call(tmp_path: Path) -> None:
    text = long_text(150)  # about 17 chunks: 17 x 3 + 3 = 54 requests at most
    with FakeOpenAI() as server:
        settings = settings_for(
            server.base_url,
            tmp_path,
            max_input_tokens=500,
            chunk_tokens=400,
            max_reasks=0,
            max_requests_per_brief=40,
        )
        with Summarizer(settings=settings) as s, pytest.raises(ConfigurationError) as info:
            s.summarize(Article(text=text, origin="long.txt"))
        assert server.calls == 0  # nothing was asked of the model
    message = str(info.value)
    assert "max_requests_per_brief=40" in message and "chunks" in message
    assert info.value.source == "long.txt"


def test_max_requests_per_brief_from_the_cli_is_exit_2_before_any_call(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli.app import app

    path = tmp_path / "long.txt"
    path.write_text(long_text(40), encoding="utf-8")
    with FakeOpenAI() as server:
        args = ["summarize", str(path), "--format", "json", "--base-url", server.base_url]
        args += ["--model", "fake-model", "--mode", "json_schema", "--max-input-tokens", "500"]
        args += ["--chunk-tokens", "400", "--max-requests", "20"]
        result = CliRunner().invoke(app, args)
        assert server.calls == 0
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "max_requests_per_brief=20 (from flag)" in lines[0]


def test_tokenizer_requests_count_in_usage_requests(tmp_path: Path) -> None:
    with FakeOpenAI(default=GOOD) as server:
        # max_input_tokens forces the exact count: the planner looks for the server's
        # tokenizer (two POSTs, 404 here), then briefs the article in one call.
        settings = settings_for(
            server.base_url, tmp_path, max_input_tokens=len(ARTICLE_TEXT.split())
        )
        with Summarizer(settings=settings) as s:
            brief = s.summarize(ARTICLE)
        posts = [r for r in server.requests if r["method"] == "POST"]
    tokenizer = [r for r in posts if "tokenize" in r["path"]]
    assert len(tokenizer) == 2 and server.calls == brief.usage.requests - 2
    assert brief.usage.requests == len(posts)


# --- the re-ask does not echo a huge failed answer --------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def test_a_huge_schema_invalid_answer_is_not_echoed_in_the_reask(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    huge = {**good_draft().model_dump(), "headline": 7, "padding": "x" * 5_000_000}
    server.script(Reply(body=completion(json.dumps(huge))), GOOD)
    with Summarizer(settings=settings_for(server.base_url, tmp_path)) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 2 and brief.attempts == 2
    first, reask = (len(json.dumps(r["json"])) for r in server.chat_requests)
    assert reask < first + 20_000  # the checks, not the 5 MB answer
    assert "headline" in json.dumps(server.chat_requests[1]["json"]["messages"][-1])
