"""Round three of the attack (issue 23) outside the Batch API, verify and model downloads:
impossible token counts, far dates, a digest config found wrong late, a damaged or read-only
database, bidi overrides, errors on more than one line, and a DNS lookup that made tests
wait. The command runs in a subprocess, as a user runs it, against loopback servers."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import Summarizer
from summarizer.testing import FakeOpenAI, MockOpenAI, Reply
from summarizer.testing.digest import brief_responder

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "port-strike.txt"
PAYLOAD = b"GGUF" + bytes(range(256)) * 64


def cli(*args: str, wrap: list[str] | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from summarizer.cli.app import main; sys.argv[0] = 'summarizer'; main()"
    return subprocess.run(
        [*(wrap or []), sys.executable, "-c", code, *args],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def model(server: FakeOpenAI | Any) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", "--mode", "json_schema"]


def db_file(home: Path) -> Path:
    return home / "data" / "summarizer.db"


def briefs_stored(home: Path) -> int:
    if not db_file(home).exists():
        return 0
    conn = sqlite3.connect(db_file(home))
    try:
        return int(conn.execute("SELECT count(*) FROM briefs").fetchone()[0])
    finally:
        conn.close()


def responder_with_usage(usage: dict[str, Any]) -> Any:
    inner = brief_responder()

    def respond(request: dict[str, Any]) -> Reply:
        reply = inner(request)
        body = dict(reply.body)
        body["usage"] = usage
        return Reply(body=body)

    return respond


# --- 7, 8, 16: token counts a server should never report ------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(-100_000_000, "-100000000"), (float("inf"), "inf"), ("abc", "'abc'")],
    ids=["negative", "infinity", "string"],
)
def test_impossible_token_counts_are_a_malformed_reply(
    isolated: Path, value: Any, shown: str
) -> None:
    """-1e8 would cost $-75, Infinity cached a brief that fails its own schema (every later
    summarize of the article then failed), a string was a TypeError (exit 1): each is now
    a malformed reply (exit 4, one line, not retried), and nothing is cached."""
    usage = {"prompt_tokens": value, "completion_tokens": 10, "total_tokens": 10}
    with FakeOpenAI(responder=responder_with_usage(usage)) as bad:
        result = cli("summarize", str(EXAMPLE), *model(bad))
        calls = bad.calls
    assert result.returncode == 4, result.stderr
    assert f"impossible token usage (prompt_tokens = {shown})" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and calls == 1
    assert briefs_stored(isolated) == 0
    with FakeOpenAI(responder=brief_responder()) as good:
        again = cli("summarize", str(EXAMPLE), *model(good), "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["usage"]["prompt_tokens"] >= 0


# --- 15: usage --since far away ------------------------------------------------------------


def test_usage_since_far_dates_is_never_an_overflow() -> None:
    far = cli("usage", "--since", "99999999999d")
    assert far.returncode == 0 and "0001-01-01" in far.stdout, far.stderr
    for when in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"):
        result = cli("usage", "--since", when)
        assert result.returncode == 2, result.stderr
        assert "out of range" in result.stderr and len(result.stderr.splitlines()) == 1


# --- 17: the digest config checked before anything is paid for -----------------------------


@pytest.mark.parametrize(
    "config",
    [
        'webhook = "file:///etc/passwd"',
        'webhook = "gopher://x"',
        "fetch_timeout_s = -1",
        "webhook_timeout_s = 0",
    ],
)
def test_a_bad_digest_config_is_exit_2_before_any_brief(tmp_path: Path, config: str) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    shutil.copy(EXAMPLE, articles / "a.txt")
    path = tmp_path / "digest.toml"
    path.write_text(config + "\n", encoding="utf-8")
    with FakeOpenAI(responder=brief_responder()) as server:
        result = cli("digest", "run", "-c", str(path), "-s", str(articles), *model(server))
        flag = cli("digest", "run", "-s", str(articles), "--webhook", "gopher://x", *model(server))
        calls = server.calls
    for res in (result, flag):
        assert res.returncode == 2, res.stderr
        assert len(res.stderr.splitlines()) == 1 and "digest config" in res.stderr
    assert calls == 0  # nothing briefed, nothing paid


# --- 21: one corrupt page ---------------------------------------------------------------------


def _corrupt(path: Path) -> None:
    """Every page but the first (the header and the schema) overwritten: reading a brief
    meets a corrupt page, while the file still opens as a database."""
    data = bytearray(path.read_bytes())
    assert len(data) > 8192 and not Path(f"{path}-wal").exists()
    data[4096:] = bytes((i * 7 + 13) % 256 for i in range(len(data) - 4096))
    path.write_bytes(bytes(data))


def test_a_corrupt_page_turns_the_cache_off_and_is_one_line_elsewhere(
    isolated: Path, tmp_path: Path
) -> None:
    with FakeOpenAI(responder=brief_responder()) as server:
        assert cli("summarize", str(EXAMPLE), *model(server)).returncode == 0
        _corrupt(db_file(isolated))
        again = cli("summarize", str(EXAMPLE), *model(server), "--format", "json")
        usage = cli("usage")
        articles = tmp_path / "in"
        articles.mkdir()
        shutil.copy(EXAMPLE, articles / "a.txt")
        digest = cli("digest", "run", "-s", str(articles), *model(server))
        calls = server.calls
    assert again.returncode == 0, again.stderr  # the brief is made again: the cache is off
    assert json.loads(again.stdout)["headline"]
    assert "brief cache off" in again.stderr and "damaged" in again.stderr
    for res in (usage, digest):
        assert res.returncode == 2, res.stderr
        assert "is damaged" in res.stderr and len(res.stderr.splitlines()) == 1
    assert calls == 2  # the first brief, and the one made again


# --- 22: a read-only home ---------------------------------------------------------------------


@pytest.fixture
def read_only(isolated: Path) -> Iterator[list[str]]:
    """A prefix that runs a command with SUMMARIZER_HOME read-only: a private read-only bind
    mount when we are root (chmod does not stop root), else the folder's write bits off."""
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("root without unshare: cannot make a read-only home")
        home = str(isolated)
        wrap = ["unshare", "-m", "sh", "-c", f"mount --bind -o ro '{home}' '{home}' && exec \"$@\"",
                "sh"]  # fmt: skip
        probe = subprocess.run([*wrap, "touch", f"{home}/probe"], capture_output=True)
        if probe.returncode == 0 or b"Read-only" not in probe.stderr:
            pytest.skip(f"cannot mount a read-only home here: {probe.stderr!r}")
        yield wrap
        return
    modes = {p: p.stat().st_mode for p in [isolated, *isolated.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~0o222)
    yield []
    for path, mode in modes.items():
        path.chmod(mode)


def test_a_read_only_home_serves_the_cache_and_refuses_writes_in_one_line(
    isolated: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    shutil.copy(EXAMPLE, articles / "a.txt")
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(PAYLOAD)
    with FakeOpenAI(responder=brief_responder()) as server:
        first = cli("summarize", str(EXAMPLE), *model(server), "--format", "json")
        assert first.returncode == 0, first.stderr
        wrap: list[str] = request.getfixturevalue("read_only")
        cached = cli("summarize", str(EXAMPLE), *model(server), "--format", "json", wrap=wrap)
        digest = cli("digest", "run", "-s", str(articles), *model(server), wrap=wrap)
        models = cli("models", "add", str(gguf), "--name", "tiny", wrap=wrap)
        calls = server.calls
    assert cached.returncode == 0, cached.stderr
    assert json.loads(cached.stdout)["headline"] == json.loads(first.stdout)["headline"]
    assert calls == 1  # served from the read-only cache: not paid for twice
    for res in (digest, models):
        assert res.returncode == 2, res.stderr
        assert "cannot write" in res.stderr and len(res.stderr.splitlines()) == 1


# --- 26: bidi overrides -----------------------------------------------------------------------


def test_bidi_overrides_reach_no_format(tmp_path: Path) -> None:
    article = tmp_path / "rtl.txt"
    article.write_text(
        "Port \u202eHalden\u202c strike extended\n\n" + EXAMPLE.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    inner = brief_responder()

    def respond(request: dict[str, Any]) -> Reply:
        body = dict(inner(request).body)
        message = body["choices"][0]["message"]
        draft = json.loads(message["content"])
        draft["headline"] = "Strike \u202eextended\u2066 at Port Halden\u2069"
        message["content"] = json.dumps(draft)
        return Reply(body=body)

    with FakeOpenAI(responder=respond) as server:
        outputs = {
            fmt: cli("summarize", str(article), *model(server), "--format", fmt, "--no-cache")
            for fmt in ("json", "markdown", "text", "html")
        }
    for fmt, res in outputs.items():
        assert res.returncode == 0, (fmt, res.stderr)
        found = [c for c in res.stdout if 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
        assert not found, (fmt, found)
        assert "Strike extended at Port Halden" in res.stdout or fmt == "html", (fmt, res.stdout)


# --- 27: one line ------------------------------------------------------------------------------


def test_usage_and_unexpected_errors_are_one_line() -> None:
    usage = cli("summarize", "x", "--bogus")
    assert usage.returncode == 2 and len(usage.stderr.splitlines()) == 1, usage.stderr
    assert "No such option: --bogus" in usage.stderr
    boom = (
        "import sys; from summarizer.cli.app import app, main\n"
        "@app.command('boom')\n"
        "def boom() -> None:\n"
        "    raise RuntimeError('first line\\nsecond line \\x1b[2J')\n"
        "sys.argv = ['summarizer', 'boom']; main()\n"
    )
    unexpected = subprocess.run(
        [sys.executable, "-c", boom], capture_output=True, text=True, timeout=60
    )
    assert unexpected.returncode == 1
    assert unexpected.stderr.splitlines() == [
        "summarizer: unexpected error: RuntimeError: first line second line [2J (run with "
        "--debug for the traceback)"
    ]
    alone = cli()  # a command group without arguments still shows its help
    assert alone.returncode == 2 and "Usage: summarizer" in alone.stderr


# --- the slow tests: a DNS lookup behind a transport that needs no network ---------------------


_LOOKUPS: list[str] = []
_WATCHING = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.getaddrinfo" and _WATCHING.is_set():
        _LOOKUPS.append(str(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed: this one records only while watching


def test_a_summarizer_on_a_mock_transport_resolves_no_host() -> None:
    """The window probe went around ``Summarizer(transport=...)`` to the network: a DNS
    lookup of fake-openai.test that waited ~5 s in a full run. It goes through the given
    transport now: the mock sees it, and no host is resolved."""
    mock = MockOpenAI()
    mock.default = brief_responder()
    _LOOKUPS.clear()
    _WATCHING.set()
    try:
        with Summarizer(
            base_url=mock.base_url, model="fake-model", mode="json_schema", transport=mock.transport
        ) as s:
            brief = s.summarize(EXAMPLE)
    finally:
        _WATCHING.clear()
    assert brief.headline
    assert _LOOKUPS == []
    paths = [r["path"] for r in mock.requests]
    assert "/props" in paths and paths.count("/v1/chat/completions") == 1, paths
