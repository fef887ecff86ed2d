"""The defects of issue 12, each against real servers, a real store and real processes.

Loopback HTTP (pages, a feed, a webhook) and SMTP servers, the fake model on loopback, the
CLI in subprocesses for signals; no mocks.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import os
import re
import signal
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
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

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
BIN = Path(sys.executable).parent / "summarizer"
FAST = {"delivery_attempts": 3, "delivery_backoff_s": 0.01}


# --- loopback servers ------------------------------------------------------------------------


class Web:
    """Pages and feeds on loopback; ``statuses`` scripts the answers to POSTs (a webhook)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, str]] = {}
        self.statuses: list[int] = []
        self.posts: list[tuple[dict[str, str], bytes, int]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # TCP_NODELAY

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                route = owner.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, "text/plain", b"not found")
                else:
                    self._send(200, route[0], route[1].encode())

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                status = owner.statuses.pop(0) if owner.statuses else 200
                owner.posts.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self._send(status, "text/plain", b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ok_posts(self) -> list[Digest]:
        return [Digest.model_validate_json(b) for _, b, status in self.posts if status == 200]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """A minimal SMTP server on loopback that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            disable_nagle_algorithm = True

            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 sink")
                while line := self.rfile.readline():
                    verb = line.decode().strip().split(" ")[0].upper()
                    if verb == "EHLO":
                        self.reply("250 sink")
                    elif verb == "DATA":
                        self.reply("354 go on")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        parsed = email.message_from_bytes(data, policy=email.policy.default)
                        owner.messages.append(parsed)  # type: ignore[arg-type]
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def digests(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.close()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=brief_responder()) as server:
        yield server


def rss(base: str, items: list[tuple[str, str, str]]) -> tuple[str, str]:
    """An RSS feed of (title, path, RFC 822 date) items; links carry utm_* parameters."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}?utm_source=rss&amp;id=7</link>"
        f"<guid isPermaLink='false'>id-{path}</guid><pubDate>{date}</pubDate></item>"
        for t, path, date in items
    )
    return (
        "application/rss+xml",
        "<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>"
        f"<link>{base}/</link>{entries}</channel></rss>",
    )


def html_page(title: str, text: str) -> tuple[str, str]:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (
        "text/html; charset=utf-8",
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav>Home | World | Sport | Weather</nav><article><h1>{title}</h1>{paragraphs}"
        "</article><footer>Copyright the Riverside Courier</footer></body></html>",
    )


def runs(db: Path) -> list[str]:
    """The run rows so far (none yet while the process is still creating the database)."""
    try:
        with sqlite3.connect(db) as conn:
            return [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    except sqlite3.OperationalError:  # no runs table yet: a poll that came too early
        return []


# --- 1. --since filters what is shown, never what is stored ---------------------------------


def test_since_never_drops_old_files_or_old_feed_items(
    model: FakeOpenAI, web: Web, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    (old,) = write_articles(news, [UKRAINE])
    week_ago = time.time() - 7 * 86400
    os.utime(old, (week_ago, week_ago))  # a file older than the window (an outage)
    web.routes["/a"] = html_page("Port strike", "The Port Authority met the union. " * 3)
    web.routes["/feed.xml"] = rss(
        web.base, [("Port strike", "/a", "Mon, 06 Jan 2025 07:00:00 GMT")]
    )
    config = make_config(model, tmp_path, sources=[str(news), f"feed:{web.base}/feed.xml"],
                         since="24h", allow_private=True)  # fmt: skip

    digest = run_digest(config)

    assert digest.counts.briefed == 2 and model.calls == 2
    by_origin = {a.origin: a for a in digest.articles}
    assert by_origin[str(old)].link == old.resolve().as_uri()  # folder articles get a link
    (feed_article,) = [a for a in digest.articles if a.url]
    assert feed_article.link == f"{web.base}/a?id=7"  # utm_* stripped, the rest kept
    assert "utm_" not in next((tmp_path / "out").glob("*.html")).read_text()


# --- 2. one article's failure never aborts a run -------------------------------------------


def test_an_import_error_in_extraction_fails_one_article_not_the_run(tmp_path: Path) -> None:
    news, db = tmp_path / "news", tmp_path / "d.db"
    write_articles(news, [PORT])
    (news / "page.html").write_text(html_page("Strike", "The Port Authority spoke. " * 5)[1])
    # trafilatura missing from the environment (the plain-install bug): importing it fails.
    code = (
        "import sys; sys.modules['trafilatura'] = None\n"
        "from summarizer.cli.app import main; sys.argv[0] = 'summarizer'; main()"
    )
    with FakeOpenAI(responder=brief_responder()) as server:
        done = subprocess.run(
            [sys.executable, "-c", code, "digest", "run", "-s", str(news), "--db", str(db),
             "--out", str(tmp_path / "out"), "--base-url", server.base_url, "--model", "m",
             "--mode", "json_schema"],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "SUMMARIZER_TRANSPORT_ATTEMPTS": "1"},
        )  # fmt: skip
    assert done.returncode == 6, done.stderr
    assert runs(db) == ["partial"]
    digest = Digest.model_validate_json(next((tmp_path / "out").glob("*.json")).read_text())
    assert digest.counts.briefed == 1
    assert [f.error for f in digest.failed], digest.failed
    assert "trafilatura" in digest.failed[0].error or "ImportError" in digest.failed[0].error, (
        digest.failed
    )


# --- 3. signals: the running digest finishes, a second signal cuts it short -----------------


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SUMMARIZER_TRANSPORT_ATTEMPTS": "1"},
    )  # fmt: skip


