"""Long articles: splitting, and the chunked map-reduce brief (budgets: tokens.py; merge: merge.py).

An article that fits the backend's context window (minus the prompt and the reserved
output) is briefed in one call, as usual. A longer one is split at paragraph, then
sentence, boundaries into chunks that fit, with a small overlap (:func:`split`); each
chunk is briefed concurrently as its own :class:`~summarizer.model.conversation.Conversation`, its quotes
grounded against the chunk (map); the partial briefs are merged by the program, actors
deduplicated by normalized name, surname and acronym, the other items by text and shared
evidence (:func:`merge`); one more model call writes the headline and summary of the whole
from the parts' summaries (reduce). The merged brief is checked once more against the whole
article, so every quote in it occurs there verbatim.

Token counts are computed offline: with the server's tokenizer where it has one
(llama-cpp-python's ``/extras/tokenize/count``, llama.cpp's and vLLM's ``/tokenize``),
else with :func:`estimate_tokens`, a deliberate over-estimate. See docs/long-articles.md.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from summarizer.article import Article
from summarizer.brief import (
    BriefDraft,
    DroppedItem,
    GroundingReport,
    Usage,
)
from summarizer.errors import (
    BriefValidationError,
    ConfigurationError,
    InputError,
    TruncatedOutputError,
)
from summarizer.grounding import ArticleIndex, check
from summarizer.longform.budget import (
    DEFAULT_WINDOW,
    MIN_CHUNK_TOKENS,
    REASK_TOKENS,
    TEMPLATE_TOKENS,
    Budget,
    Chunk,
    TokenCounter,
    estimate_tokens,
    find_tokenizer,
    openai_window,
    probe_window,
    schema_text,
)
from summarizer.longform.merge import merge
from summarizer.model.conversation import Conversation, Options, Outcome, arun, conversations, run

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.model.backends import Backend
    from summarizer.model.transport import Transport
    from summarizer.prompts import Prompts

__all__ = ["Chunker", "split"]

log = logging.getLogger(__name__)

# --- splitting ------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_WORD = re.compile(r"\S+\s*")


@dataclass
class _Unit:
    start: int
    end: int
    cost: int
    paragraph_start: bool


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut after each match of ``pattern`` (the match stays in front)."""
    out, at = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() < end:
            out.append((at, m.end()))
            at = m.end()
    out.append((at, end))
    return out


def _units(text: str, budget: int, cost: Callable[[str], int]) -> list[_Unit]:
    units: list[_Unit] = []
    at = 0
    paragraphs = []
    for m in _PARAGRAPH.finditer(text):
        paragraphs.append((at, m.start()))
        at = m.end()
    paragraphs.append((at, len(text)))
    for p_start, p_end in paragraphs:
        if p_start >= p_end:
            continue
        first = True
        for s_start, s_end in _spans(_SENTENCE_END, text, p_start, p_end):
            pieces = [(s_start, s_end)]
            if cost(text[s_start:s_end]) > budget:
                pieces = _hard_split(text, s_start, s_end, budget, cost)
            for a, b in pieces:
                units.append(_Unit(a, b, cost(text[a:b]), first))
                first = False
    return units


def _hard_split(
    text: str, start: int, end: int, budget: int, cost: Callable[[str], int]
) -> list[tuple[int, int]]:
    """A sentence longer than a chunk: cut between words, or inside a word as a last resort."""
    out: list[tuple[int, int]] = []
    at = start
    run_end = start
    for m in _WORD.finditer(text, start, end):
        if cost(text[at : m.end()]) <= budget:
            run_end = m.end()
            continue
        if run_end > at:
            out.append((at, run_end))
            at = run_end
        if cost(text[at : m.end()]) <= budget:
            run_end = m.end()
            continue
        # One "word" longer than a chunk (a URL, a table row): cut by characters.
        step = max(1, budget * 2)
        while cost(text[at : min(at + step, m.end())]) > budget and step > 1:
            step //= 2
        while at < m.end():
            piece_end = min(at + step, m.end())
            out.append((at, piece_end))
            at = piece_end
        run_end = at
    if at < end:
        out.append((at, end))
    return out


