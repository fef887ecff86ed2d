"""The digest run end to end: a fake model on loopback, real files, a real SQLite store.

The fake model and the article helpers live in :mod:`summarizer.testing.digest`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.base.errors import RunLockedError
from summarizer.digest.config import load_digest_config, parse_duration
from summarizer.digest.models import Digest
from summarizer.digest.run import run_digest, run_lock
from summarizer.digest.store import open_store
from summarizer.digest.stories import group_stories
from summarizer.output.names import aliases
from summarizer.output.names import name_key as normalize_name
from summarizer.testing import FakeOpenAI, Reply, completion
from summarizer.testing.digest import (  # shared with test_digest_cli.py, benchmarks/digest.py
    CITY,
    FAIL_MARK,
    PORT,
    UKRAINE,
    Receiver,
    article_of,
    article_text,
    brief_responder,
    draft_for,
    make_config,
    write_articles,
)


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=brief_responder()) as server:
        yield server


# --- the run -------------------------------------------------------------------------------


def test_folder_digest_groups_stories_and_writes_every_format(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, UKRAINE[:2], PORT[1:], CITY])
    config = make_config(model, tmp_path, sources=[str(tmp_path / "news")])

    digest = run_digest(config)

    assert not digest.partial
    assert digest.counts.briefed == 5 and model.calls == 5
    assert sorted(len(s.sources) for s in digest.stories) == [1, 2, 2]
    ukraine = next(s for s in digest.stories if "Vladimir Putin" in {a.name for a in s.actors})
    assert {a.name for a in ukraine.actors} >= {"Vladimir Putin", "Volodymyr Zelensky"}
    putin = next(a for a in ukraine.actors if a.name == "Vladimir Putin")
    assert putin.sources == ukraine.sources  # both articles report him
    assert all(q.article in ukraine.sources for q in putin.evidence)
    assert ukraine.disputes and ukraine.next_steps
    assert all(s.new for s in digest.stories)
    files = sorted(p.suffix for p in (tmp_path / "out").iterdir() if p.is_file())  # reviews/
    assert files == [".html", ".json", ".md", ".txt"]
    stem = next((tmp_path / "out").glob("*.json")).stem
    assert re.fullmatch(r"digest-\d{4}-\d\d-\d\d-\d{4}-[0-9a-f]{8}", stem)


def test_rerun_makes_no_model_calls_and_delivers_nothing_new(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    with Receiver() as hook:
        config = make_config(model, tmp_path, sources=[str(tmp_path / "news")], webhook=hook.url)
        first = run_digest(config)
        second = run_digest(config)
    assert model.calls == 2
    assert first.counts.briefed == 2 and second.counts.articles == 0
    assert len(hook.posts) == 1


def test_new_since_last_time(model: FakeOpenAI, tmp_path: Path) -> None:
    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    config = make_config(model, tmp_path, sources=[str(news)], since="1d")
    first = run_digest(config)
    write_articles(news, [UKRAINE[:2], CITY], start=10)

    second = run_digest(config)

    assert second.previous == first.id
    assert second.counts.articles == 4  # the window holds the old articles too
    by_size = {len(s.sources): s for s in second.stories}
    assert by_size[2].new is False  # the Ukraine story continues
    assert [s.new for s in second.stories if s.headline.startswith("Report number 11")] == [True]
    old_dispute = by_size[2].disputes[0]
    assert old_dispute.new is False
    assert sum(a.new for a in second.articles) == 2
    assert second.counts.new_stories == 1


def test_partial_failure_is_listed_retried_and_exit_state(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    bad = news / "bad.txt"
    bad.write_text(f"Report: {FAIL_MARK} Olaf Scholz spoke. He said little.", encoding="utf-8")
    config = make_config(model, tmp_path, sources=[str(news)])

    first = run_digest(config)

    assert first.partial and first.counts.failed == 1 and first.counts.briefed == 2
    assert [f.attempts for f in first.failed] == [1]
    assert "refused" in first.failed[0].error
    md = next((tmp_path / "out").glob("*.md")).read_text()
    assert "## Could not be briefed" in md
    assert model.calls == 3

    second = run_digest(config)  # the failed article is tried again (and fails again)
    assert second.partial and second.counts.briefed == 0
    assert [f.attempts for f in second.failed] == [2]
    assert model.calls == 4


def test_failed_article_is_retried_next_run(tmp_path: Path) -> None:
    fail = {"on": True}

    def respond(request: dict[str, Any]) -> Reply:
        if fail["on"] and "Olaf Scholz" in article_of(request):
            return Reply(status=400, body={"error": {"message": "bad", "type": "invalid"}})
        return brief_responder()(request)

    with FakeOpenAI(responder=respond) as server:
        news = tmp_path / "news"
        write_articles(news, [UKRAINE, ("Olaf Scholz", "Green Party")])
        config = make_config(server, tmp_path, sources=[str(news)])
        first = run_digest(config)
        assert first.partial and [f.label for f in first.failed] == [str(news / "article-0001.txt")]
        fail["on"] = False
        second = run_digest(config)
        assert not second.partial
        assert second.counts.briefed == 1 and second.counts.cached == 0
        assert [a.title for a in second.articles] == [first.failed[0].label.split("/")[-1]] or (
            len(second.articles) == 1
        )
    runs = open_store(tmp_path / "digest.db").runs()
    assert [r["status"] for r in runs] == ["partial", "ok"]
    assert runs[0]["counts"]["failed"] == 1 and runs[0]["errors"]


def test_same_article_from_two_sources_is_one(model: FakeOpenAI, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_articles(a, [UKRAINE])
    write_articles(b, [UKRAINE])  # the same text in another folder
    config = make_config(model, tmp_path, sources=[str(a), str(b)])

    digest = run_digest(config)

    assert digest.counts.articles == 1 and len(digest.articles) == 1
    assert model.calls == 1


def test_json_output_validates_against_the_digest_schema(model: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE, CITY])
    digest = run_digest(make_config(model, tmp_path, sources=[str(tmp_path / "news")]))
    text = next((tmp_path / "out").glob("*.json")).read_text()
    assert Digest.model_validate_json(text) == digest
    from summarizer.schemas import schema_dict

    schema = schema_dict("digest")
    assert set(schema["required"]) <= set(json.loads(text))
    committed = Path(__file__).parent.parent / "schemas" / "digest.json"
    assert json.loads(committed.read_text()) == schema


def test_html_escapes_article_text(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'

    def respond(request: dict[str, Any]) -> Reply:
        draft = draft_for(article_of(request))
        draft["headline"] = evil
        return Reply(body=completion(json.dumps(draft)))

    with FakeOpenAI(responder=respond) as server:
        (tmp_path / "news").mkdir()
        (tmp_path / "news" / "x.txt").write_text(
            f"Maria Lopez wrote {evil} on the wall. The City Council will meet.", encoding="utf-8"
        )
        run_digest(make_config(server, tmp_path, sources=[str(tmp_path / "news")]))
    html = next((tmp_path / "out").glob("*.html")).read_text()
    md = next((tmp_path / "out").glob("*.md")).read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in md


def test_webhook_receives_the_digest_once_with_idempotency_key(
    model: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", [PORT])
    with Receiver() as hook:
        config = make_config(model, tmp_path, sources=[str(tmp_path / "news")], webhook=hook.url)
        digest = run_digest(config)
    ((headers, body),) = hook.posts
    assert headers["content-type"] == "application/json"
    assert headers["idempotency-key"] == digest.id
    assert Digest.model_validate_json(body).id == digest.id
    store = open_store(tmp_path / "digest.db")
    assert ("webhook", hook.url, "ok") in [(c, t, s) for _, c, t, s in store.deliveries()]


def test_failed_webhook_is_retried_by_the_next_run(model: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [PORT])
    with Receiver(status=503) as hook:
        config = make_config(model, tmp_path, sources=[str(tmp_path / "news")], webhook=hook.url,
                             delivery_attempts=2, delivery_backoff_s=0.01)  # fmt: skip
        first = run_digest(config)
        assert first.partial and len(hook.posts) == 2  # retried within the run
        hook.status = 200
        second = run_digest(config)  # nothing new: the first digest is sent again
    assert not second.partial and second.counts.articles == 0
    assert [h["idempotency-key"] for h, _ in hook.posts] == [first.id] * 3
    assert model.calls == 1


def test_second_run_on_the_same_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "digest.db"
    with run_lock(db), pytest.raises(RunLockedError, match="another digest run"), run_lock(db):
        pass


# --- pieces ----------------------------------------------------------------------------------


def test_normalize_name() -> None:
    assert normalize_name("  The  Élysée-Palace ") == "elysee palace"
    assert normalize_name("ZELENSKY") == normalize_name("Zelensky")


def test_parse_duration_and_config(tmp_path: Path) -> None:
    assert parse_duration("6h").total_seconds() == 21600
    assert parse_duration("90s").total_seconds() == 90
    path = tmp_path / "digest.toml"
    path.write_text(
        'sources = ["a"]\nsince = "2d"\nformats = ["json"]\n[summarizer]\nmodel = "m"\n'
    )
    config = load_digest_config(path, concurrency=3, summarizer={"base_url": "http://x/v1"})
    assert config.since and config.since.days == 2
    assert config.concurrency == 3 and config.summarizer.flags() == {
        "model": "m",
        "base_url": "http://x/v1",
    }


def test_grouping_is_deterministic_and_uses_aliases(model: FakeOpenAI, tmp_path: Path) -> None:
    from summarizer.digest.store import StoredArticle
    from summarizer.grounding import ArticleIndex, check
    from summarizer.output.brief import Brief, BriefDraft

    def item(i: int, names: list[str]) -> tuple[StoredArticle, Brief]:
        text = article_text(i, tuple(names))
        draft = BriefDraft.model_validate(draft_for(text))
        content = check(draft, ArticleIndex(text)).content.model_dump()
        brief = Brief.model_validate(
            {**content, "source": {"content_hash": str(i)}, "model": "m", "backend": "b",
             "prompt_version": "p", "usage": {}, "attempts": 1, "latency_s": 0,
             "created_at": "2025-01-01T00:00:00Z", "grounding": {}}
        )  # fmt: skip
        row = StoredArticle(i, f"a{i}", None, None, None, None, None, None, text, None, "",
                            "briefed", None, 1, None, None)  # fmt: skip
        return row, brief

    items = [
        item(1, ["Vladimir Putin", "Donald Trump"]),
        item(2, ["Maria Lopez"]),
        item(3, ["Donald Trump", "Vladimir Putin", "Emmanuel Macron"]),
        item(4, ["Acme Corp", "City Council"]),
        item(5, ["City Council", "Maria Lopez"]),
    ]
    groups = group_stories(items)
    assert groups == [[0, 2], [1, 4], [3]]
    assert group_stories(items) == groups
    people = ["Putin", "Vladimir Putin", "Smith", "John Smith", "Jane Smith"]
    assert aliases((name, "person") for name in people) == {"putin": "vladimir putin"}
