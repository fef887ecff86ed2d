"""A backend in use: its transport, its embedded server (if any) and what it says about
itself (window, tokenizer), started on first need and closed once.

One :class:`Session` per :class:`~summarizer.pipeline.Summarizer`; the plan's inputs
(:class:`~summarizer.engine.plan.PlanContext`) come from here, offline (nothing started, nothing
asked: the estimate, a batch) or live (the window probed, the server's tokenizer).
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from summarizer.engine.plan import PlanContext
from summarizer.longform.budget import Planner, TokenCounter
from summarizer.model.backends import FALLBACK_ORDER, Backend, ModeMemory
from summarizer.model.transport import Transport

if TYPE_CHECKING:
    import httpx2

    from summarizer.base.config import Settings
    from summarizer.model.local import LocalServer
    from summarizer.model.options import Options
    from summarizer.model.prompts import Prompts

__all__ = ["Session", "request_mode"]


def request_mode(backend: Backend, transport: Transport | None = None) -> str:
    """The structured-output mode the next request uses: the transport's (after any
    fallback), else the pinned one, else the one that worked for this endpoint before, else
    the first of the fallback order (a batch cannot fall back: it takes this one too)."""
    if transport is not None:
        return transport.mode
    if backend.mode_pinned:
        return backend.mode
    remembered = ModeMemory().get(backend.base_url) if backend.base_url else None
    return remembered or FALLBACK_ORDER[0]


class Session:
    """The transport and embedded server of one backend, and its planners (thread-safe
    start: concurrent briefs reach :meth:`transport` from worker threads, and two of them
    must not each start an embedded server)."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        options: Options,
        prompts: Prompts,
        *,
        http: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.options = options
        self.prompts = prompts
        self.http = http
        self._transport: Transport | None = None
        self._local: LocalServer | None = None
        self._lock = threading.Lock()
        self._live: Planner | None = None
        self._estimate = TokenCounter()
        self._contexts: dict[tuple[tuple[int, str], int], PlanContext] = {}

    @property
    def started(self) -> bool:
        """Whether a transport or an embedded server was started."""
        return self._transport is not None or self._local is not None

    @property
    def mode(self) -> str:
        return request_mode(self.backend, self._transport)

    def transport(self) -> Transport:
        with self._lock:
            if self._transport is None:
                self._transport = Transport(
                    self.backend,
                    self.options,
                    base_url=self._start_local(),
                    memory=ModeMemory(),
                    http=self.http,
                )
            return self._transport

    async def atransport(self) -> Transport:
        if self._transport is not None:
            return self._transport
        # may start the embedded server: not on the event loop
        return await asyncio.to_thread(self.transport)

    def _start_local(self) -> str | None:
        """The embedded server's base URL once it runs (None: the backend has its own)."""
        if self.backend.local_model is None:
            return None
        from summarizer.model.local import LocalServer

        if self._local is None:
            self._local = LocalServer(self.backend.local_model)
            if self.settings.context_window:  # the window long articles are cut to fit
                self._local.n_ctx = self.settings.context_window
        self._local.warn_if_tiny()
        return self._local.start()

    # --- what the plan is made against ---

    def context(self, window: tuple[int, str], counter: TokenCounter) -> PlanContext:
        """The plan's inputs for ``window`` and ``counter`` (kept: the fixed prompt's tokens
        are counted once per title, not once per brief)."""
        key = (window, id(counter))
        found = self._contexts.get(key)
        if found is None:
            found = PlanContext(self.backend, self.options, self.prompts, window, counter)
            self._contexts[key] = found
        return found

    def offline(self) -> PlanContext:
        """The plan's inputs known without starting or asking anything: the window from the
        settings, the profile or the model's published one (else the default), the token
        estimate. The estimate and a batch plan with these."""
        planner = Planner(self.settings, self.backend, base_url=self.backend.base_url or "")
        return self.context(planner.offline_window(), self._estimate)

    def planner(self, transport: Transport) -> Planner:
        """The planner of the running backend: its window may be probed and its tokenizer
        asked (sync I/O, once each)."""
        if self._live is None:
            self._live = Planner(
                self.settings,
                self.backend,
                base_url=transport.base_url,
                local_n_ctx=self._local.n_ctx if self._local is not None else None,
                transport=self.http,  # Summarizer(transport=...): the probes go through it
            )
        return self._live

    def known(self, transport: Transport) -> PlanContext | None:
        """The live plan's inputs when the window is known without I/O (with the token
        estimate, an over-count), else None."""
        planner = self.planner(transport)
        window = planner.window(probe=not planner.probe_ok)
        return None if window is None else self.context(window, self._estimate)

    def asked(self, transport: Transport, *, exact: bool) -> PlanContext:
        """The live plan's inputs after asking the server: its window (probed once), and
        with ``exact`` its tokenizer (sync I/O: call it in a thread)."""
        planner = self.planner(transport)
        window = planner.window() or planner.offline_window()
        return self.context(window, planner.counter() if exact else self._estimate)

    def close(self) -> None:
        """Close the HTTP client and stop the embedded server, if one was started."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._local is not None:
            self._local.stop()
            self._local = None

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None
        self.close()
