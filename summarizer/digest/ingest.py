"""Ingest: read every digest source into the store, each article once.

Candidates come from each source's type (:mod:`summarizer.digest.sources`); one already known
under any identity key is not loaded again, and the same article reached from two sources
is stored once. Pages that failed on an earlier run are fetched again. Loading runs in a
thread pool; every store write happens on the calling thread. A failing source or page is
recorded with its error and never stops the others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarizer.article import Article, Limits
from summarizer.base.errors import InputError, SummarizerError
from summarizer.digest.dedup import shingles
from summarizer.digest.sources import Candidate, SourceReader, identity_keys, parse_source

if TYPE_CHECKING:
    from summarizer.digest.store import Store

__all__ = ["IngestReport", "ingest"]

log = logging.getLogger(__name__)

SourceGiven = str | Mapping[str, Any]
"""A source as the config gives it: a string, or a table with its ``type`` and options."""

Pending = tuple[Candidate, "int | None"]
"""A candidate to load, and the id of the stored article it retries (if it does)."""


@dataclass
class IngestReport:
    """What :func:`ingest` did."""

    new: int = 0
    known: int = 0
    failed: int = 0
    not_modified: int = 0
    duplicates: int = 0
    source_errors: list[tuple[str, str]] = field(default_factory=list)


def _article_fields(article: Article, *, published: str | None = None) -> dict[str, Any]:
    return {
        "url": article.url,
        "content_hash": article.content_hash,
        "title": article.title,
        "site": article.site,
        "published": article.published or published,
        "text": article.text,
        "origin": article.origin,
    }


def _label(spec: SourceGiven) -> str:
    return spec if isinstance(spec, str) else json.dumps(dict(spec), sort_keys=True, default=str)


def _discover(
    store: Store, reader: SourceReader, specs: Sequence[SourceGiven], report: IngestReport
) -> list[Pending]:
    """The new candidates of every source (known ones are counted, not loaded)."""
    pending: list[Pending] = []
    seen: set[str] = set()
    for spec in specs:
        try:
            for candidate in reader.candidates(parse_source(spec)):
                if candidate.keys and (
                    seen.intersection(candidate.keys) or store.find_article(candidate.keys)
                ):
                    report.known += 1
                    continue
                seen.update(candidate.keys)
                pending.append((candidate, None))
        except SummarizerError as exc:
            log.warning("source %s: %s", _label(spec), exc)
            report.source_errors.append((_label(spec), str(exc)))
    report.not_modified = reader.not_modified
    report.known += reader.known_pages
    return pending


def _retries(store: Store, reader: SourceReader) -> list[Pending]:
    """Pages that failed before are fetched again (their feed may not list them anymore)."""
    pending: list[Pending] = []
    for stored in store.undigested(since=None):
        if stored.text is None and stored.url:
            retry = reader.page(stored.url, stored.origin or stored.url)
            retry.published = stored.published
            pending.append((retry, stored.id))
    return pending


def _load(item: Pending) -> Article | SummarizerError:
    try:
        return item[0].load()
    except SummarizerError as exc:
        return exc
    except Exception as exc:  # one article's failure (even an ImportError) never aborts a run
        log.debug("loading %s failed", item[0].label, exc_info=True)
        return InputError(f"{type(exc).__name__}: {exc}", source=item[0].label)


def _record_failure(
    store: Store, candidate: Candidate, retry_id: int | None, error: SummarizerError
) -> None:
    log.warning("%s", error)
    if retry_id is None:
        stored = store.add_article(
            candidate.keys or [f"file:{candidate.label}"],
            {"url": candidate.url, "guid": candidate.guid, "origin": candidate.origin,
             "published": candidate.published},
        )  # fmt: skip
        retry_id = stored.id
    store.article_failed(retry_id, str(error))


def _record_article(
    store: Store, candidate: Candidate, retry_id: int | None, loaded: Article
) -> bool | None:
    """Store a loaded article; True if it is new (or newly has its text), None if it is a
    near-duplicate of a stored one."""
    fields = _article_fields(loaded, published=candidate.published)
    if retry_id is not None:
        store.set_article_text(retry_id, fields)
        store.add_keys(retry_id, identity_keys(text_hash=loaded.content_hash))
        store.add_sketch(retry_id, shingles(loaded.text).sketch)
        return True
    keys = [*candidate.keys, *identity_keys(url=loaded.url, text_hash=loaded.content_hash)]
    keys = list(dict.fromkeys(keys))
    found = store.find_article(keys)
    if found is None and not candidate.keys:
        found = store.find_article([f"file:{candidate.label}"])  # failed earlier
    if found is not None and found.text is None:
        store.set_article_text(found.id, fields)
        store.add_keys(found.id, keys)
        store.add_sketch(found.id, shingles(loaded.text).sketch)
        return True
    if found is None:
        text = shingles(loaded.text)
        same = store.near_duplicate(text)
        if same is not None:  # the same article from another source: one row, more keys
            log.info("%s: the same article as %s", candidate.label, same.origin or same.uid)
            store.add_keys(same.id, keys)
            merged = {k: v for k, v in fields.items() if k != "text"}
            store.add_article(keys, {**merged, "guid": candidate.guid})
            return None
        stored = store.add_article(keys, {**fields, "guid": candidate.guid})
        store.add_sketch(stored.id, text.sketch)
        return True
    store.add_article(keys, {**fields, "guid": candidate.guid})  # a known one merges
    return False


def ingest(
    store: Store,
    specs: Sequence[SourceGiven],
    *,
    limits: Limits,
    allow_private: bool = False,
    workers: int = 8,
) -> IngestReport:
    """Read every source (as given: ``specs``, strings or tables with a ``type``) into the
    store; return counts and each source's error."""
    report = IngestReport()
    reader = SourceReader(store, limits=limits, allow_private=allow_private)
    pending = _discover(store, reader, specs, report) + _retries(store, reader)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for (candidate, retry_id), loaded in zip(pending, pool.map(_load, pending), strict=True):
            if isinstance(loaded, SummarizerError):
                report.failed += 1
                _record_failure(store, candidate, retry_id, loaded)
                continue
            recorded = _record_article(store, candidate, retry_id, loaded)
            if recorded is None:
                report.duplicates += 1
            elif recorded:
                report.new += 1
            else:
                report.known += 1
    return report
