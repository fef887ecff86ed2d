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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from summarizer.article import Article
from summarizer.brief import draft_json_schema
from summarizer.errors import ConfigurationError, InputError
from summarizer.longform.split import Chunk, estimate_tokens, split

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.model.backends import Backend
    from summarizer.model.options import Options
    from summarizer.prompts import Prompts

__all__ = [
    "DEFAULT_WINDOW",
    "Budget",
    "Chunk",
    "Plan",
    "Planner",
    "ServerTokenCounter",
    "TokenCounter",
    "estimate_tokens",
    "find_tokenizer",
    "openai_window",
    "probe_window",
    "request_bound",
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
        _count_post()  # a request to the server like any other: it counts in usage.requests
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
class Plan:
    """How an article too long for one call is briefed: its budget and its chunks."""

    budget: Budget
    chunks: tuple[Chunk, ...]


def _scaled(ratio: float) -> Callable[[str], int]:
    def cost(piece: str) -> int:
        return math.ceil(estimate_tokens(piece) * ratio)

    return cost


class Planner:
    """Budgets for one backend: its context window, its token counter, each article's plan.

    ``base_url`` is where the backend answers (an embedded server's address once it runs);
    ``local_n_ctx`` is that server's window; ``max_tokens`` is what each answer reserves.
    """

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        prompts: Prompts,
        *,
        base_url: str,
        max_tokens: int,
        local_n_ctx: int | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.prompts = prompts
        self.base_url = base_url
        self.max_tokens = max_tokens
        self.local_n_ctx = local_n_ctx
        self._window: tuple[int, str] | None = None
        self._counter: TokenCounter | None = None
        self._probe_ok = not (urlsplit(base_url).hostname or "").endswith("openai.com")

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
        elif not self._probe_ok and openai_window(b.model):
            found = openai_window(b.model) or DEFAULT_WINDOW, f"known window of {b.model}"
        elif probe:
            reported = None
            if self._probe_ok:
                reported = probe_window(self.base_url, model=b.model, api_key=b.api_key)
            if reported:
                found = reported, f"reported by {self.base_url}"
            else:
                found = DEFAULT_WINDOW, "default (the server does not report it)"
        if found is not None:
            self._window = found
        return found

    def counter(self) -> TokenCounter:
        if self._counter is None:
            found = None
            if self._probe_ok:
                b = self.backend
                found = find_tokenizer(self.base_url, model=b.model, api_key=b.api_key)
            self._counter = found or TokenCounter()
            log.info("counting tokens with %s", self._counter.source)
        return self._counter

    def _overhead(self, article: Article, count: Callable[[str], int]) -> int:
        empty = Article(text="", title=article.title, published=article.published)
        prompt = sum(count(m["content"]) for m in self.prompts.messages(empty))
        return prompt + count(schema_text()) + TEMPLATE_TOKENS

    def budget(self, article: Article, counter: TokenCounter, window: tuple[int, str]) -> Budget:
        s = self.settings
        size, source = window
        overhead = self._overhead(article, counter.count)
        reserved = self.max_tokens
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

    def fits_offline(self, article: Article) -> bool:
        """Whether the article surely fits one call, decided without asking the server.

        Most articles do: the over-estimate fits the known window (or the default one, when
        the window is not known offline). False means "ask :meth:`plan`", which may probe.
        """
        size = len(article.text.encode("utf-8"))
        if size > self.settings.max_input_bytes:
            raise InputError(
                f"the article is {size} bytes, above max_input_bytes="
                f"{self.settings.max_input_bytes} (raise it to brief longer texts)",
                source=article.label,
            )
        estimator = TokenCounter()
        window = self.window(probe=False) or (DEFAULT_WINDOW, "default")
        try:
            cheap = self.budget(article, estimator, window)
        except ConfigurationError:
            return False  # the estimate may be too pessimistic: ask the server's tokenizer
        return estimator.count(article.text) <= cheap.max_input_tokens

    def plan(self, article: Article) -> Plan | None:
        """The plan of an article too long for one call, or None when it fits (sync I/O)."""
        if self.fits_offline(article):
            return None
        window = self.window()
        assert window is not None
        counter = self.counter()
        budget = self.budget(article, counter, window)
        guess = estimate_tokens(article.text)
        tokens = counter.count(article.text) if counter.exact else guess
        if tokens <= budget.max_input_tokens:
            return None
        chunks = self._split(article.text, budget, tokens, guess)
        log.info(
            "%s: %d tokens > %d (window %d, %s): briefing in %d chunks of <= %d tokens",
            article.label,
            tokens,
            budget.max_input_tokens,
            budget.window,
            budget.window_source,
            len(chunks),
            budget.chunk_tokens,
        )
        return Plan(budget, tuple(chunks))

    def prepare(self, article: Article, options: Options) -> tuple[Plan | None, int]:
        """:meth:`plan`, checked against ``max_requests_per_brief`` before any model call,
        and the tokenizer requests it made (they count in the brief's ``usage.requests``)."""
        _posts.n = 0
        plan = self.plan(article)
        posts, _posts.n = _posts.n, 0
        if plan is not None:
            bound = request_bound(len(plan.chunks), options, chunk_reasks=plan.budget.chunk_reasks)
            cap = self.settings.max_requests_per_brief
            if bound > cap:
                raise ConfigurationError(
                    f"briefing it in {len(plan.chunks)} chunks may take up to "
                    f"{bound} requests, above max_requests_per_brief={cap} (from "
                    f"{self.settings.source_of('max_requests_per_brief')}); raise it, or raise "
                    "context_window / chunk_tokens for fewer chunks",
                    source=article.label,
                )
        return plan, posts

    @staticmethod
    def _split(text: str, budget: Budget, tokens: int, guess: int) -> list[Chunk]:
        counter = budget.counter
        if not counter.exact:
            return split(text, chunk_tokens=budget.chunk_tokens, overlap=budget.chunk_overlap)
        # Scale the estimate to the server's tokenizer, then check each chunk with it.
        ratio = 1.05 * tokens / max(guess, 1)
        for _ in range(4):
            chunks = split(
                text,
                chunk_tokens=budget.chunk_tokens,
                overlap=budget.chunk_overlap,
                count=_scaled(ratio),
            )
            worst = max(counter.count(c.text) / budget.chunk_tokens for c in chunks)
            if worst <= 1.0:
                return chunks
            ratio *= worst * 1.05
        return chunks


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
