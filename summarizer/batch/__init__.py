"""Batch mode: briefs through an OpenAI-compatible Batch API (``/v1/files`` + ``/v1/batches``).

* :mod:`~summarizer.batch.jsonl`: request lines and splitting into provider-sized files (pure).
* :mod:`~summarizer.batch.api`: the files and batches endpoints over :mod:`summarizer.base.http`.
* :mod:`~summarizer.batch.jobs`: the job store (``batch_jobs`` / ``batch_requests``) in the
  same SQLite file as the digest store.
* :mod:`~summarizer.batch.collect`: submit, status, collect (grounding each answer through the
  article's :class:`~summarizer.model.conversation.Conversation`), re-asks and retries.
* :mod:`~summarizer.batch.adapter`: :class:`~summarizer.batch.adapter.BriefHost`, what batch
  mode needs of the Summarizer (its public surface), and what a batch cannot do (the plan).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.batch.collect import BatchJob, submit_batch

__all__ = ["BatchJob", "submit_batch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from summarizer.batch import collect

        return getattr(collect, name)
    raise AttributeError(name)
