"""Collecting batches: each answer grounded by the article's own conversation, as live.

For every request of a finished batch the stored answers plus the new one are fed to a fresh
:class:`~summarizer.model.conversation.Conversation` (:func:`~summarizer.batch.runner.replay`):
a grounded outcome becomes a brief (stored with the request, then put in the brief cache), a
failed check becomes a re-ask (a follow-up batch, or live with ``reask="live"``), and an
exhausted loop, a failed line or an expired request is listed and can be resubmitted
(:meth:`BatchJob.retry`). Collecting twice changes nothing: a request is settled only from
the state its collector saw, and the briefs are read back from the store.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import BackendError, ConfigurationError, SummarizerError
from summarizer.batch import adapter
from summarizer.batch.api import TERMINAL, BatchAPI
from summarizer.batch.jobs import OPEN, RETRYABLE, Job, JobStore, NewRequest, Request, Settled
from summarizer.batch.runner import Batches, describe
from summarizer.batch.settle import finish_live, settle_open
from summarizer.engine.results import BriefResult
from summarizer.engine.spend import dollars
from summarizer.output.brief import Brief, Cost, Usage

if TYPE_CHECKING:
    from summarizer.batch.adapter import BriefHost as Summarizer
    from summarizer.engine.results import Source

__all__ = ["BatchJob", "NotReadyError", "open_batches", "spent", "submit_batch"]

log = logging.getLogger(__name__)


class NotReadyError(BackendError):
    """The batch has not finished yet (collect again later, or wait)."""


@dataclass
class Submitted:
    """What :func:`submit_batch` did with each source besides queuing it."""

    cached: list[BriefResult] = field(default_factory=list)
    in_flight: dict[str, str] = field(default_factory=dict)  # source label -> batch
    rejected: list[BriefResult] = field(default_factory=list)


def open_batches(summarizer: Summarizer, **options: Any) -> Batches:
    """The job store (the digest store's database) and the backend's batch API."""
    base_url, api_key, timeout_s = adapter.endpoint(summarizer)
    store = JobStore(adapter.db_path(summarizer.settings.db))
    api = BatchAPI(base_url, api_key=api_key, timeout_s=timeout_s)
    return Batches(summarizer, store, api, **options)


def _custom_id(seq: int) -> str:
    return f"r{seq}-{uuid.uuid4().hex[:10]}"


def _error(req: Request) -> SummarizerError:
    return BackendError(req.error or req.status, source=req.article.label)


def _result(req: Request) -> BriefResult:
    if req.brief is not None:
        return BriefResult(req.seq, req.article, brief=Brief.model_validate_json(req.brief))
    return BriefResult(req.seq, req.article, error=_error(req))


class BatchJob:
    """One submission: one or more provider batches (a file holds at most 50,000 requests)."""

    def __init__(self, batches: Batches, jobs: Sequence[Job], submitted: Submitted | None = None):
        self.batches = batches
        self.jobs = list(jobs)
        self.submitted = submitted or Submitted()

    @property
    def ids(self) -> list[str]:
        return [job.ref for job in self.jobs]

    def status(self) -> list[str]:
        """One line per batch: provider state and request counts; refreshes the store."""
        self.jobs = [self.batches.refresh(job) for job in self.jobs]
        return [describe(job, self.batches.store.counts(job.id)) for job in self.jobs]

    def wait(self, timeout_s: float | None = None) -> list[Job]:
        self.jobs = [self.batches.wait(job, timeout_s=timeout_s) for job in self.jobs]
        return self.jobs

    def collect(self, *, reask: str = "batch", wait: bool = False) -> list[BriefResult]:
        """Briefs and errors of every request; with ``wait``, also of the follow-up batches."""
        results: list[BriefResult] = []
        for job in self.jobs:
            results += collect(self.batches, job, reask=reask, wait=wait)
        return results

    def failed(self) -> list[Request]:
        """Requests that ended failed, expired or cancelled and were not resubmitted."""
        return [r for job in self.jobs for r in self.batches.store.requests(job.id, RETRYABLE)]

    def retry(self) -> BatchJob:
        """Resubmit the failed, expired and cancelled requests as new batches."""
        jobs: list[Job] = []
        for job in self.jobs:
            jobs += retry(self.batches, job)
        return BatchJob(self.batches, jobs)

    def close(self) -> None:
        self.batches.store.close()
        self.batches.api.close()


def submit_batch(
    summarizer: Summarizer,
    sources: Iterable[Source],
    *,
    strict: bool | None = None,
    batches: Batches | None = None,
) -> BatchJob:
    """Queue ``sources`` as provider batches; already cached or queued articles are skipped."""
    batches = batches or open_batches(summarizer)
    strict = adapter.strict_default(summarizer) if strict is None else strict
    cache = adapter.brief_cache(summarizer)
    done = Submitted()
    new: list[NewRequest] = []
    seen: set[str] = set()
    for index, source in enumerate(sources):
        try:
            article = adapter.load(summarizer, source)
            adapter.check_plan(summarizer, article, strict)  # what a batch cannot do
        except ConfigurationError:
            raise  # verify or choose: the whole submission is refused, nothing was sent
        except SummarizerError as exc:
            done.rejected.append(BriefResult(index, source, error=exc))
            continue
        key, parts = adapter.cache_key(summarizer, article, strict)
        hit = cache.get_brief(key) if cache is not None else None
        if hit is not None:
            done.cached.append(BriefResult(index, article, brief=hit))
        elif key not in seen:
            seen.add(key)
            new.append(NewRequest(_custom_id(len(new)), key, parts, article))
    busy = batches.store.in_flight(r.cache_key for r in new)
    for req in new:
        if req.cache_key in busy:
            done.in_flight[req.article.label] = busy[req.cache_key]
    new = [r for r in new if r.cache_key not in busy]
    if new and summarizer.ledger.max_cost is not None:  # refused before any upload
        summarizer.check_budget(batches.estimate(new, strict=strict))
    jobs = batches.submit(new, strict=strict) if new else []
    return BatchJob(batches, jobs, done)


# --- collecting one job ---


def _fill_cache(batches: Batches, job: Job) -> None:
    """Put every brief of the job in the brief cache (again, if a crash cut the last try)."""
    cache = adapter.brief_cache(batches.summarizer)
    if cache is None:
        return
    for req in batches.store.requests(job.id, ["done"], history=False):
        if req.cache_parts.get("verify"):  # submitted before batch refused verify: unverified
            continue
        if req.brief is not None and cache.get_brief(req.cache_key) is None:
            cache.put_brief(req.cache_key, Brief.model_validate_json(req.brief), req.cache_parts)


def _reask(batches: Batches, job: Job, how: str) -> list[Job]:
    due = batches.store.requests(job.id, ["reask"])
    if not due:
        return []
    stop = _budget_reached(batches, job)
    if stop is not None:  # not asked again: listed as failed, resumable with submit --retry
        stopped = [Settled(r.custom_id, "failed", r.history, error=stop) for r in due]
        batches.store.settle(job.id, stopped, from_status="reask")
        return []
    if how == "live":  # each settled as soon as it is done: nothing paid is lost to a kill
        for r in due:
            batches.store.settle(job.id, [finish_live(batches, job, r)], from_status="reask")
        return []
    follow = [
        NewRequest(
            _custom_id(i), r.cache_key, r.cache_parts, r.article, r.history, (job.id, r.custom_id)
        )
        for i, r in enumerate(due)
    ]
    try:
        return batches.submit(
            follow,
            kind="reask",
            strict=job.strict,
            parent_id=job.id,
            model=job.model,
            mode=job.mode,
        )
    except ValueError as exc:  # another collector handed them on first
        log.info("%s: re-asks already queued (%s)", job.ref, exc)
        return []


def spent(batches: Batches, job: Job) -> Cost | None:
    """What the whole submission of ``job`` cost so far (its first batch, re-asks and
    retries), at batch rates: every answer stored, counted once (None: no known price)."""
    root = job
    while root.parent_id is not None:
        root = batches.store.job(root.parent_id)
    usage, seen, todo = Usage(), set[str](), [root]
    while todo:
        current = todo.pop()
        for req in batches.store.requests(current.id):
            for answer in req.history:
                key = str(answer.get("id") or json.dumps(answer, sort_keys=True))
                counts = answer.get("usage")
                if key in seen or not isinstance(counts, dict):
                    continue
                seen.add(key)
                usage.prompt_tokens += int(counts.get("prompt_tokens") or 0)
                usage.completion_tokens += int(counts.get("completion_tokens") or 0)
        todo += batches.store.children(current.id)
    return batches.summarizer.price(usage, batch=True)


def _budget_reached(batches: Batches, job: Job) -> str | None:
    """Why the re-asks of ``job`` are not sent (the spend reached ``max_cost``), or None."""
    ledger = batches.summarizer.ledger
    if ledger.max_cost is None:
        return None
    cost = spent(batches, job)
    if cost is None:
        raise ConfigurationError(
            f"max_cost: no known price for model {job.model} at {job.base_url}; "
            "a budget cannot be checked"
        )
    if cost.amount < ledger.max_cost:
        return None
    return (
        f"budget_reached: the batch cost {dollars(cost.amount)}, max_cost is "
        f"{dollars(ledger.max_cost)}: its re-ask was not sent; resubmit it with "
        f"summarizer batch submit --retry {job.ref}"
    )


def collect(
    batches: Batches,
    job: Job,
    *,
    reask: str = "batch",
    wait: bool = False,
    wait_s: float | None = None,
) -> list[BriefResult]:
    """Settle a finished batch and return its briefs and errors (idempotent), with those of
    its finished follow-up batches (re-asks, retries); ``wait``: wait for all of them, each
    at most ``wait_s`` seconds (None: until it ends), then NotReadyError."""
    if reask not in ("batch", "live"):
        raise ValueError("reask must be 'batch' or 'live'")
    job = batches.wait(job, timeout_s=wait_s) if wait else batches.refresh(job)
    if job.state not in TERMINAL:
        waited = f" after waiting {wait_s:g} s" if wait and wait_s is not None else ""
        raise NotReadyError(
            f"batch {job.ref} is {job.state}{waited}; collect it when it has finished"
        )
    with batches.store.lock():  # two collects take turns: one settles, re-asks, creates
        job = batches.store.job(job.id)
        settle_open(batches, job)
        _reask(batches, job, reask)
        _fill_cache(batches, job)
        if not batches.store.custom_ids(job.id, [OPEN, "reask"]) and job.collected_at is None:
            from datetime import UTC, datetime

            job = batches.store.update_job(job.id, collected_at=datetime.now(UTC).isoformat())
    rows = batches.store.requests(job.id, ["done", *RETRYABLE], history=False)
    results = [_result(r) for r in rows]
    for child in batches.store.children(job.id):  # re-asks and retries of these requests
        try:
            results += collect(batches, child, reask=reask, wait=wait, wait_s=wait_s)
        except NotReadyError:
            log.info("%s: follow-up %s has not finished", job.ref, child.ref)
    return results


def retry(batches: Batches, job: Job) -> list[Job]:
    """Resubmit the job's failed, expired and cancelled requests (once each).

    A request that failed in transit is asked again where it stood; one whose answers failed
    validation starts a fresh conversation (replaying them would fail the same way).
    """
    again = [
        NewRequest(
            _custom_id(i),
            r.cache_key,
            r.cache_parts,
            r.article,
            [] if (r.error or "").startswith("invalid:") else r.history,
            (job.id, r.custom_id),
        )
        for i, r in enumerate(batches.store.requests(job.id, RETRYABLE))
    ]
    if not again:
        return []
    if batches.summarizer.ledger.max_cost is not None:
        batches.summarizer.check_budget(batches.estimate(again, strict=job.strict))
    return batches.submit(
        again, kind="retry", strict=job.strict, parent_id=job.id, model=job.model, mode=job.mode
    )
