"""The brief cache, and the one SQLite database file it shares with the digest.

One database file (WAL mode) in the user data dir, or ``--db`` / ``SUMMARIZER_DB``.
:class:`Database` is the file: one connection shared between threads under one lock,
write transactions, and numbered migrations recorded in ``schema_migrations``.
:class:`Cache` is the brief cache on it (the ``briefs`` table): a cache key (text hash,
model, backend, prompt version, schema version, output-changing options; see
:meth:`summarizer.pipeline.Summarizer.cache_key`) maps to a stored brief, so an article is
never sent to the model twice for the same answer. The CLI's ``summarize`` opens the cache
alone (:func:`open_cache`); the digest's store (:mod:`summarizer.digest.store`) opens the
same file with its own tables and hands the run ``store.cache``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from summarizer.base.errors import ConfigurationError, DamagedDatabaseError

if TYPE_CHECKING:
    from summarizer.output.brief import Brief

__all__ = [
    "DAMAGED",
    "DB_NAME",
    "BriefCache",
    "Cache",
    "Database",
    "Migration",
    "default_db_path",
    "now_iso",
    "open_cache",
]

DB_NAME = "summarizer.db"
log = logging.getLogger(__name__)


def damaged(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file is damaged (a corrupt page, not a database):
    SQLite's SQLITE_CORRUPT and SQLITE_NOTADB, which Python raises as a bare DatabaseError."""
    return type(exc) is sqlite3.DatabaseError


DAMAGED = "is damaged (move it away or restore it from a backup)"

Migration = tuple[int, str, str]
"""``(version, name, SQL)``: one numbered step of a database's schema."""

# The brief cache's table, as the digest store's migration 1 has always created it; a
# database that has it already (any store) is left as it is.
_BRIEFS = """
CREATE TABLE IF NOT EXISTS briefs (
    cache_key TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    options TEXT NOT NULL,
    brief TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS briefs_hash ON briefs(content_hash);
"""


