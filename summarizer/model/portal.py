"""The sync API's way into the async core.

Everything that talks to a model is written once, as coroutines. A sync caller hands the
coroutine to :func:`run`: on the main thread, when no event loop runs there, it runs on the
main thread's own loop (an :class:`asyncio.Runner`, kept for the next call and closed at
exit), with no thread to cross; anywhere else :func:`call` runs it on one process-wide loop
in a daemon thread and waits for the result (anyio's "blocking portal"). So a sync brief
works inside a running event loop too, and Ctrl-C while waiting cancels the work in flight
either way.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["acall", "call", "close_on", "in_portal", "owns", "run"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None
_runner: asyncio.Runner | None = None  # the main thread's own loop
_runner_pid: int | None = None


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


def _main_runner() -> asyncio.Runner | None:
    """The main thread's runner, when the caller is the main thread and no loop runs there."""
    global _runner, _runner_pid
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return None  # inside a running loop (a notebook, an async test): the portal
    if _runner is None or _runner_pid != os.getpid():
        _runner, _runner_pid = asyncio.Runner(), os.getpid()
        atexit.register(_runner.close)
    return _runner


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` for a sync caller: on the main thread's own loop when it can (no thread
    to cross), else on the portal loop (:func:`call`). Ctrl-C cancels it either way."""
    runner = _main_runner()
    if runner is None:
        return call(coro)
    return runner.run(coro)


def close_on(loop: asyncio.AbstractEventLoop) -> Any:
    """How to run a closing coroutine on ``loop`` from a sync caller, or None when it cannot
    be run from here (a caller's loop: it closes its own)."""
    if owns(loop):
        return call
    mine = _runner is not None and _runner_pid == os.getpid() and not loop.is_closed()
    if mine and loop is _runner.get_loop() and not loop.is_running():  # type: ignore[union-attr]
        return loop.run_until_complete
    return None