def _briefs(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM briefs").fetchone()[0])
    except sqlite3.Error:
        return 0


def _wait(predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def slow_model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=brief_responder(delay_s=0.3)) as server:
        yield server


def _args(server: FakeOpenAI, news: Path, tmp: Path) -> list[str]:
    return ["-s", str(news), "--db", str(tmp / "d.db"), "--out", str(tmp / "out"),
            "--concurrency", "1", "--base-url", server.base_url, "--model", "m",
            "--mode", "json_schema"]  # fmt: skip


def test_schedule_sigterm_lets_the_running_digest_finish(
    slow_model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY, UKRAINE[:2], PORT[1:]])
    proc = _cli("digest", "schedule", "--every", "1h", "--now",
                *_args(slow_model, tmp_path / "news", tmp_path))  # fmt: skip
    _wait(lambda: _briefs(tmp_path / "d.db") >= 1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "the running digest finishes first" in err and "scheduler stopped" in err
    assert runs(tmp_path / "d.db") == ["ok"]
    (out,) = (tmp_path / "out").glob("*.json")
    assert Digest.model_validate_json(out.read_text()).counts.briefed == 5


def test_schedule_second_signal_cuts_the_digest_short_as_interrupted(
    slow_model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY, UKRAINE[:2], PORT[1:]] * 2)
    proc = _cli("digest", "schedule", "--every", "1h", "--now",
                *_args(slow_model, tmp_path / "news", tmp_path))  # fmt: skip
    _wait(lambda: _briefs(tmp_path / "d.db") >= 1)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGINT, err
    assert "cutting the running digest short" in err
    assert runs(tmp_path / "d.db") == ["interrupted"]
    assert not list((tmp_path / "out").glob("*.json"))


def test_digest_run_records_sigterm_as_interrupted(slow_model: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY, UKRAINE[:2], PORT[1:]] * 2)
    proc = _cli("digest", "run", *_args(slow_model, tmp_path / "news", tmp_path))
    _wait(lambda: _briefs(tmp_path / "d.db") >= 1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert runs(tmp_path / "d.db") == ["interrupted"]


def test_schedule_catches_up_a_run_missed_while_down_and_says_when_next(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    news, db = tmp_path / "news", tmp_path / "d.db"
    write_articles(news, [PORT])
    first = _cli("digest", "schedule", "--every", "1h", "--now", *_args(model, news, tmp_path))
    _wait(lambda: runs(db) == ["ok"] if db.exists() else False)
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=30)
    assert first.returncode == 0 and re.search(r"next run at \d{4}-\d\d-\d\d \d\d:\d\d", err)
    # The scheduler was down for two hours: the 1h run was missed.
    with sqlite3.connect(db) as conn:
        (last,) = conn.execute("SELECT last_fire FROM schedules").fetchone()
        earlier = datetime.fromisoformat(last) - timedelta(hours=2)
        conn.execute("UPDATE schedules SET last_fire = ?", (earlier.isoformat(),))
    write_articles(news, [CITY], start=5)

    second = _cli("digest", "schedule", "--every", "1h", *_args(model, news, tmp_path))
    _wait(lambda: runs(db) == ["ok", "ok"])
    second.send_signal(signal.SIGTERM)
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "catching up the run due at" in err
    assert len(list((tmp_path / "out").glob("*.json"))) == 2


# --- 4. near-duplicates --------------------------------------------------------------------


def test_same_article_from_a_folder_and_a_feed_is_briefed_once(
    model: FakeOpenAI, web: Web, tmp_path: Path
) -> None:
    text = (FIXTURES / "labour-nurses-strike.txt").read_text(encoding="utf-8")
    news = tmp_path / "news"
    news.mkdir()
    (news / "nurses.txt").write_text(text, encoding="utf-8")
    title, body = text.split("\n", 1)
    web.routes["/nurses"] = html_page(title, body)
    web.routes["/feed.xml"] = rss(web.base, [(title, "/nurses", "Mon, 06 Jan 2025 07:00:00 GMT")])
    config = make_config(model, tmp_path, sources=[str(news), f"{web.base}/feed.xml"],
                         allow_private=True)  # fmt: skip

    digest = run_digest(config)

    assert model.calls == 1 and digest.counts.briefed == 1
    assert digest.counts.duplicates == 1
    (article,) = digest.articles
    assert article.url and article.url.startswith(web.base)  # the feed's link is kept
    assert [len(s.sources) for s in digest.stories] == [1]


def test_different_articles_sharing_a_template_are_not_duplicates(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, UKRAINE, UKRAINE])  # same names, other days
    digest = run_digest(make_config(model, tmp_path, sources=[str(tmp_path / "news")]))
    assert digest.counts.briefed == 3 and digest.counts.duplicates == 0


