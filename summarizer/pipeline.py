"""The pipeline for one article: load, prompt, ask, ground, assemble the Brief."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from summarizer.article import Article, Limits, load_article
from summarizer.brief import SCHEMA_VERSION, Brief, Cost, SourceInfo, Usage, method_of
from summarizer.config import Settings, load_settings
from summarizer.errors import SummarizerError
from summarizer.model import portal
from summarizer.model.backends import OPENAI_BASE_URL, Backend, ModeMemory, resolve_backend
from summarizer.model.conversation import Outcome, conversations, drive
from summarizer.model.options import Options
from summarizer.model.transport import Transport
from summarizer.prompts import Prompts, load_prompts
from summarizer.spend import Estimate, Ledger, estimate_article

if TYPE_CHECKING:
    import httpx2

    from summarizer.batch.collect import BatchJob
    from summarizer.cache import BriefCache
    from summarizer.grounding import ArticleIndex
    from summarizer.longform.budget import Planner
    from summarizer.model.local import LocalServer

Entry = tuple[str, dict[str, Any]] | None  # a cache key and what it hashes

__all__ = ["BriefResult", "Source", "Summarizer", "asummarize", "summarize"]

log = logging.getLogger(__name__)

Source = str | Path | Article


@dataclass
class BriefResult:
    """One finished item of :meth:`Summarizer.summarize_many`: a brief or its error."""

    index: int
    source: Source
    brief: Brief | None = None
    error: SummarizerError | None = None

    @property
    def ok(self) -> bool:
        return self.brief is not None


class Summarizer:
    """One configured backend for many briefs (the client and any local server are reused).

    Options left ``None`` come from the environment, the config file, then defaults.
    ``transport`` is an ``httpx2`` transport (``httpx2.MockTransport(handler)``, any
    ``httpx2.AsyncBaseTransport``) that the model requests go through instead of the
    network; see :mod:`summarizer.testing`. ``max_cost`` (USD) bounds what this
    Summarizer's fresh briefs may spend; ``price_provider`` (a genai-prices provider id)
    prices a provider's model served from another base URL (see docs/cost.md).
    """

    def __init__(
        self,
        *,
        model: str | None = None,
        base_url: str | None = None,
        backend: str | None = None,
        mode: str | None = None,
        strict: bool | None = None,
        max_reasks: int | None = None,
        prompts_dir: Path | None = None,
        local_model: Path | None = None,
        timeout_s: float | None = None,
        max_tokens: int | None = None,
        strategy: str | None = None,
        verify: bool | None = None,
        language: str | None = None,
        max_cost: float | None = None,
        price_provider: str | None = None,
        settings: Settings | None = None,
        cache: BriefCache | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        flags: dict[str, Any] = {
            "model": model,
            "base_url": base_url,
            "backend": backend,
            "mode": mode,
            "strict": strict,
            "max_reasks": max_reasks,
            "prompts_dir": prompts_dir,
            "local_model": local_model,
            "timeout_s": timeout_s,
            "max_tokens": max_tokens,
            "strategy": strategy,
            "verify": verify,
            "language": language,
            "max_cost": max_cost,
            "price_provider": price_provider,
        }
        self.settings = settings if settings is not None else load_settings(flags)
        if self.settings.language:  # an unknown code is a configuration error (exit 2), now
            from summarizer.i18n import language_name

            language_name(self.settings.language)
        self.backend: Backend = resolve_backend(self.settings)
        self.prompts: Prompts = load_prompts(self.settings.prompts_dir)
        self.options: Options = self._options()
        self.limits = Limits(max_bytes=self.settings.max_input_bytes)
        self.cache = cache
        self._http = transport
        self._transport: Transport | None = None
        self._start_lock = threading.Lock()
        self._local: LocalServer | None = None
        self._planner: Planner | None = None
        # the keyword wins over settings made elsewhere (the CLI passes both)
        self.price_provider = price_provider or self.settings.price_provider
        self.ledger = Ledger(self.settings.max_cost)
        self._price_hinted = False

    def _options(self) -> Options:
        """The request options, tuned for the embedded server (before it starts: the cache
        key and the requests see the same options)."""
        options = Options.from_settings(self.settings)
        if self.backend.local_model is not None:
            from summarizer.model.local import tune

            options = tune(options, self.backend.local_model, explicit=set(self.settings.sources))
        return options

    # --- lifecycle ---

    @property
    def backend_label(self) -> str:
        b = self.backend
        if b.embedded or b.name != "custom":
            return b.name
        return "openai" if b.base_url == OPENAI_BASE_URL else str(b.base_url)

    def _ensure_transport(self) -> Transport:
        # Locked: concurrent briefs reach this from worker threads, and two of them must not
        # each start an embedded server.
        with self._start_lock:
            if self._transport is None:
                self._transport = Transport(
                    self.backend,
                    self.options,
                    base_url=self._start_local(),
                    memory=ModeMemory(),
                    http=self._http,
                )
            return self._transport

    def _start_local(self) -> str | None:
        """The embedded server's base URL once it runs (None: the backend has its own)."""
        if self.backend.local_model is None:
            return None
        from summarizer.model.local import LocalServer

        if self._local is None:
            self._local = LocalServer(self.backend.local_model)
            if self.settings.context_window:  # the window long articles are cut to fit
                self._local.n_ctx = self.settings.context_window
        self._local.warn_if_tiny()
        return self._local.start()

    async def _atransport(self) -> Transport:
        if self._transport is not None:
            return self._transport
        # may start the embedded server: not on the event loop
        return await asyncio.to_thread(self._ensure_transport)

    def close(self) -> None:
        """Close the HTTP client and stop the embedded server, if one was started."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._local is not None:
            self._local.stop()
            self._local = None

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None
        self.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- briefs ---

    @staticmethod
    def _source_info(article: Article) -> SourceInfo:
        return SourceInfo(
            title=article.title,
            url=article.url,
            published=article.published,
            site=article.site,
            content_hash=article.content_hash,
        )

    def _assemble(
        self, article: Article, outcome: Outcome, started: float, *, batch: bool = False
    ) -> Brief:
        usage = outcome.usage
        usage.cost = self.price(usage, batch=batch)  # the embedded model: $0, as estimated
        return Brief.model_validate(
            {
                **outcome.draft.model_dump(),
                "method": method_of(outcome.draft),
                "language": self.settings.language,
                "source": self._source_info(article),
                "model": self.backend.model,
                "backend": self.backend_label,
                "prompt_version": self.prompts.version,
                "usage": outcome.usage,
                "attempts": outcome.attempts,
                "latency_s": round(time.perf_counter() - started, 4),
                "created_at": datetime.now(UTC),
                "grounding": outcome.report,
            }
        )

    @property
    def strategy(self) -> str:
        """``write`` or ``choose`` (``auto``: choose for the embedded default model only)."""
        chosen = self.settings.strategy
        if chosen == "auto":
            tiny = self.backend.embedded and self.settings.local_model is None
            return "choose" if tiny else "write"
        return chosen

    # --- the cache ---

    def cache_key(self, article: Article, strict: bool | None = None) -> tuple[str, dict[str, Any]]:
        """The brief cache key of ``article``, and what it hashes."""
        o = self.options
        parts: dict[str, Any] = {
            "content_hash": article.content_hash,
            "model": self.backend.model,
            "backend": self.backend_label,
            "prompt_version": self.prompts.version,
            "schema_version": SCHEMA_VERSION,
            "mode": self.backend.mode,
            "strict": o.strict if strict is None else strict,
            "max_reasks": o.max_reasks,
            "max_tokens": o.max_tokens,
            "temperature": o.temperature,
            "seed": o.seed,
            # how a long article is cut changes the brief as much as the model does
            "context_window": self.settings.context_window,
            "max_input_tokens": self.settings.max_input_tokens,
            "chunk_tokens": self.settings.chunk_tokens,
            "chunk_overlap": self.settings.chunk_overlap,
            "strategy": self.strategy,
            "verify": self.settings.verify,
            "language": self.settings.language,
        }
        blob = json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest(), parts

    def _cached(self, article: Article, strict: bool | None) -> tuple[Brief | None, Entry]:
        if self.cache is None:
            return None, None
        key, parts = self.cache_key(article, strict)
        hit = self.cache.get_brief(key)
        if hit is not None:  # the same text may come from another URL: report this one
            hit = hit.model_copy(update={"source": self._source_info(article)})
        return hit, (key, parts)

    def _remember(self, brief: Brief, entry: Entry) -> Brief:
        if self.cache is not None and entry is not None:
            self.cache.put_brief(entry[0], brief, entry[1])
        return brief

    # --- money (summarizer/spend.py) ---

    def price(self, usage: Usage, *, batch: bool = False) -> Cost | None:
        """What ``usage`` costs with this backend (the embedded model: nothing; unknown:
        None)."""
        if self.backend.embedded:
            return Cost(amount=0.0, batch=batch)
        from summarizer.cost import price

        model, url = self.backend.model, self.backend.base_url
        cost = price(usage, model=model, base_url=url, batch=batch, provider=self.price_provider)
        if cost is None and not self._price_hinted:
            self._price_hinted = True
            self._hint_price(model, url)
        return cost

    def _hint_price(self, model: str, url: str | None) -> None:
        """Say once why a model that has a published price got none here."""
        from summarizer.cost import listed_by

        maker = None if self.price_provider else listed_by(model)
        if maker is not None:
            log.warning(
                "no price for %s at %s: that address is not %s's; if it serves %s's %s at "
                "its price, set --price-provider %s (config price_provider); cost stays null",
                model, url, maker, maker, model, maker,
            )  # fmt: skip

    @property
    def _priced(self) -> str:
        return f"model {self.backend.model} at {self.backend_label}"

    @property
    def spent(self) -> float:
        """USD spent by this Summarizer's fresh briefs (failed ones included), from their
        ``usage.cost``."""
        return self.ledger.spent

    def estimate(self, source: Source, *, batch: bool = False) -> Estimate:
        """What briefing ``source`` would take (no model call; a cached brief: nothing)."""
        article = (
            source if isinstance(source, Article) else load_article(source, limits=self.limits)
        )
        if self._cached(article, None)[0] is not None:
            return Estimate.free(batch=batch)
        return estimate_article(self, article, batch=batch)

    def check_budget(self, estimate: Estimate) -> None:
        """Raise BudgetExceededError when ``estimate`` is above ``max_cost`` (exit 2)."""
        self.ledger.check(estimate, what=self._priced)

    # --- the model ---

    def _planner_for(self, transport: Transport) -> Planner:
        if self._planner is None:
            from summarizer.longform.budget import Planner

            self._planner = Planner(
                self.settings,
                self.backend,
                self.prompts,
                base_url=transport.base_url,
                max_tokens=transport.options.max_tokens,
                local_n_ctx=self._local.n_ctx if self._local is not None else None,
                transport=self._http,
            )
        return self._planner

    async def _ask(
        self,
        article: Article,
        options: Options,
        *,
        messages: list[dict[str, Any]] | None = None,
        index: ArticleIndex | None = None,
    ) -> Outcome:
        """One conversation about ``article`` over the transport (the map-reduce's ``ask``)."""
        new = conversations(
            article,
            self.prompts,
            model=self.backend.model,
            options=options,
            index=index,
            messages=messages,
        )
        return await drive(new, await self._atransport())

    async def _judged(self, outcome: Outcome, transport: Transport) -> Outcome:
        """``outcome`` after the verifying call (``verify``): it may only remove or flag."""
        if not self.settings.verify:
            return outcome
        from summarizer.judge import Judge

        judge = Judge(outcome.draft, model=self.backend.model, mode=transport.mode)
        kwargs = judge.request()
        if kwargs is None:
            return outcome
        usage = Usage()
        try:
            completion = await transport.acomplete(kwargs, usage)
        finally:
            outcome.usage.add(usage)
        return replace(outcome, draft=judge.apply(completion, outcome.report))

    async def _brief(self, article: Article, strict: bool | None, started: float) -> Brief:
        """A fresh brief of ``article``: one call, or a map-reduce when it is too long."""
        transport = await self._atransport()
        options = transport.options.with_strict(strict)
        planner = self._planner_for(transport)
        plan, tokenizer_calls = None, 0
        if not planner.fits_offline(article):  # may ask the server: not on the event loop
            plan, tokenizer_calls = await asyncio.to_thread(planner.prepare, article, options)
        options = planner.sized(options)  # max_tokens auto: what the plan reserved
        if plan is None and self.strategy == "choose":
            from summarizer.extract.run import choose

            outcome = await choose(
                article, transport=transport, model=self.backend.model, strict=options.strict
            )
            outcome.usage.requests += tokenizer_calls
            return self._assemble(article, await self._judged(outcome, transport), started)
        if plan is None:
            outcome = await self._judged(await self._ask(article, options), transport)
            outcome.usage.requests += tokenizer_calls
            return self._assemble(article, outcome, started)
        from summarizer.longform.mapreduce import brief_chunks, concurrency

        outcome = await brief_chunks(
            article,
            plan,
            ask=self._ask,
            prompts=self.prompts,
            options=options,
            concurrency=concurrency(self.settings, embedded=self.backend.embedded),
        )
        outcome.usage.requests += tokenizer_calls
        brief = self._assemble(article, outcome, started)
        return brief.model_copy(update={"chunks": len(plan.chunks)})

    async def _fresh(self, article: Article, strict: bool | None, started: float) -> Brief:
        """:meth:`_brief` within the budget: its estimate reserved before, its cost after."""
        estimate = partial(estimate_article, self, article)  # computed only under a budget
        with self.ledger.hold(estimate, what=self._priced, label=article.label) as held:
            try:
                brief = await self._brief(article, strict, started)
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
        return self._remember(portal.call(self._fresh(article, strict, started)), entry)

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


class SummarizerOptions(TypedDict, total=False):
    """The keywords of :class:`Summarizer`, for :func:`summarize` and :func:`asummarize`."""

    model: str | None
    base_url: str | None
    backend: str | None
    mode: str | None
    strict: bool | None
    max_reasks: int | None
    prompts_dir: Path | None
    local_model: Path | None
    timeout_s: float | None
    max_tokens: int | None
    strategy: str | None
    verify: bool | None
    language: str | None
    max_cost: float | None
    price_provider: str | None
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
