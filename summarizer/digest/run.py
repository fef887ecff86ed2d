"""The digest job: ingest sources, brief concurrently, group stories, render, deliver.

:func:`run_digest` is the one entry point (the CLI and the scheduler call it). A run:

1. takes the database's run lock (a second run meanwhile fails with :class:`RunLockedError`);
2. ingests every source into the store (:func:`summarizer.digest.ingest.ingest`);
3. briefs every article not yet in a delivered digest with bounded concurrency and the
   store's brief cache, so each brief is stored the moment it is made and a killed run
   loses none of them (an article waiting in a provider batch is collected from it, never
   briefed twice);
4. groups the briefs into stories and marks what is new since the previous digest
   (:func:`summarizer.digest.stories.build_digest`);
5. renders and delivers (:mod:`summarizer.digest.deliver`); each delivery is recorded
   under the digest's id, a hash of the briefs it holds, so a rerun delivers it once.

Articles that fail stay pending and are retried by the next run; the digest lists them
and says it is ``partial``.

With ``batch`` the briefs come from the provider's Batch API instead
(:mod:`summarizer.digest.batched`): a run collects the batches of earlier runs, submits
what is left as one batch and delivers what is briefed. With ``max_cost`` the articles to
brief are estimated before the first call and the run is refused
(:class:`~summarizer.base.errors.BudgetExceededError`, recorded ``refused``) when the estimate
is above it; an article not started because the spend reached it stays pending, and the
run is ``partial``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import BudgetReachedError, ConfigurationError
from summarizer.digest.briefing import article_of, as_source, brief_each
from summarizer.digest.config import DigestConfig
from summarizer.digest.control import Interrupted, RunControl, run_lock
from summarizer.digest.models import Digest, FailedArticle, WaitingBatch
from summarizer.digest.recall import Recall, Reviews, assemble
from summarizer.digest.stories import BriefLite, Item

if TYPE_CHECKING:
    import httpx2

    from summarizer.article import Article
    from summarizer.base.config import Settings
    from summarizer.digest.history import StoryMemory
    from summarizer.digest.ingest import IngestReport
    from summarizer.digest.store import Store, StoredArticle
    from summarizer.output.brief import Brief, Usage
    from summarizer.pipeline import Summarizer

__all__ = [
    "NOT_STARTED",
    "Interrupted",
    "Progress",
    "RunControl",
    "arun_digest",
    "run_digest",
    "run_lock",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str, "str | None"], None]
"""``progress(done, total, label, error)``: called once with ``done=0``, then per article."""

_MARK_BATCH = 64
NOT_STARTED = "not started: "  # a progress error that is not a failure (max_cost reached)


def run_digest(
    config: DigestConfig,
    *,
    progress: Progress | None = None,
    control: RunControl | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    now: datetime | None = None,
) -> Digest:
    """Run one digest (see the module docstring); ``digest.partial`` says if all went well.

    With ``control``, ``control.cancel(reason)`` ends the run early: it is recorded
    ``interrupted`` and :class:`Interrupted` is raised. ``transport`` carries the live
    model requests instead of the network, as in ``Summarizer(transport=...)``. ``now``
    is the digest's clock (default: the time it runs): its date, the day dates are judged
    by (a next step whose day has passed) and the story window are read from it, so an
    archive of mornings can be replayed (``summarizer digest run --as-of``).
    """
    control = control or RunControl()
    work = arun_digest(config, progress=progress, transport=transport, now=now)
    try:
        return asyncio.run(control.run(work))
    except asyncio.CancelledError:
        raise Interrupted(control.reason or "cancelled") from None


async def arun_digest(
    config: DigestConfig,
    *,
    progress: Progress | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    now: datetime | None = None,
) -> Digest:
    """:func:`run_digest` for callers already inside an event loop."""
    from summarizer.base.config import load_settings
    from summarizer.digest.store import open_store
    from summarizer.engine.cache import default_db_path

    settings = load_settings(config.summarizer.flags())
    db_path = default_db_path(config.db or settings.db)
    settings = settings.model_copy(update={"db": db_path})  # batch jobs: the same file
    with run_lock(db_path):
        store = await asyncio.to_thread(open_store, db_path)
        try:
            run = _Run(config, settings, store, transport=transport)
            if now is not None:
                run.now = now if now.tzinfo else now.replace(tzinfo=UTC)
            return await run.run(progress)
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
    transport: httpx2.AsyncBaseTransport | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    report: IngestReport | None = None
    selected: list[StoredArticle] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    failed: list[FailedArticle] = field(default_factory=list)
    briefed_keys: list[tuple[str, str]] = field(default_factory=list)  # (uid, brief key)
    unmarked: list[tuple[int, str]] = field(default_factory=list)  # (article id, brief key)
    cached_keys: set[str] = field(default_factory=set)  # briefs in the cache at the start
    fresh: list[Usage] = field(default_factory=list)  # usage of the briefs made by this run
    deferred: list[StoredArticle] = field(default_factory=list)  # not started: max_cost
    waiting: list[WaitingBatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    run_id: int = 0
    briefing: bool = False
    memories: list[StoryMemory] = field(default_factory=list)  # of the digest assembled
    recall: Recall = field(init=False)  # the readings of the run's articles

    def __post_init__(self) -> None:
        self.recall = Recall(self.store)

    @property
    def since(self) -> datetime | None:
        return self.now - self.config.since if self.config.since else None

    @property
    def source_errors(self) -> list[tuple[str, str]]:
        return self.report.source_errors if self.report else []

    async def run(self, progress: Progress | None) -> Digest:
        self.run_id = run_id = self.store.start_run()
        try:
            await self.ingest()
            self.briefing = True
            await (self.brief_batched() if self.config.batch else self.brief(progress))
            self.briefing = False
            digest = self.assemble()
            if not self.items and not self.failed:
                log.info("nothing new: no digest written")
                problems = await self.retry_deliveries()
                partial = bool(problems or self.deferred)
                status = "partial" if partial else "waiting" if self.waiting else "empty"
                self.store.finish_run(run_id, status, counts=self.counts(digest),
                                      errors=[*self.errors, *problems])  # fmt: skip
                return digest.model_copy(update={"partial": partial})
            return await self.deliver(digest, run_id)
        except (asyncio.CancelledError, KeyboardInterrupt) as exc:
            errors = [*self.errors, f"interrupted: {type(exc).__name__}"]
            self.store.finish_run(run_id, "interrupted", errors=errors)
            raise
        except BaseException as exc:
            # A configuration error while briefing (over budget, no price, no Batch API)
            # refuses the run before anything is sent for it.
            refused = self.briefing and isinstance(exc, ConfigurationError)
            error = str(exc) if refused else f"{type(exc).__name__}: {exc}"
            self.store.finish_run(run_id, "refused" if refused else "failed",
                                  errors=[*self.errors, error])  # fmt: skip
            raise

    async def ingest(self) -> None:
        """Read the sources into the store; select the articles of this digest."""
        from summarizer.article import Limits
        from summarizer.digest.ingest import ingest

        limits = Limits(max_bytes=self.settings.max_input_bytes,
                        timeout_s=self.config.fetch_timeout_s)  # fmt: skip
        report = await asyncio.to_thread(
            ingest, self.store, self.config.sources, limits=limits,
            allow_private=self.config.allow_private, workers=self.config.concurrency,
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

    def summarizer(self) -> Summarizer:
        from summarizer.pipeline import Summarizer

        return Summarizer(settings=self.settings, cache=self.store.cache, transport=self.transport)

    def check_budget(
        self, summarizer: Summarizer, articles: list[Article], *, batch: bool = False
    ) -> None:
        """Refuse the run before its first call when the estimate is above ``max_cost``."""
        if self.settings.max_cost is None or not articles:
            return
        estimates = [summarizer.estimate(article, batch=batch) for article in articles]
        summarizer.check_budget(functools.reduce(operator.add, estimates))

    async def brief(self, progress: Progress | None) -> None:
        """Brief every selected article with text (the cache first), in bounded concurrency;
        articles waiting in a provider batch are collected from it, not briefed again."""
        from summarizer.digest.batched import BatchLedger, collect_held

        ready = [row for row in self.selected if row.text is not None]
        # each article's text is let go once it is briefed and read (the store has it)
        self.selected = [replace(row, text=None) for row in self.selected]
        summarizer, cache = self.summarizer(), self.store.cache
        try:
            keys = [summarizer.cache_key(article_of(row))[0] for row in ready]
            self.cached_keys = {key for key in keys if cache.has_brief(key)}
            held, self.waiting = await asyncio.to_thread(
                collect_held, summarizer, BatchLedger(self.store.db), self.run_id,
                [k for k in keys if k not in self.cached_keys], is_briefed=cache.has_brief,
            )  # fmt: skip
            keep = [i for i, key in enumerate(keys) if key not in held]
            ready, keys = [ready[i] for i in keep], [keys[i] for i in keep]
            if self.settings.max_cost is not None:
                todo = [article_of(r) for r, k in zip(ready, keys, strict=True)
                        if not cache.has_brief(k)]  # fmt: skip
                await asyncio.to_thread(self.check_budget, summarizer, todo)
            if progress:
                progress(0, len(ready), "", None)
            done = 0
            async for index, brief, error in brief_each(summarizer, ready, self.config.concurrency):
                done += 1
                row, label = ready[index], article_of(ready[index]).label
                message = None if error is None else str(error) or type(error).__name__
                if isinstance(error, BudgetReachedError):  # not failed: briefed next run
                    self.deferred.append(row)
                    message = f"{NOT_STARTED}{message}"
                else:
                    self._record(row, brief, message, keys[index], label)
                ready[index] = replace(row, text=None)
                if progress:
                    progress(done, len(ready), label, message)
        finally:
            self.store.articles_briefed(self.unmarked)
            await summarizer.aclose()
        self.failed.sort(key=lambda f: (f.id is None, f.label))
        if self.deferred:
            n, cap = len(self.deferred), self.settings.max_cost
            self.errors.append(f"{n} article(s) not started: the spend reached max_cost ${cap}")

    async def brief_batched(self) -> None:
        """The briefs through the provider's Batch API (:mod:`summarizer.digest.batched`):
        what is briefed now is in the cache; the rest waits in a batch or failed there."""
        from summarizer.digest.batched import BatchLedger, run_batches

        ready = [row for row in self.selected if row.text is not None]
        cache = self.store.cache
        summarizer = self.summarizer()
        try:
            articles = [article_of(row) for row in ready]
            keys = [summarizer.cache_key(article)[0] for article in articles]
            self.cached_keys = {key for key in keys if cache.has_brief(key)}
            unbriefed = {k: a for k, a in zip(keys, articles, strict=True)
                         if k not in self.cached_keys}  # fmt: skip
            outcome = await asyncio.to_thread(
                run_batches, summarizer, BatchLedger(self.store.db), self.run_id, unbriefed,
                is_briefed=cache.has_brief,
                check_budget=functools.partial(self.check_budget, summarizer, batch=True),
                wait=self.config.batch_wait, poll_s=self.config.batch_poll_s,
            )  # fmt: skip
        finally:
            await summarizer.aclose()
        self.waiting = outcome.waiting
        for row, article, key in zip(ready, articles, keys, strict=True):
            brief = cache.get_brief(key)
            if brief is not None:
                self._record(row, as_source(brief, article), None, key, article.label)
            elif key in outcome.failed:
                self._record(row, None, outcome.failed[key], key, article.label)
        self.store.articles_briefed(self.unmarked)
        self.failed.sort(key=lambda f: (f.id is None, f.label))

    def _record(
        self, row: StoredArticle, brief: Brief | None, error: str | None, key: str, label: str
    ) -> None:
        if brief is None:
            message = error or "failed"
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
        # the brief itself stays in the cache (about 20 KB as objects): the digest keeps
        # what it needs of every brief, and loads the briefs of the stories it shows
        self.items.append((replace(row, text=None), BriefLite.of(brief, key)))
        self.recall.note(row, brief)  # while the other briefs are in flight
        if key not in self.cached_keys:
            self.fresh.append(brief.usage)

    def counts(self, digest: Digest) -> dict[str, Any]:
        """The run's record of how it went: the digest's counts and the usage totals."""
        return {**digest.counts.model_dump(), "usage": digest.usage.model_dump()}

    def assemble(self) -> Digest:
        """The digest of what was briefed and what failed (not yet stored or delivered)."""
        digest, self.memories = assemble(self)
        return digest

    async def retry_deliveries(self) -> list[str]:
        """Earlier digests a webhook or email target did not get: sent again."""
        from summarizer.digest.deliver import retry_failed

        return await asyncio.to_thread(retry_failed, self.config, self.store)

    async def deliver(self, digest: Digest, run_id: int) -> Digest:
        """Store the digest, deliver it, and finish the run's record.

        Once the files are written the digest is complete: its articles are never put in
        a later digest as new. A webhook or email that still fails after the in-run
        retries is retried by the next run, with this digest as it was.
        """
        from summarizer.digest.deliver import deliver

        store = self.store
        store.save_digest(digest.id, run_id, digest.created_at.isoformat(),
                          digest.model_dump_json())  # fmt: skip
        store.save_story_memories(
            digest.id, [(m.id, m.seen_at, m.model_dump_json()) for m in self.memories]
        )
        reviews = Reviews(self.recall, {row.uid: (row, brief) for row, brief in self.items})
        problems = await asyncio.to_thread(deliver, digest, self.config, store, reviews)
        self.errors += [f.label + ": " + f.error for f in self.failed] + problems
        store.mark_digested([row.id for row, _ in self.items], digest.id)
        store.complete_digest(digest.id)
        status = "partial" if digest.partial or problems else "ok"
        if problems:
            digest = digest.model_copy(update={"partial": True})
        store.finish_run(run_id, status, counts=self.counts(digest), errors=self.errors,
                         digest_id=digest.id)  # fmt: skip
        return digest
