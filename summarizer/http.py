"""The one HTTP client stack (httpx2) for everything the program fetches or posts itself.

The model calls go through the OpenAI SDK, which uses httpx2 too; everything else (article
URLs, feeds, the tokenizer and ``/props`` probes, ``summarizer backends``, the embedded
server's readiness check, webhooks) goes through :func:`client` here. httpx drops the
``Authorization`` header when a redirect leaves the origin, so a credential never follows a
redirect to another host.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2

from summarizer import __name__ as _package

__all__ = ["USER_AGENT", "client", "get_json", "post_json"]

USER_AGENT = f"{_package}/0.1 (+https://github.com/summarizer)"


def client(
    *,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    follow_redirects: bool = False,
    transport: httpx2.BaseTransport | None = None,
) -> httpx2.Client:
    """A synchronous client with our user agent and one timeout for connect, read and write."""
    return httpx2.Client(
        timeout=httpx2.Timeout(timeout_s),
        headers={"user-agent": USER_AGENT, **(headers or {})},
        follow_redirects=follow_redirects,
        transport=transport,
    )


def _auth(api_key: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {api_key}"} if api_key else {}


def get_json(url: str, *, api_key: str | None = None, timeout_s: float) -> Any:
    """GET ``url`` and decode its JSON body; non-2xx raises :class:`httpx2.HTTPStatusError`."""
    with client(timeout_s=timeout_s, headers=_auth(api_key), follow_redirects=True) as http:
        response = http.get(url)
        response.raise_for_status()
        return json.loads(response.content)


def post_json(url: str, body: Any, *, api_key: str | None = None, timeout_s: float) -> Any:
    """POST ``body`` as JSON to ``url`` and decode the reply; non-2xx raises."""
    with client(timeout_s=timeout_s, headers=_auth(api_key)) as http:
        response = http.post(url, json=body)
        response.raise_for_status()
        return json.loads(response.content)
