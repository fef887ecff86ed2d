"""``digest run --batch``: the run's articles through the provider's Batch API.

A batch run does, in this order (:func:`run_batches`):

1. **Budget.** The articles it would send (neither briefed nor waiting in a batch) are
   estimated at the batch rate and checked against ``max_cost`` before anything is sent:
   :class:`~summarizer.base.errors.BudgetExceededError` leaves everything as it was.
2. **Collect.** Every batch of earlier runs that has not settled is collected
   (:func:`summarizer.batch.collect.collect`: grounded as live, idempotent, briefs put in
   the brief cache, re-asks sent as follow-up batches). So is any other batch that holds
   one of the digest's articles (``summarizer batch submit`` by hand, or a run killed
   between submitting and recording its batch): nothing is sent twice.
3. **Resubmit** the requests that earlier runs found failed, expired or cancelled, as
   follow-up batches of their own batch (``summarizer batch submit --retry``'s path).
4. **Submit** the rest as one batch (split only at the provider's file limits), recorded
   in ``digest_batches`` with the run.

What it returns says which articles are briefed (their briefs are in the cache), which
failed in a batch collected now (listed; resubmitted by the next run), and which batches
still hold articles. The digest is built from the cache by the caller, so an article is
briefed once and delivered once however many runs it takes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.digest.models import WaitingBatch

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.batch.jobs import Job, Request
    from summarizer.batch.runner import Batches
    from summarizer.engine.cache import Database
    from summarizer.pipeline import Summarizer

__all__ = ["BatchOutcome", "BatchLedger", "collect_held", "run_batches"]

log = logging.getLogger(__name__)

_UNSETTLED = ("open", "reask", "failed", "expired", "cancelled")


class BatchLedger:
    """``digest_batches``: the batches digest runs created or adopted, until they settle."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def any_batches(self) -> bool:
        """Whether this database has ever held a batch (its tables exist)."""
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batch_requests'"
        return self.db.one(sql) is not None

    def open_jobs(self) -> list[int]:
        rows = self.db.all("SELECT job_id FROM digest_batches WHERE settled_at IS NULL")
        return [int(row[0]) for row in rows]

    def record(self, run_id: int, job: Job, kind: str, articles: int) -> None:
        from summarizer.engine.cache import now_iso

        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO digest_batches (job_id, batch, run_id, kind, articles, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET batch = "
                "excluded.batch",
                (job.id, job.ref, run_id, kind, articles, now_iso()),
            )

    def settled(self, job_id: int) -> None:
        from summarizer.engine.cache import now_iso

        with self.db.tx() as conn:
            conn.execute(
                "UPDATE digest_batches SET settled_at = ? WHERE job_id = ?", (now_iso(), job_id)
            )

    def of_run(self, run_id: int) -> list[tuple[str, str, int]]:
        """``(batch, kind, articles)`` of what ``run_id`` submitted or adopted."""
        rows = self.db.all(
            "SELECT batch, kind, articles FROM digest_batches WHERE run_id = ? ORDER BY job_id",
            (run_id,),
        )
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


@dataclass
class BatchOutcome:
    """What the batch phase left: failures found now (cache key -> error) and the waits."""

    failed: dict[str, str] = field(default_factory=dict)
    submitted: list[str] = field(default_factory=list)
    waiting: list[WaitingBatch] = field(default_factory=list)


def _tree(batches: Batches, job: Job) -> list[Job]:
    """``job`` and every follow-up batch (re-asks, retries) under it."""
    out, todo = [], [job]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += batches.store.children(current.id)
    return out


def _retryable(batches: Batches, jobs: Sequence[Job]) -> dict[tuple[int, str], Request]:
    from summarizer.batch.jobs import RETRYABLE

    return {
        (req.job_id, req.custom_id): req
        for job in jobs
        for req in batches.store.requests(job.id, RETRYABLE)
    }


