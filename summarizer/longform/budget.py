"""Token budgets: context windows, offline token counts, what fits in one call.

Counts come from the server's tokenizer where it has one (llama-cpp-python's
``/extras/tokenize/count``, llama.cpp's and vLLM's ``/tokenize``), else from
:func:`estimate_tokens`, a deliberate over-estimate (tiktoken cannot download its
encodings offline). See docs/long-articles.md.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from summarizer.brief import (
    draft_json_schema,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "DEFAULT_WINDOW",
    "Budget",
    "Chunk",
    "ServerTokenCounter",
    "TokenCounter",
    "estimate_tokens",
    "find_tokenizer",
    "openai_window",
    "probe_window",
    "schema_text",
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
# A server that does not say (set context_window for Ollama, whose num_ctx is often smaller).
DEFAULT_WINDOW = 8192
# Chat-template markup around the messages and the schema: llama-cpp-python's
# chatml-function-calling format adds ~130 tokens of tool-use instructions.
TEMPLATE_TOKENS = 192
REASK_TOKENS = 256  # the re-ask message, on top of the previous answer
MIN_CHUNK_TOKENS = 256
PROBE_TIMEOUT_S = 3.0


# --- token counting -------------------------------------------------------------------------


def estimate_tokens(text: str) -> int:
    """A conservative token count without a tokenizer: ``max(utf8_bytes / 3, words * 1.5)``.

    BPE tokenizers give about 4 characters (0.75 words) per token for English prose, so
    this over-counts prose by a third; a byte count keeps non-Latin scripts safe too.
    """
    if not text:
        return 0
    return max(math.ceil(len(text.encode("utf-8")) / 3), math.ceil(len(text.split()) * 1.5))


class TokenCounter:
    """Counts tokens with :func:`estimate_tokens`; see :class:`ServerTokenCounter`."""

    exact = False
    source = "estimate (max of utf8 bytes / 3, words * 1.5)"

    def count(self, text: str) -> int:
        return estimate_tokens(text)


class ServerTokenCounter(TokenCounter):
    """Counts tokens with the server's own tokenizer (one POST per count)."""

    exact = True

    def __init__(self, url: str, style: str, *, model: str, api_key: str | None) -> None:
        self.url = url
        self.style = style
        self.model = model
        self.api_key = api_key
        self.source = f"server tokenizer {url}"

    def count(self, text: str) -> int:
        if self.style == "extras":
            body: dict[str, Any] = {"input": text}
        else:  # llama.cpp reads "content", vLLM "prompt"
            body = {"content": text, "prompt": text, "model": self.model}
        data = _http_json(self.url, body, api_key=self.api_key, timeout=60.0)
        if isinstance(data, dict):
            if isinstance(data.get("count"), int):
                return int(data["count"])
            if isinstance(data.get("tokens"), list):
                return len(data["tokens"])
        raise ValueError(f"unexpected tokenize reply from {self.url}")


def _http_json(
    url: str, body: dict[str, Any] | None = None, *, api_key: str | None, timeout: float
) -> Any:
    from summarizer.http import get_json, post_json

    if body is None:
        return get_json(url, api_key=api_key, timeout_s=timeout)
    return post_json(url, body, api_key=api_key, timeout_s=timeout)


def _server_root(base_url: str) -> str:
    root = base_url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def find_tokenizer(base_url: str, *, model: str, api_key: str | None) -> TokenCounter | None:
    """The server's tokenizer endpoint, if it has one that answers."""
    root = _server_root(base_url)
    for url, style in ((f"{root}/extras/tokenize/count", "extras"), (f"{root}/tokenize", "plain")):
        counter = ServerTokenCounter(url, style, model=model, api_key=api_key)
        try:
            if counter.count("one two three") > 0:
                return counter
        except Exception as exc:  # noqa: BLE001 - any failure: no such endpoint here
            log.debug("no tokenizer at %s: %s", url, exc)
    return None


def probe_window(base_url: str, *, model: str, api_key: str | None) -> int | None:
    """The context window a server reports: llama.cpp ``/props``, vLLM-style ``/models``."""
    root = _server_root(base_url)
    try:
        props = _http_json(f"{root}/props", api_key=api_key, timeout=PROBE_TIMEOUT_S)
        settings = props.get("default_generation_settings", {}) if isinstance(props, dict) else {}
        n_ctx = settings.get("n_ctx") or (props.get("n_ctx") if isinstance(props, dict) else None)
        if isinstance(n_ctx, int) and n_ctx > 0:
            return n_ctx
    except Exception as exc:  # noqa: BLE001
        log.debug("no /props at %s: %s", root, exc)
    try:
        models = _http_json(
            f"{base_url.rstrip('/')}/models", api_key=api_key, timeout=PROBE_TIMEOUT_S
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


def openai_window(model: str) -> int | None:
    """The context window of an OpenAI model from :data:`OPENAI_WINDOWS`, or None."""
    best = max((p for p in OPENAI_WINDOWS if model.startswith(p)), key=len, default=None)
    return OPENAI_WINDOWS[best] if best else None


@lru_cache(maxsize=1)
def schema_text() -> str:
    """The draft schema as sent to the model, for counting its tokens."""
    return json.dumps(draft_json_schema())


# --- budgets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How many article tokens go into one call, and how a longer article is cut."""

    window: int
    window_source: str
    overhead: int  # prompt tokens around the article (instructions, template, schema)
    reserved: int  # tokens kept for the answer
    max_input_tokens: int  # an article up to this many tokens is briefed in one call
    chunk_tokens: int
    chunk_overlap: int
    chunk_reasks: bool  # whether a re-ask still fits next to a chunk
    counter: TokenCounter = field(compare=False, repr=False)


@dataclass(frozen=True)
class Chunk:
    """One part of an article: ``article.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    tokens: int
