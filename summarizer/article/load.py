"""Every way in ends in an Article: text, files, stdin, URLs, fetched pages.

Whatever cannot be read, or is not an article (missing, empty, binary, too large, a
refused URL), raises :class:`InputError` with a one-line message; no ``OSError``,
``UnicodeError`` or HTTP error escapes.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import BinaryIO, Literal

from summarizer.article.decode import bom_encoding, declared_meta_charset, decode
from summarizer.article.fetch import SCHEME_RE, fetch_url
from summarizer.article.html import extract_html, normalize_newlines, sniff_html
from summarizer.article.meta import read_head
from summarizer.article.model import DEFAULT_LIMITS, Article, FetchResult, Limits
from summarizer.base.errors import InputError
from summarizer.base.fileio import one_line
from summarizer.base.redact import redact

__all__ = ["article_from_fetch", "load_article", "load_stdin", "read_source"]

_Kind = Literal["html", "text"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
_STDIN = "<stdin>"


def load_article(source: str | Path | Article, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Turn a source (text, a path, a URL or an Article) into an Article.

    A ``str`` that is a single ``scheme://...`` token is a URL (only http and https are
    fetched); any other ``str`` is the article text itself.
    """
    if isinstance(source, Article):
        return source
    if isinstance(source, Path):
        return _load_file(source, limits)
    if _looks_like_url(source):
        return _load_url(source.strip(), limits)
    text = normalize_newlines(source)
    if not text.strip():
        raise InputError("the article is empty")
    return Article(text=text)


def load_stdin(stream: BinaryIO | None, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Read an article (text or HTML, any common encoding) from a binary stream."""
    if stream is None:  # the process was started with standard input closed
        raise InputError("standard input is closed", source=_STDIN)
    try:
        data = stream.read(limits.max_bytes + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read standard input: {one_line(exc)}", source=_STDIN) from exc
    if len(data) > limits.max_bytes:
        raise InputError(f"input is larger than {limits.max_bytes} bytes", source=_STDIN)
    if not data:
        raise InputError("standard input is empty", source=_STDIN)
    return _article_from_bytes(data, origin=_STDIN, kind=None)


def read_source(
    arg: str, *, limits: Limits = DEFAULT_LIMITS, stdin: BinaryIO | None = None
) -> Article:
    """Read the CLI's source argument: ``-`` (stdin), an http(s) URL, or a file path."""
    if arg == "-":
        if stdin is None:
            stdin = sys.stdin.buffer if sys.stdin is not None else None
        return load_stdin(stdin, limits=limits)
    if SCHEME_RE.match(arg):
        return _load_url(arg, limits)
    if not arg.strip():
        raise InputError("no source given")
    return _load_file(Path(arg), limits)


def article_from_fetch(result: FetchResult, *, origin: str) -> Article:
    """The article in a fetched page: its content type checked, decoded, HTML extracted."""
    source = redact(origin, ())
    if not 200 <= result.status < 300:
        raise InputError(f"HTTP {result.status}", source=source)
    ctype = result.content_type
    kind: _Kind | None
    if ctype in _HTML_TYPES:
        kind = "html"
    elif ctype in _TEXT_TYPES:
        kind = "text"
    elif ctype is None:
        kind = None
    else:
        raise InputError(f"content type {ctype} is not HTML or text", source=source)
    if not result.body:
        raise InputError("the page is empty", source=source)
    return _article_from_bytes(
        result.body, origin=origin, kind=kind, charset=result.charset, url=result.final_url
    )


def _looks_like_url(source: str) -> bool:
    stripped = source.strip()
    return bool(SCHEME_RE.match(stripped)) and not any(c.isspace() for c in stripped)


def _load_url(url: str, limits: Limits) -> Article:
    return article_from_fetch(fetch_url(url, limits=limits), origin=url)


def _load_file(path: Path, limits: Limits) -> Article:
    origin = str(path)
    data = _read_file(path, limits, origin=origin)
    suffix = path.suffix.lower()
    kind: _Kind | None = None
    if suffix in _HTML_SUFFIXES:
        kind = "html"
    elif suffix in _TEXT_SUFFIXES:
        kind = "text"
    return _article_from_bytes(
        data, origin=origin, kind=kind, markdown=suffix in {".md", ".markdown"}
    )


def _read_file(path: Path, limits: Limits, *, origin: str) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", source=origin)
        if info.st_size > limits.max_bytes:
            raise InputError(
                f"file is larger than {limits.max_bytes} bytes ({info.st_size} bytes)",
                source=origin,
            )
        # Bounded even for files that report no size (pipes, /dev, /proc).
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError("file not found", source=origin) from exc
    except PermissionError as exc:
        raise InputError("permission denied", source=origin) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", source=origin) from exc
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else one_line(exc)
        raise InputError(f"cannot read file: {reason}", source=origin) from exc
    if len(data) > limits.max_bytes:
        raise InputError(f"file is larger than {limits.max_bytes} bytes", source=origin)
    if not data:
        raise InputError("file is empty", source=origin)
    return data


def _article_from_bytes(
    data: bytes,
    *,
    origin: str,
    kind: _Kind | None,
    charset: str | None = None,
    url: str | None = None,
    markdown: bool = False,
) -> Article:
    """Decode ``data`` and, when it is HTML (``kind``, or sniffed when None), extract it."""
    source = redact(origin, ())
    if not data.strip():
        raise InputError("the article is empty (only whitespace)", source=source)
    if kind != "text" and charset is None and bom_encoding(data) is None:
        charset = declared_meta_charset(data)
    text, encoding = decode(data, origin=source, declared=charset)
    if kind is None:
        kind = "html" if sniff_html(text) else "text"
    if kind == "html":
        page = extract_html(text, origin=source, url=url)
        head = read_head(page.text)  # a byline or dateline the page kept in its text
        return Article(
            text=head.text or page.text,
            title=page.title,
            url=url,
            published=page.published or head.published,
            site=page.site or head.site,
            origin=origin,
            encoding=encoding,
            dateline=head.dateline,
        )
    text = normalize_newlines(text).strip()
    if not text:
        raise InputError("the article is empty (only whitespace)", source=source)
    # metadata lines (date, Published:, By ...) and the dateline: read, not briefed
    head = read_head(text, markdown=markdown)
    if not head.text.strip():
        raise InputError("the article has only metadata lines, no text", source=source)
    return Article(
        text=head.text,
        title=head.title,
        url=url,
        published=head.published,
        site=head.site,
        origin=origin,
        encoding=encoding,
        dateline=head.dateline,
    )
