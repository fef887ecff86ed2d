"""What the web source types share: the scheme check, a conditional fetch with the state a
source saved (ETag, Last-Modified: an unchanged feed costs one 304), and a feed's entries as
candidates."""

from __future__ import annotations

import calendar
import dataclasses
import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from summarizer.article import (
    SCHEME_RE,
    Article,
    FetchResult,
    article_from_fetch,
    fetch_url,
    load_stdin,
)
from summarizer.base.errors import InputError, SummarizerError
from summarizer.digest.sources import Candidate, SourceReader, SourceSpec
from summarizer.digest.sources._identity import identity_keys, normalize_url

__all__ = ["check_scheme", "fetch", "is_feed", "read_feed"]

log = logging.getLogger(__name__)

_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json"}
)  # fmt: skip
_FEED_SNIFF_RE = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"


def check_scheme(url: str, spec: str) -> None:
    match = SCHEME_RE.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in ("http", "https"):
        raise InputError(f"unsupported URL scheme {scheme or '(none)'}:// (only http and https)",
                         source=spec)  # fmt: skip


def fetch(source: SourceSpec, reader: SourceReader) -> tuple[int, FetchResult | None]:
    """The source's id and what its URL gives now, asked with the saved validators (None:
    not modified since). A failed fetch is recorded (the state kept) and raised."""
    source_id, state = reader.state(source)
    headers = {"Accept": _FEED_ACCEPT}
    if state.get("etag"):
        headers["If-None-Match"] = str(state["etag"])
    if state.get("last_modified"):
        headers["If-Modified-Since"] = str(state["last_modified"])
    try:
        result = fetch_url(source.location, limits=reader.limits, headers=headers)
    except SummarizerError as exc:
        reader.checked(source_id, status=None, error=str(exc))
        raise
    if result.status == 304:
        reader.checked(source_id, status=304)
        reader.not_modified += 1
        log.info("%s: not modified", source.spec)
        return source_id, None
    return source_id, result


def is_feed(result: FetchResult) -> bool:
    """Whether a fetched body is a feed: its content type says so, or its start does."""
    return result.content_type in _FEED_TYPES or (
        result.content_type not in ("text/html", "text/plain")
        and _FEED_SNIFF_RE.search(result.body[:2048]) is not None
    )


def read_feed(
    source: SourceSpec, reader: SourceReader, source_id: int, result: FetchResult
) -> Iterator[Candidate]:
    """A feed's entries: a linked page each, or the entry's own text when it has no link;
    its validators saved for the next run."""
    import feedparser

    parsed: Any = feedparser.parse(io.BytesIO(result.body))
    if parsed.get("bozo") and not parsed.get("entries"):
        error = f"not a readable feed: {parsed.get('bozo_exception')}"
        reader.checked(source_id, status=result.status, error=error, state={})
        raise InputError(error, source=source.spec)
    state = {"etag": result.headers.get("etag"),
             "last_modified": result.headers.get("last-modified")}  # fmt: skip
    reader.checked(source_id, status=result.status, state={k: v for k, v in state.items() if v})
    for entry in parsed.get("entries", []):
        candidate = _entry(entry, source, reader, result.final_url)
        if candidate is not None:
            yield candidate


def page_of(source: SourceSpec, result: FetchResult) -> Candidate:
    """The fetched page itself, as a candidate (no second fetch)."""
    url = source.location

    def fetched_page() -> Article:
        return article_from_fetch(result, origin=url)

    return Candidate(keys=identity_keys(url=url), label=url, origin=source.spec,
                     load=fetched_page, url=url)  # fmt: skip


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def _entry_text(entry: Any) -> str | None:
    for item in entry.get("content") or []:
        if item.get("value"):
            return str(item["value"])
    value = entry.get("summary")
    return str(value) if value else None


def _entry(entry: Any, source: SourceSpec, reader: SourceReader, feed_url: str) -> Candidate | None:
    published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
    guid = entry.get("id") or None
    link = entry.get("link") or None
    title = entry.get("title") or None
    if link:
        link = urljoin(feed_url, link)
    scoped_guid = f"{normalize_url(feed_url)} {guid}" if guid else None
    if link and SCHEME_RE.match(link):
        return reader.page(link, source.spec, reader.feed_limits, guid=scoped_guid,
                           published=published)  # fmt: skip
    content = _entry_text(entry)
    if not content:
        return None
    limits = reader.limits

    def inline() -> Article:
        try:
            article = load_stdin(io.BytesIO(content.encode("utf-8")), limits=limits)
        except InputError as exc:  # name the entry, not <stdin>
            raise InputError(exc.message, source=f"{source.spec}#{guid}") from exc
        return dataclasses.replace(
            article, title=title or article.title, origin=f"{source.spec}#{guid}", url=None
        )

    return Candidate(keys=identity_keys(guid=scoped_guid), label=title or str(guid),
                     origin=source.spec, load=inline, guid=scoped_guid,
                     published=published)  # fmt: skip
