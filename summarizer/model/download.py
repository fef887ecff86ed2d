"""Streamed, resumable, checked downloads of model files (``summarizer models add URL``).

The body goes into ``NAME.part`` as it arrives, beside a ``NAME.part.json`` that records a
hash of the URL (never the URL: it may carry credentials) and the server's ETag. The next
call for the same URL resumes with ``Range: bytes=N-`` and ``If-Range: ETAG``: a 206
continues the file, a 200 (the server ignores ranges, or the file changed) starts it again,
a 416 means it was already whole. Only a strong ETag makes a partial file resumable: without
one the server could not tell us that the file changed, so the download starts over rather
than join two versions.

A network failure or the deadline (``deadline_s``, the whole download) keeps the partial
file; a checksum mismatch deletes it (:class:`ChecksumError`, exit code 3 at the command
line); a file that is not GGUF, or larger than ``max_bytes`` (declared or sent), is deleted
too. A redirect to another scheme or in a loop is bad input (exit 3), not an interruption;
a file that cannot be written (a full disk, a read-only folder) is a ConfigurationError
(exit 2) that leaves no partial file. URLs are shown with their credentials redacted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.base.errors import BackendError, ConfigurationError, InputError
from summarizer.base.redact import sanitize

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_MAX_BYTES",
    "GGUF_MAGIC",
    "ChecksumError",
    "Progress",
    "download",
    "is_gguf",
    "normalize_sha256",
    "shown_url",
]

Progress = Callable[[int, int | None], None]
"""Called with (bytes on disk so far, total bytes or None when the server does not say)."""

GGUF_MAGIC = b"GGUF"
DEFAULT_MAX_BYTES = 50 * 10**9
"""No download may be larger (a 70B model at 4 bits is about 40 GB)."""
DEFAULT_DEADLINE_S = 6 * 3600.0
"""The whole download, resumed downloads each getting their own."""
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def shown_url(url: str) -> str:
    """``url`` as errors, the progress bar and the registry show it: user info and
    token-like query values redacted, no control characters."""
    return sanitize(url, limit=None)


class _TooLarge(Exception):
    pass


class ChecksumError(InputError):
    """A downloaded or registered file does not have the expected sha256."""


def normalize_sha256(value: str | None) -> str | None:
    """A lower-case hex digest (``sha256:`` prefix allowed), or ConfigurationError."""
    if value is None:
        return None
    digest = value.strip().lower().removeprefix("sha256:")
    if not _SHA_RE.fullmatch(digest):
        raise ConfigurationError(f"--sha256 {value!r} is not 64 hexadecimal digits")
    return digest


def hash_file(path: Path, digest: Any, progress: Progress | None = None) -> int:
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if progress:
                progress(size, None)
    return size


def _content_range(response: Any) -> tuple[int, int | None] | None:
    """(first byte, total or None) of a 206 answer's ``Content-Range``, else None."""
    m = re.fullmatch(r"bytes (\d+)-\d+/(\d+|\*)", response.headers.get("content-range", ""))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) != "*" else None


def _length(response: Any) -> int | None:
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


def _url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _strong(etag: str) -> bool:
    return bool(etag) and not etag.startswith("W/")