def split(
    text: str,
    *,
    chunk_tokens: int,
    overlap: int,
    count: Callable[[str], int] = estimate_tokens,
) -> list[Chunk]:
    """Cut ``text`` into chunks of at most ``chunk_tokens`` (as ``count`` sees them).

    A chunk ends at a paragraph boundary when that keeps it at least half full, else at a
    sentence boundary (else between words). Each chunk after the first starts with the last
    sentences of the one before, up to ``overlap`` tokens. Chunks are exact slices of
    ``text``, so a quote found in a chunk occurs in the text.
    """
    if chunk_tokens < 1:
        raise ValueError("chunk_tokens must be positive")
    units = _units(text, chunk_tokens, count)
    chunks: list[Chunk] = []
    i, n = 0, len(units)
    while i < n:
        j, total, cut, cut_total = i, 0, None, 0
        while j < n and total + units[j].cost <= chunk_tokens:
            total += units[j].cost
            j += 1
            if j < n and units[j].paragraph_start:
                cut, cut_total = j, total
        if j == i:  # cannot happen (units fit a chunk), but never loop forever
            j, total = i + 1, units[i].cost
        if (
            j < n
            and not units[j].paragraph_start
            and cut is not None
            and cut_total * 2 >= chunk_tokens
        ):
            j, total = cut, cut_total
        start, end = units[i].start, units[j - 1].end
        piece = text[start:end].rstrip()
        chunks.append(Chunk(len(chunks), start, start + len(piece), piece, total))
        if j >= n:
            break
        k, carried = j, 0
        while (
            k - 1 > i
            and carried + units[k - 1].cost <= overlap
            and carried + units[k - 1].cost + units[j].cost <= chunk_tokens
        ):
            k -= 1
            carried += units[k].cost
        i = k
    return chunks


# --- the chunked brief ----------------------------------------------------------------------


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


def _scaled(ratio: float) -> Callable[[str], int]:
    def cost(piece: str) -> int:
        return math.ceil(estimate_tokens(piece) * ratio)

    return cost


