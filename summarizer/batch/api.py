"""The OpenAI files and batches endpoints, over the project's one HTTP stack (httpx2).

Reads (GET) are retried on 408/429/5xx and connection errors; writes are not: a create that
may have reached the server is found again by its metadata (:meth:`BatchAPI.find`), so a
retry can never make a second batch.

Every request has a total deadline (:mod:`summarizer.base.http`: connect, headers and body
together): ``timeout_s`` for each attempt of an API call, ``content_deadline_s`` (ten times
``timeout_s`` unless given) for a file's whole download, retries included, so a server that
trickles cannot hold a collect. A file's content is streamed to a temporary file, never held
in memory whole. Ids from the provider are checked before they go into a URL path. Every
error message goes through :func:`~summarizer.base.redact.sanitize` with the key (redacted, then
cut).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from typing import IO, Any

import httpx2

from summarizer.base.errors import BackendError
from summarizer.base.http import client
from summarizer.base.redact import sanitize

__all__ = ["TERMINAL", "BatchAPI", "checked_id"]

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
_RETRY_STATUS = frozenset({408, 409, 429})
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}")
_SPOOL_BYTES = 8 << 20  # a result file up to this size stays in memory; a larger one on disk


def checked_id(value: Any, what: str = "id") -> str:
    """``value`` if it is an id the provider may give (letters, digits, ``_ . : -``; no
    ``/``, ``?``, ``#`` or ``..``), else BackendError: it goes into a URL path."""
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not _ID_RE.fullmatch(text) or ".." in text:
        raise BackendError(
            f"the provider gave a malformed {what}: {sanitize(repr(value), limit=80)}"
        )
    return text


class BatchAPI:
    """``/v1/files`` and ``/v1/batches`` of one OpenAI-compatible endpoint."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        attempts: int = 4,
        transport: httpx2.BaseTransport | None = None,
        content_deadline_s: float | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._secret = api_key
        self._transport = transport
        self.timeout_s = timeout_s
        self.content_deadline_s = content_deadline_s or 10 * timeout_s
        self.attempts = max(1, attempts)

    def close(self) -> None:
        """Nothing to release: every call has its own client (and its own deadline)."""

    def __enter__(self) -> BatchAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def clean(self, text: object, *, limit: int | None = 300) -> str:
        """``text`` from this provider, sanitized (its key redacted) to print or store."""
        return sanitize(text, [self._secret], limit=limit)

    # --- plumbing ---

    def _fail(self, what: str, detail: str, status: int | None = None) -> BackendError:
        message = f"{what} at {self.base_url}: {self.clean(detail)}"
        return BackendError(message, status_code=status)

    def _client(self, deadline_s: float) -> httpx2.Client:
        return client(
            timeout_s=self.timeout_s,
            headers=self._headers,
            transport=self._transport,
            deadline_s=deadline_s,
        )

    def _send(
        self, method: str, path: str, *, retry: bool, sink: IO[bytes] | None = None, **kwargs: Any
    ) -> httpx2.Response:
        """One call, retried when ``retry`` and transient; ``sink``: stream the body there
        (a file's content, under ``content_deadline_s`` for all attempts together)."""
        what = f"{method} {path}"
        end = time.monotonic() + self.content_deadline_s if sink is not None else None
        tries = self.attempts if retry else 1
        for attempt in range(1, tries + 1):
            left = self.timeout_s if end is None else end - time.monotonic()
            if left <= 0:
                raise self._fail(what, f"timed out after {self.content_deadline_s:g} s")
            try:
                with self._client(left) as http:
                    if sink is None:
                        response = http.request(method, self.base_url + path, **kwargs)
                    else:
                        response = self._stream(http, method, path, sink, **kwargs)
            except httpx2.TimeoutException:
                if attempt >= tries:
                    limit = self.timeout_s if end is None else self.content_deadline_s
                    raise self._fail(what, f"timed out after {limit:g} s") from None
            except httpx2.HTTPError as exc:
                if attempt >= tries:
                    raise self._fail(what, f"cannot reach the server ({exc})") from None
            else:
                transient = response.status_code in _RETRY_STATUS or response.status_code >= 500
                if response.is_success:
                    return response
                if not (retry and transient) or attempt >= tries:
                    raise self._fail(
                        what,
                        f"HTTP {response.status_code}: {_detail(response)}",
                        response.status_code,
                    )
            time.sleep(min(8.0, 0.25 * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")

    def _stream(
        self, http: httpx2.Client, method: str, path: str, sink: IO[bytes], **kwargs: Any
    ) -> httpx2.Response:
        with http.stream(method, self.base_url + path, **kwargs) as response:
            if not response.is_success:
                response.read()  # an error body: small, and read for its message
                return response
            sink.seek(0)
            sink.truncate()
            for chunk in response.iter_bytes():
                sink.write(chunk)
            return response

    def _json(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> dict[str, Any]:
        response = self._send(method, path, retry=retry, **kwargs)
        try:
            data = json.loads(response.content)
        except ValueError:
            raise self._fail(f"{method} {path}", "the reply is not JSON") from None
        if not isinstance(data, dict):
            raise self._fail(f"{method} {path}", "the reply is not a JSON object")
        return data

    # --- files ---

    def upload(self, data: bytes, filename: str = "batch.jsonl") -> str:
        """Upload a JSONL file with ``purpose=batch``; its file id."""
        reply = self._json(
            "POST",
            "/files",
            retry=False,
            files={"file": (filename, data, "application/jsonl")},
            data={"purpose": "batch"},
        )
        return checked_id(reply.get("id"), "file id")

    def content(self, file_id: str) -> IO[bytes]:
        """A file's content (a batch's output or error file), streamed into a temporary file
        (in memory up to 8 MB) and rewound: iterate it for its lines; close it when done."""
        path = f"/files/{checked_id(file_id, 'file id')}/content"
        sink: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        try:
            self._send("GET", path, retry=True, sink=sink)
        except BaseException:
            sink.close()
            raise
        sink.seek(0)
        return sink

    # --- batches ---

    def create(
        self, input_file_id: str, *, endpoint: str, window: str, metadata: dict[str, str]
    ) -> dict[str, Any]:
        return self._json(
            "POST",
            "/batches",
            retry=False,
            json={
                "input_file_id": input_file_id,
                "endpoint": endpoint,
                "completion_window": window,
                "metadata": metadata,
            },
        )

    def get(self, batch_id: str) -> dict[str, Any]:
        return self._json("GET", f"/batches/{checked_id(batch_id, 'batch id')}", retry=True)

    def cancel(self, batch_id: str) -> dict[str, Any]:
        path = f"/batches/{checked_id(batch_id, 'batch id')}/cancel"
        return self._json("POST", path, retry=False)

    def find(self, key: str, value: str, *, pages: int = 20) -> dict[str, Any] | None:
        """The most recent batch whose ``metadata[key] == value`` (newest first), or None."""
        after: str | None = None
        for _ in range(pages):
            params = {"limit": "100", **({"after": after} if after else {})}
            reply = self._json("GET", "/batches", retry=True, params=params)
            data = reply.get("data")
            data = [b for b in data if isinstance(b, dict)] if isinstance(data, list) else []
            for batch in data:
                metadata = batch.get("metadata")
                if isinstance(metadata, dict) and metadata.get(key) == value:
                    return dict(batch)
            if not reply.get("has_more") or not data:
                return None
            after = checked_id(data[-1].get("id"), "batch id")
        return None


def _detail(response: httpx2.Response) -> str:
    """The error's message, whole: the caller sanitizes it (redacts, then cuts)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return response.text or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return json.dumps(body)
