"""Articles: the text to brief and where it came from; reading files, stdin and URLs.

Every way in ends in :class:`Article`. Whatever cannot be read, or is not an article
(missing, empty, binary, too large, a refused URL), raises :class:`InputError` with a
one-line message; no ``OSError``, ``UnicodeError`` or HTTP error escapes this module.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import re
import socket
import stat
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import urlsplit

import charset_normalizer
import httpx2

from summarizer.errors import InputError
from summarizer.fileio import one_line

__all__ = [
    "article_from_fetch",
    "DEFAULT_LIMITS",
    "Article",
    "FetchResult",
    "Limits",
    "fetch_url",
    "load_article",
    "load_stdin",
    "read_source",
]

USER_AGENT = "summarizer/0.1 (article reader)"

_Kind = Literal["html", "text"]

SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_FETCHABLE_SCHEMES = frozenset({"http", "https"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
_MAX_TITLE_CHARS = 200

# Checked longest first so UTF-32 LE is not mistaken for UTF-16 LE.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3\x03", "an MP3 file"),
    (b"ID3\x04", "an MP3 file"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)

# Control bytes that do not occur in text; tab, newlines, form feed and ESC are allowed.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_BINARY_SAMPLE = 65536
_MAX_CONTROL_RATIO = 0.01

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HTML_SNIFF_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


@dataclass(frozen=True)
class Article:
    """The text of one article and what is known about its origin."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    origin: str | None = field(default=None, compare=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def fallback_headline(self) -> str:
        """A headline taken from the article itself: its title, else its first line."""
        first = self.title or next((line for line in self.text.splitlines() if line.strip()), "")
        first = " ".join(first.split())
        return first if len(first) <= 200 else first[:199].rstrip() + "…"

    @property
    def label(self) -> str:
        """How errors and logs name this article."""
        return self.origin or self.url or self.title or f"text:{self.content_hash[:12]}"


