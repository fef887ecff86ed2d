"""The library's front door: :class:`Summarizer` (one configured backend for many briefs),
:func:`summarize` and :func:`asummarize`.

The Summarizer holds the roles and delegates: the :class:`~summarizer.engine.session.Session`
(transport, embedded server, what the server says about itself), the plan
(:func:`summarizer.engine.plan.plan`), the live brief (:func:`summarizer.engine.execute.execute`),
the
brief cache (:mod:`summarizer.engine.cache`) and the money (:mod:`summarizer.engine.spend`: the
estimate
and the :class:`~summarizer.engine.spend.Ledger` against ``max_cost``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from summarizer.article import Article, Limits, load_article
from summarizer.base.config import Settings, SettingsOptions, settings_with
from summarizer.base.errors import SummarizerError
from summarizer.engine.cost import Pricer
from summarizer.engine.execute import Labels, assemble, execute, not_empty, source_info
from summarizer.engine.plan import BriefPlan, cache_key, key_parts, plan, strategy_of
from summarizer.engine.results import BriefResult, Source
from summarizer.engine.session import Session
from summarizer.engine.spend import Estimate, Ledger, estimate_plan
from summarizer.model import portal
from summarizer.model.backends import OPENAI_BASE_URL, Backend, resolve_backend
from summarizer.model.options import Options
from summarizer.model.prompts import Prompts, load_prompts
from summarizer.output.brief import Brief, Cost, Usage

if TYPE_CHECKING:
    import httpx2
    from openai.types.chat import ChatCompletion

    from summarizer.batch.collect import BatchJob
    from summarizer.engine.cache import BriefCache
    from summarizer.model.conversation import Outcome
    from summarizer.model.transport import Transport

Entry = tuple[str, dict[str, Any]] | None  # a cache key and what it hashes

__all__ = ["BriefResult", "Source", "Summarizer", "SummarizerOptions", "asummarize", "summarize"]

log = logging.getLogger(__name__)


class Summarizer:
    """One configured backend for many briefs (the client and any local server are reused).

    The keywords are the settings (:class:`~summarizer.base.config.Settings`, one keyword per
    setting); a keyword left ``None`` comes from ``settings`` when given, else from the
    environment, the config file, then the defaults. ``transport`` is an ``httpx2``
    transport (``httpx2.MockTransport(handler)``, any ``httpx2.AsyncBaseTransport``) that
    the model requests go through instead of the network; see :mod:`summarizer.testing`.
    ``max_cost`` (USD) bounds what this Summarizer's fresh briefs may spend;
    ``price_provider`` (a genai-prices provider id) prices a provider's model served from
    another base URL (see docs/cost.md).
    """

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        cache: BriefCache | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        **options: Unpack[SettingsOptions],
    ) -> None:
        self.settings = settings_with(settings, dict(options))
        if self.settings.language:  # an unknown code is a configuration error (exit 2), now
            from summarizer.base.i18n import language_name

            language_name(self.settings.language)
        self.backend: Backend = resolve_backend(self.settings)
        self.prompts: Prompts = load_prompts(self.settings.prompts_dir)
        self._request_options: Options = self._options()
        self.limits = Limits(max_bytes=self.settings.max_input_bytes)
        self.cache = cache
        self.session = Session(
            self.settings, self.backend, self._request_options, self.prompts, http=transport
        )
        self.ledger = Ledger(self.settings.max_cost)
        b = self.backend
        self._pricer = Pricer(b.model, b.base_url, embedded=b.embedded,
                              provider=self.settings.price_provider)  # fmt: skip
        self._key_parts = self._parts()

    def _options(self) -> Options:
        """The request options, tuned for the embedded server (before it starts: the cache
        key and the requests see the same options)."""
        options = Options.from_settings(self.settings)
        if self.backend.local_model is not None:
            from summarizer.model.local import tune

            options = tune(options, self.backend.local_model, explicit=set(self.settings.sources))
        return options

    @property
    def options(self) -> Options:
        """The request options (tuned for the embedded server)."""
        return self._request_options

    @options.setter
    def options(self, options: Options) -> None:
        """Other request options, before the first brief (the transport and the cache key
        read them)."""
        if self.session.started:
            raise RuntimeError("the request options are fixed once a brief has started")
        self._request_options = options
        self.session = Session(
            self.settings, self.backend, options, self.prompts, http=self.session.http
        )
        self._key_parts = self._parts()

    # --- lifecycle ---

    @property
    def backend_label(self) -> str:
        b = self.backend
        if b.embedded or b.name != "custom":
            return b.name
        return "openai" if b.base_url == OPENAI_BASE_URL else str(b.base_url)

    @property
    def price_provider(self) -> str | None:
        return self.settings.price_provider

    def close(self) -> None:
        """Close the HTTP client and stop the embedded server, if one was started."""
        self.session.close()

    async def aclose(self) -> None:
        await self.session.aclose()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- the plan ---

    @property
    def strategy(self) -> str:
        """``write`` or ``choose`` (``auto``: choose for the embedded default model only)."""
        return strategy_of(self.settings, self.backend)

    def plan(
        self, source: Source, *, strict: bool | None = None, bounded: bool = True
    ) -> BriefPlan:
        """How a fresh brief of ``source`` would be made, decided offline (nothing started,
        nothing asked: the window known without a probe, else the default, and the token
        estimate). The live brief re-plans with what the server says, when it has to.
        ``bounded=False``: a long article's plan over the request bound is returned, not
        refused (a batch refuses any plan in chunks, for that article only)."""
        article = self._load(source)
        return plan(article, self.settings, self.session.offline(), mode=self.session.mode,
                    strict=strict, bounded=bounded)  # fmt: skip

    def _load(self, source: Source) -> Article:
        return source if isinstance(source, Article) else load_article(source, limits=self.limits)

    async def _live_plan(
        self, article: Article, transport: Transport, strict: bool | None
    ) -> tuple[BriefPlan, int]:
        """The plan of a live brief, and the tokenizer requests it took: made without I/O
        when the window is known and the article surely fits; else after asking the server
        (in a thread: the probe and the tokenizer are sync I/O)."""
        known = self.session.known(transport)
        if known is not None:
            made = plan(article, self.settings, known, mode=transport.mode, strict=strict)
            if not made.chunked:
                return made, 0
        return await asyncio.to_thread(self._asked_plan, article, transport, strict)

    def _asked_plan(
        self, article: Article, transport: Transport, strict: bool | None
    ) -> tuple[BriefPlan, int]:
        from summarizer.longform.servers import count_posts

        count_posts(reset=True)
        context = self.session.asked(transport, exact=False)  # the window probed, once
        made = plan(article, self.settings, context, mode=transport.mode, strict=strict,
                    bounded=False)  # fmt: skip
        if made.chunked:  # too long by the estimate: count with the server's tokenizer
            context = self.session.asked(transport, exact=True)
            made = plan(article, self.settings, context, mode=transport.mode, strict=strict)
        return made, count_posts(reset=True)

    # --- the cache ---

    def _parts(self) -> dict[str, Any]:
        return key_parts(self.settings, self.options, model=self.backend.model,
                         backend=self.backend_label, mode=self.backend.mode,
                         prompt_version=self.prompts.version, strategy=self.strategy)  # fmt: skip

    def cache_key(self, article: Article, strict: bool | None = None) -> tuple[str, dict[str, Any]]:
        """The brief cache key of ``article``, and what it hashes (the versions of the
        prompts, the schema and the support check among them)."""
        strict = self.options.strict if strict is None else strict
        return cache_key(article, {**self._key_parts, "strict": strict})

    def _cached(self, article: Article, strict: bool | None) -> tuple[Brief | None, Entry]:
        if self.cache is None:
            return None, None
        key, parts = self.cache_key(article, strict)
        hit = self.cache.get_brief(key)
        if hit is not None:  # the same text may come from another URL: report this one
            hit = hit.model_copy(update={"source": source_info(article)})
        return hit, (key, parts)

    def _remember(self, brief: Brief, entry: Entry) -> Brief:
        if self.cache is not None and entry is not None:
            self.cache.put_brief(entry[0], brief, entry[1])
        return brief

    # --- money (summarizer/engine/spend.py) ---

    def price(self, usage: Usage, *, batch: bool = False) -> Cost | None:
        """What ``usage`` costs with this backend (the embedded model: nothing; unknown:
        None, and said once why when a price provider would give one)."""
        return self._pricer(usage, batch=batch)

    @property
    def priced(self) -> str:
        """What is priced, for messages: the model and where it is served."""
        return f"model {self.backend.model} at {self.backend_label}"

    @property
    def spent(self) -> float:
        """USD spent by this Summarizer's fresh briefs (failed ones included), from their
        ``usage.cost``."""
        return self.ledger.spent

    def estimate(self, source: Source, *, batch: bool = False) -> Estimate:
        """What briefing ``source`` would take (no model call; a cached brief: nothing)."""
        article = self._load(source)
        if self._cached(article, None)[0] is not None:
            return Estimate.free(batch=batch)
        return self._estimate(article, batch=batch)

    def _estimate(
        self, article: Article, *, batch: bool = False, strict: bool | None = None
    ) -> Estimate:
        made = self.plan(article, strict=strict)
        return estimate_plan(
            article, made, self.prompts, self.backend.model, partial(self.price, batch=batch)
        )

    def check_budget(self, estimate: Estimate) -> None:
        """Raise BudgetExceededError when ``estimate`` is above ``max_cost`` (exit 2)."""
        self.ledger.check(estimate, what=self.priced)

    # --- briefs ---

    def assemble(
        self,
        article: Article,
        outcome: Outcome,
        *,
        batch: bool = False,
        started: float | None = None,
    ) -> Brief:
        """The Brief of a finished conversation, priced (``batch``: at the batch rate)."""
        labels = Labels(self.backend.model, self.backend_label, self.prompts.version,
                        self.settings.language)  # fmt: skip
        cost = self.price(outcome.usage, batch=batch)  # the embedded model: $0, as estimated
        return assemble(article, outcome, labels, cost=cost,
                        started=time.perf_counter() if started is None else started)  # fmt: skip

    def complete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
        """One live answer to a request as built, through this backend's transport (its
        retries included)."""
        return self.session.transport().complete(kwargs, usage)

    async def _brief(self, article: Article, strict: bool | None, started: float) -> Brief:
        """A fresh brief of ``article``, as its plan says."""
        transport = await self.session.atransport()
        made, tokenizer_calls = await self._live_plan(article, transport, strict)
        outcome = await execute(
            article, made, transport=transport, prompts=self.prompts,
            model=self.backend.model, settings=self.settings,
        )  # fmt: skip
        outcome.usage.requests += tokenizer_calls
        brief = self.assemble(article, outcome, started=started)
        return brief.model_copy(update={"chunks": len(made.chunks)}) if made.chunked else brief

    async def _fresh(self, article: Article, strict: bool | None, started: float) -> Brief:
        """:meth:`_brief` within the budget: its estimate reserved before, its cost after."""
        estimate = partial(self._estimate, article, strict=strict)  # only under a budget
        with self.ledger.hold(estimate, what=self.priced, label=article.label) as held:
            try:
                brief = not_empty(await self._brief(article, strict, started), article)
            except SummarizerError as exc:  # a failed brief's calls were paid for too
                held.cost = self.price(exc.usage) if isinstance(exc.usage, Usage) else None
                raise
            held.cost = brief.usage.cost
        return brief

    def summarize(self, source: Source, *, strict: bool | None = None) -> Brief:
        """Brief one article (text, path, URL or Article); a cached brief costs no call."""
        started = time.perf_counter()
        article = load_article(source, limits=self.limits)
        hit, entry = self._cached(article, strict)
        if hit is not None:
            return hit
        return self._remember(portal.run(self._fresh(article, strict, started)), entry)

    async def asummarize(self, source: Source, *, strict: bool | None = None) -> Brief:
        """Async twin of :meth:`summarize`."""
        started = time.perf_counter()
        if isinstance(source, Article):  # nothing to read: no thread hop (the digest's case)
            article = source
        else:
            article = await asyncio.to_thread(load_article, source, limits=self.limits)
        hit, entry = self._cached(article, strict)
        if hit is not None:
            return hit
        return self._remember(await self._fresh(article, strict, started), entry)

    def submit_batch(self, sources: Iterable[Source], *, strict: bool | None = None) -> BatchJob:
        """Queue ``sources`` through the provider's Batch API (half price, within 24 h); see
        :func:`summarizer.batch.submit_batch`. Refused above ``max_cost`` (estimated at batch
        rates); ``.status()`` and ``.collect()`` on the job that comes back."""
        from summarizer.batch.collect import submit_batch

        return submit_batch(self, sources, strict=strict)

    async def summarize_many(
        self, sources: Iterable[Source], *, concurrency: int = 8, strict: bool | None = None
    ) -> AsyncIterator[BriefResult]:
        """Brief many sources concurrently; yield each result (or its error) as it finishes."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        limit = asyncio.Semaphore(concurrency)

        async def one(index: int, source: Source) -> BriefResult:
            async with limit:
                try:
                    brief = await self.asummarize(source, strict=strict)
                except SummarizerError as exc:
                    return BriefResult(index, source, error=exc)
                return BriefResult(index, source, brief=brief)

        tasks = [asyncio.create_task(one(i, s)) for i, s in enumerate(sources)]
        try:
            for finished in asyncio.as_completed(tasks):
                yield await finished
        finally:
            for task in tasks:
                task.cancel()


class SummarizerOptions(SettingsOptions, total=False):
    """The keywords of :class:`Summarizer`, for :func:`summarize` and :func:`asummarize`."""

    settings: Settings | None
    cache: BriefCache | None
    transport: httpx2.AsyncBaseTransport | None


def summarize(source: Source, **options: Unpack[SummarizerOptions]) -> Brief:
    """Brief one article with a one-off :class:`Summarizer` (``options``: its keywords).

    ``None`` means "from the environment, the config file, or the default" (``strict``:
    False).
    """
    with Summarizer(**options) as summarizer:
        return summarizer.summarize(source)


async def asummarize(source: Source, **options: Unpack[SummarizerOptions]) -> Brief:
    """Async twin of :func:`summarize`."""
    async with Summarizer(**options) as summarizer:
        return await summarizer.asummarize(source)
