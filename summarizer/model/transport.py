"""HTTP to one backend: transport retries, the shared 429 pause, error mapping, mode fallback.

tenacity retries 408/409/429/5xx, timeouts and connection errors with exponential backoff
and jitter, honouring ``retry-after-ms`` / ``retry-after`` up to a cap; the SDK's own retries
are off (``max_retries=0``). A 2xx reply that is not a chat completion (not JSON, an HTML
page from a wrong base URL) is a :class:`BackendError` at once: retrying would not change
it. A server that rejects the request's *shape* is not retried either: in mode ``auto``
the next mode of :data:`~summarizer.model.backends.FALLBACK_ORDER` is tried instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import (
    BackendError,
    ConfigurationError,
    MalformedReplyError,
    UnsupportedRequestError,
)
from summarizer.base.redact import mentions, sanitize
from summarizer.model import portal
from summarizer.model.backends import FALLBACK_ORDER, Backend, ModeMemory
from summarizer.model.tokens import usage_problem
from summarizer.output.brief import Usage

if TYPE_CHECKING:
    import httpx2
    import openai
    from openai.types.chat import ChatCompletion

    from summarizer.model.options import Options

__all__ = ["Transport"]

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 429})


def _retry_after(exc: BaseException, cap: float) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return min(max(float(value) * scale, 0.0), cap)
        except ValueError:
            continue  # an HTTP date: fall back to backoff
    return None


class DeadlineExceeded(Exception):
    """One HTTP request outlived ``timeout_s`` as a whole (a reply that trickles in)."""


def _capability_error(exc: BaseException) -> bool:
    """The server rejected the request's shape (an unsupported response_format or tools)."""
    import openai

    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422, 500):
        return False
    text = f"{exc.message} {getattr(exc, 'body', '')}".lower()
    return any(word in text for word in ("response_format", "json_schema", "tools", "tool_choice"))


def _transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        if _capability_error(exc):
            return False
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, DeadlineExceeded))


def _status_detail(exc: openai.APIStatusError, secret: str | None) -> str:
    """The server's own error message when the body has one, else the SDK's, sanitized
    (:func:`~summarizer.base.redact.sanitize`: redacted before it is cut, so no run of the key
    survives the cut; no control or bidi character; one line)."""
    body = getattr(exc, "body", None)  # the SDK passes the inner "error" object when there is one
    error = body.get("error", body) if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str) and message.strip():
        return sanitize(message, [secret])
    if isinstance(body, str) and body.strip():
        return sanitize(body, [secret])
    return sanitize(exc.message, [secret]) or "no details"


def _check_reply(completion: object, base_url: str) -> ChatCompletion:
    """``completion`` if it has the shape of a chat completion, else a BackendError."""
    from openai.types.chat import ChatCompletion, ChatCompletionMessage

    if not isinstance(completion, ChatCompletion):
        snippet = sanitize(completion, limit=80)
        raise MalformedReplyError(
            f"the reply from {base_url} is not a chat completion ({snippet!r}); "
            "is the base URL an OpenAI-compatible /v1 endpoint?"
        )
    choices = getattr(completion, "choices", None)
    if choices is not None and (
        not isinstance(choices, list)
        or not all(isinstance(getattr(c, "message", None), ChatCompletionMessage) for c in choices)
    ):
        raise MalformedReplyError(
            f"the reply from {base_url} is not a chat completion (malformed choices)"
        )
    problem = usage_problem(completion)
    if problem is not None:
        raise MalformedReplyError(f"the reply from {base_url} is not usable: {problem}")
    return completion