@dataclass(frozen=True)
class Limits:
    """Bounds on reading one source; ``allow_private=False`` is for URLs taken from feeds."""

    max_bytes: int = 5_000_000
    timeout_s: float = 20.0
    max_redirects: int = 5
    allow_private: bool = True


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FetchResult:
    """One HTTP response after redirects: 2xx with its body, or 304 with an empty body."""

    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes
    content_type: str | None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type header, if any."""
        return _charset_param(self.headers.get("content-type"))


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
    text = _normalize_newlines(source)
    if not text.strip():
        raise InputError("the article is empty")
    return Article(text=text)


def load_stdin(stream: BinaryIO, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Read an article (text or HTML, any common encoding) from a binary stream."""
    origin = "<stdin>"
    try:
        data = stream.read(limits.max_bytes + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read standard input: {one_line(exc)}", source=origin) from exc
    if len(data) > limits.max_bytes:
        raise InputError(f"input is larger than {limits.max_bytes} bytes", source=origin)
    if not data:
        raise InputError("standard input is empty", source=origin)
    return _article_from_bytes(data, origin=origin, kind=None)


def read_source(
    arg: str, *, limits: Limits = DEFAULT_LIMITS, stdin: BinaryIO | None = None
) -> Article:
    """Read the CLI's source argument: ``-`` (stdin), an http(s) URL, or a file path."""
    if arg == "-":
        return load_stdin(stdin if stdin is not None else sys.stdin.buffer, limits=limits)
    if SCHEME_RE.match(arg):
        return _load_url(arg, limits)
    if not arg.strip():
        raise InputError("no source given")
    return _load_file(Path(arg), limits)


def fetch_url(
    url: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` within ``limits``, following redirects; any failure is an InputError.

    Each redirect target is checked like the URL given (scheme; under
    ``allow_private=False`` its host too). ``timeout_s`` bounds every network wait and
    the whole fetch. A 304 (for conditional ``headers``) is returned, not raised.
    """
    _check_url(url, limits, source=url)
    request_headers = {"User-Agent": USER_AGENT, "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"}
    request_headers.update(headers or {})
    deadline = time.monotonic() + limits.timeout_s
    current = url
    try:
        with httpx2.Client(
            timeout=httpx2.Timeout(limits.timeout_s),
            follow_redirects=False,
            headers=request_headers,
        ) as client:
            for _ in range(limits.max_redirects + 1):
                if time.monotonic() > deadline:
                    raise InputError(f"timed out after {limits.timeout_s:g} s", source=url)
                with client.stream("GET", current) as response:
                    if response.has_redirect_location:
                        target = str(response.url.join(response.headers["location"]))
                        _check_url(target, limits, source=url, redirect=True)
                        current = target
                        continue
                    return _finish_response(response, url=url, limits=limits, deadline=deadline)
    except httpx2.TimeoutException as exc:
        raise InputError(f"timed out after {limits.timeout_s:g} s", source=url) from exc
    except httpx2.InvalidURL as exc:
        raise InputError(f"invalid URL: {one_line(exc)}", source=url) from exc
    except httpx2.HTTPError as exc:
        raise InputError(f"fetch failed: {one_line(exc)}", source=url) from exc
    raise InputError(f"too many redirects (more than {limits.max_redirects})", source=url)


# --- files and bytes -------------------------------------------------------------------


def _load_file(path: Path, limits: Limits) -> Article:
    origin = str(path)
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
    suffix = path.suffix.lower()
    kind: _Kind | None = None
    if suffix in _HTML_SUFFIXES:
        kind = "html"
    elif suffix in _TEXT_SUFFIXES:
        kind = "text"
    return _article_from_bytes(
        data, origin=origin, kind=kind, markdown=suffix in {".md", ".markdown"}
    )


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
    if not data.strip():
        raise InputError("the article is empty (only whitespace)", source=origin)
    if kind != "text" and charset is None and _bom_encoding(data) is None:
        match = _META_CHARSET_RE.search(data[:4096])
        if match:
            charset = match.group(1).decode("ascii")
    text = _decode(data, origin=origin, declared=charset)
    if kind is None:
        kind = "html" if _sniff_html(text) else "text"
    if kind == "html":
        return _extract_html(text, origin=origin, url=url)
    text = _normalize_newlines(text).strip()
    if not text:
        raise InputError("the article is empty (only whitespace)", source=origin)
    return Article(
        text=text, title=_first_line_title(text, markdown=markdown), url=url, origin=origin
    )


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _refuse_binary(data: bytes, *, origin: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary content ({what}), not text", source=origin)
    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        raise InputError("binary content (contains NUL bytes), not text", source=origin)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_RATIO * len(sample):
        raise InputError("binary content (control characters), not text", source=origin)


def _decode(data: bytes, *, origin: str, declared: str | None = None) -> str:
    """Decode text: BOM, then a declared charset, then strict UTF-8, then detection."""
    bom = _bom_encoding(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {bom.removesuffix('-sig').upper()} despite its byte-order mark",
                source=origin,
            ) from exc
        if "\x00" in text:
            raise InputError("binary content (contains NUL characters), not text", source=origin)
        return text
    _refuse_binary(data, origin=origin)
    if declared:
        try:
            return data.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: detect instead
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(data, origin=origin)


def _detect(data: bytes, *, origin: str) -> str:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError("cannot detect the text encoding", source=origin)
    # charset-normalizer often ranks a Baltic or Central European code page first for
    # Western European text; when windows-1252 reads about as cleanly, it is the
    # far likelier encoding (it is also what browsers assume for latin-1).
    if "cp1252" not in best.could_be_from_charset and any(
        "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + 0.05 for m in matches
    ):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def _sniff_html(text: str) -> bool:
    head = text[:2048].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_SNIFF_RE.search(head) is not None


def _extract_html(html: str, *, origin: str, url: str | None) -> Article:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False
        )
    except Exception as exc:  # lxml and trafilatura raise many types on malformed pages
        raise InputError(f"cannot parse the HTML: {one_line(exc)}", source=origin) from exc
    text = _normalize_newlines(str(getattr(doc, "text", None) or "")).strip() if doc else ""
    if not text:
        raise InputError("no article text found in the HTML", source=origin)
    return Article(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        url=url,
        published=_clean(getattr(doc, "date", None)),
        site=_clean(getattr(doc, "sitename", None)) or _clean(getattr(doc, "hostname", None)),
        origin=origin,
    )


def _first_line_title(text: str, *, markdown: bool) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if markdown:
            line = line.lstrip("#").strip()
        if line:
            return line if len(line) <= _MAX_TITLE_CHARS else None
    return None


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


# --- URLs ------------------------------------------------------------------------------


def _looks_like_url(source: str) -> bool:
    stripped = source.strip()
    return bool(SCHEME_RE.match(stripped)) and not any(c.isspace() for c in stripped)


def _load_url(url: str, limits: Limits) -> Article:
    return article_from_fetch(fetch_url(url, limits=limits), origin=url)


def article_from_fetch(result: FetchResult, *, origin: str) -> Article:
    """The article in a fetched page: its content type checked, decoded, HTML extracted."""
    if not 200 <= result.status < 300:
        raise InputError(f"HTTP {result.status}", source=origin)
    ctype = result.content_type
    kind: _Kind | None
    if ctype in _HTML_TYPES:
        kind = "html"
    elif ctype in _TEXT_TYPES:
        kind = "text"
    elif ctype is None:
        kind = None
    else:
        raise InputError(f"content type {ctype} is not HTML or text", source=origin)
    if not result.body:
        raise InputError("the page is empty", source=origin)
    return _article_from_bytes(
        result.body, origin=origin, kind=kind, charset=result.charset, url=result.final_url
    )


def _check_url(url: str, limits: Limits, *, source: str, redirect: bool = False) -> None:
    """Refuse what must not be requested: other schemes, and private hosts if so limited."""
    where = "redirect to " if redirect else ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"invalid URL {where}{url}: {one_line(exc)}", source=source) from exc
    scheme = parts.scheme.lower()
    if scheme not in _FETCHABLE_SCHEMES:
        raise InputError(
            f"{where}unsupported URL scheme {scheme}:// (only http and https)", source=source
        )
    host = parts.hostname
    if not host:
        raise InputError(f"{where}URL has no host", source=source)
    if not limits.allow_private:
        _check_public_host(host, port or (443 if scheme == "https" else 80), source=source)


def _check_public_host(host: str, port: int, *, source: str) -> None:
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise InputError(f"cannot resolve host {host}", source=source) from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        checked = mapped or address
        if not checked.is_global or checked.is_multicast:
            raise InputError(
                f"refusing to fetch {host}: {checked} is a private, loopback or reserved address",
                source=source,
            )


def _finish_response(
    response: httpx2.Response, *, url: str, limits: Limits, deadline: float
) -> FetchResult:
    status = response.status_code
    headers = {key.lower(): value for key, value in response.headers.items()}
    ctype = _media_type(headers.get("content-type"))
    final_url = str(response.url)
    if status == 304:
        return FetchResult(status, final_url, headers, b"", ctype)
    if not 200 <= status < 300:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise InputError(f"HTTP {status}{reason}", source=url)
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise InputError(
            f"response is larger than {limits.max_bytes} bytes ({declared} bytes)", source=url
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise InputError(f"response is larger than {limits.max_bytes} bytes", source=url)
        if time.monotonic() > deadline:
            raise InputError(f"timed out after {limits.timeout_s:g} s", source=url)
        chunks.append(chunk)
    return FetchResult(status, final_url, headers, b"".join(chunks), ctype)


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
