"""Settling a finished batch's requests: result files streamed, each answer grounded by its
conversation (:func:`settle_open`), and a re-ask finished live answer by answer
(:func:`finish_live`). Every error stored is sanitized with the batch key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from summarizer.base.errors import BackendError, SummarizerError
from summarizer.batch import adapter
from summarizer.batch.jobs import OPEN, Job, Request, Settled
from summarizer.batch.jsonl import OutputLine, parse_output
from summarizer.batch.runner import Batches, replay

__all__ = ["decide", "finish_live", "settle_open"]

log = logging.getLogger(__name__)


def decide(batches: Batches, job: Job, req: Request, line: OutputLine | None) -> Settled:
    """What one request's result means, grounded by its conversation (every error stored is
    sanitized with the key)."""
    clean = batches.api.clean
    if line is None:
        status = {"expired": "expired", "cancelled": "cancelled"}.get(job.state, "failed")
        why = {
            "expired": "batch_expired: not run within the completion window",
            "cancelled": "batch_cancelled: the batch was cancelled before this request ran",
            "failed": f"batch_failed: {job.error or 'the batch failed'}",
        }.get(job.state, "missing: the batch has no result for this request")
        return Settled(req.custom_id, status, req.history, error=clean(why, limit=1000))
    if not line.ok or line.body is None:
        status = "expired" if line.expired else "failed"
        return Settled(req.custom_id, status, req.history, error=clean(line.error))
    history = [*req.history, line.body]
    state = replay(
        batches.summarizer, req.article, history, model=job.model, mode=job.mode, strict=job.strict
    )
    if state.error is not None:
        error = clean(f"invalid: {state.error}", limit=1000)
        return Settled(req.custom_id, "failed", history, error=error)
    if state.outcome is None:
        return Settled(req.custom_id, "reask", history)
    brief = adapter.assemble(batches.summarizer, req.article, state.outcome)
    return Settled(req.custom_id, "done", history, brief=brief.model_dump_json())


_SETTLE_EVERY = 50  # requests settled per transaction while a result file streams by


def _results(batches: Batches, file_id: str) -> Iterator[OutputLine]:
    """The lines of a result file, streamed from a temporary file (never held whole); a line
    that matches no request is logged and skipped."""
    with batches.api.content(file_id) as handle:
        for line in parse_output(handle):
            if not line.custom_id:
                log.warning("%s: %s (skipped)", file_id, batches.api.clean(line.error))
                continue
            yield line


def settle_open(batches: Batches, job: Job) -> None:
    """Settle the job's open requests from its result files.

    The error file is read first (small: one line per failed request); then the output file
    streams by and its answers are grounded and settled 50 at a time, so a large
    file costs neither its size in memory nor the others' answers when one line is bad (an
    unreadable line fails its own request, or none). An answer beats an error for the same
    request; a request with no line at all is listed as missing (resubmit with --retry).
    """
    pending = set(batches.store.custom_ids(job.id, [OPEN]))
    if not pending:
        return
    errors: dict[str, OutputLine] = {}
    if job.error_file_id:
        errors = {
            x.custom_id: x for x in _results(batches, job.error_file_id) if x.custom_id in pending
        }
    changed, decided = 0, []
    lines: Iterable[OutputLine] = (
        _results(batches, job.output_file_id) if job.output_file_id else ()
    )
    for line in lines:
        if line.custom_id not in pending:
            continue
        pending.discard(line.custom_id)
        req = batches.store.request(job.id, line.custom_id)
        if req is not None:
            decided.append(decide(batches, job, req, line))
        if len(decided) >= _SETTLE_EVERY:
            changed += batches.store.settle(job.id, decided)
            decided = []
    for custom_id in sorted(pending):
        req = batches.store.request(job.id, custom_id)
        if req is not None:
            decided.append(decide(batches, job, req, errors.get(custom_id)))
    changed += batches.store.settle(job.id, decided)
    log.info("%s: settled %d open request(s)", job.ref, changed)


def finish_live(batches: Batches, job: Job, req: Request) -> Settled:
    """Finish one conversation live, from where the batch left it.

    Each paid answer is stored as it arrives (the request stays ``reask``), so a collect
    killed mid-way resumes each conversation where it stood instead of paying again.
    """
    history = list(req.history)
    s = batches.summarizer
    state = replay(s, req.article, history, model=job.model, mode=job.mode, strict=job.strict)
    conv = state.conv
    clean = batches.api.clean
    try:
        if state.error is not None:
            raise state.error
        while state.outcome is None:
            completion = adapter.live_complete(s, conv.request(), conv.usage)
            history.append(completion.model_dump(mode="json"))
            batches.store.save_history(job.id, req.custom_id, history, status="reask")
            state.outcome = conv.receive(completion)
    except BackendError as exc:
        if conv.answers and exc.status_code == 400:  # the re-ask overflows the window
            state.outcome = conv.give_up(exc)
        else:
            return Settled(
                req.custom_id, "failed", history, error=clean(f"live: {exc}", limit=1000)
            )
    except SummarizerError as exc:
        return Settled(req.custom_id, "failed", history, error=clean(f"invalid: {exc}", limit=1000))
    brief = adapter.assemble(s, req.article, state.outcome, batch=False)  # an upper bound
    return Settled(req.custom_id, "done", history, brief=brief.model_dump_json())
