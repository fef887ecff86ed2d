"""The sync API's way into the async core: a private event loop in a helper thread.

Everything that talks to a model is written once, as coroutines. A sync caller hands the
coroutine to :func:`call`, which runs it on one process-wide loop in a daemon thread and
waits for the result (anyio's "blocking portal"). So a sync brief works inside a running
event loop too, and Ctrl-C while waiting cancels the work in flight.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["acall", "call", "in_portal", "owns"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None


def _portal_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread, _pid
    with _lock:
        # A forked child inherits the loop object but not its thread: start a new one.
        if _loop is None or _thread is None or _pid != os.getpid() or not _thread.is_alive():
            _loop = asyncio.new_event_loop()
            _thread = threading.Thread(
                target=_loop.run_forever, name="summarizer-portal", daemon=True
            )
            _thread.start()
            _pid = os.getpid()
        return _loop


def in_portal() -> bool:
    """Whether the caller runs on the portal's own thread (where :func:`call` would hang)."""
    return _thread is not None and threading.current_thread() is _thread


def call(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the portal loop and wait for its result (or exception)."""
    if in_portal():
        coro.close()
        raise RuntimeError("a sync summarizer call from inside an async one: await it instead")
    future = asyncio.run_coroutine_threadsafe(coro, _portal_loop())
    try:
        return future.result()
    except BaseException:
        future.cancel()  # Ctrl-C while waiting: stop the requests in flight, too
        raise


async def acall(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the portal loop from another loop, without blocking that one."""
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, _portal_loop()))


def owns(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` is the portal's (and still runs)."""
    return loop is _loop and _pid == os.getpid() and not loop.is_closed()
