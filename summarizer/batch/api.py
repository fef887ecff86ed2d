"""The OpenAI files and batches endpoints, over the project's one HTTP stack (httpx2).

Reads (GET) are retried on 408/429/5xx and connection errors; writes are not: a create that
may have reached the server is found again by its metadata (:meth:`BatchAPI.find`), so a
retry can never make a second batch.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx2

from summarizer.errors import BackendError
from summarizer.fileio import one_line
from summarizer.http import client

__all__ = ["TERMINAL", "BatchAPI"]

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
_RETRY_STATUS = frozenset({408, 409, 429})


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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._secret = api_key
        self._http = client(timeout_s=timeout_s, headers=headers, transport=transport)
        self.attempts = max(1, attempts)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BatchAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---

    def _fail(self, what: str, detail: str, status: int | None = None) -> BackendError:
        if self._secret and self._secret in detail:
            detail = detail.replace(self._secret, "[REDACTED]")
        message = f"{what} at {self.base_url}: {one_line(detail, 300)}"
        return BackendError(message, status_code=status)

    def _send(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> httpx2.Response:
        what = f"{method} {path}"
        for attempt in range(1, (self.attempts if retry else 1) + 1):
            try:
                response = self._http.request(method, self.base_url + path, **kwargs)
            except httpx2.HTTPError as exc:
                if attempt >= (self.attempts if retry else 1):
                    raise self._fail(what, f"cannot reach the server ({one_line(exc)})") from None
            else:
                transient = response.status_code in _RETRY_STATUS or response.status_code >= 500
                if response.is_success:
                    return response
                if not (retry and transient) or attempt >= self.attempts:
                    raise self._fail(
                        what,
                        f"HTTP {response.status_code}: {_detail(response)}",
                        response.status_code,
                    )
            time.sleep(min(8.0, 0.25 * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")

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
        return str(reply["id"])

    def content(self, file_id: str) -> bytes:
        """The bytes of a file (a batch's output or error file)."""
        return self._send("GET", f"/files/{file_id}/content", retry=True).content

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
        return self._json("GET", f"/batches/{batch_id}", retry=True)

    def cancel(self, batch_id: str) -> dict[str, Any]:
        return self._json("POST", f"/batches/{batch_id}/cancel", retry=False)

    def find(self, key: str, value: str, *, pages: int = 20) -> dict[str, Any] | None:
        """The most recent batch whose ``metadata[key] == value`` (newest first), or None."""
        after: str | None = None
        for _ in range(pages):
            params = {"limit": "100", **({"after": after} if after else {})}
            reply = self._json("GET", "/batches", retry=True, params=params)
            for batch in reply.get("data") or []:
                if (batch.get("metadata") or {}).get(key) == value:
                    return dict(batch)
            if not reply.get("has_more") or not reply.get("data"):
                return None
            after = str(reply["data"][-1]["id"])
        return None


def _detail(response: httpx2.Response) -> str:
    try:
        body = json.loads(response.content)
    except ValueError:
        return response.text[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return json.dumps(body)[:200]
