"""Secrets out of text: one function, applied before any text is cut, printed or stored.

:func:`redact` replaces

- every run of 8 or more characters of a known secret (the API key): a server that echoes
  the key, and a snippet cut in the middle of it, show no usable part of it;
- whatever looks like a credential on its own: ``Bearer <token>``, ``sk-…`` keys,
  ``token=…``/``api_key=…``-style query parameters and the user info of a URL
  (``https://user:password@host``).

Cut an error snippet only after redacting it; the result may be shorter or longer.

:func:`sanitize` is the one way text that a server, a provider or a model wrote (an error
message, a batch error, a model's brief text, a URL) reaches a terminal, a log, a file or the
database: secrets redacted, C0/C1 control characters and bidi overrides/isolates taken out,
on one line, cut to a bounded length, in that order, so a cut can never leave a key prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from summarizer.base.fileio import one_line

__all__ = ["LIMIT", "MARK", "MIN_RUN", "UNSAFE", "mentions", "redact", "sanitize", "strip_unsafe"]

MARK = "[REDACTED]"
MIN_RUN = 8
LIMIT = 300
"""How long a server's snippet may be once sanitized (characters, the ellipsis included)."""

# What a terminal or a reader can be fooled by: C0 controls but the line-breaking whitespace
# (tab, LF, VT, FF, CR, and the separators \x1c-\x1f, which one_line turns into spaces), DEL,
# C1 controls but NEL (whitespace too), and the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069: "Trojan Source"). LRM/RLM/ALM marks stay: they only mark.
UNSAFE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_PRE_CUT = 65_536  # a longer text is cut to this before redaction (the final cut is shorter)

_BEARER_RE = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=\-]{8,}")
_KEY_RE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}")
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]+@")
_PARAM_RE = re.compile(
    r"(?i)([?&;](?:[a-z0-9_\-]*(?:token|key|secret|password|passwd|pwd|auth|sig|signature|"
    r"credential|session)[a-z0-9_\-]*)=)[^&#\s\"'<>]+"
)


def redact(text: str, secrets: Iterable[str | None] = (), *, patterns: bool = True) -> str:
    """``text`` with every run of ≥ 8 characters of each secret, and (``patterns``) anything
    that looks like a bearer token, a key, URL user info or a secret query parameter,
    replaced. Prose that is shown back as it was written (a brief's own text) is redacted
    with ``patterns=False``: "basic services" is not a credential there."""
    for secret in secrets:
        if secret and len(secret) >= MIN_RUN:
            text = _redact_runs(text, secret)
    if not patterns:
        return text
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


def sanitize(text: object, secrets: Iterable[str | None] = (), *, limit: int | None = LIMIT) -> str:
    """``text`` as it may be printed or stored: secrets redacted (:func:`redact`), control
    characters and bidi overrides/isolates removed, on one line, at most ``limit`` characters.

    Controls go first (an escape inside a key cannot split it into harmless runs), then the
    secrets, then the line is joined and cut: a cut can never leave a prefix of a key. An
    exception with an empty message gives its class name.
    """
    raw = str(text)
    if not raw.strip() and isinstance(text, BaseException):
        raw = type(text).__name__
    if limit is not None and len(raw) > max(_PRE_CUT, 4 * limit):
        raw = raw[: max(_PRE_CUT, 4 * limit)]  # bounded work; the cut below is far shorter
    return one_line(redact(strip_unsafe(raw), secrets), limit)


def strip_unsafe(text: str) -> str:
    """``text`` without control characters and bidi overrides/isolates (line breaks stay).

    The step of :func:`sanitize` that prose keeps to: a model's brief text is the article's
    content, where a credential-looking pattern ("basic services") must not be redacted.
    """
    return UNSAFE.sub("", text) if UNSAFE.search(text) else text
