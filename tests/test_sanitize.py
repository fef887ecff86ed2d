"""The one sanitizer (issue 23): every string a server, a provider or a brief file supplies
passes :func:`summarizer.base.redact.sanitize` (keys redacted, C0/C1 controls and bidi overrides
out, one line, bounded, redacted before it is cut) before it is printed or stored.

:func:`test_every_output_and_storage_path_is_sanitized` feeds each path the same hostile
text: the API key, an OSC escape, a newline that would start a forged second line, and a
bidi override. Then it looks at everything that path printed or stored: stdout, stderr (with
``--debug`` tracebacks where the path has one), every text value of the database, and every
file written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from batchserver import BatchServer
from hostileserver import Hostile
from test_batch_faults import (
    HOSTILE,
    KEY,
    answer,
    assert_clean,
    error_line,
    finished,
    submitted,
    write,
)
from test_verify import GOOD_V1

from summarizer.base.redact import MARK, mentions, sanitize, strip_unsafe
from summarizer.testing import FakeOpenAI, Reply, completion
from summarizer.testing.digest import brief_responder, write_articles

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


# --- the function -------------------------------------------------------------------------------


def test_sanitize_redacts_strips_joins_and_bounds_in_that_order() -> None:
    out = sanitize(HOSTILE, [KEY])
    assert out == "boom ]0;PWNED key=[REDACTED] SECOND LINE evil"
    # an escape inside the key cannot split it into harmless runs
    split = KEY[:20] + "\x1b[0m" + KEY[20:]
    assert not mentions(sanitize(split, [KEY]), [KEY])
    # redacted before it is cut: a key after 185 characters leaves no prefix at any limit
    long = "x" * 185 + KEY + " more"
    for limit in range(150, 260, 7):
        cut = sanitize(long, [KEY], limit=limit)
        assert len(cut) <= limit and not mentions(cut, [KEY]), limit
    assert len(sanitize("y" * 10_000_000)) == 300  # bounded, and quickly
    assert sanitize(ValueError("")) == "ValueError"
    assert strip_unsafe("a\u202eb\u2066c\u200fd\n") == "abc\u200fd\n"  # RLM stays: it only marks


# --- every path ----------------------------------------------------------------------------------


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    return {**env, "SUMMARIZER_HOME": str(home), "OPENAI_API_KEY": KEY}


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from summarizer.cli.app import main; sys.argv[0] = 'summarizer'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(home),
    )


def model(server: Any) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", "--mode", "json_schema"]


def echoing(status: int) -> Reply:
    return Reply(status=status, body={"error": {"message": HOSTILE, "type": "server_error"}})


def summarize_fails(status: int) -> Callable[[Path], list[subprocess.CompletedProcess[str]]]:
    def go(home: Path) -> list[subprocess.CompletedProcess[str]]:
        with FakeOpenAI(default=echoing(status)) as server:
            plain = cli(home, "summarize", str(EXAMPLE), *model(server))
            debug = cli(home, "--debug", "summarize", str(EXAMPLE), *model(server))
        assert plain.returncode == 4 and "boom" in plain.stderr, plain.stderr
        return [plain, debug]

    return go


def refusal(home: Path) -> list[subprocess.CompletedProcess[str]]:
    with FakeOpenAI(default=Reply(body=completion(None, refusal=HOSTILE))) as server:
        res = cli(home, "summarize", str(EXAMPLE), *model(server))
    assert res.returncode == 4 and "the model refused: boom" in res.stderr, res.stderr
    return [res]


def backends(home: Path) -> list[subprocess.CompletedProcess[str]]:
    with FakeOpenAI(default=echoing(500)) as server:
        server.models = ()  # noqa: B018
        res = cli(home, "--debug", "backends", "--base-url", server.base_url, "--model", "m")
    return [res]


def digest(home: Path) -> list[subprocess.CompletedProcess[str]]:
    """An article the model refuses with the hostile text: the error is recorded in the
    store, listed in every digest format and logged."""
    news = home.parent / "news"
    write_articles(news, [("Daniel Brandt", "Port Authority"), ("Maria Lopez", "City Council")])
    inner = brief_responder()

    def respond(request: dict[str, Any]) -> Reply:
        if "Maria Lopez" in json.dumps(request["messages"]):
            return Reply(body=completion(None, refusal=HOSTILE))
        return inner(request)

    with FakeOpenAI(responder=respond) as server:
        res = cli(home, "--debug", "digest", "run", "-s", str(news), "--out", str(home / "out"),
                  *model(server))  # fmt: skip
    assert res.returncode == 6, res.stderr
    assert any(p.suffix == ".html" for p in (home / "out").rglob("*"))
    return [res]


def batch_collect(home: Path) -> list[subprocess.CompletedProcess[str]]:
    from test_batch import name

    def hostile(kind: str, data: bytes) -> bytes:
        if kind != "error":
            return data
        return b"".join(error_line(json.loads(x)["custom_id"], HOSTILE) for x in data.splitlines())

    folder = write(home.parent / "in", 2)
    with BatchServer(
        answer, tick_s=0.01, fail_once=(name(1),), hooks=Hostile(mangle=hostile)
    ) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        out = [cli(home, "batch", "collect", ref), cli(home, "--debug", "batch", "collect", ref)]
    assert out[0].returncode == 6 and "server_error: boom" in out[0].stderr
    return out


def batch_status(home: Path) -> list[subprocess.CompletedProcess[str]]:
    folder = write(home.parent / "in", 1)
    with BatchServer(answer, tick_s=0.01, fail_batch=HOSTILE) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        out = [cli(home, "batch", "status", ref), cli(home, "batch", "status", "--json")]
    assert "boom" in out[0].stdout
    return out


def batch_api(home: Path) -> list[subprocess.CompletedProcess[str]]:
    body = json.dumps({"error": {"message": HOSTILE}}).encode()

    def fail(method: str, path: str) -> tuple[int, str, bytes] | None:
        return (500, "application/json", body) if method == "POST" else None

    folder = write(home.parent / "in", 1)
    with BatchServer(answer, hooks=Hostile(intercept=fail)) as server:
        endpoint = ["--base-url", server.base_url, "--model", "m"]
        res = cli(home, "batch", "submit", str(folder), *endpoint)
        debug = cli(home, "--debug", "batch", "status")  # the pending job, created again
    assert res.returncode == 4 and "HTTP 500: boom" in res.stderr, res.stderr
    assert "Traceback" in debug.stderr and "HTTP 500: boom" in debug.stderr
    return [res, debug]


def verify_brief(home: Path) -> list[subprocess.CompletedProcess[str]]:
    brief = json.loads(json.dumps(GOOD_V1))
    brief["summary"][0]["text"] = HOSTILE
    brief["actors"][0]["role"] = HOSTILE
    home.mkdir(parents=True, exist_ok=True)
    path = home.parent / "hostile-brief.txt"  # the input (.txt files are not scanned)
    path.write_text(json.dumps(brief), encoding="utf-8")
    out = [cli(home, "verify", str(path), str(EXAMPLE), "--format", f) for f in ("text", "json")]
    assert all(r.returncode == 5 for r in out) and "boom" in out[0].stdout
    return out


def models_add(home: Path) -> list[subprocess.CompletedProcess[str]]:
    with FakeOpenAI(default=echoing(500)) as server:
        url = f"{server.base_url}/m.gguf?token={KEY}&note=%1B%5D0%3BPWNED%07"
        res = cli(home, "models", "add", url)
    assert res.returncode == 4, res.stderr
    return [res]


PATHS: dict[str, Callable[[Path], list[subprocess.CompletedProcess[str]]]] = {
    "summarize: HTTP 500 (retried)": summarize_fails(500),
    "summarize: HTTP 400": summarize_fails(400),
    "summarize: HTTP 429": summarize_fails(429),
    "summarize: a refusal": refusal,
    "backends: the probe": backends,
    "digest run: store, outputs, log": digest,
    "batch collect: an error-file line": batch_collect,
    "batch status: a failed batch": batch_status,
    "batch submit: a Batch API error": batch_api,
    "verify: a brief's own text": verify_brief,
    "models add: a URL with a token": models_add,
}


def db_texts(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            value
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own names
            for value in row
            if isinstance(value, str)
        ]
    finally:
        conn.close()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_output_and_storage_path_is_sanitized(tmp_path: Path, path: str) -> None:
    home = tmp_path / "home"
    began = time.monotonic()
    results = PATHS[path](home)
    for res in results:
        assert_clean(res.stdout, f"{path}: stdout")
        assert_clean(res.stderr, f"{path}: stderr")
    for db in home.rglob("*.db"):
        for value in db_texts(db):
            if "boom" in value or MARK in value:  # the hostile text, as stored
                for line in value.splitlines() if value.startswith("{") else [value]:
                    assert_clean(line, f"{path}: {db.name}")
            assert not mentions(value, [KEY]), f"{path}: {db.name} holds the key"
    for file in tmp_path.rglob("*"):
        if file.is_file() and file.suffix not in (".db", ".txt") and "-wal" not in file.name:
            text = file.read_text(encoding="utf-8", errors="replace")
            assert not mentions(text, [KEY]), f"{path}: {file} holds the key"
            if file.suffix in (".md", ".html"):
                assert_clean(text, f"{path}: {file.name}")
    assert time.monotonic() - began < 90
