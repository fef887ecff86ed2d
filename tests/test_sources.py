"""Ingestion of every source kind into a real store, with pages and a feed on loopback."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import Limits
from summarizer.base.errors import InputError
from summarizer.digest.ingest import ingest
from summarizer.digest.sources import identity_keys, normalize_url, parse_source
from summarizer.digest.store import Store, open_store

LIMITS = Limits(timeout_s=5)

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>{title}</h1>
<p>{body} The Port Authority said the strike would cost millions every single day.</p>
<p>The Halden Dockworkers Union answered that its members would not return before a deal.</p>
<p>Talks are due to resume on Thursday, according to both sides of the dispute.</p>
</article><footer>Copyright</footer></body></html>"""


@dataclass
class Site:
    """A loopback web server: routes, request log, ETag and 304 support."""

    routes: dict[str, tuple[str, str]] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    log: list[tuple[str, int]] = field(default_factory=list)
    base: str = ""

    def hits(self, path: str) -> list[int]:
        return [status for p, status in self.log if p == path]


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            route = state.routes.get(path)
            etag = state.etags.get(path)
            if route is None:
                status, ctype, body = 404, "text/plain", "not found"
            elif etag and self.headers.get("if-none-match") == etag:
                status, ctype, body = 304, "", ""
            else:
                status, (ctype, body) = 200, route
            state.log.append((path, status))
            data = body.encode("utf-8")
            self.send_response(status)
            if ctype:
                self.send_header("content-type", ctype)
            if etag:
                self.send_header("etag", etag)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "s.db") as s:
        yield s


_WORDS = [
    "harbour", "council", "budget", "strike", "ferry", "tariff", "court", "ruling", "minister",
    "vote", "river", "bridge", "school", "hospital", "nurses", "union", "election", "mayor",
    "quota", "fishing",
]  # fmt: skip


def page(title: str, body: str) -> tuple[str, str]:
    """A page whose text is its own: distinct pages are not near-duplicates of each other."""
    rng = random.Random(title)
    own = " ".join(rng.choice(_WORDS) for _ in range(40))
    return ("text/html; charset=utf-8", PAGE.format(title=title, body=f"{body} {own}."))


def rss(base: str, items: list[tuple[str, str]]) -> tuple[str, str]:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}?utm_source=rss</link>"
        f"<guid isPermaLink='false'>id-{path}</guid>"
        f"<pubDate>Mon, 06 Jan 2025 07:00:00 GMT</pubDate></item>"
        for t, path in items
    )
    return (
        "application/rss+xml",
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>"
        f"<link>{base}/</link>{entries}</channel></rss>",
    )


def texts(store: Store) -> list[str | None]:
    return [a.title for a in store.undigested()]


