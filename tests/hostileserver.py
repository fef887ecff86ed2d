"""A broken or hostile Batch API provider: hooks for ``BatchServer(hooks=Hostile(...))``.

``intercept(method, path)`` may answer any request itself (``(status, content_type, body)``,
or None to go on); ``mangle(kind, data)`` rewrites an output (``kind="output"``) or error file
as it is stored; ``trickle_s`` sends a file's content one byte per ``trickle_s`` seconds;
``live_delay_s`` holds each live answer back. Every request is recorded in ``seen`` as
``(method, path with query, authorization)``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

__all__ = ["Hostile"]

Intercept = Callable[[str, str], tuple[int, str, bytes] | None]


@dataclass
class Hostile:
    intercept: Intercept | None = None
    mangle: Callable[[str, bytes], bytes] | None = None
    trickle_s: float = 0.0
    live_delay_s: float = 0.0
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def file(self, kind: str, data: bytes) -> bytes:
        return self.mangle(kind, data) if self.mangle is not None else data

    def request(self, handler: Any, method: str) -> bool:
        """Whether this request was answered here (else the server answers it)."""
        with self._lock:
            self.seen.append((method, handler.path, handler.headers.get("authorization")))
        reply = self.intercept(method, handler.path) if self.intercept is not None else None
        if reply is not None:
            if method == "POST":
                handler._body()
            status, ctype, body = reply
            handler._send(status, body, ctype)
            return True
        path = handler.path.split("?", 1)[0].rstrip("/").split("/")
        if method == "GET" and self.trickle_s and len(path) == 5 and path[4] == "content":
            found = handler.server.owner.files.get(path[3])
            if found is not None:
                _trickle(handler, found[2], self.trickle_s)
                return True
        if method == "POST" and self.live_delay_s and handler.path.endswith("/chat/completions"):
            time.sleep(self.live_delay_s)  # then the server answers it, as live
        return False


def _trickle(handler: BaseHTTPRequestHandler, data: bytes, every_s: float) -> None:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    handler.wfile.write(head)
    for i in range(len(data)):
        time.sleep(every_s)
        try:
            handler.wfile.write(data[i : i + 1])
            handler.wfile.flush()
        except OSError:  # the client gave up
            return
