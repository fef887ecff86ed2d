"""Batch input lines and their splitting into provider-sized files; output lines parsed.

Pure: no I/O. One line per request, in the format the OpenAI Batch API and
``vllm run-batch`` read::

    {"custom_id": "...", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

A provider file holds at most :data:`MAX_REQUESTS` lines and :data:`MAX_BYTES` bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "COMPLETION_WINDOW",
    "ENDPOINT",
    "MAX_BYTES",
    "MAX_REQUESTS",
    "OutputLine",
    "parse_output",
    "request_body",
    "request_line",
    "split_lines",
]

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024

# Options of the OpenAI SDK's ``create`` that are not part of the HTTP body.
_SDK_ONLY = frozenset({"timeout", "extra_headers", "extra_query"})


def request_body(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The HTTP body the SDK would send for ``chat.completions.create(**kwargs)``."""
    body = {k: v for k, v in kwargs.items() if k not in _SDK_ONLY and k != "extra_body"}
    body.update(kwargs.get("extra_body") or {})
    return body


def request_line(custom_id: str, kwargs: Mapping[str, Any]) -> bytes:
    """One JSONL line (with its newline) asking for ``chat.completions.create(**kwargs)``."""
    line = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": request_body(kwargs)}
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def split_lines(
    lines: Iterable[bytes], *, max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES
) -> Iterator[list[bytes]]:
    """``lines`` in order, cut into files of at most ``max_requests`` lines and ``max_bytes``.

    A single line larger than ``max_bytes`` cannot go in any file: ValueError.
    """
    if max_requests < 1 or max_bytes < 1:
        raise ValueError("max_requests and max_bytes must be positive")
    part: list[bytes] = []
    size = 0
    for line in lines:
        if len(line) > max_bytes:
            raise ValueError(f"one request line is {len(line)} bytes, over the {max_bytes} limit")
        if part and (len(part) >= max_requests or size + len(line) > max_bytes):
            yield part
            part, size = [], 0
        part.append(line)
        size += len(line)
    if part:
        yield part


@dataclass(frozen=True)
class OutputLine:
    """One line of a batch output or error file."""

    custom_id: str
    status_code: int | None
    body: dict[str, Any] | None
    error: str | None  # "code: message" of a request that got no answer

    @property
    def ok(self) -> bool:
        return self.status_code == 200 and self.body is not None and self.error is None

    @property
    def expired(self) -> bool:
        return self.error is not None and self.error.startswith("batch_expired")


def _error_text(error: Any) -> str | None:
    if not error:
        return None
    if isinstance(error, Mapping):
        code = error.get("code") or error.get("type") or "error"
        return f"{code}: {error.get('message') or 'no message'}"
    return str(error)


def parse_output(data: bytes) -> Iterator[OutputLine]:
    """The lines of an output or error file; blank lines are skipped, a bad one is ValueError."""
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            custom_id = str(item["custom_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number} of a batch result file is not valid: {exc}") from exc
        response = item.get("response") or {}
        status = response.get("status_code")
        body = response.get("body")
        error = _error_text(item.get("error"))
        if error is None and status != 200:
            inner = body.get("error") if isinstance(body, Mapping) else None
            error = _error_text(inner) or f"http_{status}: the request failed"
        yield OutputLine(
            custom_id=custom_id,
            status_code=status if isinstance(status, int) else None,
            body=body if isinstance(body, dict) else None,
            error=error,
        )
