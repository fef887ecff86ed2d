"""Scripted answers of a fake OpenAI-compatible backend, shared by the loopback server
(:mod:`summarizer.testing.server`) and the in-process transport (:mod:`summarizer.testing.mock`).
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Reply",
    "Responder",
    "Scripted",
    "completion",
    "empty_choices",
    "error_body",
    "random_faults",
]

_ids = itertools.count(1)


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] | None = None  # dict/list -> JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering (timeouts / latency)
    reset: bool = False  # close the socket abruptly (RST via SO_LINGER 0) without answering
    content_type: str = "application/json"

    def encoded_body(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


Responder = Callable[[dict[str, Any]], Reply]
"""Takes the parsed JSON request body (``{}`` when absent or unparsable) and returns a Reply."""


def completion(
    content: str | None = None,
    *,
    tool_args: str | None = None,
    tool_name: str = "BriefDraft",
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 10,
    completion_tokens: int = 20,
    model: str = "fake-model",
) -> dict[str, Any]:
    """A valid ``chat.completion`` body with one choice.

    With ``tool_args`` the message carries one function tool call (``tool_name`` with
    ``tool_args`` as its JSON-string arguments) and ``content`` is ``None``.
    """
    n = next(_ids)
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_args is not None:
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": f"call_fake_{n}",
                "type": "function",
                "function": {"name": tool_name, "arguments": tool_args},
            }
        ]
    return {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def empty_choices(*, model: str = "fake-model") -> dict[str, Any]:
    """A ``chat.completion`` body whose ``choices`` list is empty."""
    body = completion(model=model)
    body["choices"] = []
    return body


def error_body(
    message: str, *, type: str = "server_error", code: str | None = None
) -> dict[str, Any]:
    """An OpenAI-style error body: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": type, "param": None, "code": code}}


def random_faults(
    seed: int,
    p429: float = 0.2,
    p500: float = 0.05,
    ok: Reply | None = None,
    *,
    retry_after: str | None = "0",
) -> Responder:
    """A deterministic (per ``seed``) fault injector usable as ``default`` or ``responder``.

    Each call draws once: with probability ``p429`` a 429 (``retry-after: retry_after`` unless
    ``None``), with ``p500`` a 500, otherwise ``ok`` (default: a plain ``completion("ok")``).
    Thread-safe; the *sequence* of outcomes is fixed by the seed.
    """
    if p429 < 0 or p500 < 0 or p429 + p500 > 1:
        raise ValueError("need p429 >= 0, p500 >= 0 and p429 + p500 <= 1")
    rng = random.Random(seed)
    lock = threading.Lock()
    ok_reply = ok if ok is not None else Reply(body=completion("ok"))
    rate_headers = {} if retry_after is None else {"retry-after": retry_after}

    def respond(_request: dict[str, Any]) -> Reply:
        with lock:
            draw = rng.random()
        if draw < p429:
            return Reply(
                status=429,
                body=error_body("Rate limit reached (fake)", type="rate_limit_exceeded"),
                headers=dict(rate_headers),
            )
        if draw < p429 + p500:
            return Reply(status=500, body=error_body("Internal error (fake)"))
        return ok_reply

    return respond


class Scripted:
    """Who answers a chat completion request: ``responder`` (every request), else the next
    scripted :class:`Reply`, else ``default`` (a Reply or a responder; ``None``: a 500 saying
    the script ran out). Every request is recorded in ``requests`` as
    ``{"method", "path", "headers" (lower-cased keys), "json" (parsed body or None)}``.
    """

    def __init__(
        self,
        *,
        default: Reply | Responder | None = None,
        responder: Responder | None = None,
        models: tuple[str, ...] = ("fake-model",),
    ) -> None:
        self.default = default
        self.responder = responder
        self.models = models
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._calls = 0

    # -- scripting -----------------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        """Queue replies, served in order, one per chat completion request."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def calls(self) -> int:
        """Number of chat completion requests received."""
        with self._lock:
            return self._calls

    @property
    def pending(self) -> int:
        """Scripted replies not yet served."""
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """The recorded chat completion requests only."""
        with self._lock:
            return [r for r in self.requests if r["path"].rstrip("/").endswith("/chat/completions")]

    def _record(self, request: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_reply(self, request: dict[str, Any]) -> Reply:
        body = request["json"] if isinstance(request["json"], dict) else {}
        with self._lock:
            self._calls += 1
            n = self._calls
            responder = self.responder
            scripted = None if responder is not None or not self._queue else self._queue.popleft()
            default = self.default
        try:
            if responder is not None:
                return responder(body)
            if scripted is not None:
                return scripted
            if default is None:
                return Reply(
                    status=500,
                    body=error_body(
                        f"fakeopenai: script ran out (request #{n} had no scripted "
                        "reply and no default is set)"
                    ),
                )
            return default(body) if callable(default) else default
        except Exception as exc:  # a broken responder should fail the test loudly, not hang
            return Reply(status=500, body=error_body(f"fakeopenai: responder raised {exc!r}"))
