"""Everything batch mode takes from the pipeline and the model loop, in one place.

The pipeline and ``model/`` are being reshaped; a renamed attribute there is a one-line fix
here. Nothing else in :mod:`summarizer.batch` imports ``pipeline`` or ``model`` internals.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import ConfigurationError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from summarizer.article import Article
    from summarizer.brief import Brief, Usage
    from summarizer.cache import BriefCache, Cache
    from summarizer.model.conversation import Conversation, Outcome
    from summarizer.pipeline import Summarizer

__all__ = [
    "assemble",
    "db_path",
    "open_brief_cache",
    "batch_mode",
    "brief_cache",
    "cache_key",
    "check_one_call",
    "conversation",
    "endpoint",
    "live_complete",
    "load",
    "parse_completion",
    "read_arg",
    "strict_default",
]


def db_path(db: Path | None) -> Path:
    """The database file shared with the brief cache and the digest store."""
    from summarizer.cache import default_db_path

    return default_db_path(db)


def open_brief_cache(db: Path | None) -> Cache:
    """The brief cache in that database (what ``summarize`` and the digest read)."""
    from summarizer.cache import open_cache

    return open_cache(db)


def endpoint(summarizer: Summarizer) -> tuple[str, str | None, float]:
    """``(base_url, api_key, timeout_s)`` of the summarizer's backend."""
    backend = summarizer.backend
    if backend.base_url is None:
        raise ConfigurationError(
            "batch mode needs an OpenAI-compatible endpoint with the Batch API "
            "(--base-url or a backend profile), not the embedded model"
        )
    return backend.base_url, backend.api_key, summarizer.settings.timeout_s


def model_name(summarizer: Summarizer) -> str:
    return summarizer.backend.model


def batch_mode(summarizer: Summarizer) -> str:
    """The request mode of a batch: a batch cannot fall back, so ``auto`` takes the mode that
    worked for this endpoint before, else the first of the fallback order."""
    from summarizer.model.backends import FALLBACK_ORDER, ModeMemory

    backend = summarizer.backend
    if backend.mode_pinned:
        return backend.mode
    remembered = ModeMemory().get(backend.base_url) if backend.base_url else None
    return remembered or FALLBACK_ORDER[0]


def strict_default(summarizer: Summarizer) -> bool:
    return summarizer.options.strict


def load(summarizer: Summarizer, source: Any) -> Article:
    from summarizer.article import Article, load_article

    return source if isinstance(source, Article) else load_article(source, limits=summarizer.limits)


def check_one_call(summarizer: Summarizer, article: Article) -> None:
    """InputError unless ``article`` fits one request of the model's window, as the live
    path would send it: a batch line is one call (no chunks, no map-reduce), so an article
    the live path would split (or refuse) is refused here, before anything is queued. The
    article is counted, not split (splitting 1 MB on one line takes seconds)."""
    from summarizer.errors import InputError
    from summarizer.longform.budget import numbered
    from summarizer.longform.split import estimate_tokens

    planner = summarizer._planner_for(summarizer._ensure_transport())
    if planner.fits_offline(article):  # also refuses what is over max_input_bytes
        return
    window = planner.window()
    if window is None or planner.fits_offline(article):  # the window is known now
        return
    counter = planner.counter()
    budget = planner.budget(article, counter, window)
    count = counter.count if counter.exact else estimate_tokens
    tokens = numbered(count, article.text)
    if tokens > budget.max_input_tokens:
        raise InputError(
            f"too long for one batch request: {tokens} tokens, above the "
            f"{budget.max_input_tokens} one request holds (window {budget.window}, "
            f"{budget.window_source}); brief it live (summarizer summarize splits it into "
            "chunks), or raise context_window",
            source=article.label,
        )


def read_arg(summarizer: Summarizer, arg: str) -> Article:
    """A command-line source: ``-`` (stdin), an http(s) URL, or a file path."""
    from summarizer.article import read_source

    return read_source(arg, limits=summarizer.limits)


def cache_key(summarizer: Summarizer, article: Article, strict: bool) -> tuple[str, dict[str, Any]]:
    return summarizer.cache_key(article, strict)


def brief_cache(summarizer: Summarizer) -> BriefCache | None:
    return summarizer.cache


def conversation(
    summarizer: Summarizer, article: Article, *, model: str, mode: str, strict: bool
) -> Conversation:
    """A fresh conversation about ``article``, as the live path makes it."""
    from summarizer.model.conversation import conversations

    options = summarizer.options
    if options.strict != strict:
        options = replace(options, strict=strict)
    return conversations(article, summarizer.prompts, model=model, options=options)(mode)


def parse_completion(body: dict[str, Any]) -> ChatCompletion:
    """A chat completion from a batch output line's body (ValueError if it is not one)."""
    from openai.types.chat import ChatCompletion
    from pydantic import ValidationError

    from summarizer.model.tokens import usage_problem

    try:
        completion = ChatCompletion.model_validate(body)
    except ValidationError as exc:
        raise ValueError(
            f"the answer is not a chat completion ({exc.error_count()} errors)"
        ) from exc
    problem = usage_problem(completion)
    if problem is not None:  # a negative count would make the batch's cost negative
        raise ValueError(f"the answer is not usable: {problem}")
    return completion


def assemble(
    summarizer: Summarizer, article: Article, outcome: Outcome, *, batch: bool = True
) -> Brief:
    """The brief of a collected conversation, priced at the batch rate (``batch=False``: at
    the live rate, when its last answers were asked live)."""
    return summarizer._assemble(article, outcome, time.perf_counter(), batch=batch)


def live_complete(summarizer: Summarizer, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
    """One live answer through the summarizer's transport (retries included)."""
    return summarizer._ensure_transport().complete(kwargs, usage)