@dataclass
class _Phase:
    summarizer: Summarizer
    batches: Batches
    ledger: BatchLedger
    run_id: int
    roots: list[Job] = field(default_factory=list)
    # articles a batch cannot take (their plan cuts them into chunks): cache key -> why
    rejected: dict[str, str] = field(default_factory=dict)

    def jobs(self) -> list[Job]:
        seen: dict[int, Job] = {}
        for root in self.roots:
            for job in _tree(self.batches, root):
                seen.setdefault(job.id, job)
        return list(seen.values())

    def adopt(self, keys: Sequence[str]) -> None:
        """Track the unsettled batches of the ledger, and any batch holding one of ``keys``."""
        store = self.batches.store
        self.roots = [store.job(job_id) for job_id in self.ledger.open_jobs()]
        known = {job.id for job in self.jobs()}
        for ref in sorted(set(store.in_flight(keys).values())):
            job = store.find(ref)
            if job is not None and job.id not in known:
                log.info("collecting %s, which holds articles of this digest", ref)
                self.ledger.record(self.run_id, job, "adopted", store.counts(job.id).get("open", 0))
                self.roots.append(job)
                known |= {j.id for j in _tree(self.batches, job)}

    def collect(self, *, wait: bool) -> None:
        from summarizer.batch.collect import NotReadyError, collect

        below = {j.id for root in self.roots for j in _tree(self.batches, root)[1:]}
        for root in self.roots:
            if root.id in below:  # collected through the batch it follows up
                continue
            try:
                collect(self.batches, root, reask="batch", wait=wait)
            except NotReadyError as exc:
                log.info("%s", exc)

    def resubmit(
        self, failed: dict[tuple[int, str], Request], is_briefed: Callable[[str], bool]
    ) -> list[Job]:
        """Earlier runs' failed, expired and cancelled requests, asked again; those whose
        article was briefed meanwhile (by a live run) are handed on to it instead."""
        from summarizer.batch.collect import retry
        from summarizer.batch.jobs import HANDED_ON, Settled

        for req in failed.values():
            if is_briefed(req.cache_key):
                done = Settled(req.custom_id, HANDED_ON, req.history, error="briefed live")
                self.batches.store.settle(req.job_id, [done], from_status=req.status)
        made: list[Job] = []
        for job_id in sorted({job_id for job_id, _ in failed}):
            try:
                made += retry(self.batches, self.batches.store.job(job_id))
            except ValueError as exc:  # resubmitted meanwhile (batch submit --retry)
                log.info("not resubmitted: %s", exc)
        for job in made:
            self.ledger.record(self.run_id, job, "retry", len(self._open(job)))
        return made

    def _open(self, job: Job) -> list[Request]:
        return self.batches.store.requests(job.id, ["open"])

    def submit(self, articles: Sequence[Article]) -> list[Job]:
        from summarizer.article import Article as LoadedArticle
        from summarizer.batch.collect import submit_batch

        if not articles:
            return []
        job = submit_batch(self.summarizer, articles, batches=self.batches)
        for result in job.submitted.rejected:  # listed as failed, never dropped silently
            if isinstance(result.source, LoadedArticle):
                key = self.summarizer.cache_key(result.source)[0]
                self.rejected[key] = f"not sent in a batch: {result.error}"
        for created in job.jobs:
            self.ledger.record(self.run_id, created, "submit", len(self._open(created)))
        self.roots += job.jobs
        return job.jobs

    def settle(self) -> None:
        """Roots whose whole tree is done (or handed on) leave the ledger's open list."""
        for root in self.roots:
            counts: dict[str, int] = {}
            for job in _tree(self.batches, root):
                for status, n in self.batches.store.counts(job.id).items():
                    counts[status] = counts.get(status, 0) + n
            if not any(counts.get(status) for status in _UNSETTLED):
                self.ledger.settled(root.id)

    def waiting(self, keys: Sequence[str], submitted: list[str]) -> list[WaitingBatch]:
        store = self.batches.store
        per_batch: dict[str, int] = {}
        for ref in store.in_flight(keys).values():
            per_batch[ref] = per_batch.get(ref, 0) + 1
        out = []
        for ref, n in sorted(per_batch.items()):
            job = store.find(ref)
            state = job.state if job is not None else "unknown"
            out.append(WaitingBatch(batch=ref, state=state, articles=n, new=ref in submitted))
        return out


def _unsent(unbriefed: dict[str, Article], busy: dict[str, str]) -> list[tuple[str, Article]]:
    """The articles no batch holds yet: sent (or resubmitted) by this run."""
    return [(key, article) for key, article in unbriefed.items() if key not in busy]


def run_batches(
    summarizer: Summarizer,
    ledger: BatchLedger,
    run_id: int,
    unbriefed: dict[str, Article],
    *,
    is_briefed: Callable[[str], bool],
    check_budget: Callable[[list[Article]], None],
    wait: bool = False,
    poll_s: float = 30.0,
) -> BatchOutcome:
    """Collect, resubmit and submit (see the module docstring) for ``unbriefed`` (cache key
    -> article: the digest's articles without a brief at the start of the run)."""
    from summarizer.batch.collect import open_batches

    batches = open_batches(summarizer, poll_s=poll_s)
    phase = _Phase(summarizer, batches, ledger, run_id)
    try:
        keys = list(unbriefed)
        phase.adopt(keys)
        busy = batches.store.in_flight(keys)
        to_send = [article for _, article in _unsent(unbriefed, busy)]
        check_budget(to_send)  # raises before anything is sent
        earlier = _retryable(batches, phase.jobs())
        phase.collect(wait=False)
        new = phase.resubmit(earlier, is_briefed)
        new += phase.submit([a for k, a in _unsent(unbriefed, busy) if not is_briefed(k)])
        if wait:
            phase.collect(wait=True)
        found = {k: v for k, v in _retryable(batches, phase.jobs()).items() if k not in earlier}
        failed = {req.cache_key: req.error or req.status for req in found.values()}
        failed.update(phase.rejected)
        phase.settle()
        left = [k for k in keys if not is_briefed(k)]
        submitted = [job.ref for job in new]
        return BatchOutcome(failed, submitted, phase.waiting(left, submitted))
    finally:
        batches.store.close()
        batches.api.close()


def collect_held(
    summarizer: Summarizer,
    ledger: BatchLedger,
    run_id: int,
    unbriefed: Sequence[str],
    *,
    is_briefed: Callable[[str], bool],
) -> tuple[set[str], list[WaitingBatch]]:
    """For a live run: the batches holding some of ``unbriefed`` (cache keys) are collected
    (nothing new is sent); return the keys still held and their batches. A live run does not
    brief those: they would be paid for twice."""
    from summarizer.batch.collect import open_batches
    from summarizer.batch.jobs import JobStore

    if not unbriefed or not ledger.any_batches():
        return set(), []
    with JobStore(ledger.db.path) as jobs:
        if not jobs.in_flight(unbriefed):
            return set(), []
    batches = open_batches(summarizer)
    phase = _Phase(summarizer, batches, ledger, run_id)
    try:
        phase.adopt(list(unbriefed))
        phase.collect(wait=False)
        phase.settle()
        left = [key for key in unbriefed if not is_briefed(key)]
        return set(batches.store.in_flight(left)), phase.waiting(left, [])
    finally:
        batches.store.close()
        batches.api.close()
