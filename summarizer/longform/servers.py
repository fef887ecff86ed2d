"""What a model server says about itself: its context window and its tokenizer.

The window comes from llama.cpp's ``/props``, a vLLM-style ``/models`` entry, OpenAI's
published windows, or, for Ollama (detected by ``GET /api/version``), its default
``num_ctx``. Token counts come from the server's tokenizer where it has one
(llama-cpp-python's ``/extras/tokenize/count``, llama.cpp's and vLLM's ``/tokenize``), else
from :func:`~summarizer.longform.split.estimate_tokens`, a deliberate over-estimate.
Every request goes through :mod:`summarizer.base.http` (same origin, the key never follows a
redirect elsewhere), over the transport given to ``Summarizer(transport=...)`` when there is
one: a summarizer driven without sockets probes without sockets (and without a DNS lookup)
too. The budgets that use them: :mod:`summarizer.longform.budget`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from summarizer.longform.split import estimate_tokens

__all__ = [
    "OLLAMA_PORT",
    "OLLAMA_SOURCE",
    "OLLAMA_WINDOW",
    "ServerTokenCounter",
    "TokenCounter",
    "count_posts",
    "find_tokenizer",
    "ollama_window",
    "openai_window",
    "probe_window",
]

log = logging.getLogger(__name__)

# Context windows of OpenAI models (input + output tokens), longest matching prefix wins.
OPENAI_WINDOWS = {
    "gpt-3.5-turbo": 16_385,
    "gpt-4": 8_192,
    "gpt-4-turbo": 128_000,
    "gpt-4o": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4.5": 128_000,
    "gpt-5": 272_000,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
}
# Ollama does not report its window over the OpenAI API and silently cuts a longer prompt.
# Its default num_ctx: 2048 before v0.6.7, 4096 since (v0.15.5 and later: 4096 below 24 GiB
# of VRAM, more above), so 4096 is what every recent version gives at least.
OLLAMA_WINDOW, OLLAMA_OLD_WINDOW, OLLAMA_PORT = 4096, 2048, 11434
PROBE_TIMEOUT_S = 3.0
OLLAMA_SOURCE = "Ollama's default num_ctx; set context_window if you raised it"
# Tokenizer POSTs made by this thread: a plan runs in one worker thread, so each brief
# counts its own (Planner.prepare) even while other briefs plan at the same time.
_posts = threading.local()


def _count_post() -> None:
    _posts.n = getattr(_posts, "n", 0) + 1


# --- token counting -------------------------------------------------------------------------


class TokenCounter:
    """Counts tokens with :func:`estimate_tokens`; see :class:`ServerTokenCounter`."""

    exact = False
    source = "estimate (max of utf8 bytes / 3, words * 1.5)"

    def count(self, text: str) -> int:
        return estimate_tokens(text)


class ServerTokenCounter(TokenCounter):
    """Counts tokens with the server's own tokenizer (one POST per count)."""

    exact = True

    def __init__(
        self, url: str, style: str, *, model: str, api_key: str | None, transport: Any = None
    ) -> None:
        self.url = url
        self.style = style
        self.model = model
        self.api_key = api_key
        self.transport = transport
        self.source = f"server tokenizer {url}"

    def count(self, text: str) -> int:
        if self.style == "extras":
            body: dict[str, Any] = {"input": text}
        else:  # llama.cpp reads "content", vLLM "prompt"
            body = {"content": text, "prompt": text, "model": self.model}
        _count_post()  # a request to the server like any other: it counts in usage.requests
        data = _http_json(
            self.url, body, api_key=self.api_key, timeout=60.0, transport=self.transport
        )
        if isinstance(data, dict):
            if isinstance(data.get("count"), int):
                return int(data["count"])
            if isinstance(data.get("tokens"), list):
                return len(data["tokens"])
        raise ValueError(f"unexpected tokenize reply from {self.url}")


def _http_json(
    url: str,
    body: dict[str, Any] | None = None,
    *,
    api_key: str | None,
    timeout: float,
    transport: Any = None,
) -> Any:
    """GET (or POST ``body``) as JSON. ``transport``: the one given to the summarizer, if
    any; an async one (a test's mock) is driven on a loop of this worker thread."""
    import httpx2

    from summarizer.base.http import get_json, post_json

    if isinstance(transport, httpx2.AsyncBaseTransport):
        import asyncio

        return asyncio.run(_async_json(url, body, api_key=api_key, transport=transport))
    if body is None:
        return get_json(url, api_key=api_key, timeout_s=timeout, transport=transport)
    return post_json(url, body, api_key=api_key, timeout_s=timeout, transport=transport)


