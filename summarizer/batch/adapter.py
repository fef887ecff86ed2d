"""Everything batch mode takes from its host and the model loop, in one place.

The host is any object with the public surface of :class:`BriefHost` (the
:class:`~summarizer.pipeline.Summarizer` is one): batch mode never imports the pipeline, and
reaches nothing private of it. Nothing else in :mod:`summarizer.batch` imports ``model``
internals.

A batch sends one request per article and cannot fall back, re-plan or add a call, so the
brief's plan (:func:`summarizer.engine.plan.plan`) decides what it can take: a plan that verifies
(``verify``) or chooses (``strategy = "choose"``) is refused for the whole submission, and an
article that its plan cuts into chunks is rejected (brief it live). So a batch never
caches, under a key that records ``verify`` or ``strategy``, a brief made otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from summarizer.base.errors import ConfigurationError, InputError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from summarizer.article import Article, Limits
    from summarizer.base.config import Settings
    from summarizer.engine.cache import BriefCache, Cache
    from summarizer.engine.plan import BriefPlan
    from summarizer.engine.results import Source
    from summarizer.engine.spend import Estimate, Ledger
    from summarizer.model.backends import Backend
    from summarizer.model.conversation import Conversation, Outcome
    from summarizer.model.options import Options
    from summarizer.model.prompts import Prompts
    from summarizer.output.brief import Brief, Cost, Usage


class BriefHost(Protocol):
    """What batch mode needs of whoever makes briefs (the Summarizer's public surface)."""

    settings: Settings
    backend: Backend
    options: Options
    prompts: Prompts
    limits: Limits
    cache: BriefCache | None
    ledger: Ledger

    def plan(
        self, source: Source, *, strict: bool | None = None, bounded: bool = True
    ) -> BriefPlan: ...

    def cache_key(
        self, article: Article, strict: bool | None = None
    ) -> tuple[str, dict[str, Any]]: ...

    def assemble(
        self,
        article: Article,
        outcome: Outcome,
        *,
        batch: bool = False,
        started: float | None = None,
    ) -> Brief: ...

    def price(self, usage: Usage, *, batch: bool = False) -> Cost | None: ...

    def check_budget(self, estimate: Estimate) -> None: ...

    def complete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion: ...


Summarizer = BriefHost  # the name the batch modules use for their host

__all__ = [
    "BriefHost",
    "assemble",
    "db_path",
    "open_brief_cache",
    "batch_mode",
    "brief_cache",
    "cache_key",
    "check_plan",
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
    from summarizer.engine.cache import default_db_path

    return default_db_path(db)


def open_brief_cache(db: Path | None) -> Cache:
    """The brief cache in that database (what ``summarize`` and the digest read)."""
    from summarizer.engine.cache import open_cache

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
    from summarizer.engine.session import request_mode

    return request_mode(summarizer.backend)


def check_plan(summarizer: Summarizer, article: Article, strict: bool) -> None:
    """Refuse what a batch cannot do, as the article's plan says: the verifying call or the
    choose strategy (ConfigurationError: the whole submission), or an article cut into
    chunks (InputError: that article). The plan is made unbounded: an article whose live
    plan would be a runaway one is still one article too long for a batch line, refused
    alone, not a reason to refuse the others."""
    made = summarizer.plan(article, strict=strict, bounded=False)
    settings = summarizer.settings
    if made.verify:
        raise ConfigurationError(
            f"batch mode does not run the verifying call (verify=true, from "
            f"{settings.source_of('verify')}); brief live with --verify, or submit with verify "
            "off (--no-verify, SUMMARIZER_VERIFY=false)"
        )
    if made.strategy == "choose":
        raise ConfigurationError(
            f"batch mode sends written briefs only (strategy=choose, from "
            f"{settings.source_of('strategy')}); brief live, or set strategy to write"
        )
    if made.chunked:
        raise InputError(
            f"too long for one batch request ({made.tokens} tokens, {len(made.chunks)} chunks in "
            f"a {made.budget.window}-token window): brief it live, which cuts it into parts",
            source=article.label,
        )


def strict_default(summarizer: Summarizer) -> bool:
    return summarizer.options.strict


def load(summarizer: Summarizer, source: Any) -> Article:
    from summarizer.article import Article, load_article

    return source if isinstance(source, Article) else load_article(source, limits=summarizer.limits)


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
    """A fresh conversation about ``article``, as the live path makes it (the request
    options of its plan: strict applied, max_tokens as reserved)."""
    from summarizer.model.conversation import conversations

    options = summarizer.plan(article, strict=strict).options
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
    return summarizer.assemble(article, outcome, batch=batch)


def live_complete(summarizer: Summarizer, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
    """One live answer through the summarizer's transport (retries included)."""
    return summarizer.complete(kwargs, usage)