def _read_meta(meta: Path, url: str) -> str | None:
    """The strong ETag a partial download of ``url`` was started with, else None (no
    record, another URL, or no way to tell whether the file changed: start over)."""
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(meta.read_text(encoding="utf-8"))
        etag = str(data.get("etag") or "")
        if data.get("url_sha256") == _url_key(url) and _strong(etag):
            return etag
    return None


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    progress: Progress | None = None,
    timeout_s: float = 60.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> str:
    """Download ``url`` to ``dest`` (resuming ``dest.part``) and return the file's sha256.

    A network failure or the deadline keeps the partial file (the same call resumes it)
    and raises BackendError; a checksum mismatch deletes it and raises
    :class:`ChecksumError`; over ``max_bytes``, InputError; a write that fails,
    ConfigurationError.
    """
    import httpx2

    from summarizer.base.fileio import atomic_write
    from summarizer.base.http import client

    expected = normalize_sha256(sha256)
    shown = shown_url(url)
    part = dest.with_name(dest.name + ".part")
    meta = dest.with_name(dest.name + ".part.json")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        etag = _read_meta(meta, url) if part.exists() else None
        if etag is None:
            part.unlink(missing_ok=True)
        digest = hashlib.sha256()
        offset = hash_file(part, digest) if part.exists() else 0
    except OSError as exc:
        raise _unwritable(dest.parent, exc, shown) from None
    headers = {"range": f"bytes={offset}-", "if-range": etag or ""} if offset else {}
    try:
        with (
            client(timeout_s=timeout_s, follow_redirects=True, deadline_s=deadline_s) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 416 and offset:
                total: int | None = offset  # the partial file is already whole
            else:
                response.raise_for_status()
                total = _resume_point(response, offset, part, meta, shown)
                if total is not None and total < 0:  # the server sent the whole file
                    offset, digest, total = 0, hashlib.sha256(), _length(response)
                if total is not None and total > max_bytes:
                    raise _TooLarge(f"the file is {total:,} bytes, above the {max_bytes:,} limit")
                new_etag = response.headers.get("etag", "")
                record = {"url_sha256": _url_key(url), "etag": new_etag}
                atomic_write(meta, json.dumps(record), fsync=False)
                _stream_to(response, part, offset, total, digest, progress, max_bytes)
    except _TooLarge as exc:
        _discard(part, meta)
        raise InputError(f"{exc}; the download was deleted", source=shown) from None
    except httpx2.HTTPStatusError as exc:
        code = exc.response.status_code
        raise BackendError(f"download failed: HTTP {code}", source=shown) from None
    except httpx2.TooManyRedirects:
        raise InputError("too many redirects", source=shown) from None
    except httpx2.UnsupportedProtocol as exc:
        raise InputError(
            f"a redirect to an unsupported URL ({sanitize(exc, limit=120)}); only http and "
            "https are downloaded",
            source=shown,
        ) from None
    except httpx2.TimeoutException:
        done = part.stat().st_size if part.exists() else 0
        raise BackendError(
            f"download timed out after {done:,} bytes (no data within {timeout_s:g} s, or "
            f"the whole download over {deadline_s:g} s); run the same command again to resume",
            source=shown,
        ) from None
    except httpx2.HTTPError as exc:
        done = part.stat().st_size if part.exists() else 0
        raise BackendError(
            f"download interrupted after {done:,} bytes ({type(exc).__name__}); "
            "run the same command again to resume",
            source=shown,
        ) from None
    except OSError as exc:  # writing the file: a full disk, a read-only folder
        _discard(part, meta)
        raise _unwritable(part, exc, shown) from None
    return _finish(part, meta, dest, digest.hexdigest(), expected, total, shown)


def _discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _unwritable(path: Path, exc: OSError, shown: str) -> ConfigurationError:
    why = exc.strerror or type(exc).__name__
    return ConfigurationError(
        f"cannot write {path}: {why} (nothing partial was kept)", source=shown
    )


def _resume_point(response: Any, offset: int, part: Path, meta: Path, url: str) -> int | None:
    """The total size for a 206 that continues at ``offset``; -1 for a whole file (200)."""
    if response.status_code != 206:
        return -1
    content_range = _content_range(response)
    if content_range is None or content_range[0] != offset:
        _discard(part, meta)
        raise BackendError(
            "the server resumed at the wrong place; the partial file was deleted, run again",
            source=url,
        )
    return content_range[1] if content_range[1] is not None else None


def _stream_to(
    response: Any,
    part: Path,
    offset: int,
    total: int | None,
    digest: Any,
    progress: Progress | None,
    max_bytes: int,
) -> None:
    """Append the body to ``part`` as it arrives (what came before a failure is kept); a
    body that goes past ``max_bytes`` (an endless one) stops there."""
    done = shown = offset
    if progress:
        progress(done, total)
    with part.open("ab" if offset else "wb") as handle:
        for chunk in response.iter_bytes():  # as received: no buffer to lose on a failure
            if done + len(chunk) > max_bytes:
                raise _TooLarge(f"the server sent more than the {max_bytes:,}-byte limit")
            handle.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if progress and (done - shown >= _CHUNK or done == total):
                progress(done, total)
                shown = done
        if progress and shown != done:
            progress(done, total)


def _finish(
    part: Path, meta: Path, dest: Path, got: str, expected: str | None, total: int | None, url: str
) -> str:
    size = part.stat().st_size
    if total is not None and size != total:
        raise BackendError(
            f"download incomplete: {size:,} of {total:,} bytes; run the same command again",
            source=url,
        )
    if expected is not None and got != expected:
        _discard(part, meta)
        raise ChecksumError(
            f"checksum mismatch: expected sha256 {expected}, got {got}; the download was deleted",
            source=url,
        )
    if not is_gguf(part):
        _discard(part, meta)
        raise InputError("the download is not a GGUF file; it was deleted", source=url)
    try:
        os.replace(part, dest)
    except OSError as exc:
        _discard(part, meta)
        raise _unwritable(dest, exc, url) from None
    _discard(meta)
    return got


def is_gguf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == GGUF_MAGIC
