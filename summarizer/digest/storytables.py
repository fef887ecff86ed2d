"""The store's tables of what the digest read and remembers: each article's reading and
each digest's memory of its stories (migration 5 creates them).

:class:`StoryTables` is a part of :class:`summarizer.digest.store.Store` (it uses the
store's ``db``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.engine.cache import Database

__all__ = ["StoryTables"]


class StoryTables:
    """Readings (``article_readings``) and story memory (``story_memory``)."""

    db: Database

    def readings(self, keys: dict[str, str]) -> dict[str, str]:
        """Stored readings (JSON) of articles, by uid, for ``{uid: brief key}``: only those
        made from that brief."""
        found: dict[str, str] = {}
        uids = list(keys)
        for start in range(0, len(uids), 500):
            part = uids[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for uid, brief_key, body in self.db.all(
                "SELECT article_uid, brief_key, body FROM article_readings "
                f"WHERE article_uid IN ({marks})",
                tuple(part),
            ):
                if keys.get(str(uid)) == brief_key:
                    found[str(uid)] = str(body)
        return found

    def save_readings(self, rows: list[tuple[str, str, str]]) -> None:
        """Store readings: ``(article uid, brief key, JSON)`` each."""
        with self.db.tx() as conn:
            conn.executemany(
                "INSERT INTO article_readings (article_uid, brief_key, body) VALUES (?, ?, ?) "
                "ON CONFLICT(article_uid) DO UPDATE SET brief_key = excluded.brief_key, "
                "body = excluded.body",
                rows,
            )

    def story_memories(self, *, since: str, exclude: str | None = None) -> list[str]:
        """The latest memory (JSON) of each story a completed digest other than ``exclude``
        held at or after ``since`` (ISO), oldest first."""
        rows = self.db.all(
            "SELECT m.story_id, m.body FROM story_memory AS m "
            "JOIN digests AS d ON d.id = m.digest_id "
            "WHERE d.completed_at IS NOT NULL AND m.digest_id IS NOT ? AND m.seen_at >= ? "
            "ORDER BY m.seen_at, d.completed_at",
            (exclude, since),
        )
        latest: dict[str, str] = {}
        for story_id, body in rows:
            latest.pop(str(story_id), None)
            latest[str(story_id)] = str(body)
        return list(latest.values())

    def save_story_memories(self, digest_id: str, rows: list[tuple[str, str, str]]) -> None:
        """A digest's memory of its stories: ``(story id, seen_at, JSON)`` each; a rerun of
        the same digest replaces it."""
        with self.db.tx() as conn:
            conn.execute("DELETE FROM story_memory WHERE digest_id = ?", (digest_id,))
            conn.executemany(
                "INSERT INTO story_memory (digest_id, story_id, seen_at, body) VALUES (?, ?, ?, ?)",
                [(digest_id, *row) for row in rows],
            )
