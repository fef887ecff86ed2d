"""How one brief is made, decided in one place: :func:`plan` (pure) gives a :class:`BriefPlan`.

The live path (:mod:`summarizer.engine.execute`), the money estimate
(:mod:`summarizer.engine.spend`) and
the batch path (:mod:`summarizer.batch`) all read the same plan: the strategy (the model
writes, or chooses among proposed sentences), the request mode, the chunks of a long
article, whether the verifying call runs, each answer's ``max_tokens``, and the most
requests it may send. What the plan needs from the server (its context window, its
tokenizer) is asked before, by :class:`~summarizer.longform.budget.Planner`, and passed in
as a :class:`PlanContext`; :func:`plan` itself does no I/O.

The request bound follows from the plan: ``requests`` is what the plan asks (one call, or
one per chunk plus the consolidating one, plus the verifying call) and ``max_requests`` its
worst case (every answer re-asked where a re-ask fits, every request retried). With
``max_requests_per_brief`` unset (the default) a plan is refused only when it is a runaway
one, of more than :data:`MAX_AUTO_ANSWERS` calls: retries and re-asks are bounded per answer
by ``transport_attempts`` and ``max_reasks``, not multiplied into the plan's size. Set, the
setting caps ``max_requests``, the worst case, as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from summarizer.base.errors import ConfigurationError, InputError
from summarizer.grounding.version import CHECK_VERSION
from summarizer.longform.budget import (
    Budget,
    Chunk,
    budget_of,
    estimate_tokens,
    numbered,
    prompt_overhead,
    request_bound,
    reserve,
    split_for,
)
from summarizer.output.brief import SCHEMA_VERSION

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.base.config import Settings
    from summarizer.longform.budget import TokenCounter
    from summarizer.model.backends import Backend
    from summarizer.model.options import Options
    from summarizer.model.prompts import Prompts

__all__ = [
    "MAX_AUTO_ANSWERS",
    "BriefPlan",
    "PlanContext",
    "Strategy",
    "cache_key",
    "key_parts",
    "plan",
    "strategy_of",
]

Strategy = Literal["write", "choose"]

# With max_requests_per_brief unset: the most model calls (answers) one plan may make. In an
# 8,192-token window a chunk carries about 2,100 new tokens (some 1,600 words), so this is
# an article of about 160,000 words (1 MB); in a 128k window, the 5 MB input cap comes first.
MAX_AUTO_ANSWERS = 100


def strategy_of(settings: Settings, backend: Backend) -> Strategy:
    """``write`` or ``choose`` (``auto``: choose for the embedded default model only)."""
    chosen = settings.strategy
    if chosen == "auto":
        tiny = backend.embedded and settings.local_model is None
        return "choose" if tiny else "write"
    return chosen


@dataclass
class PlanContext:
    """What a plan is made against, known before it is made: the backend, the request
    options and prompts, the context window and how tokens are counted (an estimate, or the
    server's tokenizer)."""

    backend: Backend
    options: Options
    prompts: Prompts
    window: tuple[int, str]
    counter: TokenCounter
    # the fixed prompt's tokens per (title, published): rendered once, not once per brief
    _overheads: dict[tuple[str | None, str | None], int] = field(
        default_factory=dict, repr=False, compare=False
    )

    def overhead(self, article: Article) -> int:
        key = (article.title, article.published)
        found = self._overheads.get(key)
        if found is None:
            found = prompt_overhead(self.prompts, article, self.counter.count)
            if len(self._overheads) < 256:
                self._overheads[key] = found
        return found


@dataclass(frozen=True)
class BriefPlan:
    """How one brief is made (see the module docstring)."""

    strategy: Strategy
    mode: str
    verify: bool
    options: Options  # the request options: strict applied, max_tokens as reserved
    budget: Budget
    chunks: tuple[Chunk, ...] = ()  # empty: one call
    tokens: int = 0  # the article's tokens as the prompt shows them

    @property
    def chunked(self) -> bool:
        return bool(self.chunks)

    @property
    def requests(self) -> int:
        """The answers the plan expects: one, or one per chunk plus the consolidating one;
        plus the verifying call."""
        answers = len(self.chunks) + 1 if self.chunks else 1
        return answers + (1 if self.verify else 0)

    @property
    def max_requests(self) -> int:
        """The most HTTP requests to the model it may send: every answer re-asked, every
        request retried (tokenizer requests come on top)."""
        answers = request_bound(
            len(self.chunks), self.options, chunk_reasks=self.budget.chunk_reasks
        )
        return answers + (self.options.transport_attempts if self.verify else 0)


def plan(
    article: Article,
    settings: Settings,
    context: PlanContext,
    *,
    mode: str,
    strict: bool | None = None,
    bounded: bool = True,
) -> BriefPlan:
    """The plan of a fresh brief of ``article`` (no I/O). Raises InputError for an article
    above ``max_input_bytes``, ConfigurationError for a window too small or (``bounded``) a
    long article's plan over the request bound."""
    size = len(article.text.encode("utf-8"))
    if size > settings.max_input_bytes:
        raise InputError(
            f"the article is {size} bytes, above max_input_bytes={settings.max_input_bytes} "
            "(raise it to brief longer texts)",
            source=article.label,
        )
    window = context.window
    reserved = reserve(settings, context.options.max_tokens, window[0])
    budget = budget_of(
        settings,
        window=window,
        overhead=context.overhead(article),
        reserved=reserved,
        counter=context.counter,
    )
    options = context.options.with_strict(strict)
    if options.max_tokens != reserved:
        options = replace(options, max_tokens=reserved)
    guess = numbered(estimate_tokens, article.text)
    tokens = numbered(context.counter.count, article.text) if context.counter.exact else guess
    chunks: tuple[Chunk, ...] = ()
    if tokens > budget.max_input_tokens:
        chunks = tuple(split_for(article.text, budget, tokens, guess))
    # a long article too: the choose strategy makes one choice per part
    strategy = strategy_of(settings, context.backend)
    made = BriefPlan(strategy, mode, settings.verify, options, budget, chunks, tokens)
    if bounded and chunks:
        _check_bound(made, settings, article)
    return made


def _check_bound(made: BriefPlan, settings: Settings, article: Article) -> None:
    """Refuse, before any call, a plan over ``max_requests_per_brief`` or (unset) a runaway
    one: more answers than :data:`MAX_AUTO_ANSWERS`."""
    cap = settings.max_requests_per_brief
    n = len(made.chunks)
    if cap is not None and made.max_requests > cap:
        raise ConfigurationError(
            f"briefing it in {n} chunk(s) may take up to {made.max_requests} requests, above "
            f"max_requests_per_brief={cap} (from {settings.source_of('max_requests_per_brief')})"
            "; raise it, or raise context_window / chunk_tokens for fewer chunks",
            source=article.label,
        )
    if cap is None and made.requests > MAX_AUTO_ANSWERS:
        b = made.budget
        raise ConfigurationError(
            f"a runaway plan: {made.tokens} article tokens in {n} chunks of {b.chunk_tokens} "
            f"(window {b.window}, {b.window_source}) make {made.requests} model calls, above "
            f"{MAX_AUTO_ANSWERS}; raise context_window or chunk_tokens, or set "
            "max_requests_per_brief to allow it",
            source=article.label,
        )


def cache_key(article: Article, parts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The brief cache key of ``article`` under ``parts`` (what makes a brief differ), and
    what it hashes: the text, the versions of the prompt, schema and support check, and
    ``parts``."""
    hashed: dict[str, Any] = {
        "content_hash": article.content_hash,
        "schema_version": SCHEMA_VERSION,
        "check_version": CHECK_VERSION,
        **parts,
    }
    blob = json.dumps(hashed, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest(), hashed


def key_parts(
    settings: Settings,
    options: Options,
    *,
    model: str,
    backend: str,
    mode: str,
    prompt_version: str,
    strategy: str,
) -> dict[str, Any]:
    """What makes a brief differ besides its text (the cache key's parts, but ``strict``,
    which each call may set)."""
    o, s = options, settings
    return {
        "model": model,
        "backend": backend,
        "prompt_version": prompt_version,
        "mode": mode,
        "max_reasks": o.max_reasks,
        "max_tokens": o.max_tokens,
        "temperature": o.temperature,
        "seed": o.seed,
        # how a long article is cut changes the brief as much as the model does
        "context_window": s.context_window,
        "max_input_tokens": s.max_input_tokens,
        "chunk_tokens": s.chunk_tokens,
        "chunk_overlap": s.chunk_overlap,
        "strategy": strategy,
        "verify": s.verify,
        "language": s.language,
    }
