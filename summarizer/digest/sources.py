"""Digest sources: folders, files, lists of URLs, single URLs and RSS/Atom feeds.

:func:`parse_source` classifies a source as given; :class:`SourceReader` lists what each
offers as :class:`Candidate` items; :func:`summarizer.digest.ingest.ingest` stores them.
Each article gets identity keys
(``url:`` its normalized URL, ``guid:`` its feed entry id, ``hash:`` its text hash);
an article already known under any key is not fetched again, and the same article
reached from two sources is stored once. A failing source or page is recorded with
its error and never stops the others; a page that could not be fetched is retried on
the next run. Feeds are fetched with the stored ETag / Last-Modified, so an unchanged
feed costs one 304. Links found in feeds are fetched with ``allow_private=False``
(no loopback or private hosts) unless the digest config allows it.
"""

from __future__ import annotations

import calendar
import dataclasses
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from summarizer.article import (
    SCHEME_RE,
    Article,
    Limits,
    article_from_fetch,
    fetch_url,
    load_article,
    load_stdin,
)
from summarizer.errors import InputError, SummarizerError

if TYPE_CHECKING:
    from summarizer.digest.store import Store

__all__ = [
    "ARTICLE_SUFFIXES",
    "Candidate",
    "SourceReader",
    "SourceSpec",
    "identity_keys",
    "normalize_url",
    "parse_source",
    "strip_tracking",
]

log = logging.getLogger(__name__)

Kind = Literal["folder", "file", "urls", "url", "feed"]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
URL_LIST_SUFFIXES = frozenset({".urls", ".list"})
_URL_RE = re.compile(r"^https?://\S+$", re.I)
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json"}
)  # fmt: skip
_FEED_SNIFF_RE = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"

# Query parameters that say how a reader got to a page, not which page it is.
_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
     "mc_eid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "spm", "smid", "ncid",
     "ocid", "cid", "sr_share", "s_cid", "at_medium", "at_campaign", "__twitter_impression",
     "guccounter", "guce_referrer", "guce_referrer_sig", "output", "amp"}
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "oly_", "vero_")


