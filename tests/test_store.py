"""The SQLite store: migrations, WAL, the brief cache (through a real Summarizer), runs."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from summarizer.article import Article
from summarizer.base.config import data_dir, load_settings
from summarizer.digest.store import MIGRATIONS, open_store
from summarizer.engine.cache import default_db_path, open_cache
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import article_text, brief_responder

TEXT = article_text(1, ("Vladimir Putin", "Donald Trump"))


def summarizer(server: FakeOpenAI, store: object, **flags: object) -> Summarizer:
    settings = load_settings(
        {"base_url": server.base_url, "model": "fake-model", "mode": "json_schema",
         "transport_attempts": 1, **flags}
    )  # fmt: skip
    return Summarizer(settings=settings, cache=store)  # type: ignore[arg-type]


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with open_store(path) as store:
        assert store.migrations() == [m[0] for m in MIGRATIONS]
    with open_store(path) as store:
        assert store.migrate() == []  # nothing left to apply
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables >= {"sources", "articles", "article_keys", "briefs", "runs", "digests",
                      "deliveries", "schema_migrations"}  # fmt: skip
    conn.close()


def test_default_path_follows_summarizer_home() -> None:
    assert default_db_path() == data_dir() / "summarizer.db"
    assert default_db_path(Path("~/x.db")) == Path("~/x.db").expanduser()


def test_cached_brief_costs_no_request(tmp_path: Path) -> None:
    with FakeOpenAI(responder=brief_responder()) as server, open_cache(tmp_path / "c.db") as store:
        with summarizer(server, store) as s:
            first = s.summarize(TEXT)
            second = s.summarize(Article(text=TEXT, url="https://mirror.example/x"))
        assert server.calls == 1
        assert second.headline == first.headline
        assert second.source.url == "https://mirror.example/x"  # this caller's source
        assert store.count_briefs() == 1
        # the row holds what identifies the answer, checked against values fixed here (the
        # second summarize above, a cache hit, shows it is found under the key it is looked up by)
        (row,) = store.db.conn.execute("SELECT options, model, content_hash FROM briefs")
        options = json.loads(row[0])
        assert set(options) >= {"content_hash", "model", "backend", "prompt_version",
                                "schema_version", "strict"}  # fmt: skip
        assert row[2] == options["content_hash"] == hashlib.sha256(TEXT.encode()).hexdigest()
        assert row[1] == options["model"] == "fake-model" and options["strict"] is False


def test_options_that_change_the_answer_change_the_key(tmp_path: Path) -> None:
    with FakeOpenAI(responder=brief_responder()) as server, open_cache(tmp_path / "c.db") as store:
        with summarizer(server, store) as s:
            s.summarize(TEXT)
        with summarizer(server, store, strict=True) as s:
            s.summarize(TEXT)
        with summarizer(server, store, model="other-model") as s:
            s.summarize(TEXT)
        with summarizer(server, store, max_reasks=0) as s:
            s.summarize(TEXT)
        with summarizer(server, store, timeout_s=5) as s:  # does not change the answer
            s.summarize(TEXT)
        assert server.calls == 4


async def test_async_path_uses_the_cache(tmp_path: Path) -> None:
    with FakeOpenAI(responder=brief_responder()) as server, open_cache(tmp_path / "c.db") as store:
        async with summarizer(server, store) as s:
            await s.asummarize(TEXT)
            results = [r async for r in s.summarize_many([TEXT, TEXT], concurrency=2)]
        assert all(r.ok for r in results) and server.calls == 1


def test_no_cache_without_a_store(tmp_path: Path) -> None:
    with FakeOpenAI(responder=brief_responder()) as server:
        with summarizer(server, None) as s:
            s.summarize(TEXT)
            s.summarize(TEXT)
        assert server.calls == 2


def test_runs_and_deliveries(tmp_path: Path) -> None:
    with open_store(tmp_path / "r.db") as store:
        first = store.start_run()
        second = store.start_run()  # the first never finished: it is marked interrupted
        store.finish_run(second, "ok", counts={"briefed": 2}, digest_id="d1")
        assert [(r["id"], r["status"]) for r in store.runs()] == [
            (first, "interrupted"),
            (second, "ok"),
        ]
        assert not store.delivered("d1", "webhook", "http://x")
        store.record_delivery("d1", "webhook", "http://x", "failed", "HTTP 500")
        assert not store.delivered("d1", "webhook", "http://x")
        store.record_delivery("d1", "webhook", "http://x", "ok")
        assert store.delivered("d1", "webhook", "http://x")
        assert store.deliveries() == [("d1", "webhook", "http://x", "ok")]


def test_article_identity_merges_keys(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        a = store.add_article(["url:https://x/1"], {"title": "One", "text": "t"})
        b = store.add_article(["hash:abc", "url:https://x/1"], {"site": "X"})
        assert a.id == b.id and b.title == "One" and b.site == "X"
        assert store.find_article(["hash:abc"]) == b
        assert len(store.undigested()) == 1
        store.mark_digested([a.id], "d1")
        assert store.undigested() == []


def test_cache_first_then_the_digest_store_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with FakeOpenAI(responder=brief_responder()) as server:
        with open_cache(path) as cache, summarizer(server, cache) as s:
            s.summarize(TEXT)  # the CLI's summarize: the cache alone makes the file
        with open_store(path) as store:
            assert store.migrations() == [m[0] for m in MIGRATIONS]
            assert store.cache.count_briefs() == 1
            with summarizer(server, store.cache) as s:
                s.summarize(TEXT)
        with open_cache(path) as cache:  # and the digest's tables do not bother the cache
            assert cache.count_briefs() == 1
        assert server.calls == 1