def now_iso() -> str:
    """Now, in UTC, as the database stores times."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_db_path(db: Path | None = None) -> Path:
    """``db`` if given, else ``summarizer.db`` in the user data dir (``SUMMARIZER_HOME`` aware)."""
    if db is not None:
        return Path(db).expanduser()
    from summarizer.base.config import data_dir

    return data_dir() / DB_NAME


def _read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise ConfigurationError(f"no database at {path}")
    last: sqlite3.Error | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?{query}",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            conn.close()
            last = exc
    assert last is not None
    raise last


def _run_script(conn: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


class Database:
    """A connection to the database file; safe to share between threads (one lock).

    ``readonly``: open an existing file for reading only (a read-only home or file system),
    without touching it (``immutable`` when even SQLite's shared memory cannot be made).
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        try:
            if readonly:
                self.conn = _read_only(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(
                    str(path), timeout=30.0, isolation_level=None, check_same_thread=False
                )
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
        except (OSError, sqlite3.Error) as exc:
            if damaged(exc):
                raise self._damaged(exc) from exc
            raise ConfigurationError(f"cannot open the database {path}: {exc}") from exc
        self._lock = threading.RLock()

    def _damaged(self, exc: BaseException) -> DamagedDatabaseError:
        return DamagedDatabaseError(f"the database {self.path} {DAMAGED} ({exc})")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), committed on success."""
        with self._lock, self._checked():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads, under the lock."""
        with self._lock, self._checked():
            yield self.conn

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock, self._checked():
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self._lock, self._checked():
            return self.conn.execute(sql, params).fetchone()

    @contextmanager
    def _checked(self) -> Iterator[None]:
        """A damaged file (a corrupt page) as one DamagedDatabaseError that names it."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if damaged(exc):
                raise self._damaged(exc) from exc
            raise

    def migrate(self, migrations: tuple[Migration, ...]) -> list[int]:
        """Apply the ``migrations`` this database lacks, each in its own transaction;
        return their numbers."""
        applied: list[int] = []
        with self.tx() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for version, name, sql in migrations:
            with self.tx() as conn:
                if conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                ).fetchone():
                    continue
                _run_script(conn, sql)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso())
                )
                applied.append(version)
        return applied

    def migrations(self) -> list[int]:
        """The numbers of the migrations applied to this database."""
        rows = self.all("SELECT version FROM schema_migrations ORDER BY version")
        return [r[0] for r in rows]


class BriefCache(Protocol):
    """What :class:`~summarizer.pipeline.Summarizer` needs from a cache."""

    def get_brief(self, key: str) -> Brief | None: ...

    def put_brief(self, key: str, brief: Brief, parts: Mapping[str, Any]) -> None: ...


class Cache:
    """The brief cache: the ``briefs`` table of a :class:`Database`.

    Reads and writes that meet a damaged file (:func:`damaged`) warn once and turn the cache
    off for the rest of the process: a miss, nothing stored, the brief made as usual. A
    read-only database is read, and briefs are not stored (a warning says so, once).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._off: str | None = None
        if db.readonly:
            return
        with db.tx() as conn:
            _run_script(conn, _BRIEFS)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _turn_off(self, why: str) -> None:
        if self._off is None:
            log.warning("brief cache off: the database %s %s", self.db.path, why)
        self._off = why

    def get_brief(self, key: str) -> Brief | None:
        """The stored brief, or None: not there, not readable, or no longer valid (a brief
        stored by an older version that fails today's schema is made again, not an error)."""
        from pydantic import ValidationError

        from summarizer.output.brief import Brief

        if self._off is not None:
            return None
        try:
            row = self.db.one("SELECT brief FROM briefs WHERE cache_key = ?", (key,))
        except DamagedDatabaseError:
            self._turn_off(DAMAGED)
            return None
        if not row:
            return None
        try:
            return Brief.model_validate_json(row[0])
        except ValidationError as exc:
            log.warning("cached brief %s is not valid (%d errors): made again", key[:12],
                        exc.error_count())  # fmt: skip
            return None

    def has_brief(self, key: str) -> bool:
        return self.db.one("SELECT 1 FROM briefs WHERE cache_key = ?", (key,)) is not None

    def put_brief(self, key: str, brief: Brief, parts: Mapping[str, Any]) -> None:
        if self.db.readonly:
            self._turn_off("is read-only: briefs are read from it, not stored")
            return
        if self._off is not None:
            return
        try:
            self._put(key, brief, parts)
        except DamagedDatabaseError:
            self._turn_off(DAMAGED)

    def _put(self, key: str, brief: Brief, parts: Mapping[str, Any]) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO briefs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    brief.source.content_hash,
                    brief.model,
                    brief.backend,
                    brief.prompt_version,
                    brief.schema_version,
                    json.dumps(dict(parts), sort_keys=True, default=str),
                    brief.model_dump_json(),
                    now_iso(),
                ),
            )

    def count_briefs(self) -> int:
        return int(self.db.one("SELECT count(*) FROM briefs")[0])

    def usages(self, since: str | None = None) -> list[tuple[str, str, str | None]]:
        """``(model, backend, usage JSON)`` of every stored brief (stored at or after
        ``since``, an ISO time in UTC): each brief once, as ``summarizer usage`` sums them."""
        sql = "SELECT model, backend, json_extract(brief, '$.usage') FROM briefs"
        if since is None:
            return [tuple(r) for r in self.db.all(sql)]
        return [tuple(r) for r in self.db.all(sql + " WHERE created_at >= ?", (since,))]


def open_cache(db: Path | None = None) -> Cache:
    """Open the brief cache in the database at ``db`` or the default path (created as
    needed); an existing file that cannot be opened for writing is opened read-only."""
    path = default_db_path(db)
    try:
        return Cache(Database(path))
    except DamagedDatabaseError:
        raise
    except (ConfigurationError, sqlite3.OperationalError) as exc:
        if not path.is_file():
            raise
        try:
            cache = Cache(Database(path, readonly=True))
        except ConfigurationError:
            raise exc from None
        log.warning("the database %s cannot be written: reading it only", path)
        return cache
