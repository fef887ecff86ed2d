"""The API key never shows: not in logs at any level, error messages, tracebacks, the store.

A recognisable fake key is set as ``OPENAI_API_KEY`` and a hostile server echoes it back in
every error it can (500, 400, 401 bodies, an HTML page). Every path that logs or records
runs: ``summarize`` with ``--debug`` and ``-v``, successes and failures, ``backends``,
``digest run`` (which records runs, errors and briefs in SQLite), and the library with all
loggers at DEBUG. Then stdout, stderr, the captured logs and every file written (the
database with its WAL, the digest outputs) are searched for the key. Cassettes are
scrubbed by the recording settings in ``conftest.py`` (tested in ``test_cassettes.py``).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from briefs import ARTICLE, draft_json

from summarizer.base.config import load_settings
from summarizer.base.errors import SummarizerError
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeOpenAI, Reply, completion, error_body
from summarizer.testing.digest import (
    FAIL_MARK,
    PORT,
    UKRAINE,
    article_of,
    draft_for,
    write_articles,
)

KEY = f"sk-test-SECRET-{uuid.uuid4().hex}"
MARK = KEY.removeprefix("sk-test-")  # also catches a key with its prefix cut off
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


def echo(status: int, **kw: Any) -> Reply:
    return Reply(status=status, body=error_body(f"Incorrect API key provided: {KEY}", **kw))


def hostile(request: dict[str, Any]) -> Reply:
    """Briefs for the good articles; for the rest, errors that repeat the key."""
    text = article_of(request)
    if FAIL_MARK in text:
        return echo(500)
    return Reply(body=completion(json.dumps(draft_for(text))))


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return KEY


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return env | {
        "OPENAI_API_KEY": KEY,
        "SUMMARIZER_HOME": str(home),
        "SUMMARIZER_TRANSPORT_ATTEMPTS": "2",
        "SUMMARIZER_RETRY_MAX_WAIT_S": "0",
        "SUMMARIZER_MAX_REASKS": "0",
    }


def _model(server: FakeOpenAI) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", "--mode", "json_schema"]


@pytest.fixture
def servers() -> Iterator[dict[str, FakeOpenAI]]:
    replies = {
        "ok": Reply(body=completion(draft_json())),
        "500": echo(500),
        "400": echo(400, type="invalid_request_error"),
        "401": echo(401, type="invalid_request_error", code="invalid_api_key"),
        "html": Reply(body=f"<html>proxy error for {KEY}</html>", content_type="text/html"),
    }
    started = {name: FakeOpenAI(default=reply).start() for name, reply in replies.items()}
    started["digest"] = FakeOpenAI(responder=hostile).start()
    yield started
    for server in started.values():
        server.stop()


def test_no_path_that_logs_or_records_shows_the_key(
    servers: dict[str, FakeOpenAI], tmp_path: Path
) -> None:
    news = tmp_path / "news"
    write_articles(news, [PORT, UKRAINE])
    (news / "failing.txt").write_text(f"{FAIL_MARK}: Olaf Scholz spoke. It was short.")
    runs: dict[str, list[str]] = {}
    # --debug logs everything -v does and adds tracebacks; -v has its own one-line errors.
    cases = [(name, "--debug") for name in ("ok", "500", "400", "401", "html")]
    for name, flag in [*cases, ("ok", "-v"), ("401", "-v")]:
        runs[f"summarize-{name}{flag}"] = [
            flag, "summarize", *_model(servers[name]), "--format", "json", str(EXAMPLE)
        ]  # fmt: skip
    runs["summarize-bad-input--debug"] = ["--debug", "summarize", *_model(servers["ok"]), "/nope"]
    runs["backends--debug"] = ["--debug", "backends", *_model(servers["401"])[:4]]
    runs["digest--debug"] = [
        "--debug", "digest", "run", "-s", str(news), "--out", str(tmp_path / "out"),
        "--db", str(tmp_path / "digest.db"), *_model(servers["digest"]),
    ]  # fmt: skip

    processes = {
        name: subprocess.Popen(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path / "homes" / name),
        )
        for name, args in runs.items()
    }
    outputs = {name: p.communicate(timeout=120) for name, p in processes.items()}
    codes = {name: p.returncode for name, p in processes.items()}

    # Each path really ran, and really sent the key.
    assert codes["summarize-ok--debug"] == codes["summarize-ok-v"] == 0
    for name in ("500", "400", "401", "html"):
        assert codes[f"summarize-{name}--debug"] == 4, name
    assert codes["summarize-401-v"] == 4
    assert codes["summarize-bad-input--debug"] == 3
    assert codes["backends--debug"] == 0 and codes["digest--debug"] == 6
    assert "Traceback" in outputs["summarize-500--debug"][1]  # --debug does show tracebacks
    assert "authentication failed" in outputs["summarize-401-v"][1]
    assert servers["ok"].requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    assert servers["digest"].calls >= 3

    for name, (stdout, stderr) in outputs.items():
        assert MARK not in stdout, f"{name}: stdout shows the key"
        assert MARK not in stderr, f"{name}: stderr shows the key"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != news]
    assert any(p.name.endswith(".db") for p in written)
    assert any(p.suffix == ".html" for p in written)
    for path in written:
        assert MARK.encode() not in path.read_bytes(), f"{path} holds the key"


def test_library_logs_and_errors_never_show_the_key(
    key: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, openai, httpx, instructor
    with FakeOpenAI() as server:
        server.script(echo(500), echo(500), echo(400))
        settings = load_settings(
            {
                "base_url": server.base_url,
                "model": "fake-model",
                "mode": "json_schema",
                "transport_attempts": 2,
                "retry_max_wait_s": 0,
            },
            path=tmp_path / "no-config.toml",
        )
        errors: list[SummarizerError] = []
        with Summarizer(settings=settings) as summarizer:
            for _ in range(2):
                try:
                    summarizer.summarize(ARTICLE)
                except SummarizerError as exc:
                    errors.append(exc)
        assert server.requests[0]["headers"]["authorization"] == f"Bearer {key}"
    assert [e.status_code for e in errors] == [500, 400]  # type: ignore[attr-defined]
    assert "[REDACTED]" in str(errors[0])
    for err in errors:
        shown = [str(err), repr(err), err.message, str(err.__cause__), repr(err.__cause__)]
        assert not any(MARK in text for text in shown)
    assert caplog.records and MARK not in caplog.text


def _no_run_of_the_key(text: str) -> bool:
    return not any(KEY[i : i + 8] in text for i in range(len(KEY) - 7))


@pytest.mark.parametrize("pad", [250, 285])
def test_a_key_echoed_across_the_snippet_cut_shows_no_8_characters(
    key: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, pad: int
) -> None:
    """The error snippet is cut at 300 characters: redaction must come first (issue 13 #2)."""
    caplog.set_level(logging.DEBUG)
    body = error_body("x" * pad + f" key {KEY} was rejected")
    with FakeOpenAI() as server:
        server.default = Reply(status=500, body=body)
        settings = load_settings(
            {"base_url": server.base_url, "model": "fake-model", "mode": "json_schema",
             "transport_attempts": 1, "retry_max_wait_s": 0},
            path=tmp_path / "no-config.toml",
        )  # fmt: skip
        with Summarizer(settings=settings) as summarizer, pytest.raises(SummarizerError) as info:
            summarizer.summarize(ARTICLE)
    err = info.value
    for text in (str(err), repr(err), str(err.__cause__), caplog.text):
        assert _no_run_of_the_key(text), text
