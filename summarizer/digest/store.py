"""The digest's state in SQLite: sources and feed state, articles, runs, digests, deliveries.

The store lives in the same database file as the brief cache (:mod:`summarizer.engine.cache`):
:func:`open_store` opens it, applies the digest's numbered migrations
(:mod:`summarizer.digest.migrations`, each in its own transaction, recorded in
``schema_migrations``; opening an up-to-date database changes nothing) and gives the run
the brief cache as ``store.cache``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.digest.migrations import MIGRATIONS
from summarizer.digest.storytables import StoryTables
from summarizer.engine.cache import Cache, Database, default_db_path
from summarizer.engine.cache import now_iso as _now

if TYPE_CHECKING:
    from summarizer.digest.dedup import Shingles

__all__ = ["MIGRATIONS", "Store", "StoredArticle", "open_store"]


@dataclass(frozen=True)
class StoredArticle:
    """One row of ``articles``."""

    id: int
    uid: str
    url: str | None
    guid: str | None
    content_hash: str | None
    title: str | None
    site: str | None
    published: str | None
    text: str | None
    origin: str | None
    first_seen: str
    status: str
    error: str | None
    attempts: int
    brief_key: str | None
    digested_in: str | None


_ARTICLE_COLUMNS = ", ".join(StoredArticle.__dataclass_fields__)


class Store(StoryTables):
    """The digest's tables of a :class:`~summarizer.engine.cache.Database`; ``cache`` is the brief
    cache on the same file. Safe to share between threads (the database's lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = Database(path)
        self.migrate()
        self.cache = Cache(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks; return their numbers."""
        return self.db.migrate(MIGRATIONS)

    def migrations(self) -> list[int]:
        return self.db.migrations()

    # --- sources and feed state ---

    def source_state(self, spec: str, kind: str) -> tuple[int, dict[str, Any]]:
        """The id of a source (created if new) and the state its type saved last (JSON)."""
        with self.db.tx() as conn:
            conn.execute("INSERT INTO sources (spec, kind) VALUES (?, ?) "
                         "ON CONFLICT(spec) DO NOTHING", (spec, kind))  # fmt: skip
            row = conn.execute("SELECT id, state FROM sources WHERE spec = ?", (spec,)).fetchone()
        state = json.loads(row[1]) if row[1] else {}
        return int(row[0]), state if isinstance(state, dict) else {}

    def source_checked(self, source_id: int, *, status: int | None, error: str | None = None,
                       state: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        """Record a check of a source; ``state`` replaces the saved one (None: kept)."""
        saved = None if state is None else json.dumps(dict(state))
        with self.db.tx() as conn:
            conn.execute("UPDATE sources SET last_checked = ?, last_status = ?, last_error = ?, "
                         "state = coalesce(?, state) WHERE id = ?",
                         (_now(), status, error, saved, source_id))  # fmt: skip

    # --- articles ---

    def find_article(self, keys: list[str]) -> StoredArticle | None:
        """The article known under any of ``keys`` (url:, guid:, hash: identities)."""
        with self.db.read() as conn:
            for key in keys:
                row = conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = "
                    "(SELECT article_id FROM article_keys WHERE key = ?)",
                    (key,),
                ).fetchone()
                if row:
                    return StoredArticle(*row)
        return None

    def article(self, article_id: int) -> StoredArticle:
        row = self.db.one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return StoredArticle(*row)

    def add_article(
        self, keys: list[str], fields: Mapping[str, Any], *, source_id: int | None = None
    ) -> StoredArticle:
        """Insert an article under ``keys`` (the first names its uid), or merge into the
        article any key already names; return the stored row."""
        with self.db.tx() as conn:
            found = None
            for key in keys:
                found = conn.execute(
                    "SELECT article_id FROM article_keys WHERE key = ?", (key,)
                ).fetchone()
                if found:
                    break
            if found:
                article_id = int(found[0])
                updates = {k: v for k, v in fields.items() if v is not None}
                if updates:
                    # Fill in what the stored row lacks; a stored text is never replaced.
                    sets = ", ".join(f"{k} = coalesce({k}, ?)" for k in updates)
                    conn.execute(
                        f"UPDATE articles SET {sets} WHERE id = ?", (*updates.values(), article_id)
                    )
            else:
                uid = "a" + hashlib.sha256(keys[0].encode()).hexdigest()[:15]
                columns = ["uid", "first_seen", "source_id", *fields]
                cursor = conn.execute(
                    f"INSERT INTO articles ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    (uid, _now(), source_id, *fields.values()),
                )
                article_id = int(cursor.lastrowid or 0)
            for key in keys:
                conn.execute(
                    "INSERT INTO article_keys VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                    (key, article_id),
                )
        return self.article(article_id)

    def add_keys(self, article_id: int, keys: list[str]) -> None:
        """More identity keys for an article (a key already naming another is kept there)."""
        with self.db.tx() as conn:
            conn.executemany(
                "INSERT INTO article_keys VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                [(key, article_id) for key in keys],
            )

    def set_article_text(self, article_id: int, fields: Mapping[str, Any]) -> None:
        """Store a (re)fetched article's text and metadata, making it pending again."""
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.db.tx() as conn:
            conn.execute(
                f"UPDATE articles SET {sets}, status = 'pending', error = NULL WHERE id = ?",
                (*fields.values(), article_id),
            )

    def article_failed(self, article_id: int, error: str, *, counted: bool = True) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "UPDATE articles SET status = 'failed', error = ?, attempts = attempts + ? "
                "WHERE id = ?",
                (error, 1 if counted else 0, article_id),
            )

    def articles_briefed(self, done: list[tuple[int, str]]) -> None:
        """Mark articles briefed (``(article id, brief key)`` pairs), in one transaction."""
        with self.db.tx() as conn:
            conn.executemany(
                "UPDATE articles SET status = 'briefed', error = NULL, brief_key = ?, "
                "attempts = attempts + 1 WHERE id = ?",
                [(key, article_id) for article_id, key in done],
            )

    def add_sketch(self, article_id: int, sketch: tuple[int, ...]) -> None:
        """Index an article's near-duplicate sketch (:mod:`summarizer.digest.dedup`)."""
        with self.db.tx() as conn:
            conn.executemany(
                "INSERT INTO article_sketches (value, article_id) VALUES (?, ?)",
                [(value, article_id) for value in sketch],
            )

    def near_duplicate(self, text: Shingles) -> StoredArticle | None:
        """A stored article with the same text as ``text`` but for small differences."""
        from summarizer.digest.dedup import CANDIDATE_SHARED, same_article, shingles

        if not text.sketch:
            return None
        marks = ", ".join("?" for _ in text.sketch)
        rows = self.db.all(
            f"SELECT article_id FROM article_sketches WHERE value IN ({marks}) "
            "GROUP BY article_id HAVING count(*) >= ? ORDER BY count(*) DESC, article_id LIMIT 5",
            (*text.sketch, CANDIDATE_SHARED),
        )
        for (article_id,) in rows:
            stored = self.article(int(article_id))
            if stored.text and same_article(text, shingles(stored.text)):
                return stored
        return None

    def undigested(self, *, since: datetime | None = None) -> list[StoredArticle]:
        """Articles of the next digest: never digested, or first seen after ``since``."""
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE digested_in IS NULL"
        params: tuple[Any, ...] = ()
        if since is not None:
            sql += " OR first_seen >= ?"
            params = (since.astimezone(UTC).isoformat(timespec="microseconds"),)
        return [StoredArticle(*row) for row in self.db.all(sql + " ORDER BY id", params)]

    def mark_digested(self, article_ids: list[int], digest_id: str) -> None:
        with self.db.tx() as conn:
            conn.executemany(
                "UPDATE articles SET digested_in = coalesce(digested_in, ?) WHERE id = ?",
                [(digest_id, i) for i in article_ids],
            )

    # --- runs, digests, deliveries ---

    def start_run(self) -> int:
        with self.db.tx() as conn:
            # A run still 'running' belongs to a process that died (the caller holds the lock).
            conn.execute(
                "UPDATE runs SET status = 'interrupted', ended_at = coalesce(ended_at, ?) "
                "WHERE status = 'running'",
                (_now(),),
            )
            cursor = conn.execute(
                "INSERT INTO runs (started_at, status, pid) VALUES (?, 'running', ?)",
                (_now(), os.getpid()),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: str,
        *,
        counts: Mapping[str, Any] | None = None,
        errors: list[str] | None = None,
        digest_id: str | None = None,
    ) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "UPDATE runs SET ended_at = ?, status = ?, counts = ?, errors = ?, digest_id = ? "
                "WHERE id = ?",
                (
                    _now(),
                    status,
                    json.dumps(dict(counts or {})),
                    json.dumps(errors or []),
                    digest_id,
                    run_id,
                ),
            )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.all(
            "SELECT id, started_at, ended_at, status, counts, errors, digest_id FROM runs "
            "ORDER BY id"
        )
        names = ("id", "started_at", "ended_at", "status", "counts", "errors", "digest_id")
        out = []
        for row in rows:
            item = dict(zip(names, row, strict=True))
            for field in ("counts", "errors"):
                item[field] = json.loads(item[field]) if item[field] else None
            out.append(item)
        return out

    def digest_created_at(self, digest_id: str) -> str | None:
        row = self.db.one("SELECT created_at FROM digests WHERE id = ?", (digest_id,))
        return str(row[0]) if row else None

    def save_digest(self, digest_id: str, run_id: int, created_at: str, body: str) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO digests (id, run_id, created_at, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                (digest_id, run_id, created_at, body),
            )

    def complete_digest(self, digest_id: str) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "UPDATE digests SET completed_at = coalesce(completed_at, ?) WHERE id = ?",
                (_now(), digest_id),
            )

    def previous_digest(self, exclude: str | None = None) -> str | None:
        """The body (JSON) of the last completed digest other than ``exclude``."""
        row = self.db.one(
            "SELECT body FROM digests WHERE completed_at IS NOT NULL AND id IS NOT ? "
            "ORDER BY completed_at DESC LIMIT 1",
            (exclude,),
        )
        return str(row[0]) if row else None

    def delivered(self, digest_id: str, channel: str, target: str) -> bool:
        row = self.db.one(
            "SELECT status FROM deliveries WHERE digest_id = ? AND channel = ? AND target = ?",
            (digest_id, channel, target),
        )
        return bool(row and row[0] == "ok")

    def record_delivery(
        self, digest_id: str, channel: str, target: str, status: str, error: str | None = None
    ) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO deliveries (digest_id, channel, target, status, attempted_at, error) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(digest_id, channel, target) DO UPDATE SET "
                "status = excluded.status, attempted_at = excluded.attempted_at, "
                "error = excluded.error",
                (digest_id, channel, target, status, _now(), error),
            )

    def articles_delivered(self, channel: str, target: str, uids: list[str]) -> set[str]:
        """Which of ``uids`` a digest already took to this channel and target."""
        found: set[str] = set()
        for start in range(0, len(uids), 500):
            part = uids[start : start + 500]
            marks = ", ".join("?" for _ in part)
            found.update(
                str(row[0])
                for row in self.db.all(
                    "SELECT article_uid FROM delivered_articles WHERE channel = ? AND target = ? "
                    f"AND article_uid IN ({marks})",
                    (channel, target, *part),
                )
            )
        return found

    def record_articles_delivered(
        self, channel: str, target: str, uids: list[str], digest_id: str
    ) -> None:
        with self.db.tx() as conn:
            conn.executemany(
                "INSERT INTO delivered_articles VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(channel, target, article_uid) DO NOTHING",
                [(channel, target, uid, digest_id, _now()) for uid in uids],
            )

    def failed_deliveries(self, channel: str, target: str, exclude: str) -> list[str]:
        """Bodies (JSON) of earlier digests whose delivery to this target failed, oldest first."""
        rows = self.db.all(
            "SELECT d.body FROM deliveries AS x JOIN digests AS d ON d.id = x.digest_id "
            "WHERE x.channel = ? AND x.target = ? AND x.status = 'failed' AND d.id != ? "
            "ORDER BY d.created_at",
            (channel, target, exclude),
        )
        return [str(row[0]) for row in rows]

    # --- the schedule ---

    def schedule_last_fire(self, name: str) -> datetime | None:
        """When the schedule ``name`` last ran (its fire time), if ever."""
        row = self.db.one("SELECT last_fire FROM schedules WHERE name = ?", (name,))
        return datetime.fromisoformat(str(row[0])) if row else None

    def schedule_fired(self, name: str, fire_time: datetime) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO schedules (name, last_fire, last_started) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET last_fire = excluded.last_fire, "
                "last_started = excluded.last_started",
                (name, fire_time.isoformat(), _now()),
            )

    def deliveries(self) -> list[tuple[str, str, str, str]]:
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.db.all(
                "SELECT digest_id, channel, target, status FROM deliveries ORDER BY id"
            )
        ]


def open_store(db: Path | None = None) -> Store:
    """Open (creating and migrating as needed) the database at ``db`` or the default path."""
    return Store(default_db_path(db))
