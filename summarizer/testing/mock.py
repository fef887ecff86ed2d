"""A scripted OpenAI-compatible backend in process: an ``httpx2.MockTransport``, no sockets.

Give :attr:`MockOpenAI.transport` to ``Summarizer(transport=...)``: every model request then
goes through the whole pipeline (the SDK, retries, error mapping, re-asks, grounding) and is
answered here, by the same :class:`~summarizer.testing.replies.Reply` scripts and responders
as the loopback server (:class:`~summarizer.testing.server.FakeOpenAI`), which stays for
tests of the transport itself (sockets, resets, keep-alive)::

    mock = MockOpenAI()
    mock.script(Reply(status=429), Reply(body=completion(text)))
    summarizer = Summarizer(base_url=mock.base_url, model="fake-model", transport=mock.transport)
"""

from __future__ import annotations

import asyncio
import json
from functools import cached_property
from typing import Any

import httpx2

from summarizer.testing.replies import Reply, Responder, Scripted, error_body

__all__ = ["MOCK_BASE_URL", "MockOpenAI", "handler"]

MOCK_BASE_URL = "http://fake-openai.test/v1"


class MockOpenAI(Scripted):
    """Scripted answers to chat completion requests, as an ``httpx2`` transport.

    ``Reply.delay_s`` sleeps (asyncio) before answering; ``Reply.reset`` raises
    ``httpx2.ReadError`` as a dropped connection would. ``GET /models`` lists ``models``.
    """

    base_url = MOCK_BASE_URL

    @cached_property
    def transport(self) -> httpx2.MockTransport:
        """The transport for ``Summarizer(transport=...)`` (one per MockOpenAI)."""
        return httpx2.MockTransport(self.handle)

    async def handle(self, request: httpx2.Request) -> httpx2.Response:
        record = _record_of(request)
        self._record(record)
        path = request.url.path.rstrip("/")
        if request.method == "POST" and path.endswith("/chat/completions"):
            reply = self._next_reply(record)
        elif request.method == "GET" and path.endswith("/models"):
            reply = Reply(body={"object": "list", "data": _models(self.models)})
        else:
            reply = Reply(
                status=404,
                body=error_body(f"fakeopenai: no route for {path}", type="invalid_request_error"),
            )
        return await _respond(reply, request)


def handler(responder: Responder) -> Any:
    """An async ``httpx2.MockTransport`` handler answering every request with ``responder``
    (for a one-off ``httpx2.MockTransport(handler(...))``; :class:`MockOpenAI` also records)."""

    async def handle(request: httpx2.Request) -> httpx2.Response:
        record = _record_of(request)
        body = record["json"] if isinstance(record["json"], dict) else {}
        return await _respond(responder(body), request)

    return handle


def _models(ids: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"id": m, "object": "model", "created": 0, "owned_by": "fakeopenai"} for m in ids]


def _record_of(request: httpx2.Request) -> dict[str, Any]:
    parsed: Any = None
    if request.content:
        try:
            parsed = json.loads(request.content)
        except ValueError:
            parsed = None
    return {
        "method": request.method,
        "path": request.url.raw_path.decode("ascii", "replace"),
        "headers": {k.lower(): v for k, v in request.headers.items()},
        "json": parsed,
    }


async def _respond(reply: Reply, request: httpx2.Request) -> httpx2.Response:
    if reply.delay_s > 0:
        await asyncio.sleep(reply.delay_s)
    if reply.reset:
        raise httpx2.ReadError("connection reset by the fake server", request=request)
    headers = {"content-type": reply.content_type, "x-request-id": "req_fake", **reply.headers}
    return httpx2.Response(reply.status, headers=headers, content=reply.encoded_body())