class Chunker:
    """Budgets and chunked briefs for one backend (one per :class:`Summarizer`)."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        prompts: Prompts,
        transport: Transport,
        *,
        local_n_ctx: int | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.prompts = prompts
        self.transport = transport
        self.local_n_ctx = local_n_ctx
        self._window: tuple[int, str] | None = None
        self._counter: TokenCounter | None = None

    # --- budget ---

    @property
    def _probe_ok(self) -> bool:
        host = urlsplit(self.transport.base_url).hostname or ""
        return not host.endswith("openai.com")

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
                reported = probe_window(self.transport.base_url, model=b.model, api_key=b.api_key)
            if reported:
                found = reported, f"reported by {self.transport.base_url}"
            else:
                found = DEFAULT_WINDOW, "default (the server does not report it)"
        if found is not None:
            self._window = found
        return found

    def counter(self) -> TokenCounter:
        if self._counter is None:
            found = None
            if self._probe_ok:
                found = find_tokenizer(
                    self.transport.base_url, model=self.backend.model, api_key=self.backend.api_key
                )
            self._counter = found or TokenCounter()
            log.info("counting tokens with %s", self._counter.source)
        return self._counter

    def _overhead(self, article: Article, count: Callable[[str], int]) -> int:
        empty = Article(text="", title=article.title, published=article.published)
        prompt = sum(count(m["content"]) for m in self.prompts.messages(empty))
        schema = count(schema_text())
        return prompt + schema + TEMPLATE_TOKENS

    def budget(self, article: Article, counter: TokenCounter, window: tuple[int, str]) -> Budget:
        s = self.settings
        size, source = window
        overhead = self._overhead(article, counter.count)
        reserved = self.transport.options.max_tokens
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

    def plan(self, article: Article) -> tuple[Budget, list[Chunk]] | None:
        """The chunks of an article too long for one call, or None when it fits (sync I/O)."""
        size = len(article.text.encode("utf-8"))
        if size > self.settings.max_input_bytes:
            raise InputError(
                f"the article is {size} bytes, above max_input_bytes="
                f"{self.settings.max_input_bytes} (raise it to brief longer texts)",
                source=article.label,
            )
        estimator = TokenCounter()
        guess = estimator.count(article.text)
        # Most articles fit: decide without asking the server anything when the over-estimate
        # fits the known window (or the default one, when the window is not known offline).
        window = self.window(probe=False)
        try:
            cheap = self.budget(article, estimator, window or (DEFAULT_WINDOW, "default"))
            if guess <= cheap.max_input_tokens:
                return None
        except ConfigurationError:
            pass  # the estimate may be too pessimistic: ask the server's tokenizer
        window = window or self.window()
        assert window is not None
        counter = self.counter()
        budget = self.budget(article, counter, window)
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
        return budget, chunks

    def _split(self, text: str, budget: Budget, tokens: int, guess: int) -> list[Chunk]:
        counter = budget.counter
        if not counter.exact:
            return split(text, chunk_tokens=budget.chunk_tokens, overlap=budget.chunk_overlap)
        # Scale the estimate to the server's tokenizer, then check each chunk with it.
        ratio = 1.05 * tokens / max(guess, 1)
        for _ in range(4):
            cost = _scaled(ratio)
            chunks = split(
                text, chunk_tokens=budget.chunk_tokens, overlap=budget.chunk_overlap, count=cost
            )
            worst = max(counter.count(c.text) / budget.chunk_tokens for c in chunks)
            if worst <= 1.0:
                return chunks
            ratio *= worst * 1.05
        return chunks

    # --- map and reduce ---

    @property
    def concurrency(self) -> int:
        """Chunks briefed at once (the embedded server answers one request at a time)."""
        s = self.settings
        if self.backend.embedded and s.source_of("chunk_concurrency") == "default":
            return 1  # more would only queue on the server and run into timeouts
        return s.chunk_concurrency

    def _options(self, strict: bool | None, budget: Budget) -> tuple[Options, Options]:
        options = self.transport.options
        if strict is not None and strict != options.strict:
            options = replace(options, strict=strict)
        map_options = options if budget.chunk_reasks else replace(options, max_reasks=0)
        return map_options, options

    def _chunk_factory(
        self, article: Article, chunk: Chunk, total: int, options: Options
    ) -> Callable[[str], Conversation]:
        part = Article(
            text=chunk.text,
            title=article.title,
            url=article.url,
            published=article.published,
            site=article.site,
            origin=f"{article.label} (part {chunk.index + 1}/{total})",
        )
        return conversations(part, self.prompts, model=self.backend.model, options=options)

    def _failed(self, part: _Part, exc: Exception, options: Options) -> None:
        if options.strict or not isinstance(exc, (BriefValidationError, TruncatedOutputError)):
            raise exc
        log.warning("%s", exc)
        part.error = exc

    def brief(
        self, article: Article, budget: Budget, chunks: list[Chunk], strict: bool | None
    ) -> Outcome:
        """Map (threads, ``chunk_concurrency`` at once) and reduce, over the sync client."""
        map_options, options = self._options(strict, budget)
        parts = [_Part(c) for c in chunks]

        def one(part: _Part) -> None:
            new = self._chunk_factory(article, part.chunk, len(chunks), map_options)
            try:
                part.outcome = run(new, self.transport)
            except (BriefValidationError, TruncatedOutputError) as exc:
                self._failed(part, exc, map_options)

        pool = ThreadPoolExecutor(self.concurrency, "summarizer-chunk")
        try:
            for future in [pool.submit(one, p) for p in parts]:
                future.result()
        except BaseException as exc:
            # A failed chunk: start nothing more, let the requests in flight end. Ctrl-C: do
            # not wait for them either (closing the Summarizer closes their connections).
            pool.shutdown(wait=not isinstance(exc, KeyboardInterrupt), cancel_futures=True)
            raise
        pool.shutdown()
        reducer = _Reducer(self, article, budget, parts, options)
        new = reducer.factory()
        outcome = None
        if new is not None:
            try:
                outcome = run(new, self.transport)
            except (BriefValidationError, TruncatedOutputError) as exc:
                reducer.failed(exc)  # the parts' own grounded sentences stand in
        return reducer.finish(outcome)

    async def abrief(
        self, article: Article, budget: Budget, chunks: list[Chunk], strict: bool | None
    ) -> Outcome:
        """Async twin of :meth:`brief`."""
        map_options, options = self._options(strict, budget)
        parts = [_Part(c) for c in chunks]
        limit = asyncio.Semaphore(self.concurrency)

        async def one(part: _Part) -> None:
            new = self._chunk_factory(article, part.chunk, len(chunks), map_options)
            async with limit:
                try:
                    part.outcome = await arun(new, self.transport)
                except (BriefValidationError, TruncatedOutputError) as exc:
                    self._failed(part, exc, map_options)

        tasks = [asyncio.create_task(one(p)) for p in parts]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
        reducer = _Reducer(self, article, budget, parts, options)
        new = await asyncio.to_thread(reducer.factory)
        outcome = None
        if new is not None:
            try:
                outcome = await arun(new, self.transport)
            except (BriefValidationError, TruncatedOutputError) as exc:
                reducer.failed(exc)  # the parts' own grounded sentences stand in
        return reducer.finish(outcome)


class _Reducer:
    """Merges the map outcomes; builds and finishes the consolidating call."""

    def __init__(
        self,
        chunker: Chunker,
        article: Article,
        budget: Budget,
        parts: list[_Part],
        options: Options,
    ) -> None:
        self.chunker = chunker
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
        b = self.budget
        count = estimate_tokens  # an over-estimate; one server call per sentence is not worth it
        empty = self.chunker.prompts.merge_messages(self.article, [], total=len(self.parts))
        room = b.window - sum(count(m["content"]) for m in empty) - b.reserved - TEMPLATE_TOKENS
        room -= count(schema_text())
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
                item = {"text": sentence.text, "evidence": sentence.evidence[:1]}
                cost += count(sentence.text) + count(sentence.evidence[0]) + 12
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

    def factory(self) -> Callable[[str], Conversation] | None:
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
        messages = self.chunker.prompts.merge_messages(self.article, parts, total=len(self.parts))
        c = self.chunker
        return conversations(
            self.article,
            c.prompts,
            model=c.backend.model,
            options=self.options,
            index=self.index,
            messages=messages,
        )

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
        draft = BriefDraft.model_construct(
            headline=headline,
            summary=summary[:4],
            actors=merged.actors,
            positions=merged.positions,
            disputes=merged.disputes,
            next_steps=merged.next_steps,
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
        return Outcome(
            draft=final.draft,
            report=r,
            usage=self.usage,
            attempts=self.attempts,
            mode=self.chunker.transport.mode,
        )
