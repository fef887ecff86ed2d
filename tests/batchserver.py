"""A loopback OpenAI Batch API for tests and benchmarks: ``/v1/files`` and ``/v1/batches``.

Endpoints, as the OpenAI API reference describes them:

* ``POST /v1/files`` (multipart: ``file``, ``purpose=batch``) → a file object;
* ``GET /v1/files/{id}/content`` → the file's bytes;
* ``POST /v1/batches`` (``input_file_id``, ``endpoint``, ``completion_window``, ``metadata``);
* ``GET /v1/batches/{id}``, ``GET /v1/batches`` (``limit``, ``after``; newest first);
* ``POST /v1/batches/{id}/cancel``;
* ``POST /v1/chat/completions``: the live path, answered by the same responder.

A batch moves ``validating → in_progress → finalizing → completed`` one state per ``tick_s``
(``failed`` when its input does not validate, ``expired`` when a request was scripted to
miss the window, ``cancelling → cancelled`` on cancel). The lines run when the batch leaves
``in_progress``: each answer comes from ``responder(body) -> chat.completion dict``. Answers go
to the output file; failed requests to the error file; expired requests to the error file
with code ``batch_expired``, as the provider reports them. Scripted failures (each fires
once, on the first request whose body contains the marker): ``fail_once`` (the request fails
with HTTP 500 in the error file), ``expire_once`` (the request is not run; the batch ends
``expired``), ``fail_batch`` (the next batch fails validation with this message) and
``create_delay_s`` (the create reply is held back after the batch exists: a client killed
meanwhile never learns the id).
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["BatchServer", "BatchResponder"]

BatchResponder = Callable[[dict[str, Any]], dict[str, Any]]
"""Takes a request line's ``body``; returns a ``chat.completion`` body."""

ENDPOINTS = frozenset({"/v1/chat/completions"})
_STEPS = ("validating", "in_progress", "finalizing")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    owner: BatchServer

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, addr


