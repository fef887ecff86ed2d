"""Fetching URLs: scheme, redirect, size and address checks, under one total deadline.

The address guard (no loopback, private, link-local or reserved hosts when
``allow_private=False``; the connection pinned to the checked address) and the deadline
live in :mod:`summarizer.base.http`, under httpx, so they hold for every hop of a redirect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx2

from summarizer.article.model import DEFAULT_LIMITS, FetchResult, Limits, media_type
from summarizer.base.errors import InputError
from summarizer.base.fileio import one_line
from summarizer.base.http import BlockedAddressError, client
from summarizer.base.redact import redact

__all__ = ["SCHEME_RE", "USER_AGENT", "check_url", "fetch_url"]

USER_AGENT = "summarizer/0.1 (article reader)"
SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_FETCHABLE_SCHEMES = frozenset({"http", "https"})
_ACCEPT = "text/html, text/plain;q=0.9, */*;q=0.5"


def fetch_url(
    url: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` within ``limits``, following redirects; any failure is an InputError.

    Each redirect target is checked like the URL given (scheme; under
    ``allow_private=False`` its addresses, at connection time). ``timeout_s`` bounds every
    network wait and the whole fetch. A 304 (for conditional ``headers``) is returned.
    """
    source = redact(url, ())
    check_url(url, source=source)
    request_headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT, **(headers or {})}
    timeout = f"timed out after {limits.timeout_s:g} s"
    try:
        with client(
            timeout_s=limits.timeout_s,
            headers=request_headers,
            deadline_s=limits.timeout_s,
            allow_private=limits.allow_private,
        ) as http:
            current = url
            for _ in range(limits.max_redirects + 1):
                with http.stream("GET", current) as response:
                    if not response.has_redirect_location:
                        return _finish(response, source=source, limits=limits)
                    current = str(response.url.join(response.headers["location"]))
                    check_url(current, source=source, redirect=True)
    except BlockedAddressError as exc:
        raise InputError(str(exc), source=source) from None
    except httpx2.TimeoutException as exc:
        raise InputError(timeout, source=source) from exc
    except httpx2.InvalidURL as exc:
        raise InputError(f"invalid URL: {redact(one_line(exc), ())}", source=source) from exc
    except httpx2.HTTPError as exc:
        raise InputError(f"fetch failed: {redact(one_line(exc), ())}", source=source) from exc
    raise InputError(f"too many redirects (more than {limits.max_redirects})", source=source)


def check_url(url: str, *, source: str, redirect: bool = False) -> None:
    """Refuse what must not be requested: other schemes, no host, a malformed port."""
    where = "redirect to " if redirect else ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        shown = redact(url, ())
        raise InputError(f"invalid URL {where}{shown}: {one_line(exc)}", source=source) from exc
    scheme = parts.scheme.lower()
    if scheme not in _FETCHABLE_SCHEMES:
        raise InputError(
            f"{where}unsupported URL scheme {scheme}:// (only http and https)", source=source
        )
    if not parts.hostname:
        raise InputError(f"{where}URL has no host", source=source)


def _finish(response: httpx2.Response, *, source: str, limits: Limits) -> FetchResult:
    status = response.status_code
    headers = {key.lower(): value for key, value in response.headers.items()}
    ctype = media_type(headers.get("content-type"))
    final_url = str(response.url)
    if status == 304:
        return FetchResult(status, final_url, headers, b"", ctype)
    if not 200 <= status < 300:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise InputError(f"HTTP {status}{reason}", source=source)
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise InputError(
            f"response is larger than {limits.max_bytes} bytes ({declared} bytes)", source=source
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise InputError(f"response is larger than {limits.max_bytes} bytes", source=source)
        chunks.append(chunk)
    return FetchResult(status, final_url, headers, b"".join(chunks), ctype)