async def _async_json(
    url: str, body: dict[str, Any] | None, *, api_key: str | None, transport: Any
) -> Any:
    import json

    import httpx2

    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    async with httpx2.AsyncClient(transport=transport, headers=headers) as http:
        response = await (http.get(url) if body is None else http.post(url, json=body))
        response.raise_for_status()
        return json.loads(response.content)


def _server_root(base_url: str) -> str:
    root = base_url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def find_tokenizer(
    base_url: str, *, model: str, api_key: str | None, transport: Any = None
) -> TokenCounter | None:
    """The server's tokenizer endpoint, if it has one that answers."""
    root = _server_root(base_url)
    for url, style in ((f"{root}/extras/tokenize/count", "extras"), (f"{root}/tokenize", "plain")):
        counter = ServerTokenCounter(url, style, model=model, api_key=api_key, transport=transport)
        try:
            if counter.count("one two three") > 0:
                return counter
        except Exception as exc:  # noqa: BLE001 - any failure: no such endpoint here
            log.debug("no tokenizer at %s: %s", url, exc)
    return None


def probe_window(
    base_url: str, *, model: str, api_key: str | None, transport: Any = None
) -> int | None:
    """The context window a server reports: llama.cpp ``/props``, vLLM-style ``/models``."""
    root = _server_root(base_url)
    try:
        props = _http_json(
            f"{root}/props", api_key=api_key, timeout=PROBE_TIMEOUT_S, transport=transport
        )
        settings = props.get("default_generation_settings", {}) if isinstance(props, dict) else {}
        n_ctx = settings.get("n_ctx") or (props.get("n_ctx") if isinstance(props, dict) else None)
        if isinstance(n_ctx, int) and n_ctx > 0:
            return n_ctx
    except Exception as exc:  # noqa: BLE001
        log.debug("no /props at %s: %s", root, exc)
    try:
        models = _http_json(
            f"{base_url.rstrip('/')}/models",
            api_key=api_key,
            timeout=PROBE_TIMEOUT_S,
            transport=transport,
        )
        entries = models.get("data", []) if isinstance(models, dict) else []
        for entry in entries:
            if not isinstance(entry, dict) or (entry.get("id") != model and len(entries) > 1):
                continue
            for key in ("max_model_len", "context_length", "max_context_length"):
                if isinstance(entry.get(key), int) and entry[key] > 0:
                    return int(entry[key])
    except Exception as exc:  # noqa: BLE001
        log.debug("no window in /models at %s: %s", base_url, exc)
    return None


def ollama_window(base_url: str, *, api_key: str | None, transport: Any = None) -> int | None:
    """Ollama's default window when ``GET /api/version`` answers as Ollama does, else None."""
    try:
        reply = _http_json(
            f"{_server_root(base_url)}/api/version",
            api_key=api_key,
            timeout=PROBE_TIMEOUT_S,
            transport=transport,
        )
    except Exception as exc:  # noqa: BLE001 - any failure: not Ollama
        log.debug("no /api/version at %s: %s", base_url, exc)
        return None
    version = reply.get("version") if isinstance(reply, dict) else None
    if not isinstance(version, str):
        return None
    numbers = tuple(int(p) for p in version.split("-")[0].split(".")[:3] if p.isdigit())
    return OLLAMA_OLD_WINDOW if numbers and numbers < (0, 6, 7) else OLLAMA_WINDOW


def openai_window(model: str) -> int | None:
    """The context window of an OpenAI model from :data:`OPENAI_WINDOWS`, or None."""
    best = max((p for p in OPENAI_WINDOWS if model.startswith(p)), key=len, default=None)
    return OPENAI_WINDOWS[best] if best else None


def count_posts(reset: bool = False) -> int:
    """Tokenizer POSTs this thread made since the last reset (``reset``: start again)."""
    n = int(getattr(_posts, "n", 0))
    if reset:
        _posts.n = 0
    return n
