"""Small shared helpers for text the program writes: one line for errors, atomic files."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["atomic_write", "one_line"]


def one_line(text: object, limit: int | None = None) -> str:
    """``text`` (or an exception) on one line, cut to ``limit`` characters with an ellipsis.

    An exception with an empty message gives its class name (httpx's ``ReadError('')``).
    """
    line = " ".join(str(text).split())
    if not line and isinstance(text, BaseException):
        line = type(text).__name__
    if limit is not None and len(line) > limit:
        line = line[: limit - 1] + "…"
    return line


def atomic_write(path: Path, data: str | bytes, *, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` all or nothing: a temporary file beside it, then a rename.

    The temporary file (``.NAME.tmp-PID``) is removed whatever happens, so a full disk or a
    crash leaves either the old file or the new one, never a half-written file or litter.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
