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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.article import Article, Limits, load_article
from summarizer.brief import SCHEMA_VERSION, Brief, SourceInfo
from summarizer.config import Settings, load_settings
from summarizer.errors import SummarizerError
from summarizer.model.backends import OPENAI_BASE_URL, Backend, ModeMemory, resolve_backend
from summarizer.model.conversation import Options, Outcome, arun, conversations, run
from summarizer.model.transport import Transport
from summarizer.prompts import Prompts, load_prompts

if TYPE_CHECKING:
    from summarizer.cache import BriefCache

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
        settings: Settings | None = None,
        cache: BriefCache | None = None,
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
        }
        self.settings = settings if settings is not None else load_settings(flags)
        self.backend: Backend = resolve_backend(self.settings)
        self.prompts: Prompts = load_prompts(self.settings.prompts_dir)
        s = self.settings
        self.options = Options(
            max_reasks=s.max_reasks,
            strict=s.strict,
            max_tokens=s.max_tokens,
            temperature=s.temperature,
            seed=s.seed,
            transport_attempts=s.transport_attempts,
            retry_max_wait_s=s.retry_max_wait_s,
            timeout_s=s.timeout_s,
        )
        self.limits = Limits(max_bytes=s.max_input_bytes)
        self._transport: Transport | None = None
        self._start_lock = threading.Lock()
        self._local: Any = None
        self._chunker: Any = None  # summarizer.longform.mapreduce.Chunker, made on first use
        self.cache = cache

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
            return self._start_transport()

    def _start_transport(self) -> Transport:
        if self._transport is None:
            backend, options = self.backend, self.options
            if backend.embedded:
                from summarizer.model.local import LocalServer

                assert backend.local_model is not None
                self._local = LocalServer(backend.local_model)
                if self.settings.context_window:  # the window long articles are cut to fit
                    self._local.n_ctx = self.settings.context_window
                backend.base_url = self._local.start()
                options = self._local.tune(options, explicit=set(self.settings.sources))
            self._transport = Transport(backend, options, memory=ModeMemory())
        return self._transport

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

    def _conversation_factory(self, article: Article, strict: bool | None) -> Any:
        options = self._ensure_transport().options
        if strict is not None and strict != options.strict:
            options = replace(options, strict=strict)
        return conversations(article, self.prompts, model=self.backend.model, options=options)

    @staticmethod
    def _source_info(article: Article) -> SourceInfo:
        return SourceInfo(
            title=article.title,
            url=article.url,
            published=article.published,
            site=article.site,
            content_hash=article.content_hash,
        )

    def _assemble(self, article: Article, outcome: Outcome, started: float) -> Brief:
        return Brief.model_validate(
            {
                **outcome.draft.model_dump(),
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
        }
        blob = json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest(), parts

    def _cached(self, article: Article, strict: bool | None) -> tuple[Brief | None, Any]:
        if self.cache is None:
            return None, None
        key, parts = self.cache_key(article, strict)
        hit = self.cache.get_brief(key)
        if hit is not None:  # the same text may come from another URL: report this one
            hit = hit.model_copy(update={"source": self._source_info(article)})
        return hit, (key, parts)

    def _remember(self, brief: Brief, entry: Any) -> Brief:
        if self.cache is not None and entry is not None:
            self.cache.put_brief(entry[0], brief, entry[1])
        return brief

    # --- long articles (summarizer/chunking.py) ---

    def _chunk_plan(self, article: Article) -> Any:
        """``(budget, chunks)`` for an article too long for one call, or None when it fits."""
        from summarizer.longform.mapreduce import Chunker

        transport = self._ensure_transport()
        if self._chunker is None:
            n_ctx = self._local.n_ctx if self._local is not None else None
            self._chunker = Chunker(
                self.settings, self.backend, self.prompts, transport, local_n_ctx=n_ctx
            )
        return self._chunker.plan(article)

    def _chunked(self, article: Article, strict: bool | None, started: float) -> Brief | None:
        """The map-reduce brief of an article too long for one call, or None when it fits."""
        plan = self._chunk_plan(article)
        if plan is None:
            return None
        outcome = self._chunker.brief(article, *plan, strict)
        brief = self._assemble(article, outcome, started)
        return brief.model_copy(update={"chunks": len(plan[1])})

    async def _achunked(
        self, article: Article, strict: bool | None, started: float
    ) -> Brief | None:
        """Async twin of :meth:`_chunked`."""
        plan = await asyncio.to_thread(self._chunk_plan, article)
        if plan is None:
            return None
        outcome = await self._chunker.abrief(article, *plan, strict)
        brief = self._assemble(article, outcome, started)
        return brief.model_copy(update={"chunks": len(plan[1])})

    def summarize(self, source: Source, *, strict: bool | None = None) -> Brief:
        """Brief one article (text, path, URL or Article); a cached brief costs no call."""
        started = time.perf_counter()
        article = load_article(source, limits=self.limits)
        hit, entry = self._cached(article, strict)
        if hit is not None:
            return hit
        chunked = self._chunked(article, strict, started)
        if chunked is not None:
            return self._remember(chunked, entry)
        new = self._conversation_factory(article, strict)
        assert self._transport is not None
        return self._remember(self._assemble(article, run(new, self._transport), started), entry)

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
        chunked = await self._achunked(article, strict, started)
        if chunked is not None:
            return self._remember(chunked, entry)
        if self._transport is None:  # may start the embedded server: not on the event loop
            await asyncio.to_thread(self._ensure_transport)
        new = self._conversation_factory(article, strict)
        assert self._transport is not None
        brief = self._assemble(article, await arun(new, self._transport), started)
        return self._remember(brief, entry)

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


def summarize(
    source: Source,
    *,
    model: str | None = None,
    base_url: str | None = None,
    strict: bool | None = None,
    **options: Any,
) -> Brief:
    """Brief one article with a one-off :class:`Summarizer` (``options``: its other options).

    ``None`` means "from the environment, the config file, or the default" (``strict``:
    False).
    """
    with Summarizer(model=model, base_url=base_url, strict=strict, **options) as summarizer:
        return summarizer.summarize(source)


async def asummarize(
    source: Source,
    *,
    model: str | None = None,
    base_url: str | None = None,
    strict: bool | None = None,
    **options: Any,
) -> Brief:
    """Async twin of :func:`summarize`."""
    async with Summarizer(model=model, base_url=base_url, strict=strict, **options) as summarizer:
        return await summarizer.asummarize(source)
