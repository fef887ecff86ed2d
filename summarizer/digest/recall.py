"""What a run knows of its articles beyond their briefs: the program's readings of them
(:mod:`summarizer.digest.reading`), their texts and full briefs when a story shown needs
them.

A run keeps a light record of each brief (:class:`~summarizer.digest.lite.BriefLite`)
and lets each article's text go once it is read; :class:`Recall` gives them back from the
store (texts) and the cache (briefs), makes each article's reading as its brief arrives
(what linking needs: about 2 ms), completes it with who says what for the articles of the
stories shown, and stores the readings for the next runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from summarizer.digest.models import Digest, DigestCounts, RunUsage
from summarizer.digest.stories import Briefed, BriefLite, DigestHeader, build
from summarizer.output.brief import Brief

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.digest.config import DigestConfig
    from summarizer.digest.history import StoryMemory
    from summarizer.digest.ingest import IngestReport
    from summarizer.digest.models import FailedArticle, WaitingBatch
    from summarizer.digest.reading import Reading
    from summarizer.digest.store import Store, StoredArticle
    from summarizer.digest.stories import Item
    from summarizer.output.brief import Usage

__all__ = ["Recall", "Reviews", "RunState", "assemble", "history"]


@dataclass
class Recall:
    """The readings a run made or found, and the way back to texts and briefs."""

    store: Store
    made: dict[str, Reading] = field(default_factory=dict)  # by this run: saved after it
    known: dict[str, Reading] = field(default_factory=dict)  # stored by earlier runs

    def note(self, row: StoredArticle, brief: Brief) -> None:
        """Read an article as its brief arrives (its sentences are still in the
        segmenter's cache)."""
        from summarizer.digest.reading import read_article

        self.made[row.uid] = read_article(row, brief, cast=False)

    def readings(self, keys: dict[str, str], items: list[Item]) -> dict[str, Reading]:
        """The reading of each briefed article: made as its brief arrived, else stored by
        an earlier run (from the same brief: ``keys``, uid -> brief key), else made now."""
        from summarizer.digest.reading import Reading, read_article

        missing = {uid: key for uid, key in keys.items() if uid not in self.made}
        for uid, body in self.store.readings(missing).items():
            reading = Reading.from_json(json.loads(body))
            if reading is not None:
                self.known[uid] = reading
        for row, brief in items:
            if row.uid not in self.made and row.uid not in self.known:
                whole = replace(row, text=self.text_of(row))
                self.made[row.uid] = read_article(whole, brief, cast=False)
        return {**self.known, **self.made}

    def text_of(self, row: StoredArticle) -> str | None:
        """An article's text, from the store (the run lets it go once it is read)."""
        return row.text if row.text is not None else self.store.article(row.id).text

    def load(self, row: StoredArticle, lite: BriefLite) -> Brief:
        """The full brief of an article, from the cache, with this article's source (the
        same text may have come from another URL)."""
        brief = self.store.cache.get_brief(lite.key)
        if brief is None:
            raise RuntimeError(f"the brief of {row.uid} left the cache during the run")
        return brief.model_copy(update={"source": lite.source})

    def verify(self, row: StoredArticle, brief: Brief, reading: Reading) -> Reading:
        """A reading completed with who says what (for an article that is shown)."""
        from summarizer.digest.reading import verify

        whole = replace(row, text=self.text_of(row))
        self.made[row.uid] = checked = verify(reading, whole, brief)
        return checked

    def briefed(
        self, items: list[Item], failed: list[FailedArticle], counts: DigestCounts,
        keys: dict[str, str], history: list[StoryMemory],
    ) -> Briefed:  # fmt: skip
        """What the stories are built from (:func:`summarizer.digest.stories.build`)."""
        return Briefed(items, failed, counts, readings=self.readings(keys, items),
                       history=history, verify=self.verify, load=self.load,
                       text_of=self.text_of)  # fmt: skip

    def save(self, keys: dict[str, str]) -> None:
        """Store the readings this run made (``keys``: uid -> brief key)."""
        self.store.save_readings([
            (uid, keys[uid], json.dumps(reading.as_json()))
            for uid, reading in self.made.items() if uid in keys
        ])  # fmt: skip


@dataclass
class Reviews(Mapping[str, tuple[Brief, "Article"]]):
    """The full brief and the whole article of each briefed article, by its id, read back
    (:class:`Recall`) only for the ones whose review page is written
    (:func:`summarizer.digest.deliver.write_reviews`: the articles of the stories shown)."""

    recall: Recall
    briefed: dict[str, tuple[StoredArticle, Brief | BriefLite]]  # by the article's id

    def __getitem__(self, uid: str) -> tuple[Brief, Article]:
        from summarizer.digest.briefing import article_of

        row, brief = self.briefed[uid]
        if not isinstance(brief, Brief):
            brief = self.recall.load(row, brief)
        return brief, article_of(replace(row, text=self.recall.text_of(row)))

    def __iter__(self) -> Iterator[str]:
        return iter(self.briefed)

    def __len__(self) -> int:
        return len(self.briefed)


class RunState(Protocol):
    """What assembling a digest reads of its run (:class:`summarizer.digest.run._Run`)."""

    @property
    def config(self) -> DigestConfig: ...
    @property
    def store(self) -> Store: ...
    @property
    def recall(self) -> Recall: ...
    @property
    def now(self) -> datetime: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def report(self) -> IngestReport | None: ...
    @property
    def source_errors(self) -> list[tuple[str, str]]: ...
    @property
    def selected(self) -> list[StoredArticle]: ...
    @property
    def items(self) -> list[Item]: ...
    @property
    def failed(self) -> list[FailedArticle]: ...
    @property
    def briefed_keys(self) -> list[tuple[str, str]]: ...  # (uid, brief key)
    @property
    def cached_keys(self) -> set[str]: ...
    @property
    def fresh(self) -> list[Usage]: ...
    @property
    def deferred(self) -> list[StoredArticle]: ...
    @property
    def waiting(self) -> list[WaitingBatch]: ...


def assemble(run: RunState) -> tuple[Digest, list[StoryMemory]]:
    """The digest of what a run briefed and what failed (not yet stored or delivered), and
    the memory of its stories."""
    fingerprint = json.dumps(
        [sorted(run.briefed_keys), sorted(f.id or f.label for f in run.failed)]
    )
    digest_id = "d" + hashlib.sha256(fingerprint.encode()).hexdigest()[:15]
    stored_at = run.store.digest_created_at(digest_id)
    previous_body = run.store.previous_digest(exclude=digest_id)
    n_source_errors = len(run.source_errors)
    cached = sum(key in run.cached_keys for _, key in run.briefed_keys)
    counts = DigestCounts(articles=len(run.selected) + n_source_errors,
                          briefed=len(run.items), cached=cached,
                          failed=len(run.failed) - n_source_errors,
                          source_errors=n_source_errors,
                          duplicates=run.report.duplicates if run.report else 0,
                          waiting=sum(w.articles for w in run.waiting),
                          deferred=len(run.deferred))  # fmt: skip
    created_at = datetime.fromisoformat(stored_at) if stored_at else run.now
    header = DigestHeader(
        id=digest_id, title=run.config.title, since=run.since, created_at=created_at,
        previous=Digest.model_validate_json(previous_body) if previous_body else None,
        today=run.now.date(),
    )  # fmt: skip
    built = build(
        run.recall.briefed(run.items, run.failed, counts, dict(run.briefed_keys),
                            history(run, digest_id, created_at)),
        header,
        max_stories=run.config.max_stories,
        max_story_articles=run.config.max_story_articles,
        section_cap=run.config.section_cap,
    )  # fmt: skip
    run.recall.save(dict(run.briefed_keys))
    digest = built.digest.model_copy(update={
        "partial": built.digest.partial or bool(run.deferred),
        "usage": RunUsage.of(run.fresh, cached=cached), "waiting": run.waiting,
    })  # fmt: skip
    return digest, built.memories


def history(run: RunState, digest_id: str, created_at: datetime) -> list[StoryMemory]:
    """The stories still open: the latest memory of each story a digest held within
    ``story_window`` before this one."""
    from summarizer.digest.history import StoryMemory

    since = (created_at - run.config.story_window).isoformat()
    bodies = run.store.story_memories(since=since, exclude=digest_id)
    return [StoryMemory.model_validate_json(body) for body in bodies]
