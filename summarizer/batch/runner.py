"""Submitting batches: request lines from each article's conversation, pending rows first,
then upload and create; resuming a job a crash left half-submitted; polling.

A job row and its requests are stored *before* the upload starts. The batch is created with
``metadata.summarizer_job = <job uid>``, so a job whose batch id never reached the database
(killed between create and store) is found again by :func:`resume` instead of sent twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import BackendError, SummarizerError
from summarizer.batch import adapter
from summarizer.batch.api import TERMINAL, BatchAPI, checked_id
from summarizer.batch.jobs import Job, JobStore, NewRequest, Request
from summarizer.batch.jsonl import (
    COMPLETION_WINDOW,
    ENDPOINT,
    MAX_BYTES,
    MAX_REQUESTS,
    request_line,
    split_lines,
)

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.batch.adapter import BriefHost as Summarizer
    from summarizer.engine.spend import Estimate
    from summarizer.model.conversation import Conversation, Outcome

__all__ = ["METADATA_KEY", "Batches", "Replay", "replay"]

log = logging.getLogger(__name__)

METADATA_KEY = "summarizer_job"


@dataclass
class Replay:
    """A conversation fed every answer it has had: its outcome, or the next request due."""

    conv: Conversation
    outcome: Outcome | None = None
    error: SummarizerError | None = None

    @property
    def due(self) -> dict[str, Any] | None:
        return self.conv.request() if self.outcome is None and self.error is None else None


def replay(
    summarizer: Summarizer,
    article: Article,
    history: Sequence[Mapping[str, Any]],
    *,
    model: str,
    mode: str,
    strict: bool,
) -> Replay:
    """Rebuild the article's conversation and feed it ``history`` (the answers so far).

    The conversation does no I/O and is deterministic, so the replay ends exactly where the
    loop stood after the last answer: grounded, failed, or waiting for a re-ask.
    """
    conv = adapter.conversation(summarizer, article, model=model, mode=mode, strict=strict)
    state = Replay(conv)
    for body in history:
        conv.usage.requests += 1
        try:
            state.outcome = conv.receive(adapter.parse_completion(dict(body)))
        except SummarizerError as exc:
            state.error = exc
            return state
        except ValueError as exc:
            state.error = SummarizerError(str(exc), source=article.label)
            return state
        if state.outcome is not None:
            return state
    return state


@dataclass
class Batches:
    """What every batch operation needs: the summarizer, the job store and the batch API."""

    summarizer: Summarizer
    store: JobStore
    api: BatchAPI
    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES
    window: str = COMPLETION_WINDOW
    poll_s: float = 30.0

    # --- building ---

    def _lines(self, job: Job, requests: Iterable[Request]) -> bytes:
        lines = []
        for req in requests:
            state = replay(
                self.summarizer,
                req.article,
                req.history,
                model=job.model,
                mode=job.mode,
                strict=job.strict,
            )
            due = state.due
            if due is None:  # cannot happen for a stored open request; guard anyway
                raise ValueError(f"request {req.custom_id} has no request due")
            lines.append(request_line(req.custom_id, due))
        return b"".join(lines)

    def plan(
        self, new: Sequence[NewRequest], *, model: str, mode: str, strict: bool
    ) -> list[list[NewRequest]]:
        """``new`` cut into provider-sized files (the lines are built to be measured)."""
        by_line: dict[bytes, NewRequest] = {}
        lines = []
        for req in new:
            state = replay(
                self.summarizer, req.article, req.history, model=model, mode=mode, strict=strict
            )
            due = state.due
            if due is None:
                continue
            line = request_line(req.custom_id, due)
            by_line[line] = req
            lines.append(line)
        parts = split_lines(lines, max_requests=self.max_requests, max_bytes=self.max_bytes)
        return [[by_line[line] for line in part] for part in parts]

    def estimate(self, new: Sequence[NewRequest], *, strict: bool) -> Estimate:
        """What ``new`` would cost at batch rates: each request as its line would carry it
        (no call; see :mod:`summarizer.engine.spend`)."""
        from functools import partial

        from summarizer.engine.spend import Estimate, estimate_request

        model, mode = adapter.model_name(self.summarizer), adapter.batch_mode(self.summarizer)
        total = Estimate.free(batch=True)
        for req in new:
            state = replay(
                self.summarizer, req.article, req.history, model=model, mode=mode, strict=strict
            )
            if state.due is not None:
                total += estimate_request(state.due, partial(self.summarizer.price, batch=True))
        return total

    def submit(
        self,
        new: Sequence[NewRequest],
        *,
        kind: str = "submit",
        strict: bool,
        parent_id: int | None = None,
        model: str | None = None,
        mode: str | None = None,
    ) -> list[Job]:
        """Store one pending job per provider-sized file, then upload and create each."""
        base_url, _, _ = adapter.endpoint(self.summarizer)
        model = model or adapter.model_name(self.summarizer)
        mode = mode or adapter.batch_mode(self.summarizer)
        jobs = [
            self.store.create_job(
                kind=kind,
                base_url=base_url,
                model=model,
                mode=mode,
                strict=strict,
                requests=part,
                parent_id=parent_id,
            )
            for part in self.plan(new, model=model, mode=mode, strict=strict)
        ]
        return [self.resume(job) for job in jobs]

    # --- the provider side ---

    def resume(self, job: Job) -> Job:
        """Take a pending job as far as a created batch (no-op once it has a batch id, or
        once it has failed for good).

        Under the store's lock, with the job read again inside it: two processes resuming one
        job (two collects) take turns, and the second finds the batch the first created.
        """
        if job.batch_id is not None or job.state in TERMINAL:
            return job
        with self.store.lock():
            job = self.store.job(job.id)
            if job.batch_id is not None or job.state in TERMINAL:
                return job
            if job.input_file_id is None:
                data = self._lines(job, self.store.requests(job.id))
                file_id = self.api.upload(data, filename=f"summarizer-{job.uid}.jsonl")
                job = self.store.update_job(job.id, input_file_id=file_id, state="uploaded")
            found = self.api.find(METADATA_KEY, job.uid)
            if found is None:
                found = self.api.create(
                    job.input_file_id or "",
                    endpoint=ENDPOINT,
                    window=self.window,
                    metadata={METADATA_KEY: job.uid},
                )
            return self._record(job, found)

    def _record(self, job: Job, batch: dict[str, Any]) -> Job:
        """Store what the provider says of the job's batch (every string sanitized).

        A reply without a usable id is a BackendError (the job stays as it was: the next
        command finds the batch by its metadata); an id another job already has marks this
        job ``failed`` (its requests can be resubmitted), so no later command trips on it.
        """
        batch_id = checked_id(batch.get("id"), "batch id")
        if job.batch_id is not None and batch_id != job.batch_id:
            raise BackendError(
                f"the provider answered for batch {self.api.clean(batch_id)} when asked about "
                f"{job.batch_id}"
            )
        other = self.store.with_batch_id(batch_id)
        if other is not None and other.id != job.id:
            message = (
                f"the provider gave batch id {batch_id}, which {other.ref} already has "
                "(a reused id): this job was not recorded as it; resubmit its requests with "
                f"summarizer batch submit --retry {job.ref}"
            )
            self.store.update_job(job.id, state="failed", error=message)
            raise BackendError(message)
        counts = batch.get("request_counts")
        return self.store.update_job(
            job.id,
            batch_id=batch_id,
            state=self._state(batch.get("status")),
            output_file_id=self._file_id(batch.get("output_file_id")),
            error_file_id=self._file_id(batch.get("error_file_id")),
            request_counts={
                str(k)[:40]: v
                for k, v in (counts if isinstance(counts, dict) else {}).items()
                if type(v) is int and v >= 0
            },
            error=self._errors(batch.get("errors")),
        )

    def _state(self, status: Any) -> str:
        text = self.api.clean(status, limit=40) if isinstance(status, str) else ""
        return text or "validating"

    def _file_id(self, value: Any) -> str | None:
        return None if value in (None, "") else checked_id(value, "file id")

    def _errors(self, errors: Any) -> str | None:
        """A failed batch's errors (``{"data": [...]}`` or a bare list) on one line."""
        if isinstance(errors, dict):
            errors = errors.get("data")
        if not errors:
            return None
        items = errors if isinstance(errors, list) else [errors]
        parts = [
            str(e.get("message") or e.get("code") or e) if isinstance(e, dict) else str(e)
            for e in items[:20]
        ]
        return self.api.clean("; ".join(parts), limit=1000) or None

    def refresh(self, job: Job) -> Job:
        """The job with its provider state brought up to date."""
        job = self.resume(job)
        if job.state in TERMINAL:
            return job
        assert job.batch_id is not None
        return self._record(job, self.api.get(job.batch_id))

    def wait(self, job: Job, *, timeout_s: float | None = None) -> Job:
        """Poll until the batch is completed, failed, expired or cancelled."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        job = self.refresh(job)
        while job.state not in TERMINAL:
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(self.poll_s)
            job = self.refresh(job)
        return job

    def cancel(self, job: Job) -> Job:
        job = self.resume(job)
        assert job.batch_id is not None
        return self._record(job, self.api.cancel(job.batch_id))


def describe(job: Job, counts: dict[str, int]) -> str:
    """One line for ``batch status`` (what the provider said was sanitized when stored; the
    command line sanitizes the line again as it prints it)."""
    mine = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    provider = job.request_counts
    theirs = (
        f" (provider: {provider.get('completed', 0)}/{provider.get('total', 0)} done, "
        f"{provider.get('failed', 0)} failed)"
        if provider
        else ""
    )
    collected = " collected" if job.collected_at else ""
    error = f" error: {job.error}" if job.error else ""
    return f"{job.ref}\t{job.kind}\t{job.state}{collected}\t{mine}{theirs}{error}"


def as_json(job: Job, counts: dict[str, int]) -> str:
    """One JSON line for ``batch status --json`` (the error sanitized again: a row stored by
    an older version may hold the provider's raw text)."""
    from summarizer.base.redact import sanitize

    return json.dumps(
        {
            "id": job.ref,
            "kind": job.kind,
            "state": job.state,
            "collected": job.collected_at is not None,
            "requests": counts,
            "provider_counts": job.request_counts,
            "error": sanitize(job.error, limit=1000) if job.error else None,
            "parent": job.parent_id,
        }
    )
