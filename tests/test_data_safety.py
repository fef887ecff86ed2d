"""The digest survives being killed anywhere, and never leaves a half-written output file.

``summarizer digest run`` runs as a real process and gets SIGKILL at several points:
while starting and ingesting, after the first brief is stored, halfway through the
briefs, and while it delivers (the webhook holds the request). After each kill the
database opens and passes ``PRAGMA integrity_check``, holds each article and each brief
once, every output file under its final name is complete, and the next run finishes the
job: every article in the digest exactly once, no stored brief asked for again.
(``test_digest_cli.py`` has the plain kill-and-rerun case with its delivery count.)
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.digest.models import Digest
from summarizer.digest.run import run_digest
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import (
    CITY,
    PORT,
    UKRAINE,
    brief_responder,
    make_config,
    write_articles,
)

ARTICLES = 8


class SlowHook:
    """A webhook that takes ``delay_s`` to answer: a window to kill a delivering run."""

    def __init__(self, delay_s: float) -> None:
        self.posts: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.posts.append(self.rfile.read(int(self.headers["content-length"])))
                time.sleep(owner.delay_s)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.delay_s = delay_s
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SlowHook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.delay_s = 0
        self.server.shutdown()
        self.server.server_close()


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet


def count(db: Path, table: str) -> int:
    rows = query(db, f"SELECT count(*) FROM {table}")
    return int(rows[0][0]) if rows else 0


# When to kill: a condition on the database (or the webhook) the test waits for.
KILL_POINTS: dict[str, Callable[[Path, SlowHook], bool]] = {
    "starting": lambda db, hook: db.exists(),
    "first-brief": lambda db, hook: count(db, "briefs") >= 1,
    "half-the-briefs": lambda db, hook: count(db, "briefs") >= ARTICLES // 2,
    "delivering": lambda db, hook: len(hook.posts) >= 1,
}


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_articles(folder, [UKRAINE, PORT, CITY, ("Acme Corp",)] * (ARTICLES // 4))
    return folder


def digest_run(server: FakeOpenAI, news: Path, tmp: Path, hook: SlowHook) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env |= {"SUMMARIZER_HOME": str(tmp / "home"), "SUMMARIZER_TRANSPORT_ATTEMPTS": "1"}
    args = ["digest", "run", "-s", str(news), "--db", str(tmp / "d.db"), "--out", str(tmp / "out")]
    args += ["--concurrency", "2", "--webhook", hook.url, "--base-url", server.base_url]
    args += ["--model", "fake-model", "--mode", "json_schema"]
    return subprocess.Popen(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def outputs_complete(out: Path) -> None:
    """Every file under a final name is whole; only dot-named temporaries may be partial."""
    for path in out.glob("digest-*"):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            Digest.model_validate_json(text)
        elif path.suffix == ".html":
            assert text.rstrip().endswith("</html>"), path
        elif path.suffix == ".txt":  # the plain text: it ends with the run's usage line
            assert text.startswith("News digest") and "Usage:" in text, path
        else:
            assert text.startswith("# ") and text.endswith("\n"), path


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_at_any_point_then_the_next_run_completes(
    point: str, news: Path, tmp_path: Path
) -> None:
    db, out = tmp_path / "d.db", tmp_path / "out"
    with (
        FakeOpenAI(responder=brief_responder(delay_s=0.15)) as server,
        SlowHook(delay_s=30) as hook,
    ):
        first = digest_run(server, news, tmp_path, hook)
        deadline = time.monotonic() + 60
        while not KILL_POINTS[point](db, hook):
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, f"never reached {point}"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
        assert first.returncode == -signal.SIGKILL

        # The database opens, is intact, and holds nothing twice.
        assert query(db, "PRAGMA integrity_check") in ([("ok",)], [])
        stored = count(db, "briefs")
        articles = query(db, "SELECT uid FROM articles")
        assert len(articles) == len(set(articles)) <= ARTICLES
        if out.exists():
            outputs_complete(out)
        calls_before = server.calls

        hook.delay_s = 0
        second = digest_run(server, news, tmp_path, hook)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 0, err

    assert server.calls - calls_before == ARTICLES - stored  # no stored brief asked again
    assert count(db, "briefs") == ARTICLES
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    digests = sorted(out.glob("digest-*.json"))
    assert digests
    final = Digest.model_validate_json(digests[-1].read_text(encoding="utf-8"))
    ids = [a.id for a in final.articles]
    assert len(ids) == len(set(ids)) == ARTICLES  # every article once: none lost, none twice
    assert not final.partial and not final.failed
    outputs_complete(out)
    assert not list(out.glob(".*tmp*"))
    statuses = [row[0] for row in query(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok"
    # The webhook may see the digest twice after a kill mid-delivery (at least once), but
    # both posts carry the same digest, and so the same Idempotency-Key.
    assert len({json.loads(body)["id"] for body in hook.posts}) == 1


def test_failed_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    """A write that fails halfway (here: the file size limit) keeps the old file as it was."""
    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    with FakeOpenAI(responder=brief_responder()) as server:
        digest = run_digest(make_config(server, tmp_path, sources=[str(news)]))
    out = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}  # not reviews/
    assert len(before) == 4  # markdown, html, json, text
    bigger = digest.model_copy(update={"title": "A much longer title " * 5000})
    (tmp_path / "digest.json").write_text(bigger.model_dump_json(), encoding="utf-8")
    limit = max(len(b) for b in before.values()) + 1000  # room for the old, not the new
    code = f"""
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from summarizer.digest.models import Digest
from summarizer.digest.deliver import write_outputs
digest = Digest.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
try:
    write_outputs(digest, Path(sys.argv[2]), ["markdown", "html", "json", "text"])
except OSError as exc:
    print(exc.errno)
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "digest.json"), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "27"  # EFBIG: the write really failed
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # same names, same bytes, no temporary left behind
