"""A lock file held by one process at a time, re-entrant within it (``<db>.batch-lock``).

``flock`` locks belong to an open file, so a process that opened the file twice would wait
for itself: :func:`held_lock` keeps one open file per path and a depth count, so a collect
that re-asks can create a batch under the lock it already holds. The OS releases the lock
when the process dies (kill -9 included).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from summarizer.base.errors import ConfigurationError, RunLockedError

__all__ = ["held_lock"]


class _Held:
    """One process's hold on a lock file: a thread lock and a count (re-entrant)."""

    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.handle: IO[str] | None = None


_HELD: dict[Path, _Held] = {}
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def held_lock(path: Path, timeout_s: float) -> Iterator[None]:
    import fcntl

    with _HELD_GUARD:
        held = _HELD.setdefault(path.resolve(), _Held())
    with held.thread_lock:
        if held.depth == 0:
            try:
                handle = path.open("a+")
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot write the batch lock {path}: {exc.strerror or exc}"
                ) from None
            end = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if time.monotonic() >= end:
                        handle.seek(0)
                        holder = handle.read().strip() or "unknown"
                        handle.close()
                        raise RunLockedError(
                            f"another batch command (pid {holder}) has held {path} for "
                            f"{timeout_s:g} s; try again when it has finished"
                        ) from exc
                    time.sleep(0.05)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            held.handle = handle
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.handle is not None:
                held.handle.close()  # closing the file releases the lock
                held.handle = None