def test_folder_reads_txt_md_html_and_skips_others(tmp_path: Path, store: Store) -> None:
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    (news / "a.txt").write_text("First story\n\nMaria Lopez spoke to the City Council.")
    (news / "b.md").write_text("# Second story\n\nThe council will vote on Friday.")
    (news / "sub" / "c.html").write_text(PAGE.format(title="Third story", body="Ships wait."))
    (news / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (news / ".hidden.txt").write_text("not me")

    report = ingest(store, [str(news)], limits=LIMITS)

    assert report.new == 3 and not report.source_errors
    assert sorted(t or "" for t in texts(store)) == ["First story", "Second story", "Third story"]
    again = ingest(store, [str(news)], limits=LIMITS)
    assert again.new == 0 and again.known == 3


def test_single_file_and_bad_source_do_not_stop_the_others(tmp_path: Path, store: Store) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Only story\n\nAcme Corp bought a port.")
    report = ingest(store, [str(tmp_path / "missing"), "ftp://x/y", str(one)], limits=LIMITS)
    assert report.new == 1
    assert [spec for spec, _ in report.source_errors] == [str(tmp_path / "missing"), "ftp://x/y"]
    assert "only http and https" in report.source_errors[1][1]


def test_url_list_and_single_url(site: Site, tmp_path: Path, store: Store) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/b"] = page("Beta", "Beta happened.")
    site.routes["/c"] = page("Gamma", "Gamma happened.")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# my reading list\n{site.base}/a\n\n{site.base}/b?utm_campaign=x\n")

    report = ingest(store, [str(urls), f"{site.base}/c"], limits=LIMITS)

    assert report.new == 3
    assert sorted(texts(store)) == ["Alpha", "Beta", "Gamma"]
    # known pages are not fetched again; a tracking parameter does not make a new article
    urls.write_text(f"{site.base}/a?fbclid=1\n{site.base}/b\n")
    again = ingest(store, [str(urls), f"{site.base}/c"], limits=LIMITS)
    assert again.new == 0 and again.known == 3
    assert site.hits("/a") == [200] and site.hits("/c") == [200]


def test_feed_entries_are_fetched_and_unchanged_feed_costs_one_304(
    site: Site, store: Store
) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/b"] = page("Beta", "Beta happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Alpha", "/a"), ("Beta", "/b")])
    site.etags["/feed.xml"] = '"v1"'
    feed = f"{site.base}/feed.xml"

    report = ingest(store, [feed], limits=LIMITS, allow_private=True)

    assert report.new == 2
    rows = store.undigested()
    assert {r.guid for r in rows} == {
        f"{normalize_url(feed)} id-/a",
        f"{normalize_url(feed)} id-/b",
    }
    assert all(r.published and r.published.startswith("2025-01-06") for r in rows)

    second = ingest(store, [feed], limits=LIMITS, allow_private=True)
    assert second.not_modified == 1 and second.new == 0
    assert site.hits("/feed.xml") == [200, 304]
    assert site.hits("/a") == [200] and site.hits("/b") == [200]


def test_changed_feed_fetches_only_new_entries(site: Site, store: Store) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Alpha", "/a")])
    ingest(store, [f"feed:{site.base}/feed.xml"], limits=LIMITS, allow_private=True)
    site.routes["/b"] = page("Beta", "Beta happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Beta", "/b"), ("Alpha", "/a")])

    report = ingest(store, [f"feed:{site.base}/feed.xml"], limits=LIMITS, allow_private=True)

    assert report.new == 1 and report.known == 1
    assert site.hits("/a") == [200]


def test_feed_links_to_private_hosts_are_refused_by_default(site: Site, store: Store) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Alpha", "/a")])

    report = ingest(store, [f"{site.base}/feed.xml"], limits=LIMITS)

    assert report.new == 0 and report.failed == 1
    (row,) = store.undigested()
    assert row.text is None and row.status == "failed"
    assert row.error and "private, loopback or reserved" in row.error
    assert site.hits("/a") == []


def test_failed_page_is_fetched_again_next_run(site: Site, tmp_path: Path, store: Store) -> None:
    urls = tmp_path / "list.urls"
    urls.write_text(f"{site.base}/late\n")
    first = ingest(store, [str(urls)], limits=LIMITS, allow_private=True)
    assert first.failed == 1
    assert store.undigested()[0].error == f"{site.base}/late: HTTP 404 Not Found"

    site.routes["/late"] = page("Late", "It came late.")
    second = ingest(store, [str(urls)], limits=LIMITS, allow_private=True)

    assert second.new == 1
    (row,) = store.undigested()
    assert row.title == "Late" and row.status == "pending" and row.attempts == 1


def test_same_article_from_feed_and_list_is_one(site: Site, tmp_path: Path, store: Store) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Alpha", "/a")])
    urls = tmp_path / "urls.txt"
    urls.write_text(f"http://127.0.0.1:{site.base.rsplit(':', 1)[1]}/a#comments\n")

    ingest(store, [str(urls), f"{site.base}/feed.xml"], limits=LIMITS, allow_private=True)

    assert len(store.undigested()) == 1
    assert site.hits("/a") == [200]


