"""The digest job: ingest sources, brief concurrently, group stories, render, deliver.

:func:`run_digest` is the one entry point (the CLI and the scheduler call it). A run:

1. takes the database's run lock (a second run meanwhile fails with :class:`RunLockedError`);
2. ingests every source into the store (:func:`summarizer.digest.ingest.ingest`);
3. briefs every article not yet in a delivered digest through
   :meth:`Summarizer.summarize_many` with the store's brief cache, so each brief is
   stored the moment it is made and a killed run loses none of them;
4. groups the briefs into stories and marks what is new since the previous digest
   (:func:`summarizer.digest.stories.build_digest`);
5. renders and delivers (:mod:`summarizer.digest.deliver`); each delivery is recorded
   under the digest's id, a hash of the briefs it holds, so a rerun delivers it once.

Articles that fail stay pending and are retried by the next run; the digest lists them
and says it is ``partial``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.digest.config import DigestConfig
from summarizer.digest.models import Digest, DigestCounts, FailedArticle
from summarizer.digest.stories import Briefed, DigestHeader, Item, build_digest
from summarizer.errors import RunLockedError

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.digest.ingest import IngestReport
    from summarizer.digest.store import Store, StoredArticle
    from summarizer.pipeline import BriefResult

__all__ = ["Progress", "arun_digest", "run_digest", "run_lock"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str, "str | None"], None]
"""``progress(done, total, label, error)``: called once with ``done=0``, then per article."""

_MARK_BATCH = 64


@contextlib.contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold ``<db>.lock`` for the run; the OS drops it when the process dies (even kill -9)."""
    import fcntl

    path = db_path.with_name(db_path.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another digest run (pid {holder}) is using {db_path}; "
                "wait for it to finish or use another --db"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def run_digest(config: DigestConfig, *, progress: Progress | None = None) -> Digest:
    """Run one digest (see the module docstring); ``digest.partial`` says if all went well."""
    return asyncio.run(arun_digest(config, progress=progress))


async def arun_digest(config: DigestConfig, *, progress: Progress | None = None) -> Digest:
    """:func:`run_digest` for callers already inside an event loop."""
    from summarizer.cache import default_db_path
    from summarizer.config import load_settings
    from summarizer.digest.store import open_store

    settings = load_settings(config.summarizer.flags())
    db_path = default_db_path(config.db or settings.db)
    with run_lock(db_path):
        store = await asyncio.to_thread(open_store, db_path)
        try:
            return await _Run(config, settings, store).run(progress)
        finally:
            store.close()


def _failed_row(row: StoredArticle, label: str, error: str, attempts: int) -> FailedArticle:
    return FailedArticle(id=row.uid, label=label, url=row.url, error=error, attempts=attempts)


@dataclass
class _Run:
    """One run's state: what was ingested, briefed and failed, and the run's errors."""

    config: DigestConfig
    settings: Settings
    store: Store
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    report: IngestReport | None = None
    selected: list[StoredArticle] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    failed: list[FailedArticle] = field(default_factory=list)
    briefed_keys: list[tuple[str, str]] = field(default_factory=list)  # (uid, brief key)
    unmarked: list[tuple[int, str]] = field(default_factory=list)  # (article id, brief key)
    cached: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def since(self) -> datetime | None:
        return self.now - self.config.since if self.config.since else None

    @property
    def source_errors(self) -> list[tuple[str, str]]:
        return self.report.source_errors if self.report else []

    async def run(self, progress: Progress | None) -> Digest:
        run_id = self.store.start_run()
        try:
            await self.ingest()
            await self.brief(progress)
            digest = self.assemble()
            if not self.items and not self.failed:
                log.info("nothing new: no digest written")
                self.store.finish_run(run_id, "empty", counts=digest.counts.model_dump())
                return digest
            return await self.deliver(digest, run_id)
        except BaseException as exc:
            errors = [*self.errors, f"{type(exc).__name__}: {exc}"]
            self.store.finish_run(run_id, "failed", errors=errors)
            raise

    async def ingest(self) -> None:
        """Read the sources into the store; select the articles of this digest."""
        from summarizer.article import Limits
        from summarizer.digest.ingest import ingest

        limits = Limits(max_bytes=self.settings.max_input_bytes,
                        timeout_s=self.config.fetch_timeout_s)  # fmt: skip
        report = await asyncio.to_thread(
            ingest, self.store, self.config.sources, limits=limits,
            allow_private=self.config.allow_private, since=self.since,
            workers=self.config.concurrency,
        )  # fmt: skip
        log.info("ingested: %d new, %d known, %d not fetched, %d source error(s)",
                 report.new, report.known, report.failed, len(report.source_errors))  # fmt: skip
        self.report = report
        self.selected = self.store.undigested(since=self.since)
        self.failed = [
            _failed_row(row, row.title or row.url or row.uid, row.error or "not fetched",
                        row.attempts)
            for row in self.selected if row.text is None
        ]  # fmt: skip
        self.failed += [
            FailedArticle(id=None, label=spec, url=None, error=error, attempts=1)
            for spec, error in report.source_errors
        ]

    async def brief(self, progress: Progress | None) -> None:
        """Brief every selected article with text (the cache first), in bounded concurrency."""
        from summarizer.article import Article
        from summarizer.pipeline import Summarizer

        ready = [row for row in self.selected if row.text is not None]
        articles = [
            Article(text=row.text or "", title=row.title, url=row.url, published=row.published,
                    site=row.site, origin=row.origin)
            for row in ready
        ]  # fmt: skip
        summarizer = Summarizer(settings=self.settings, cache=self.store.cache)
        try:
            keys = [summarizer.cache_key(article)[0] for article in articles]
            self.cached = sum(self.store.cache.has_brief(key) for key in keys)
            if progress:
                progress(0, len(articles), "", None)
            done = 0
            async for result in summarizer.summarize_many(
                articles, concurrency=self.config.concurrency
            ):
                done += 1
                label = articles[result.index].label
                self._record(result, ready[result.index], keys[result.index], label)
                if progress:
                    error = None if result.brief else str(result.error)
                    progress(done, len(articles), label, error)
        finally:
            self.store.articles_briefed(self.unmarked)
            await summarizer.aclose()
        self.failed.sort(key=lambda f: (f.id is None, f.label))

    def _record(self, result: BriefResult, row: StoredArticle, key: str, label: str) -> None:
        if result.brief is None:
            message = str(result.error)
            self.store.article_failed(row.id, message)
            self.failed.append(_failed_row(row, label, message, row.attempts + 1))
            return
        # The brief itself is already stored (the cache); the article's status is written
        # in batches: each write costs the event loop a GIL handoff.
        self.unmarked.append((row.id, key))
        if len(self.unmarked) >= _MARK_BATCH:
            self.store.articles_briefed(self.unmarked)
            self.unmarked.clear()
        self.briefed_keys.append((row.uid, key))
        self.items.append((row, result.brief))

    def assemble(self) -> Digest:
        """The digest of what was briefed and what failed (not yet stored or delivered)."""
        fingerprint = json.dumps(
            [sorted(self.briefed_keys), sorted(f.id or f.label for f in self.failed)]
        )
        digest_id = "d" + hashlib.sha256(fingerprint.encode()).hexdigest()[:15]
        stored_at = self.store.digest_created_at(digest_id)
        previous_body = self.store.previous_digest(exclude=digest_id)
        n_source_errors = len(self.source_errors)
        counts = DigestCounts(articles=len(self.selected) + n_source_errors,
                              briefed=len(self.items), cached=self.cached,
                              failed=len(self.failed) - n_source_errors,
                              source_errors=n_source_errors)  # fmt: skip
        header = DigestHeader(
            id=digest_id, title=self.config.title, since=self.since,
            created_at=datetime.fromisoformat(stored_at) if stored_at else self.now,
            previous=Digest.model_validate_json(previous_body) if previous_body else None,
        )  # fmt: skip
        return build_digest(Briefed(self.items, self.failed, counts), header)

    async def deliver(self, digest: Digest, run_id: int) -> Digest:
        """Store the digest, deliver it, and finish the run's record."""
        from summarizer.digest.deliver import deliver

        store = self.store
        store.save_digest(digest.id, run_id, digest.created_at.isoformat(),
                          digest.model_dump_json())  # fmt: skip
        problems = await asyncio.to_thread(deliver, digest, self.config, store)
        self.errors += [f.label + ": " + f.error for f in self.failed] + problems
        if not problems:
            store.mark_digested([row.id for row, _ in self.items], digest.id)
            store.complete_digest(digest.id)
        status = "partial" if digest.partial or problems else "ok"
        if problems:
            digest = digest.model_copy(update={"partial": True})
        store.finish_run(run_id, status, counts=digest.counts.model_dump(), errors=self.errors,
                         digest_id=digest.id)  # fmt: skip
        return digest
