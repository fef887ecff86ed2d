"""A tiny scripted OpenAI-compatible chat-completions server for tests and benchmarks.

Runs a ``ThreadingHTTPServer`` on ``127.0.0.1`` (ephemeral port) in a background thread.
Each ``POST /v1/chat/completions`` is answered by, in order of precedence:

1. ``responder`` (if set): called for *every* request, the script is ignored;
2. the next queued :class:`Reply` from :meth:`FakeOpenAI.script`;
3. ``default`` (a :class:`Reply` or a callable); if ``None`` a 500 saying the script ran out.

``GET /v1/models`` answers a model list; anything else is a 404 with an OpenAI-style error.

Latency notes: every accepted socket gets ``TCP_NODELAY`` and each response (headers + body)
goes out in a single ``write`` so keep-alive requests never stall on delayed ACKs.

Example::

    with FakeOpenAI() as server:
        server.script(Reply(body=completion("hi")), Reply(status=429, headers={"retry-after": "1"}))
        client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from summarizer.testing.replies import (
    Reply,
    Responder,
    Scripted,
    completion,
    empty_choices,
    error_body,
    random_faults,
)

__all__ = [
    "FakeOpenAI",
    "Reply",
    "Responder",
    "completion",
    "empty_choices",
    "error_body",
    "random_faults",
]

CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 resets most of 100 simultaneous clients
    block_on_close = False  # we join our own threads, with a timeout, in FakeOpenAI.stop()
    owner: FakeOpenAI

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.owner._track(sock)
        return sock, addr

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fakeopenai-conn",
            daemon=True,
        )
        threads = self.owner._threads  # only touched from the serve thread and stop()
        threads[:] = [t for t in threads if t.is_alive()]
        threads.append(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        self.owner._untrack(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, closed pools) are expected; stay quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing ------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self) -> dict[str, Any]:
        raw = self._read_body()
        parsed: Any = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
        request = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "json": parsed,
        }
        self.server.owner._record(request)
        return request

    def _send(self, reply: Reply) -> None:
        if reply.delay_s > 0 and self.server.owner._stopping.wait(reply.delay_s):
            reply = Reply(reset=True)  # server shutting down: don't answer
        if reply.reset:
            self._reset()
            return
        body = reply.encoded_body()
        lines = [f"{self.protocol_version} {reply.status} {self.responses_phrase(reply.status)}"]
        headers = {"content-type": reply.content_type, "x-request-id": "req_fake"}
        headers.update({k.lower(): v for k, v in reply.headers.items()})
        headers["content-length"] = str(len(body))
        headers["connection"] = "close" if self.close_connection else "keep-alive"
        lines += [f"{k}: {v}" for k, v in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head + body)  # one write: no Nagle/delayed-ACK stall
        except OSError:
            self.close_connection = True

    def responses_phrase(self, status: int) -> str:
        entry = self.responses.get(status)
        return entry[0] if entry else "Unknown"

    def _reset(self) -> None:
        self.close_connection = True
        sock: socket.socket = self.request
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Drop the makefile() references too so close() really closes the fd (-> RST now).
        self.rfile.close()
        self.wfile.close()
        sock.close()

    # -- routes --------------------------------------------------------------------------

    def do_POST(self) -> None:
        request = self._record()
        if self.path.split("?")[0].rstrip("/").endswith("/chat/completions"):
            self._send(self.server.owner._next_reply(request))
        else:
            self._send(_not_found(self.path))

    def do_GET(self) -> None:
        self._record()
        if self.path.split("?")[0].rstrip("/") == MODELS_PATH:
            models = [
                {"id": m, "object": "model", "created": 0, "owned_by": "fakeopenai"}
                for m in self.server.owner.models
            ]
            self._send(Reply(body={"object": "list", "data": models}))
        else:
            self._send(_not_found(self.path))


def _not_found(path: str) -> Reply:
    return Reply(
        status=404,
        body=error_body(f"fakeopenai: no route for {path}", type="invalid_request_error"),
    )


class FakeOpenAI(Scripted):
    """Scripted OpenAI-compatible server; a context manager (starts on enter, stops on exit).

    Attributes:
        base_url: ``"http://127.0.0.1:PORT/v1"`` (set once started).
        requests: every request received, in order, as
            ``{"method", "path", "headers" (lower-cased keys), "json" (parsed body or None)}``.
        default: answer when the script queue is empty: a Reply, a callable
            ``(request json) -> Reply``, or ``None`` (500 "script ran out").
        responder: if set, answers *every* chat completion request (script and default ignored).
        models: ids listed by ``GET /v1/models``.
    """

    def __init__(
        self,
        *,
        default: Reply | Responder | None = None,
        responder: Responder | None = None,
        models: tuple[str, ...] = ("fake-model",),
    ) -> None:
        super().__init__(default=default, responder=responder, models=models)
        self.base_url = ""
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._serve_thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        if self._server is not None:
            raise RuntimeError("FakeOpenAI already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._server = server
        port = server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self._serve_thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fakeopenai-serve",
            daemon=True,
        )
        self._serve_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        server = self._server
        if server is None:
            return
        self._server = None
        self._stopping.set()  # wake handlers sleeping in delay_s
        server.shutdown()  # stop accepting; every accepted socket is tracked by now
        with self._lock:
            socks = list(self._socks)
        for sock in socks:  # wake keep-alive handlers blocked reading the next request
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        server.server_close()
        deadline = time.monotonic() + timeout
        for thread in [*self._threads, self._serve_thread]:
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()
        self._serve_thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- called from handler threads ---------------------------------------------------------

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.discard(sock)
