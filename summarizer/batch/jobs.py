"""The batch job store: ``batch_jobs`` and ``batch_requests`` in the digest store's database.

The tables are created here, idempotently, with their own version row (``batch_schema``),
so the digest store's numbered migrations stay its own. Every change is one ``BEGIN
IMMEDIATE`` transaction; a request row moves on only from the state its caller saw
(``WHERE status = ...``), so two collects of one batch cannot both settle a request.

A job row exists before its file is uploaded (state ``pending``) and carries a ``uid`` that is
sent as batch metadata: a process killed between "create batch" and "store its id" leaves a
row that :func:`summarizer.batch.collect.resume` completes by finding the batch again.

Request states: ``open`` (in its job) → ``done`` | ``reask`` (a re-ask is due) | ``failed`` |
``expired`` | ``cancelled``; ``moved`` once handed on to a follow-up job (``next_job``).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarizer.base.errors import ConfigurationError
from summarizer.batch.lock import held_lock
from summarizer.batch.records import (
    JOB_COLUMNS,
    REQUEST_COLUMNS,
    Job,
    NewRequest,
    Request,
    Settled,
    article_json,
    job_of,
    request_of,
)
from summarizer.engine.cache import Database

__all__ = ["HANDED_ON", "OPEN", "Job", "JobStore", "NewRequest", "Request", "Settled"]

SCHEMA_VERSION = 1
OPEN = "open"
HANDED_ON = "moved"
RETRYABLE = ("failed", "expired", "cancelled")
UNFINISHED = (OPEN, "reask")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batch_schema (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_jobs (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    batch_id TEXT UNIQUE,
    parent_id INTEGER REFERENCES batch_jobs(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    base_url TEXT NOT NULL,
    model TEXT NOT NULL,
    mode TEXT NOT NULL,
    strict INTEGER NOT NULL DEFAULT 0,
    input_file_id TEXT,
    output_file_id TEXT,
    error_file_id TEXT,
    request_counts TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    collected_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_requests (
    job_id INTEGER NOT NULL REFERENCES batch_jobs(id),
    custom_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    cache_key TEXT NOT NULL,
    cache_parts TEXT NOT NULL,
    article TEXT NOT NULL,
    history TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    brief TEXT,
    next_job INTEGER REFERENCES batch_jobs(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job_id, custom_id)
);
CREATE INDEX IF NOT EXISTS batch_requests_key ON batch_requests(cache_key, status);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class JobStore(Database):
    """The batch tables on the shared database file (one connection and lock:
    :class:`summarizer.engine.cache.Database`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._create()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def lock(self, *, timeout_s: float = 600.0) -> Iterator[None]:
        """Hold ``<db>.batch-lock`` while changing provider state (creating a batch, settling
        and re-asking): two collects of one batch then take turns, so one job is never
        uploaded and created twice. Re-entrant in a process (a collect that re-asks creates
        a batch under the lock it holds); the OS drops it when the process dies (kill -9). A
        holder that keeps it past ``timeout_s`` is an error (RunLockedError).
        """
        path = self.path.with_name(self.path.name + ".batch-lock")
        with held_lock(path, timeout_s):
            yield

    def _create(self) -> None:
        with self.tx() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            newest = conn.execute("SELECT max(version) FROM batch_schema").fetchone()[0]
            if newest is not None and newest > SCHEMA_VERSION:
                raise ConfigurationError(
                    f"{self.path}: batch tables are version {newest}; this summarizer knows "
                    f"{SCHEMA_VERSION} (upgrade it)"
                )
            conn.execute(
                "INSERT OR IGNORE INTO batch_schema VALUES (?, ?)", (SCHEMA_VERSION, _now())
            )

    # --- jobs ---

    def create_job(
        self,
        *,
        kind: str,
        base_url: str,
        model: str,
        mode: str,
        strict: bool,
        requests: Sequence[NewRequest],
        parent_id: int | None = None,
    ) -> Job:
        """Store a pending job and its requests; hand the ``moved_from`` rows on to it.

        All or nothing: when a row to hand on was already handed on (another process got
        there first), nothing is stored and ValueError says so.
        """
        now = _now()
        with self.tx() as conn:
            cur = conn.execute(
                "INSERT INTO batch_jobs (uid, parent_id, kind, state, base_url, model, mode, "
                "strict, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, parent_id, kind, base_url, model, mode, int(strict), now, now),
            )
            job_id = int(cur.lastrowid or 0)
            for seq, req in enumerate(requests):
                conn.execute(
                    f"INSERT INTO batch_requests ({REQUEST_COLUMNS}, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, NULL, ?)",
                    (
                        job_id,
                        req.custom_id,
                        seq,
                        req.cache_key,
                        json.dumps(dict(req.cache_parts), sort_keys=True, default=str),
                        article_json(req.article),
                        json.dumps(list(req.history)),
                        now,
                    ),
                )
                if req.moved_from is not None:
                    moved = conn.execute(
                        "UPDATE batch_requests SET status = ?, next_job = ?, updated_at = ? "
                        "WHERE job_id = ? AND custom_id = ? AND status IN (?, ?, ?, ?)",
                        (HANDED_ON, job_id, now, *req.moved_from, "reask", *RETRYABLE),
                    )
                    if moved.rowcount != 1:
                        raise ValueError(f"request {req.moved_from[1]} was already handed on")
            row = conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return job_of(row)

    def update_job(self, job_id: int, **fields: Any) -> Job:
        allowed = {
            "batch_id",
            "state",
            "input_file_id",
            "output_file_id",
            "error_file_id",
            "request_counts",
            "error",
            "collected_at",
        }
        if not fields or set(fields) - allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
        if isinstance(fields.get("request_counts"), dict):
            fields["request_counts"] = json.dumps(fields["request_counts"], sort_keys=True)
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.tx() as conn:
            conn.execute(
                f"UPDATE batch_jobs SET {sets}, updated_at = ? WHERE id = ?",
                (*fields.values(), _now(), job_id),
            )
        return self.job(job_id)

    def job(self, job_id: int) -> Job:
        with self._lock:
            row = self.conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE id = ?", (job_id,)
            ).fetchone()
        if row is None:
            raise KeyError(job_id)
        return job_of(row)

    def with_batch_id(self, batch_id: str) -> Job | None:
        """The job whose provider batch is ``batch_id``, if any."""
        with self._lock:
            row = self.conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE batch_id = ?", (batch_id,)
            ).fetchone()
        return job_of(row) if row else None

    def find(self, ref: str) -> Job | None:
        """The job named ``ref``: a provider batch id, ``job-N`` or ``N``."""
        local = ref.removeprefix("job-")
        with self._lock:
            row = self.conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE batch_id = ?", (ref,)
            ).fetchone()
            if row is None and local.isdigit():
                row = self.conn.execute(
                    f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE id = ?", (int(local),)
                ).fetchone()
        return job_of(row) if row else None

    def jobs(self, *, uncollected: bool = False) -> list[Job]:
        where = " WHERE collected_at IS NULL" if uncollected else ""
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs{where} ORDER BY id"
            ).fetchall()
        return [job_of(r) for r in rows]

    def children(self, job_id: int) -> list[Job]:
        """Jobs that took over requests of ``job_id`` (re-asks and retries)."""
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {JOB_COLUMNS} FROM batch_jobs WHERE id IN (SELECT DISTINCT next_job "
                "FROM batch_requests WHERE job_id = ? AND next_job IS NOT NULL) ORDER BY id",
                (job_id,),
            ).fetchall()
        return [job_of(r) for r in rows]

    # --- requests ---

    def requests(
        self, job_id: int, statuses: Iterable[str] | None = None, *, history: bool = True
    ) -> list[Request]:
        """The job's requests (in ``statuses``); ``history=False`` leaves out the answers
        (each request's ``history`` is then empty): a large batch's answers are not loaded
        just to read its briefs."""
        columns = REQUEST_COLUMNS if history else REQUEST_COLUMNS.replace("history", "'[]'")
        sql = f"SELECT {columns} FROM batch_requests WHERE job_id = ?"
        params: list[Any] = [job_id]
        wanted = list(statuses) if statuses is not None else None
        if wanted is not None:
            sql += f" AND status IN ({', '.join('?' * len(wanted))})"
            params += wanted
        with self._lock:
            rows = self.conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [request_of(r) for r in rows]

    def custom_ids(self, job_id: int, statuses: Iterable[str]) -> list[str]:
        """The custom ids of the job's requests in ``statuses`` (no article is loaded)."""
        wanted = list(statuses)
        with self._lock:
            rows = self.conn.execute(
                "SELECT custom_id FROM batch_requests WHERE job_id = ? "
                f"AND status IN ({', '.join('?' * len(wanted))}) ORDER BY seq",
                (job_id, *wanted),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def request(self, job_id: int, custom_id: str) -> Request | None:
        with self._lock:
            row = self.conn.execute(
                f"SELECT {REQUEST_COLUMNS} FROM batch_requests WHERE job_id = ? AND custom_id = ?",
                (job_id, custom_id),
            ).fetchone()
        return request_of(row) if row else None

    def save_history(
        self, job_id: int, custom_id: str, history: Sequence[Mapping[str, Any]], *, status: str
    ) -> bool:
        """Store the answers a request has had so far (each paid answer as it arrives),
        while it stays in ``status``; whether the row was still there to update."""
        with self.tx() as conn:
            cur = conn.execute(
                "UPDATE batch_requests SET history = ?, updated_at = ? "
                "WHERE job_id = ? AND custom_id = ? AND status = ?",
                (json.dumps(list(history)), _now(), job_id, custom_id, status),
            )
        return cur.rowcount == 1

    def counts(self, job_id: int) -> dict[str, int]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT status, count(*) FROM batch_requests WHERE job_id = ? GROUP BY status",
                (job_id,),
            ).fetchall()
        return {status: int(n) for status, n in rows}

    def in_flight(self, keys: Iterable[str]) -> dict[str, str]:
        """Cache keys among ``keys`` already waiting in a batch, with that batch's name."""
        found: dict[str, str] = {}
        wanted = list(keys)
        with self._lock:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                rows = self.conn.execute(
                    "SELECT r.cache_key, j.batch_id, j.id FROM batch_requests r "
                    "JOIN batch_jobs j ON j.id = r.job_id "
                    f"WHERE r.status IN (?, ?) AND r.cache_key IN ({', '.join('?' * len(part))})",
                    (*UNFINISHED, *part),
                ).fetchall()
                for key, batch_id, job_id in rows:
                    found[key] = batch_id or f"job-{job_id}"
        return found

    def settle(self, job_id: int, results: Iterable[Settled], *, from_status: str = OPEN) -> int:
        """Record what collecting decided, for rows still in ``from_status``; rows changed."""
        changed = 0
        now = _now()
        with self.tx() as conn:
            for s in results:
                cur = conn.execute(
                    "UPDATE batch_requests SET status = ?, history = ?, error = ?, brief = ?, "
                    "updated_at = ? WHERE job_id = ? AND custom_id = ? AND status = ?",
                    (
                        s.status,
                        json.dumps(s.history),
                        s.error,
                        s.brief,
                        now,
                        job_id,
                        s.custom_id,
                        from_status,
                    ),
                )
                changed += cur.rowcount
        return changed
