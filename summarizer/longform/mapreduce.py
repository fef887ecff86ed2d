"""Long articles: the chunked map-reduce brief (plan: budget.py; splitting: split.py;
merging: merge.py).

Each chunk of a :class:`~summarizer.longform.budget.Plan` is briefed concurrently as its
own conversation, its quotes grounded against the chunk (map); the partial briefs are
merged by the program, actors deduplicated by normalized name, surname and acronym, the
other items by text and shared evidence (:func:`~summarizer.longform.merge.merge`); one
more model call writes the headline and summary of the whole from the parts' summaries
(reduce). The merged brief is checked once more against the whole article, so every quote
in it occurs there verbatim.

The model is reached only through ``ask`` (:class:`Ask`): one conversation about an
article, driven to its outcome. The pipeline passes one bound to its transport; a test can
pass anything that answers. See docs/long-articles.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from summarizer.article import Article
from summarizer.base.errors import BriefValidationError, TruncatedOutputError
from summarizer.grounding import ArticleIndex, check
from summarizer.longform.budget import (
    REASK_TOKENS,
    TEMPLATE_TOKENS,
    Budget,
    Chunk,
    Plan,
    schema_text,
)
from summarizer.longform.merge import merge
from summarizer.longform.servers import count_posts
from summarizer.longform.split import estimate_tokens
from summarizer.model.conversation import Outcome
from summarizer.model.options import Options
from summarizer.output.brief import BriefContent, DroppedItem, GroundingReport, Usage, as_draft

if TYPE_CHECKING:
    from summarizer.base.config import Settings
    from summarizer.model.prompts import Prompts

__all__ = ["Ask", "brief_chunks", "concurrency"]

log = logging.getLogger(__name__)


class Ask(Protocol):
    """One conversation about ``article`` driven to its outcome (``messages``: the prompt
    instead of the default one; ``index``: the article's grounding index, when built)."""

    def __call__(
        self,
        article: Article,
        options: Options,
        *,
        messages: list[dict[str, Any]] | None = None,
        index: ArticleIndex | None = None,
    ) -> Awaitable[Outcome]: ...


def concurrency(settings: Settings, *, embedded: bool) -> int:
    """Chunks briefed at once (the embedded server answers one request at a time)."""
    if embedded and settings.source_of("chunk_concurrency") == "default":
        return 1  # more would only queue on the server and run into timeouts
    return settings.chunk_concurrency


@dataclass
class _Part:
    chunk: Chunk
    outcome: Outcome | None = None
    error: Exception | None = None


def _spread(n: int) -> list[int]:
    """0..n-1 ordered so that any prefix covers the range evenly (first, last, middle, ...)."""
    if n <= 0:
        return []
    order, seen = [], set()
    queue = [(0, n - 1)]
    for x in (0, n - 1):
        if x not in seen:
            seen.add(x)
            order.append(x)
    while queue:
        a, b = queue.pop(0)
        if b - a < 2:
            continue
        mid = (a + b) // 2
        if mid not in seen:
            seen.add(mid)
            order.append(mid)
        queue += [(a, mid), (mid, b)]
    return order + [x for x in range(n) if x not in seen]


def _part_article(article: Article, chunk: Chunk, total: int) -> Article:
    return Article(
        text=chunk.text,
        title=article.title,
        url=article.url,
        published=article.published,
        site=article.site,
        origin=f"{article.label} (part {chunk.index + 1}/{total})",
    )


async def _map(plan: Plan, article: Article, ask: Ask, options: Options, limit: int) -> list[_Part]:
    """Brief every chunk, ``limit`` at once; a chunk that fails validation is recorded
    (unless strict), any other error cancels the rest."""
    parts = [_Part(c) for c in plan.chunks]
    gate = asyncio.Semaphore(limit)

    async def one(part: _Part) -> None:
        async with gate:
            try:
                part.outcome = await ask(_part_article(article, part.chunk, len(parts)), options)
            except (BriefValidationError, TruncatedOutputError) as exc:
                if options.strict:
                    raise
                log.warning("%s", exc)
                part.error = exc

    tasks = [asyncio.create_task(one(p)) for p in parts]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    return parts


async def brief_chunks(
    article: Article,
    plan: Plan,
    *,
    ask: Ask,
    prompts: Prompts,
    options: Options,
    concurrency: int,
) -> Outcome:
    """The brief of a long article: map over ``plan.chunks``, merge, reduce, check."""
    map_options = options if plan.budget.chunk_reasks else replace(options, max_reasks=0)
    parts = await _map(plan, article, ask, map_options, concurrency)
    reducer = _Reducer(article, plan.budget, parts, options, prompts)
    messages = await asyncio.to_thread(reducer.counted_messages)  # may ask the tokenizer
    outcome = None
    if messages is not None:
        try:
            outcome = await ask(article, options, messages=messages, index=reducer.index)
        except (BriefValidationError, TruncatedOutputError) as exc:
            reducer.failed(exc)  # the parts' own grounded sentences stand in
    return reducer.finish(outcome)


class _Reducer:
    """Merges the map outcomes; builds and finishes the consolidating call."""

    def __init__(
        self,
        article: Article,
        budget: Budget,
        parts: list[_Part],
        options: Options,
        prompts: Prompts,
    ) -> None:
        self.prompts = prompts
        self.article = article
        self.budget = budget
        self.parts = parts
        self.options = options
        self.usage = Usage()
        self.attempts = 0
        self.report = GroundingReport()
        self.done = [p for p in parts if p.outcome is not None]
        for p in parts:
            if p.outcome is not None:
                self._absorb(f"chunks[{p.chunk.index}]", p.outcome.report)
                self.usage.add(p.outcome.usage)
                self.attempts += p.outcome.attempts
            elif p.error is not None:
                self._error(f"chunks[{p.chunk.index}]", p.error, p.chunk)
        if not self.done:
            raise BriefValidationError(
                f"no part of the article could be briefed ({len(parts)} parts failed)",
                source=article.label,
                attempts=self.attempts,
                usage=self.usage,
            )
        self.index = ArticleIndex(article.text)

    def _absorb(
        self, prefix: str, report: GroundingReport, keep: Callable[[str], bool] | None = None
    ) -> None:
        """Add what a call's grounding dropped (only the paths ``keep`` accepts)."""
        r = self.report
        if keep is None:
            r.quotes_dropped += report.quotes_dropped
            r.items_dropped += report.items_dropped
        for item in report.dropped:
            if keep is not None and not keep(item.path):
                continue
            r.dropped.append(item.model_copy(update={"path": f"{prefix}.{item.path}"}))
            if keep is not None and item.kind == "item":
                r.items_dropped += 1
                evidence = item.content.get("evidence") if isinstance(item.content, dict) else None
                r.quotes_dropped += len(evidence) if isinstance(evidence, list) else 0
            elif keep is not None and item.kind == "quote":
                r.quotes_dropped += 1

    def _error(self, path: str, exc: Exception, chunk: Chunk | None = None) -> None:
        content: dict[str, Any] = {"error": type(exc).__name__}
        if chunk is not None:
            content.update(start=chunk.start, end=chunk.end)
        self.report.dropped.append(
            DroppedItem(path=path, kind="item", content=content, reasons=[str(exc)])
        )
        self.report.items_dropped += 1
        usage = getattr(exc, "usage", None)
        if isinstance(usage, Usage):
            self.usage.add(usage)
        self.attempts += getattr(exc, "attempts", 0) or 0

    def _parts_for_prompt(self) -> list[dict[str, Any]]:
        """The parts' headlines and summaries that fit the reduce call's window."""
        if not any(p.outcome and p.outcome.draft.summary for p in self.done):
            return []  # nothing to consolidate: no window to count
        b = self.budget
        count = estimate_tokens  # an over-estimate; one server call per sentence is not worth it
        # The fixed part (instructions and schema, ~1,000 tokens) is counted exactly when the
        # server has a tokenizer: the over-estimate of it alone fills a 2,048-token window.
        fixed = b.counter.count if b.counter.exact else count
        empty = self.prompts.merge_messages(self.article, [], total=len(self.parts))
        instructions = "\n".join(m["content"] for m in empty)
        room = b.window - fixed(instructions) - fixed(schema_text()) - b.reserved - TEMPLATE_TOKENS
        if b.chunk_reasks:
            room -= b.reserved + REASK_TOKENS
        room = max(room, 0)
        chosen: dict[int, dict[str, Any]] = {}
        used = 0
        done = self.done
        for level in range(4):
            for i in _spread(len(done)):
                p = done[i]
                assert p.outcome is not None
                draft = p.outcome.draft
                entry = chosen.get(i)
                cost = 0 if entry else count(draft.headline) + 8
                if level >= len(draft.summary):
                    continue
                sentence = draft.summary[level]
                quote = sentence.evidence[0].quote
                found = self.index.cite_quote(quote)  # its number in the whole article
                number = found[0].segment if found else None
                item = {"text": sentence.text, "evidence": [{"segment": number, "quote": quote}]}
                cost += count(sentence.text) + count(quote) + 12
                if used + cost > room:
                    continue
                used += cost
                if entry is None:
                    entry = chosen[i] = {
                        "number": p.chunk.index + 1,
                        "headline": draft.headline,
                        "summary": [],
                    }
                entry["summary"].append(item)
        return [chosen[i] for i in sorted(chosen)]

    def counted_messages(self) -> list[dict[str, Any]] | None:
        """:meth:`messages`, its tokenizer requests counted in the brief's usage (one thread)."""
        count_posts(reset=True)
        try:
            return self.messages()
        finally:
            self.usage.requests += count_posts(reset=True)

    def messages(self) -> list[dict[str, Any]] | None:
        """The consolidating call's prompt, or None when there is nothing to consolidate."""
        parts = self._parts_for_prompt()
        if not parts:
            grounded = any(p.outcome and p.outcome.draft.summary for p in self.done)
            reason = (
                "the parts' summaries do not fit the context window"
                if grounded
                else "no part's summary survived grounding: nothing to consolidate"
            )
            self.report.dropped.append(
                DroppedItem(path="reduce", kind="item", content=None, reasons=[reason])
            )
            return None
        return self.prompts.merge_messages(self.article, parts, total=len(self.parts))

    def failed(self, exc: BriefValidationError | TruncatedOutputError) -> None:
        if self.options.strict:
            raise exc  # strict: no brief with parts of it dropped
        log.warning("%s: the consolidating call failed: %s", self.article.label, exc)
        self._error("reduce", exc)

    def finish(self, outcome: Outcome | None) -> Outcome:
        merged = merge([(p.chunk.index, p.outcome.draft) for p in self.done if p.outcome])
        headline, summary = "", []
        if outcome is not None:
            self.usage.add(outcome.usage)
            self.attempts += outcome.attempts
            self._absorb("reduce", outcome.report, keep=lambda path: path.startswith("summary"))
            headline, summary = outcome.draft.headline.strip(), list(outcome.draft.summary)
        if not summary:  # fall back on the parts' own (grounded) sentences, spread evenly
            picks = sorted(_spread(len(self.done))[:4])
            for i in picks:
                draft = self.done[i].outcome.draft  # type: ignore[union-attr]
                if draft.summary:
                    summary.append(draft.summary[0])
        headline = headline or self.done[0].outcome.draft.headline  # type: ignore[union-attr]
        # Chunks cite their own sentences: their quotes are located again in the whole article.
        draft = as_draft(
            BriefContent.model_construct(
                headline=headline,
                summary=summary[:4],
                actors=merged.actors,
                positions=merged.positions,
                disputes=merged.disputes,
                next_steps=merged.next_steps,
            )
        )
        # Every quote came from a chunk, a slice of the article: this check confirms it and
        # describes the final brief against the whole article.
        final = check(
            draft, self.index, min_summary=0, fallback_headline=self.article.fallback_headline
        )
        r, f = self.report, final.report
        # Counts: the final brief's quotes, plus every quote dropped on the way.
        r.quotes_checked = f.quotes_checked + r.quotes_dropped
        r.quotes_verified = f.quotes_verified
        r.quotes_repaired = f.quotes_repaired
        r.quotes_dropped += f.quotes_dropped
        r.items_dropped += f.items_dropped
        r.dropped += [d.model_copy(update={"path": f"merged.{d.path}"}) for d in f.dropped]
        # The final check describes the claims of the brief as shown: what it supports, what
        # it could not establish (the headline too: verify reads it the same way).
        r.claims_checked, r.claims_supported = f.claims_checked, f.claims_supported
        r.claims_not_established, r.claims_dropped = f.claims_not_established, f.claims_dropped
        r.not_established, r.headline_support = f.not_established, f.headline_support
        return Outcome(
            draft=final.content,
            report=r,
            usage=self.usage,
            attempts=self.attempts,
            mode=outcome.mode if outcome else self.done[-1].outcome.mode,  # type: ignore[union-attr]
        )