def normalize_url(url: str) -> str:
    """The URL that names the page: lower-case scheme and host, no ``www.``, default
    port, fragment or tracking parameters; remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _kept(k))
    # http and https name the same article: keep one scheme in the identity.
    return urlunsplit(("https" if scheme in ("http", "https") else scheme, host, path,
                       urlencode(query), ""))  # fmt: skip


def _kept(key: str) -> bool:
    return key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters (``utm_*``, ``fbclid``, ...); the rest as given."""
    parts = urlsplit(url.strip())
    if not parts.query:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _kept(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def identity_keys(
    *, url: str | None = None, guid: str | None = None, text_hash: str | None = None
) -> list[str]:
    """The identity keys of an article, strongest first."""
    keys = []
    if guid:
        keys.append(f"guid:{guid.strip()}")
    if url:
        keys.append(f"url:{normalize_url(url)}")
    if text_hash:
        keys.append(f"hash:{text_hash}")
    return keys


@dataclass(frozen=True)
class SourceSpec:
    """A source as given (``spec``), what kind it is, and where it is."""

    spec: str
    kind: Kind
    location: str


def parse_source(spec: str) -> SourceSpec:
    """Classify a source: ``feed:URL``, an http(s) URL, a folder, a URL list or a file."""
    text = spec.strip()
    if text.lower().startswith("feed:") and not text.lower().startswith("feed://"):
        url = text[5:].strip()
        _check_scheme(url, spec)
        return SourceSpec(spec, "feed", url)
    if SCHEME_RE.match(text):
        _check_scheme(text, spec)
        return SourceSpec(spec, "url", text)
    path = Path(text).expanduser()
    if path.is_dir():
        return SourceSpec(spec, "folder", str(path))
    if not path.is_file():
        raise InputError("no such file, folder or URL", source=spec)
    if path.suffix.lower() in URL_LIST_SUFFIXES or _is_url_list(path):
        return SourceSpec(spec, "urls", str(path))
    return SourceSpec(spec, "file", str(path))


def _check_scheme(url: str, spec: str) -> None:
    match = SCHEME_RE.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in ("http", "https"):
        raise InputError(f"unsupported URL scheme {scheme or '(none)'}:// (only http and https)",
                         source=spec)  # fmt: skip


def _is_url_list(path: Path) -> bool:
    if path.suffix.lower() not in (".txt", ""):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = [line.strip() for line in head.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    return bool(lines) and all(_URL_RE.match(line) for line in lines)


def _url_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the URL list: {exc}", source=str(path)) from exc
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        _check_scheme(line, f"{path}: {line}")
        urls.append(line)
    return urls


@dataclass
class Candidate:
    """An item a source offers: identity keys known before loading it, and how to load it."""

    keys: list[str]
    label: str
    origin: str
    load: Callable[[], Article]
    url: str | None = None
    guid: str | None = None
    published: str | None = None


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


class SourceReader:
    """Discovers the candidates of each source (network and file I/O); the only store writes
    are a feed's state (ETag, Last-Modified, last status)."""

    def __init__(
        self,
        store: Store,
        *,
        limits: Limits,
        allow_private: bool,
    ) -> None:
        self.store = store
        self.limits = limits
        self.feed_limits = dataclasses.replace(limits, allow_private=allow_private)
        self.not_modified = 0
        self.known_pages = 0

    def candidates(self, source: SourceSpec) -> Iterator[Candidate]:
        if source.kind == "folder":
            yield from self._folder(source)
        elif source.kind == "file":
            yield self._file(Path(source.location), source.spec)
        elif source.kind == "urls":
            for url in _url_lines(Path(source.location)):
                yield self.page(url, source.spec, self.limits)
        else:
            yield from self._url(source)

    def _folder(self, source: SourceSpec) -> Iterator[Candidate]:
        root = Path(source.location)
        files = sorted(
            p for p in root.rglob("*")
            if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )  # fmt: skip
        # Every file, however old: ``since`` chooses what a digest shows, never what is
        # stored (an outage longer than the window must lose nothing).
        for path in files:
            yield self._file(path, source.spec)

    def _file(self, path: Path, origin: str) -> Candidate:
        # Files are read to learn their identity (the text hash): nothing to skip early.
        limits = self.limits
        return Candidate(keys=[], label=str(path), origin=origin,
                         load=lambda: load_article(path, limits=limits))  # fmt: skip

    def page(self, url: str, origin: str, limits: Limits | None = None, **extra: Any) -> Candidate:
        """A page to fetch at ``url`` (with the feed links' limits unless ``limits``)."""
        return Candidate(
            keys=identity_keys(url=url, guid=extra.get("guid")),
            label=url,
            origin=origin,
            load=lambda: load_article(url, limits=limits or self.feed_limits),
            url=url,
            **extra,
        )

    def _url(self, source: SourceSpec) -> Iterator[Candidate]:
        """A feed, or a page (an http(s) source is a feed if its content says so)."""
        url = source.location
        if source.kind == "url" and self.store.find_article(identity_keys(url=url)):
            self.known_pages += 1  # a page already stored: pages do not change their story
            return
        source_id, etag, modified = self.store.source(source.spec, source.kind)
        headers = {"Accept": _FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        try:
            result = fetch_url(url, limits=self.limits, headers=headers)
        except SummarizerError as exc:
            self.store.source_checked(source_id, status=None, error=str(exc), keep_validators=True)
            raise
        if result.status == 304:
            self.store.source_checked(source_id, status=304, keep_validators=True)
            self.not_modified += 1
            log.info("%s: not modified", source.spec)
            return
        is_feed = source.kind == "feed" or result.content_type in _FEED_TYPES or (
            result.content_type not in ("text/html", "text/plain")
            and _FEED_SNIFF_RE.search(result.body[:2048]) is not None
        )  # fmt: skip
        if not is_feed:
            self.store.source_checked(source_id, status=result.status)
            fetched = result

            def fetched_page() -> Article:
                return article_from_fetch(fetched, origin=url)

            yield Candidate(keys=identity_keys(url=url), label=url, origin=source.spec,
                            load=fetched_page, url=url)  # fmt: skip
            return
        import feedparser

        parsed: Any = feedparser.parse(io.BytesIO(result.body))
        if parsed.get("bozo") and not parsed.get("entries"):
            error = f"not a readable feed: {parsed.get('bozo_exception')}"
            self.store.source_checked(source_id, status=result.status, error=error)
            raise InputError(error, source=source.spec)
        self.store.source_checked(
            source_id,
            status=result.status,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
        )
        for entry in parsed.get("entries", []):
            candidate = self._entry(entry, source, result.final_url)
            if candidate is not None:
                yield candidate

    def _entry(self, entry: Any, source: SourceSpec, feed_url: str) -> Candidate | None:
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        guid = entry.get("id") or None
        link = entry.get("link") or None
        title = entry.get("title") or None
        if link:
            link = urljoin(feed_url, link)
        scoped_guid = f"{normalize_url(feed_url)} {guid}" if guid else None
        if link and SCHEME_RE.match(link):
            return self.page(link, source.spec, self.feed_limits, guid=scoped_guid,
                             published=published)  # fmt: skip
        content = _entry_text(entry)
        if not content:
            return None
        limits = self.limits

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
