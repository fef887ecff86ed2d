"""Controlling a digest run: the run lock, and cutting a run short from a signal.

Kept apart from :mod:`summarizer.digest.run` (which re-exports these names) so that the
run's own steps read in one module.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import ConfigurationError, RunLockedError

if TYPE_CHECKING:
    from summarizer.digest.models import Digest

__all__ = ["Interrupted", "RunControl", "run_lock"]


@contextlib.contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold ``<db>.lock`` for the run; the OS drops it when the process dies (even kill -9)."""
    import fcntl

    path = db_path.with_name(db_path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:  # a read-only home: said before anything is fetched or paid for
        raise ConfigurationError(
            f"cannot write the run lock {path}: {exc.strerror or exc}"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another digest run (pid {holder}) is using {db_path}; "
                "wait for it to finish or use another --db"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


class Interrupted(Exception):
    """A signal cut the run short; its run row says ``interrupted``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"digest run interrupted ({reason})")
        self.reason = reason


class RunControl:
    """Cuts a running digest short from a signal handler or another thread.

    :meth:`cancel` cancels the run's task; the run records itself ``interrupted`` and
    :func:`run_digest` raises :class:`Interrupted`. A cancel before the run starts
    makes it stop at once.
    """

    def __init__(self) -> None:
        self.reason: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Digest] | None = None

    def cancel(self, reason: str) -> None:
        self.reason = reason
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)

    async def run(self, work: Coroutine[Any, Any, Digest]) -> Digest:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.ensure_future(work)
        if self.reason is not None:
            self._task.cancel()
        try:
            return await self._task
        finally:
            self._loop = self._task = None
