"""The rows of the batch job store as Python objects: a job, a request to store, a stored
request, and what collecting decided for one (:mod:`summarizer.batch.jobs` reads and writes
them)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.article import Article

__all__ = [
    "JOB_COLUMNS",
    "REQUEST_COLUMNS",
    "Job",
    "NewRequest",
    "Request",
    "Settled",
    "article_json",
    "job_of",
    "request_of",
]


def article_json(article: Article) -> str:
    fields = ("text", "title", "url", "published", "site", "origin")
    return json.dumps({name: getattr(article, name) for name in fields}, ensure_ascii=False)


@dataclass(frozen=True)
class Job:
    """One provider batch (one input file) and what we know of it."""

    id: int
    uid: str
    batch_id: str | None
    parent_id: int | None
    kind: str
    state: str
    base_url: str
    model: str
    mode: str
    strict: bool
    input_file_id: str | None
    output_file_id: str | None
    error_file_id: str | None
    request_counts: dict[str, int]
    error: str | None
    created_at: str
    collected_at: str | None

    @property
    def ref(self) -> str:
        """How the CLI names this job: the provider's batch id, else ``job-N``."""
        return self.batch_id or f"job-{self.id}"


@dataclass(frozen=True)
class NewRequest:
    """A request to store with a new job."""

    custom_id: str
    cache_key: str
    cache_parts: Mapping[str, Any]
    article: Article
    history: Sequence[Mapping[str, Any]] = ()
    moved_from: tuple[int, str] | None = None  # (job_id, custom_id) handed on to this one


@dataclass(frozen=True)
class Request:
    """One stored request line."""

    job_id: int
    custom_id: str
    seq: int
    cache_key: str
    cache_parts: dict[str, Any]
    article: Article
    history: list[dict[str, Any]]
    status: str
    error: str | None
    brief: str | None
    next_job: int | None


@dataclass
class Settled:
    """What collecting one request decided."""

    custom_id: str
    status: str
    history: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    brief: str | None = None


JOB_COLUMNS = (
    "id, uid, batch_id, parent_id, kind, state, base_url, model, mode, strict, input_file_id, "
    "output_file_id, error_file_id, request_counts, error, created_at, collected_at"
)
REQUEST_COLUMNS = (
    "job_id, custom_id, seq, cache_key, cache_parts, article, history, status, error, brief, "
    "next_job"
)


def job_of(row: Any) -> Job:
    values = list(row)
    values[9] = bool(values[9])
    values[13] = json.loads(values[13]) if values[13] else {}
    return Job(*values)


def request_of(row: Any) -> Request:
    values = list(row)
    values[4] = json.loads(values[4])
    values[5] = Article(**json.loads(values[5]))
    values[6] = json.loads(values[6])
    return Request(*values)