def _mentions(exc: BaseException, secret: str | None) -> bool:
    """Whether ``exc`` or an exception it chains to holds ``secret`` (in --debug tracebacks)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while secret and current is not None and id(current) not in seen:
        seen.add(id(current))
        if mentions(f"{current} {getattr(current, 'body', None)!r}", [secret]):
            return True
        current = current.__cause__ or current.__context__
    return False


def _backend_error(
    exc: BaseException, base_url: str, attempts: int, *, secret: str | None = None
) -> BackendError:
    """``exc`` as a one-line BackendError, with ``secret`` (the API key) redacted."""
    err = _plain_backend_error(exc, base_url, attempts, secret)
    clean = sanitize(err.message, [secret], limit=None)
    if clean != err.message:
        err.message = clean
        err.args = (err.message,)
    return err


def _plain_backend_error(
    exc: BaseException, base_url: str, attempts: int, secret: str | None
) -> BackendError:
    import openai

    if isinstance(exc, BackendError):
        exc.attempts = attempts
        return exc
    if isinstance(exc, openai.APIStatusError):
        detail = _status_detail(exc, secret)
        if exc.status_code in (401, 403):
            detail = "authentication failed (check the API key)"
        kind = UnsupportedRequestError if _capability_error(exc) else BackendError
        return kind(
            f"HTTP {exc.status_code} from {base_url}: {detail}",
            status_code=exc.status_code,
            attempts=attempts,
        )
    if isinstance(exc, (openai.APITimeoutError, DeadlineExceeded)):
        return BackendError(f"timed out waiting for {base_url}", attempts=attempts)
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        # httpx's ReadError('') says nothing: name its type then
        detail = sanitize(cause, [secret])
        return BackendError(f"cannot reach {base_url}: {detail}", attempts=attempts)
    return BackendError(
        f"{type(exc).__name__} from {base_url}: {sanitize(exc, [secret])}",
        attempts=attempts,
    )


class Transport:
    """HTTP to one backend with transport retries; shared by every brief of a Summarizer.

    One async core (:meth:`acomplete`); :meth:`complete` runs it through the
    :mod:`~summarizer.model.portal`. ``base_url`` is where the backend answers (an embedded
    server's address once it runs; the backend itself is never changed). ``http`` is an
    ``httpx2`` transport to build the SDK's client on (``httpx2.MockTransport`` in tests).

    A 429 pauses every call of this transport (not just the one that got it), so a run of
    many concurrent briefs slows down as a whole instead of retrying all at once.
    """

    def __init__(
        self,
        backend: Backend,
        options: Options,
        *,
        base_url: str | None = None,
        memory: ModeMemory | None = None,
        http: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        base_url = base_url or backend.base_url
        if base_url is None:
            raise ConfigurationError("the backend has no base URL (is its server running?)")
        self.backend = backend
        self.base_url: str = base_url
        self.options = options
        self.memory = memory
        self.http = http
        # One SDK client per event loop (the portal's, a caller's): a connection pool
        # belongs to the loop that opened it.
        self._clients: dict[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = {}
        self._lock = threading.Lock()
        self._pause_until = 0.0
        self.mode = self._initial_mode()
        self._settled: str | None = None

    def _initial_mode(self) -> str:
        if self.backend.mode_pinned:
            return self.backend.mode
        remembered = self.memory.get(self.base_url) if self.memory else None
        return remembered or FALLBACK_ORDER[0]

    @property
    def aclient(self) -> openai.AsyncOpenAI:
        """The SDK client of the running event loop."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            import openai

            http_client = None
            if self.http is not None:
                import httpx2

                http_client = httpx2.AsyncClient(transport=self.http)
            client = self._clients[loop] = openai.AsyncOpenAI(
                base_url=self.base_url,
                api_key=self.backend.api_key or "unused",
                max_retries=0,
                timeout=self.options.retry.timeout_s,
                http_client=http_client,
            )
        return client

    def close(self) -> None:
        """Close the clients of the portal loop and of the main thread's own (a caller's
        loop closes its own: :meth:`aclose`)."""
        clients, self._clients = self._clients, {}
        for loop, client in clients.items():
            closer = portal.close_on(loop)
            if closer is not None:
                closer(client.close())

    async def aclose(self) -> None:
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()
        clients, self._clients = self._clients, {}
        for loop, other in clients.items():
            if portal.owns(loop):
                await portal.acall(other.close())
            elif (closer := portal.close_on(loop)) is not None:  # the main thread's own loop
                await asyncio.to_thread(closer, other.close())

    # --- retries ---

    def _wait(self, attempt: int, exc: BaseException) -> float:
        cap = self.options.retry.max_wait_s
        hinted = _retry_after(exc, cap)
        if hinted is None:
            hinted = min(cap, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        import openai

        if isinstance(exc, openai.RateLimitError):
            with self._lock:
                self._pause_until = max(self._pause_until, time.monotonic() + hinted)
        return hinted

    def _paused_for(self) -> float:
        with self._lock:
            return max(0.0, self._pause_until - time.monotonic())

    def _retrying_kwargs(self) -> dict[str, Any]:
        from tenacity import retry_if_exception, stop_after_attempt

        def wait(state: Any) -> float:
            exc = state.outcome.exception()
            return self._wait(state.attempt_number, exc) if exc else 0.0

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception()
            log.warning(
                "%s; retry %d/%d in %.1fs",
                _backend_error(
                    exc, self.base_url, state.attempt_number, secret=self._secret
                ).message,
                state.attempt_number,
                self.options.retry.attempts - 1,
                state.next_action.sleep if state.next_action else 0.0,
            )

        return {
            "retry": retry_if_exception(_transient),
            "stop": stop_after_attempt(self.options.retry.attempts),
            "wait": wait,
            "before_sleep": before_sleep,
            "reraise": True,
        }

    def complete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
        """:meth:`acomplete` for a sync caller."""
        return portal.run(self.acomplete(kwargs, usage))

    async def acomplete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
        """One answer, retried on transient failures; counts each HTTP request in ``usage``."""
        from tenacity import AsyncRetrying

        sent = 0

        async def once() -> ChatCompletion:
            nonlocal sent
            pause = self._paused_for()
            if pause:
                await asyncio.sleep(pause)
            usage.requests += 1
            sent += 1
            create = self.aclient.chat.completions.create  # lazy SDK imports: not timed
            try:
                # timeout_s bounds the whole request: the SDK's own timeout is per read, so a
                # reply that trickles in a byte at a time would never end without this.
                async with asyncio.timeout(self.options.retry.timeout_s):
                    completion = await create(**kwargs)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise self._not_json(exc) from exc
            except TimeoutError as exc:
                raise DeadlineExceeded(f"no reply within {self.options.retry.timeout_s}s") from exc
            return _check_reply(completion, self.base_url)

        try:
            async for attempt in AsyncRetrying(**self._retrying_kwargs()):
                with attempt:
                    return await once()
        except Exception as exc:
            err = self._translate(exc, sent)
            if err is exc:
                raise  # already ours (a malformed reply), with its own cause
            raise err from self._cause(exc)
        raise AssertionError("unreachable")

    def _not_json(self, exc: ValueError) -> MalformedReplyError:
        return MalformedReplyError(
            f"the reply from {self.base_url} is not valid JSON ({sanitize(exc, limit=120)}); "
            "is the base URL an OpenAI-compatible /v1 endpoint?"
        )

    @property
    def _secret(self) -> str | None:
        return self.backend.api_key

    def _cause(self, exc: Exception) -> Exception | None:
        """``exc`` to chain for --debug tracebacks, or None when it would show the API key."""
        return None if _mentions(exc, self._secret) else exc

    def _translate(self, exc: Exception, sent: int) -> Exception:
        """An SDK error (or a malformed reply) as a BackendError counting the requests sent."""
        import openai

        if isinstance(exc, (openai.OpenAIError, BackendError, DeadlineExceeded)):
            return _backend_error(exc, self.base_url, sent, secret=self._secret)
        return exc

    # --- the brief ---

    def next_mode(self, failed: str, exc: BackendError) -> str | None:
        """The mode to fall back to after ``failed`` was rejected, or None."""
        if self.backend.mode_pinned or not isinstance(exc, UnsupportedRequestError):
            return None
        order = list(FALLBACK_ORDER)
        later = order[order.index(failed) + 1 :]
        if not later:
            return None
        log.warning(
            "%s rejected mode %s (%s); falling back to %s", self.base_url, failed, exc, later[0]
        )
        return later[0]

    def settled(self, mode: str) -> None:
        """Remember the mode that worked for this base URL (the file is read and written
        once per mode settled, not once per brief)."""
        if mode == self._settled:
            return
        if self.mode != mode or (self.memory and self.memory.get(self.base_url) != mode):
            self.mode = mode
            if self.memory is not None and not self.backend.mode_pinned:
                self.memory.remember(self.base_url, mode)
        self._settled = mode
