"""Token budgets: what fits in one call, what each answer reserves, how to cut the rest.

The window and the token counts come from :mod:`summarizer.longform.servers` (the server's
own tokenizer where it has one, else a deliberate over-estimate: tiktoken cannot download
its encodings offline). With ``max_tokens = "auto"`` each answer reserves a quarter of the
window (at least 512 tokens, at most the cap): :func:`reserve`. The one plan of a brief
that uses them is :func:`summarizer.engine.plan.plan`. See docs/long-articles.md.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from summarizer.article import Article
from summarizer.base.errors import ConfigurationError
from summarizer.longform.servers import (
    OLLAMA_PORT,
    OLLAMA_SOURCE,
    TokenCounter,
    find_tokenizer,
    ollama_window,
    openai_window,
    probe_window,
)
from summarizer.longform.split import Chunk, estimate_tokens, sentence_count, split

if TYPE_CHECKING:
    from summarizer.base.config import Settings
    from summarizer.model.backends import Backend
    from summarizer.model.options import Options
    from summarizer.model.prompts import Prompts

__all__ = [
    "DEFAULT_WINDOW",
    "Budget",
    "Chunk",
    "Plan",
    "Planner",
    "TokenCounter",
    "budget_of",
    "estimate_tokens",
    "numbered",
    "prompt_overhead",
    "request_bound",
    "reserve",
    "schema_text",
    "split_for",
]

log = logging.getLogger(__name__)

# A server that does not say.
DEFAULT_WINDOW = 8192
# Chat-template markup around the messages and the schema: llama-cpp-python's
# chatml-function-calling format adds ~130 tokens of tool-use instructions.
TEMPLATE_TOKENS = 192
REASK_TOKENS = 256  # the re-ask message, on top of the previous answer
MIN_CHUNK_TOKENS = 256
# max_tokens "auto": a quarter of the window, at least this (a short brief of a chunk), at
# most the cap (Options.max_tokens: 2048, or the embedded model's 1024).
MIN_ANSWER_TOKENS = 512
MARK_TOKENS = 4  # "[12] " before each numbered sentence of the article


@lru_cache(maxsize=1)
def schema_text() -> str:
    """The schema as sent to the model, for counting its tokens: the largest shape (json
    mode's instruction and a segment range of four digits) stands for every mode."""
    from summarizer.model.request import JSON_MODE_INSTRUCTION, compact, wire_schema

    return JSON_MODE_INSTRUCTION + compact(wire_schema(9999))


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
class Plan:
    """How an article too long for one call is briefed: its budget and its chunks."""

    budget: Budget
    chunks: tuple[Chunk, ...]


def _scaled(ratio: float) -> Callable[[str], int]:
    def cost(piece: str) -> int:
        return math.ceil(numbered(estimate_tokens, piece) * ratio)

    return cost


def numbered(count: Callable[[str], int], text: str) -> int:
    """Tokens of ``text`` as the prompt shows it: numbered sentences, ``[n] `` before each."""
    return count(text) + MARK_TOKENS * sentence_count(text) if text else 0


def reserve(settings: Settings, cap: int, size: int) -> int:
    """The answer's max_tokens in a window of ``size`` tokens: as set, or (``auto``) a
    quarter of the window, at least MIN_ANSWER_TOKENS, at most ``cap``."""
    if settings.max_tokens != "auto":
        return cap
    return min(cap, max(MIN_ANSWER_TOKENS, size // 4))


def prompt_overhead(prompts: Prompts, article: Article, count: Callable[[str], int]) -> int:
    """Prompt tokens around the article: instructions, schema and chat template."""
    empty = Article(text="", title=article.title, published=article.published)
    prompt = sum(count(m["content"]) for m in prompts.messages(empty))
    return prompt + count(schema_text()) + TEMPLATE_TOKENS


def budget_of(
    settings: Settings,
    *,
    window: tuple[int, str],
    overhead: int,
    reserved: int,
    counter: TokenCounter,
) -> Budget:
    """The budget of one call in ``window`` (pure): what fits, and how a longer article is
    cut. A window that leaves no room for the article is a ConfigurationError."""
    s = settings
    size, source = window
    fits = size - overhead - reserved
    if s.max_input_tokens is not None:
        fits = s.max_input_tokens
    elif fits < MIN_CHUNK_TOKENS // 4:
        raise ConfigurationError(
            f"the context window ({size} tokens, {source}) leaves no room for the article "
            f"next to the prompt ({overhead}) and the answer (max_tokens={reserved}); "
            "raise context_window or lower max_tokens"
        )
    with_reask = size - overhead - 2 * reserved - REASK_TOKENS
    if s.chunk_tokens is not None:
        chunk = min(s.chunk_tokens, fits)
    elif with_reask >= max(MIN_CHUNK_TOKENS, fits // 2):
        chunk = min(with_reask, fits)
    else:
        chunk = fits
    chunk = max(chunk, 16)
    reasks = overhead + chunk + 2 * reserved + REASK_TOKENS <= size
    overlap = s.chunk_overlap if s.chunk_overlap is not None else min(200, chunk // 10)
    overlap = max(0, min(overlap, chunk // 2))
    return Budget(size, source, overhead, reserved, fits, chunk, overlap, reasks, counter)


def split_for(text: str, budget: Budget, tokens: int, guess: int) -> list[Chunk]:
    """``text`` (``tokens`` as counted, ``guess`` as estimated) cut to ``budget``'s chunks;
    with a server's tokenizer each chunk is checked with it."""
    counter = budget.counter
    if not counter.exact:
        return split(
            text,
            chunk_tokens=budget.chunk_tokens,
            overlap=budget.chunk_overlap,
            count=lambda piece: numbered(estimate_tokens, piece),
        )
    # Scale the estimate to the server's tokenizer, then check each chunk with it.
    ratio = 1.05 * tokens / max(guess, 1)
    for _ in range(4):
        chunks = split(
            text,
            chunk_tokens=budget.chunk_tokens,
            overlap=budget.chunk_overlap,
            count=_scaled(ratio),
        )
        worst = max(numbered(counter.count, c.text) / budget.chunk_tokens for c in chunks)
        if worst <= 1.0:
            return chunks
        ratio *= worst * 1.05
    return chunks


class Planner:
    """What one backend says about itself, asked once: its context window and its token
    counter (the I/O of planning; the plan itself is :func:`summarizer.engine.plan.plan`).

    ``base_url`` is where the backend answers (an embedded server's address once it runs);
    ``local_n_ctx`` is that server's window.
    """

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        *,
        base_url: str,
        local_n_ctx: int | None = None,
        transport: Any = None,
    ) -> None:
        self.settings = settings
        self.transport = transport  # Summarizer(transport=...): the probes go through it too
        self.backend = backend
        self.base_url = base_url
        self.local_n_ctx = local_n_ctx
        self._window: tuple[int, str] | None = None
        self._probing = threading.Lock()  # concurrent briefs wait for one probe, not each probe
        self._counter: TokenCounter | None = None
        self.probe_ok = not (urlsplit(base_url).hostname or "").endswith("openai.com")

    def window(self, *, probe: bool = True) -> tuple[int, str] | None:
        """The context window and where it came from (None: unknown without a probe)."""
        if self._window is not None:
            return self._window
        s, b = self.settings, self.backend
        found: tuple[int, str] | None = None
        if s.context_window:
            found = s.context_window, f"setting context_window ({s.source_of('context_window')})"
        elif b.context_window:
            found = b.context_window, f"profile [backends.{b.name}] context_window"
        elif self.local_n_ctx:
            found = self.local_n_ctx, "n_ctx of the embedded server"
        elif not self.probe_ok and openai_window(b.model):
            found = openai_window(b.model) or DEFAULT_WINDOW, f"known window of {b.model}"
        elif probe:
            with self._probing:  # asked once per Summarizer, however many briefs start at once
                if self._window is not None:
                    return self._window
                found = self._probe() if self.probe_ok else None
                found = found or (DEFAULT_WINDOW, "default (the server does not report it)")
                self._window = found
        if found is not None:
            self._window = found
        return found

    def offline_window(self) -> tuple[int, str]:
        """The window known without asking the server, else the default."""
        return self.window(probe=not self.probe_ok) or (DEFAULT_WINDOW, "default")

    def _probe(self) -> tuple[int, str] | None:
        """What the server says (llama.cpp, vLLM), or Ollama's default when it is Ollama."""
        b = self.backend
        ollama_first = urlsplit(self.base_url).port == OLLAMA_PORT  # Ollama's own port
        if ollama_first and (
            size := ollama_window(self.base_url, api_key=b.api_key, transport=self.transport)
        ):
            return size, OLLAMA_SOURCE
        reported = probe_window(
            self.base_url, model=b.model, api_key=b.api_key, transport=self.transport
        )
        if reported:
            return reported, f"reported by {self.base_url}"
        if not ollama_first and (
            size := ollama_window(self.base_url, api_key=b.api_key, transport=self.transport)
        ):
            return size, OLLAMA_SOURCE
        return None

    def counter(self) -> TokenCounter:
        """The server's tokenizer where it has one, else the estimate (asked once)."""
        if self._counter is None:
            found = None
            if self.probe_ok:
                b = self.backend
                found = find_tokenizer(
                    self.base_url, model=b.model, api_key=b.api_key, transport=self.transport
                )
            self._counter = found or TokenCounter()
            log.info("counting tokens with %s", self._counter.source)
        return self._counter


def request_bound(chunks: int, options: Options, *, chunk_reasks: bool = True) -> int:
    """The most HTTP requests to the model that a brief in ``chunks`` chunks can send
    (0: one call), retries and re-asks included: each chunk's answers (re-asked only when
    a re-ask fits next to a chunk) plus the consolidating call's, each answer up to
    ``transport_attempts`` requests. Tokenizer requests come on top."""
    whole = options.transport_attempts * (1 + options.max_reasks)
    if chunks == 0:
        return whole
    per_chunk = options.transport_attempts * (1 + (options.max_reasks if chunk_reasks else 0))
    return chunks * per_chunk + whole
