"""Batch input lines and their splitting into provider-sized files; output lines parsed.

Pure: no I/O; provider text (error messages) is sanitized as it is read. One line per
request, in the format the OpenAI Batch API and ``vllm run-batch`` read::

    {"custom_id": "...", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

A provider file holds at most :data:`MAX_REQUESTS` lines and :data:`MAX_BYTES` bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from summarizer.base.redact import sanitize

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
    """One line of a batch output or error file.

    A line that cannot be read has ``error`` ``invalid_line: ...``; its ``custom_id`` is ""
    when the line does not name one (it cannot be matched to a request).
    """

    custom_id: str
    status_code: int | None
    body: dict[str, Any] | None
    error: str | None  # "code: message" of a request that got no answer (sanitized)

    @property
    def ok(self) -> bool:
        return self.status_code == 200 and self.body is not None and self.error is None

    @property
    def expired(self) -> bool:
        return self.error is not None and self.error.startswith("batch_expired")


def _error_text(error: Any) -> str | None:
    """A provider's error as ``code: message``, sanitized (it is printed and stored)."""
    if not error:
        return None
    if isinstance(error, Mapping):
        code = error.get("code") or error.get("type") or "error"
        return sanitize(f"{code}: {error.get('message') or 'no message'}")
    return sanitize(error)


def _bad(number: int, why: str, custom_id: str = "") -> OutputLine:
    return OutputLine(
        custom_id, None, None, f"invalid_line: line {number} of the result file {why}"
    )


def parse_output(data: bytes | Iterable[bytes]) -> Iterator[OutputLine]:
    """The lines of an output or error file (its bytes, or its lines: a file opened ``rb``).

    Blank lines are skipped. A line that is not a JSON object naming a ``custom_id`` comes
    back as an ``invalid_line`` with ``custom_id`` "" (it matches no request); a line with a
    ``custom_id`` whose response is malformed is an ``invalid_line`` for that request. One
    bad line never hides the others.
    """
    lines = data.splitlines() if isinstance(data, bytes) else data
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError:
            yield _bad(number, "is not JSON")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str | int):
            yield _bad(number, "names no custom_id")
            continue
        custom_id = str(item["custom_id"])
        response = item.get("response")
        if response is not None and not isinstance(response, dict):
            yield _bad(number, "has a response that is not an object", custom_id)
            continue
        response = response or {}
        status = response.get("status_code")
        body = response.get("body")
        error = _error_text(item.get("error"))
        if error is None and status != 200:
            inner = body.get("error") if isinstance(body, Mapping) else None
            error = _error_text(inner) or sanitize(f"http_{status}: the request failed")
        yield OutputLine(
            custom_id=custom_id,
            status_code=status
            if isinstance(status, int) and not isinstance(status, bool)
            else None,
            body=body if isinstance(body, dict) else None,
            error=error,
        )