# --- 5. deliveries: retried within the run, never an article twice per target ---------------


def test_webhook_500_is_retried_within_the_run(model: FakeOpenAI, web: Web, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [PORT])
    web.statuses = [500, 503]
    config = make_config(model, tmp_path, sources=[str(tmp_path / "news")],
                         webhook=f"{web.base}/hook", **FAST)  # fmt: skip

    digest = run_digest(config)

    assert not digest.partial
    assert [status for _, _, status in web.posts] == [500, 503, 200]
    assert {h["idempotency-key"] for h, _, _ in web.posts} == {digest.id}


def test_no_target_gets_the_same_article_twice(
    model: FakeOpenAI, web: Web, smtp: SmtpSink, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    web.statuses = [500] * 3  # the webhook is down for the whole first run
    mail = {"host": "127.0.0.1", "port": smtp.port, "sender": "d@example.org",
            "to": ["me@example.org"], "starttls": False}  # fmt: skip
    config = make_config(model, tmp_path, sources=[str(news)], webhook=f"{web.base}/hook",
                         email=mail, **FAST)  # fmt: skip
    first = run_digest(config)
    assert first.partial and len(smtp.messages) == 1
    write_articles(news, [CITY], start=10)

    second = run_digest(config)

    assert not second.partial
    hooked = [a.id for d in web.ok_posts() for a in d.articles]
    assert sorted(hooked) == sorted({a.id for a in first.articles + second.articles})
    assert [d.id for d in web.ok_posts()] == [first.id, second.id]  # the missed one first
    assert len(smtp.messages) == 2
    mailed = [json.dumps(m.get_body(("plain",)).get_content()) for m in smtp.messages]  # type: ignore[union-attr]
    assert all(a.title or a.headline for a in first.articles)
    first_titles = [a.title or a.headline for a in first.articles]
    assert not any(t in mailed[1] for t in first_titles)  # not mailed again
    assert runs(tmp_path / "digest.db") == ["partial", "ok"]


# --- 6. the email ---------------------------------------------------------------------------


def test_email_has_a_date_and_a_text_part_that_reads_as_text(
    model: FakeOpenAI, smtp: SmtpSink, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "x.txt").write_text(
        "Maria Lopez said the fare [1] would rise to <b>3 euros</b> & more. "
        "The City Council will vote on the plan next week. Maria Lopez opposed it.",
        encoding="utf-8",
    )
    mail = {"host": "127.0.0.1", "port": smtp.port, "sender": "d@example.org",
            "to": ["me@example.org"], "starttls": False}  # fmt: skip
    digest = run_digest(make_config(model, tmp_path, sources=[str(news)], email=mail))

    (message,) = smtp.messages
    assert email.utils.parsedate_to_datetime(message["Date"]) == digest.created_at.replace(
        microsecond=0
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "fare [1] would rise to <b>3 euros</b> & more" in text
    assert "&lt;" not in text and "\\[" not in text and "&amp;" not in text
    assert "Timeline" in text and "file://" in text
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;b&gt;" in html and "<b>3" not in html


def test_created_at_is_utc(model: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [PORT])
    digest = run_digest(make_config(model, tmp_path, sources=[str(tmp_path / "news")]))
    assert digest.created_at.utcoffset() == UTC.utcoffset(None)
