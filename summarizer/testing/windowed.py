"""llama.cpp's surface for one context window, on loopback (test_windows, test_plan)."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OVER_CONTEXT = "the request exceeds the available context size, try increasing it"


class _NoDelayServer(ThreadingHTTPServer):
    """Every accepted socket gets TCP_NODELAY (no 40 ms delayed-ACK stalls on loopback)."""

    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, addr


def tokens_of(text: str) -> int:
    """The server's tokenizer: about what a BPE tokenizer gives English prose and JSON."""
    return math.ceil(len(text.encode("utf-8")) / 4)


def prompt_tokens(body: dict[str, Any]) -> int:
    """A chat request's prompt as the server counts it: each message and its template
    markup (10 tokens), and the schema of ``tools`` / ``response_format``."""
    total = sum(tokens_of(str(m.get("content") or "")) + 10 for m in body["messages"])
    for key in ("tools", "response_format"):
        if body.get(key):
            total += tokens_of(json.dumps(body[key], separators=(",", ":")))
    return total


class WindowedLlama:
    """llama.cpp's surface for one window of ``n_ctx`` tokens, on loopback.

    ``GET /props`` reports ``n_ctx``; ``POST /tokenize`` counts with :func:`tokens_of`; a chat
    request whose prompt tokens plus ``max_tokens`` exceed ``n_ctx`` is refused with HTTP 400
    as llama.cpp refuses it; any other is answered by ``answer(body)`` (the answer's JSON).
    Every chat request body is kept in ``chats``, with its prompt tokens in ``sizes``.
    """

    def __init__(self, n_ctx: int, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.n_ctx = n_ctx
        self.answer = answer
        self.chats: list[dict[str, Any]] = []
        self.sizes: list[int] = []
        self.refused = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/props":
                    self._json(200, {"default_generation_settings": {"n_ctx": owner.n_ctx}})
                else:
                    self._json(404, {"error": {"code": 404, "message": "File Not Found"}})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                if self.path == "/tokenize":
                    self._json(200, {"tokens": [0] * tokens_of(body["content"])})
                elif self.path == "/v1/chat/completions":
                    self._json(*owner.chat(body))
                else:
                    self._json(404, {"error": {"code": 404, "message": "File Not Found"}})

        self.server = _NoDelayServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def chat(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        size = prompt_tokens(body)
        self.chats.append(body)
        self.sizes.append(size)
        if size + int(body.get("max_tokens") or 0) > self.n_ctx:
            self.refused += 1
            error = {"code": 400, "message": OVER_CONTEXT, "type": "exceed_context_size_error",
                     "n_prompt_tokens": size, "n_ctx": self.n_ctx}  # fmt: skip
            return 400, {"error": error}
        content = json.dumps(self.answer(body))
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_0", "type": "function",
                    "function": {"name": name, "arguments": content}}  # fmt: skip
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
        usage = {"prompt_tokens": size, "completion_tokens": tokens_of(content),
                 "total_tokens": size + tokens_of(content)}  # fmt: skip
        choice = {"index": 0, "message": message,
                  "finish_reason": "tool_calls" if body.get("tools") else "stop"}  # fmt: skip
        return 200, {"id": "chatcmpl-0", "object": "chat.completion", "created": 0,
                     "model": body["model"], "choices": [choice], "usage": usage}  # fmt: skip

    def __enter__(self) -> WindowedLlama:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


_NUMBERED = re.compile(r"^\[(\d+)\] (.+)$", re.M)


def citing_answer(body: dict[str, Any]) -> dict[str, Any]:
    """A faithful brief of whatever numbered sentences a request holds: its first sentences,
    each citing its own number (the reduce request: the parts' cited sentences)."""
    user = body["messages"][1]["content"]
    found = [(int(n), text.strip()) for n, text in _NUMBERED.findall(user)]
    if not found:  # the reduce request: '  [n] "quote"' lines under each part
        found = [(int(n), q) for n, q in re.findall(r'^  \[(\d+)\] "(.*)"$', user, re.M)]
    summary = [{"text": text, "evidence": [n]} for n, text in found[:2]]
    return {"headline": found[0][1] if found else "", "summary": summary, "actors": [],
            "positions": [], "disputes": [], "next_steps": []}  # fmt: skip
