"""The digest store's schema: numbered migrations, applied in order and recorded.

Never edit an applied migration's effect: add the next number. Migration 1 creates the
brief cache's table only if it is missing (``IF NOT EXISTS``), because the cache
(:mod:`summarizer.engine.cache`) may have made the database file first.
"""

from __future__ import annotations

from summarizer.engine.cache import Migration

__all__ = ["MIGRATIONS"]

MIGRATIONS: tuple[Migration, ...] = (
    (
        1,
        "initial tables",
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            spec TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_checked TEXT,
            last_status INTEGER,
            last_error TEXT
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            url TEXT,
            guid TEXT,
            content_hash TEXT,
            title TEXT,
            site TEXT,
            published TEXT,
            text TEXT,
            origin TEXT,
            source_id INTEGER REFERENCES sources(id),
            first_seen TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            brief_key TEXT,
            digested_in TEXT
        );
        CREATE INDEX articles_undigested ON articles(digested_in, first_seen);
        CREATE TABLE article_keys (
            key TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id)
        );
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
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,
            pid INTEGER,
            counts TEXT,
            errors TEXT,
            digest_id TEXT
        );
        CREATE TABLE digests (
            id TEXT PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            created_at TEXT NOT NULL,
            body TEXT NOT NULL,
            completed_at TEXT
        );
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            digest_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            status TEXT NOT NULL,
            attempted_at TEXT NOT NULL,
            error TEXT,
            UNIQUE (digest_id, channel, target)
        );
        """,
    ),
    (
        2,
        "near-duplicate sketches, schedule state, articles delivered per channel",
        """
        CREATE TABLE article_sketches (
            value INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id)
        );
        CREATE INDEX article_sketches_value ON article_sketches(value);
        CREATE TABLE schedules (
            name TEXT PRIMARY KEY,
            last_fire TEXT NOT NULL,
            last_started TEXT NOT NULL
        );
        CREATE TABLE delivered_articles (
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            article_uid TEXT NOT NULL,
            digest_id TEXT NOT NULL,
            delivered_at TEXT NOT NULL,
            PRIMARY KEY (channel, target, article_uid)
        );
        """,
    ),
    (
        3,
        "provider batches of digest runs",
        # job_id names a row of batch_jobs (summarizer/batch/jobs.py creates that table on
        # first use, so no foreign key to it here).
        """
        CREATE TABLE digest_batches (
            job_id INTEGER PRIMARY KEY,
            batch TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            kind TEXT NOT NULL,
            articles INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            settled_at TEXT
        );
        CREATE INDEX digest_batches_open ON digest_batches(settled_at);
        """,
    ),
    (
        4,
        "each source's own state as JSON",
        # A source type owns its state between runs (a feed: its ETag and Last-Modified); the
        # etag and last_modified columns are kept as they were, and no longer written.
        """
        ALTER TABLE sources ADD COLUMN state TEXT;
        UPDATE sources SET state = json_object('etag', etag, 'last_modified', last_modified)
            WHERE etag IS NOT NULL OR last_modified IS NOT NULL;
        """,
    ),
    (
        5,
        "the program's readings of articles, and the memory of each story per digest",
        # readings: one per article, redone when its brief changes (brief_key) or when the
        # reading's version changes (in the body). story_memory: what a digest knew of each
        # of its stories; a later digest links to stories whose latest memory is recent.
        """
        CREATE TABLE IF NOT EXISTS article_readings (
            article_uid TEXT PRIMARY KEY,
            brief_key TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS story_memory (
            digest_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (digest_id, story_id)
        );
        CREATE INDEX IF NOT EXISTS story_memory_seen ON story_memory(seen_at);
        """,
    ),
)