def test_same_text_at_two_urls_is_one_article(site: Site, store: Store) -> None:
    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/mirror"] = page("Alpha", "Alpha happened.")
    ingest(store, [f"{site.base}/a", f"{site.base}/mirror"], limits=LIMITS)
    (row,) = store.undigested()
    assert store.find_article(identity_keys(url=f"{site.base}/mirror")) == row


def test_normalize_url() -> None:
    assert (
        normalize_url("HTTP://WWW.Example.com:80/News/?utm_source=x&b=2&a=1&fbclid=z#top")
        == "https://example.com/News?a=1&b=2"
    )
    assert normalize_url("https://example.com") == "https://example.com/"
    assert normalize_url("https://example.com:8443/a/") == "https://example.com:8443/a"


def test_parse_source_kinds(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("https://a.example/1\nhttps://a.example/2\n")
    (tmp_path / "story.txt").write_text("https://a.example/1 is where it began.\n")
    assert parse_source(str(tmp_path)).kind == "folder"
    assert parse_source(str(tmp_path / "urls.txt")).kind == "urls"
    assert parse_source(str(tmp_path / "story.txt")).kind == "file"
    assert parse_source("https://a.example/feed").kind == "url"
    assert parse_source("feed:https://a.example/rss").kind == "feed"
    with pytest.raises(InputError, match="only http and https"):
        parse_source("file:///etc/passwd")


# --- the source protocol: one module per type, options from a table, state as JSON ----------


def test_source_types_are_the_modules_of_the_package() -> None:
    from summarizer.digest import sources

    folder = Path(sources.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    types = sources.source_types()
    assert set(types) == modules == {"feed", "url", "folder", "urls", "file"}
    assert list(types) == ["feed", "url", "folder", "urls", "file"]  # the order they claim


def test_a_feed_given_as_a_table_keeps_its_own_state_as_json(site: Site, store: Store) -> None:
    import json

    site.routes["/a"] = page("Alpha", "Alpha happened.")
    site.routes["/feed.xml"] = rss(site.base, [("Alpha", "/a")])
    site.etags["/feed.xml"] = '"v7"'
    table = {"type": "feed", "url": f"{site.base}/feed.xml"}
    assert parse_source(table).kind == "feed" and parse_source(table).location == table["url"]

    assert ingest(store, [table], limits=LIMITS, allow_private=True).new == 1
    with store.db.read() as conn:
        (state,) = conn.execute("SELECT state FROM sources").fetchone()
    assert json.loads(state) == {"etag": '"v7"'}  # the feed's own state, saved by its type
    again = ingest(store, [table], limits=LIMITS, allow_private=True)
    assert again.not_modified == 1 and site.hits("/feed.xml") == [200, 304]


def test_a_table_source_is_checked_when_the_config_is_read() -> None:
    from summarizer.base.errors import ConfigurationError
    from summarizer.digest.config import load_digest_config

    with pytest.raises(ConfigurationError, match="unknown source type 'imap'"):
        load_digest_config(None, add_sources=[{"type": "imap", "host": "mail"}])
    with pytest.raises(ConfigurationError, match="feed source: url"):
        load_digest_config(None, add_sources=[{"type": "feed"}])
    cfg = load_digest_config(None, add_sources=[{"type": "folder", "path": "/tmp/x"}])
    assert cfg.sources == [{"type": "folder", "path": "/tmp/x"}]


def test_a_migrated_store_keeps_a_feeds_validators(tmp_path: Path) -> None:
    """Migration 4 moves each feed's ETag and Last-Modified into its JSON state."""
    import json
    import sqlite3

    from summarizer.digest.migrations import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "old.db")
    conn.executescript(MIGRATIONS[0][2])
    values = ("feed:https://x.example/rss", "feed", '"e1"', "Mon, 06 Jan 2025")
    conn.execute(
        "INSERT INTO sources (spec, kind, etag, last_modified) VALUES (?, ?, ?, ?)", values
    )
    conn.executescript(MIGRATIONS[3][2])
    (state,) = conn.execute("SELECT state FROM sources").fetchone()
    conn.close()
    assert json.loads(state) == {"etag": '"e1"', "last_modified": "Mon, 06 Jan 2025"}