class BatchServer:
    """The files and batches endpoints on 127.0.0.1 (an ephemeral port), in a thread."""

    def __init__(
        self,
        responder: BatchResponder,
        *,
        tick_s: float = 0.02,
        fail_once: tuple[str, ...] = (),
        expire_once: tuple[str, ...] = (),
        fail_batch: str | None = None,
        create_delay_s: float = 0.0,
    ) -> None:
        self.responder = responder
        self.tick_s = tick_s
        self.fail_once = set(fail_once)
        self.expire_once = set(expire_once)
        self.fail_batch = fail_batch
        self.create_delay_s = create_delay_s
        self.files: dict[str, tuple[str, str, bytes]] = {}  # id -> (purpose, filename, data)
        self.batches: dict[str, dict[str, Any]] = {}
        self.answered: dict[str, int] = {}  # first user message -> answers given
        self.lines_run = 0
        self.live_requests = 0  # POST /v1/chat/completions (the live path, same responder)
        self._started: dict[str, float] = {}
        self._lines: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> BatchServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> BatchServer:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    # --- files ---

    def add_file(self, purpose: str, filename: str, data: bytes) -> dict[str, Any]:
        with self._lock:
            file_id = self._id("file")
            self.files[file_id] = (purpose, filename, data)
        return _file_object(file_id, purpose, filename, data)

    # --- batches ---

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = body.get("input_file_id")
        if file_id not in self.files or self.files[file_id][0] != "batch":
            return 400, _error(f"no batch input file {file_id!r}", "invalid_request_error")
        if body.get("endpoint") not in ENDPOINTS:
            return 400, _error(f"unsupported endpoint {body.get('endpoint')!r}", "invalid_request")
        if body.get("completion_window") != "24h":
            return 400, _error("completion_window must be 24h", "invalid_request_error")
        now = int(time.time())
        with self._lock:
            batch_id = self._id("batch")
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "errors": None,
                "input_file_id": file_id,
                "completion_window": "24h",
                "status": "validating",
                "output_file_id": None,
                "error_file_id": None,
                "created_at": now,
                "in_progress_at": None,
                "expires_at": now + 86_400,
                "finalizing_at": None,
                "completed_at": None,
                "failed_at": None,
                "expired_at": None,
                "cancelling_at": None,
                "cancelled_at": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
                "metadata": dict(body.get("metadata") or {}),
            }
            self._started[batch_id] = time.monotonic()
            batch = dict(self.batches[batch_id])
        if self.create_delay_s:
            time.sleep(self.create_delay_s)
        return 200, batch

    def get(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            if batch_id not in self.batches:
                return None
            self._advance(batch_id)
            return dict(self.batches[batch_id])

    def cancel(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return None
            self._advance(batch_id)
            if batch["status"] in ("validating", "in_progress", "finalizing"):
                batch["status"] = "cancelling"
                batch["cancelling_at"] = int(time.time())
            return dict(batch)

    def listing(self, limit: int, after: str | None) -> dict[str, Any]:
        with self._lock:
            ids = sorted(self.batches, reverse=True)
            if after in ids:
                ids = ids[ids.index(after) + 1 :]
            page = ids[:limit]
            return {
                "object": "list",
                "data": [self.get(i) for i in page],
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
                "has_more": len(ids) > limit,
            }

    def _advance(self, batch_id: str) -> None:
        batch = self.batches[batch_id]
        if batch["status"] == "cancelling":
            self._finish(batch_id, cancelled=True)
            return
        if batch["status"] not in _STEPS:
            return
        step = int((time.monotonic() - self._started[batch_id]) / max(self.tick_s, 1e-9))
        now = int(time.time())
        if step >= 1 and batch["status"] == "validating":
            if not self._validate(batch_id):
                return
            batch["status"], batch["in_progress_at"] = "in_progress", now
        if step >= 2 and batch["status"] == "in_progress":
            batch["status"], batch["finalizing_at"] = "finalizing", now
        if step >= 3 and batch["status"] == "finalizing":
            self._finish(batch_id)

    def _validate(self, batch_id: str) -> bool:
        batch = self.batches[batch_id]
        problems: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        seen: set[str] = set()
        data = self.files[batch["input_file_id"]][2]
        for number, raw in enumerate(data.splitlines(), 1):
            try:
                line = json.loads(raw)
                ok = (
                    isinstance(line["custom_id"], str)
                    and line["method"] == "POST"
                    and line["url"] == batch["endpoint"]
                    and isinstance(line["body"], dict)
                    and line["custom_id"] not in seen
                )
            except (ValueError, KeyError, TypeError):
                ok = False
            if not ok:
                problems.append({"code": "invalid_line", "message": "bad line", "line": number})
            else:
                seen.add(line["custom_id"])
                lines.append(line)
        if self.fail_batch is not None:
            problems.append({"code": "invalid_file", "message": self.fail_batch, "line": None})
            self.fail_batch = None
        if problems:
            batch["status"], batch["failed_at"] = "failed", int(time.time())
            batch["errors"] = {"object": "list", "data": problems}
            return False
        self._lines[batch_id] = lines
        batch["request_counts"]["total"] = len(lines)
        return True

    def _marked(self, markers: set[str], body: dict[str, Any]) -> bool:
        text = json.dumps(body["messages"], ensure_ascii=False)
        for marker in list(markers):
            if marker in text:
                markers.discard(marker)
                return True
        return False

    def _finish(self, batch_id: str, *, cancelled: bool = False) -> None:
        batch = self.batches[batch_id]
        out: list[dict[str, Any]] = []
        err: list[dict[str, Any]] = []
        expired = False
        for line in [] if cancelled else self._lines.get(batch_id, []):
            rid = self._id("batch_req")
            if self._marked(self.expire_once, line["body"]):
                expired = True
                err.append(_error_line(rid, line["custom_id"], "batch_expired"))
            elif self._marked(self.fail_once, line["body"]):
                body = _error("scripted failure", "server_error")
                err.append(_response_line(rid, line["custom_id"], 500, body))
            else:
                self.lines_run += 1
                key = str(line["body"]["messages"][1]["content"])
                self.answered[key] = self.answered.get(key, 0) + 1
                out.append(
                    _response_line(rid, line["custom_id"], 200, self.responder(line["body"]))
                )
        counts = batch["request_counts"]
        counts["completed"] = len(out)
        counts["failed"] = len(err) if not expired else len(err) - 1
        now = int(time.time())
        for name, rows in (("output_file_id", out), ("error_file_id", err)):
            if rows:
                data = "".join(json.dumps(r) + "\n" for r in rows).encode()
                batch[name] = self.add_file("batch_output", f"{batch_id}_{name}.jsonl", data)["id"]
        status = "cancelled" if cancelled else "expired" if expired else "completed"
        batch["status"] = status
        batch[f"{status}_at"] = now


def _file_object(file_id: str, purpose: str, filename: str, data: bytes) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": len(data),
        "created_at": int(time.time()),
        "filename": filename,
        "purpose": purpose,
    }


def _error(message: str, type_: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": None}}


def _response_line(rid: str, custom_id: str, status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rid,
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": f"req_{rid}", "body": body},
        "error": None,
    }


def _error_line(rid: str, custom_id: str, code: str) -> dict[str, Any]:
    message = "This request could not be executed before the completion window expired."
    return {
        "id": rid,
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message},
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes | dict[str, Any], ctype: str = "") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = (
            f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}\r\n"
            f"Content-Type: {ctype or 'application/json'}\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode()
        self.wfile.write(head + data)  # one write: no delayed-ACK stall on keep-alive

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def do_GET(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/").split("/")
        if len(path) == 5 and path[2] == "files" and path[4] == "content":
            found = owner.files.get(path[3])
            if found is None:
                return self._send(404, _error("no such file", "invalid_request_error"))
            return self._send(200, found[2], "application/octet-stream")
        if len(path) == 4 and path[2] == "batches":
            batch = owner.get(path[3])
            if batch is None:
                return self._send(404, _error("no such batch", "invalid_request_error"))
            return self._send(200, batch)
        if parts.path.rstrip("/") == "/v1/batches":
            query = parse_qs(parts.query)
            limit = int(query.get("limit", ["20"])[0])
            return self._send(200, owner.listing(limit, query.get("after", [None])[0]))
        self._send(404, _error(f"no route {self.path}", "invalid_request_error"))

    def do_POST(self) -> None:
        owner = self.server.owner
        path = urlsplit(self.path).path.rstrip("/").split("/")
        body = self._body()
        if path == ["", "v1", "files"]:
            return self._upload(body)
        if path == ["", "v1", "chat", "completions"]:  # the live path, same responder
            with owner._lock:
                owner.live_requests += 1
            return self._send(200, owner.responder(json.loads(body or b"{}")))
        if path == ["", "v1", "batches"]:
            status, reply = owner.create(json.loads(body or b"{}"))
            return self._send(status, reply)
        if len(path) == 5 and path[2] == "batches" and path[4] == "cancel":
            batch = owner.cancel(path[3])
            if batch is None:
                return self._send(404, _error("no such batch", "invalid_request_error"))
            return self._send(200, batch)
        self._send(404, _error(f"no route {self.path}", "invalid_request_error"))

    def _upload(self, body: bytes) -> None:
        ctype = self.headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data"):
            return self._send(400, _error("expected multipart/form-data", "invalid_request_error"))
        message = BytesParser(policy=default_policy).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        fields: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = (part.get_filename(), payload)
        purpose = fields.get("purpose", (None, b""))[1].decode()
        if "file" not in fields or purpose != "batch":
            return self._send(400, _error("need file and purpose=batch", "invalid_request_error"))
        filename, data = fields["file"]
        self._send(200, self.server.owner.add_file(purpose, filename or "upload.jsonl", data))
