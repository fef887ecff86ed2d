"""Streamed, resumable, checked downloads of model files (``summarizer models add URL``).

The body goes into ``NAME.part`` as it arrives, beside a ``NAME.part.json`` that records the
URL and the server's ETag. The next call for the same URL resumes with ``Range:
bytes=N-`` and ``If-Range: ETAG``: a 206 continues the file, a 200 (the server ignores
ranges, or the file changed) starts it again, a 416 means it was already whole. A network
failure keeps the partial file; a checksum mismatch deletes it (:class:`ChecksumError`,
exit code 3 at the command line); a file that is not GGUF is deleted too.
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

from summarizer.errors import BackendError, ConfigurationError, InputError

__all__ = ["GGUF_MAGIC", "ChecksumError", "Progress", "download", "is_gguf", "normalize_sha256"]

Progress = Callable[[int, int | None], None]
"""Called with (bytes on disk so far, total bytes or None when the server does not say)."""

GGUF_MAGIC = b"GGUF"
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


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


def _read_meta(meta: Path, url: str) -> str | None:
    """The ETag a partial download of ``url`` was started with ('' when none), else None."""
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("url") == url:
            return str(data.get("etag") or "")
    return None


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    progress: Progress | None = None,
    timeout_s: float = 60.0,
) -> str:
    """Download ``url`` to ``dest`` (resuming ``dest.part``) and return the file's sha256.

    A network failure keeps the partial file (the same call resumes it) and raises
    BackendError; a checksum mismatch deletes it and raises :class:`ChecksumError`.
    """
    import httpx2

    from summarizer.fileio import atomic_write
    from summarizer.http import client

    expected = normalize_sha256(sha256)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    meta = dest.with_name(dest.name + ".part.json")
    etag = _read_meta(meta, url) if part.exists() else None
    if etag is None:
        part.unlink(missing_ok=True)
    digest = hashlib.sha256()
    offset = hash_file(part, digest) if part.exists() else 0
    headers = {"range": f"bytes={offset}-"} if offset else {}
    if offset and etag:
        headers["if-range"] = etag
    try:
        with (
            client(timeout_s=timeout_s, follow_redirects=True) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 416 and offset:
                total: int | None = offset  # the partial file is already whole
            else:
                response.raise_for_status()
                total = _resume_point(response, offset, part, meta, url)
                if total is not None and total < 0:  # the server sent the whole file
                    offset, digest, total = 0, hashlib.sha256(), _length(response)
                new_etag = response.headers.get("etag", "")
                atomic_write(meta, json.dumps({"url": url, "etag": new_etag}), fsync=False)
                _stream_to(response, part, offset, total, digest, progress)
    except httpx2.HTTPStatusError as exc:
        raise BackendError(f"download failed: HTTP {exc.response.status_code}", source=url) from exc
    except (httpx2.HTTPError, OSError) as exc:
        done = part.stat().st_size if part.exists() else 0
        raise BackendError(
            f"download interrupted after {done:,} bytes ({type(exc).__name__}); "
            "run the same command again to resume",
            source=url,
        ) from exc
    return _finish(part, meta, dest, digest.hexdigest(), expected, total, url)


def _resume_point(response: Any, offset: int, part: Path, meta: Path, url: str) -> int | None:
    """The total size for a 206 that continues at ``offset``; -1 for a whole file (200)."""
    if response.status_code != 206:
        return -1
    content_range = _content_range(response)
    if content_range is None or content_range[0] != offset:
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
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
) -> None:
    """Append the body to ``part`` as it arrives (what came before a failure is kept)."""
    done = shown = offset
    if progress:
        progress(done, total)
    with part.open("ab" if offset else "wb") as handle:
        for chunk in response.iter_bytes():  # as received: no buffer to lose on a failure
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
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        raise ChecksumError(
            f"checksum mismatch: expected sha256 {expected}, got {got}; the download was deleted",
            source=url,
        )
    if not is_gguf(part):
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        raise InputError("the download is not a GGUF file; it was deleted", source=url)
    os.replace(part, dest)
    meta.unlink(missing_ok=True)
    return got


def is_gguf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == GGUF_MAGIC
