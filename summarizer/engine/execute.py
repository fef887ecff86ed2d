"""A live brief: carry out a :class:`~summarizer.engine.plan.BriefPlan` over a transport, then
assemble the :class:`~summarizer.output.brief.Brief`.

One call (the model writes, or chooses among proposed sentences), or the map-reduce over the
plan's chunks; then, when the plan says so, the verifying call (:mod:`summarizer.engine.judge`),
which may only remove or flag items.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from summarizer.model.conversation import Outcome, conversations, drive
from summarizer.output.brief import Brief, Cost, SourceInfo, Usage, method_of

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.base.config import Settings
    from summarizer.engine.plan import BriefPlan
    from summarizer.grounding import ArticleIndex
    from summarizer.model.options import Options
    from summarizer.model.prompts import Prompts
    from summarizer.model.transport import Transport

__all__ = ["Labels", "assemble", "execute", "not_empty", "source_info"]


@dataclass(frozen=True)
class Labels:
    """What a brief says about how it was made (filled by the program, never the model)."""

    model: str
    backend: str
    prompt_version: str
    language: str | None


def source_info(article: Article) -> SourceInfo:
    return SourceInfo(
        title=article.title,
        url=article.url,
        published=article.published,
        site=article.site,
        content_hash=article.content_hash,
    )


def assemble(
    article: Article, outcome: Outcome, labels: Labels, *, cost: Cost | None, started: float
) -> Brief:
    """The Brief of a finished conversation (``cost``: its usage priced)."""
    usage = outcome.usage
    usage.cost = cost
    draft = outcome.draft
    # The draft's items are already validated models: passed as they are, not dumped and
    # validated again (pydantic keeps instances of the declared types).
    fields = {name: getattr(draft, name) for name in type(draft).model_fields}
    return Brief.model_validate(
        {
            **fields,
            "method": method_of(draft),
            "language": labels.language,
            "source": source_info(article),
            "model": labels.model,
            "backend": labels.backend,
            "prompt_version": labels.prompt_version,
            "usage": usage,
            "attempts": outcome.attempts,
            "latency_s": round(time.perf_counter() - started, 4),
            "created_at": datetime.now(UTC),
            "grounding": outcome.report,
        }
    )


class _Asker:
    """One conversation about an article over the transport (the map-reduce's ``ask``)."""

    def __init__(self, prompts: Prompts, model: str, transport: Transport) -> None:
        self.prompts, self.model, self.transport = prompts, model, transport

    async def __call__(
        self,
        article: Article,
        options: Options,
        *,
        messages: list[dict[str, Any]] | None = None,
        index: ArticleIndex | None = None,
    ) -> Outcome:
        new = conversations(
            article, self.prompts, model=self.model, options=options, index=index,
            messages=messages,
        )  # fmt: skip
        return await drive(new, self.transport)


async def _judged(outcome: Outcome, transport: Transport, model: str) -> Outcome:
    """``outcome`` after the verifying call: it may only remove or flag items."""
    from summarizer.engine.judge import Judge

    judge = Judge(outcome.draft, model=model, mode=transport.mode)
    kwargs = judge.request()
    if kwargs is None:  # the check established or removed everything: nothing to judge
        outcome.report.verification = []
        return outcome
    usage = Usage()
    try:
        completion = await transport.acomplete(kwargs, usage)
    finally:
        outcome.usage.add(usage)
    return replace(outcome, draft=judge.apply(completion, outcome.report))


async def execute(
    article: Article,
    plan: BriefPlan,
    *,
    transport: Transport,
    prompts: Prompts,
    model: str,
    settings: Settings,
) -> Outcome:
    """The outcome of ``plan`` for ``article``: the model's grounded answer, checked."""
    ask = _Asker(prompts, model, transport)
    if plan.strategy == "choose":
        from summarizer.extract.run import choose

        parts = plan.chunks if plan.chunked else None  # a long article: one choice per part
        outcome = await choose(
            article, transport=transport, model=model, strict=plan.options.strict, parts=parts
        )
    elif not plan.chunked:
        outcome = await ask(article, plan.options)
    else:
        from summarizer.longform.budget import Plan
        from summarizer.longform.mapreduce import brief_chunks, concurrency

        outcome = await brief_chunks(
            article,
            Plan(plan.budget, plan.chunks),
            ask=ask,
            prompts=prompts,
            options=plan.options,
            concurrency=concurrency(settings, embedded=transport.backend.embedded),
        )
    if plan.verify:
        outcome = await _judged(outcome, transport, model)
    return outcome


def not_empty(brief: Brief, article: Article) -> Brief:
    """``brief``, unless nothing is in it: then BriefValidationError (exit 5) saying why."""
    if brief.summary or brief.actors or brief.positions or brief.disputes or brief.next_steps:
        return brief
    from summarizer.base.errors import BriefValidationError

    dropped = brief.grounding.dropped
    why = f"; first: {dropped[0].path}: {dropped[0].reasons[0]}" if dropped else ""
    raise BriefValidationError(
        "the brief is empty: no summary sentence, actor, position, dispute or next step "
        f"survived validation ({len(dropped)} items dropped{why})",
        source=article.label,
        attempts=brief.attempts,
        usage=brief.usage,
        problems=[f"{d.path}: {'; '.join(d.reasons)}" for d in dropped],
    )
