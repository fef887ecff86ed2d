"""Secrets out of text: one function, applied before any text is cut, printed or stored.

:func:`redact` replaces

- every run of 8 or more characters of a known secret (the API key): a server that echoes
  the key, and a snippet cut in the middle of it, show no usable part of it;
- whatever looks like a credential on its own: ``Bearer <token>``, ``sk-…`` keys,
  ``token=…``/``api_key=…``-style query parameters and the user info of a URL
  (``https://user:password@host``).

Cut an error snippet only after redacting it; the result may be shorter or longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MARK", "MIN_RUN", "mentions", "redact"]

MARK = "[REDACTED]"
MIN_RUN = 8

_BEARER_RE = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=\-]{8,}")
_KEY_RE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}")
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]+@")
_PARAM_RE = re.compile(
    r"(?i)([?&;](?:[a-z0-9_\-]*(?:token|key|secret|password|passwd|pwd|auth|sig|signature|"
    r"credential|session)[a-z0-9_\-]*)=)[^&#\s\"'<>]+"
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every run of ≥ 8 characters of each secret, and anything that looks
    like a bearer token, a key, URL user info or a secret query parameter, replaced."""
    for secret in secrets:
        if secret and len(secret) >= MIN_RUN:
            text = _redact_runs(text, secret)
    text = _USERINFO_RE.sub(lambda m: f"{m.group(1)}{MARK}@", text)
    text = _PARAM_RE.sub(lambda m: f"{m.group(1)}{MARK}", text)
    text = _BEARER_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{MARK}", text)
    return _KEY_RE.sub(MARK, text)


def mentions(text: str, secrets: Iterable[str | None]) -> bool:
    """Whether ``text`` holds a run of ≥ 8 characters of one of ``secrets``."""
    return any(
        secret and len(secret) >= MIN_RUN and any(p in text for p in _pieces(secret))
        for secret in secrets
    )


def _pieces(secret: str) -> set[str]:
    return {secret[i : i + MIN_RUN] for i in range(len(secret) - MIN_RUN + 1)}


def _runs(text: str, pieces: set[str]) -> list[tuple[int, int]]:
    """The maximal spans of ``text`` covered by 8-character ``pieces`` of a secret."""
    spans: list[tuple[int, int]] = []
    for start in range(len(text) - MIN_RUN + 1):
        if text[start : start + MIN_RUN] in pieces:
            end = start + MIN_RUN
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def _redact_runs(text: str, secret: str) -> str:
    pieces = _pieces(secret)
    if not any(piece in text for piece in pieces):  # C-speed searches; the scan is rare
        return text
    out: list[str] = []
    last = 0
    for start, end in _runs(text, pieces):
        out.append(text[last:start])
        out.append(MARK)
        last = end
    out.append(text[last:])
    return "".join(out)
