"""The choose strategy end to end: propose, one grammar-constrained call, ground.

For small models (the embedded SmolLM2-135M): the program proposes summary sentences,
actors, positions and next steps from the article's own words; the model picks among them
(:mod:`.select`); the draft then goes through the same grounding and claim-support check as
any brief. Every item is extractive (the cited sentence itself), and says so.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError

from summarizer.brief import BriefDraft, Usage
from summarizer.errors import BriefValidationError
from summarizer.extract.candidates import propose
from summarizer.extract.select import build_request, parse_answer
from summarizer.grounding import ArticleIndex, check
from summarizer.model.conversation import Outcome

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.model.transport import Transport

__all__ = ["choose"]

log = logging.getLogger(__name__)


async def choose(article: Article, *, transport: Transport, model: str, strict: bool) -> Outcome:
    """A grounded, extractive brief of ``article`` from one choice call."""
    index = ArticleIndex(article.text)
    segments = index.segments
    candidates = propose(article.text, segments, title=article.title)
    if not candidates.summary:  # no sentence at all: there is nothing to choose from
        raise BriefValidationError(
            "the article has no sentence to propose for a summary",
            source=article.label,
            attempts=0,
            problems=["no summary candidates"],
        )
    empty = [
        part for part in ("actors", "positions", "next_steps") if not getattr(candidates, part)
    ]
    if empty:  # fewer items, not an error: say which parts had nothing to choose from
        log.info(
            "%s: no candidates for %s (what each language gets: docs/languages.md)",
            article.label,
            ", ".join(empty),
        )
    usage = Usage()
    completion = await transport.acomplete(
        build_request(article, segments, candidates, model=model), usage
    )
    if completion.usage is not None:
        usage.prompt_tokens += completion.usage.prompt_tokens or 0
        usage.completion_tokens += completion.usage.completion_tokens or 0
        usage.total_tokens += completion.usage.total_tokens or 0
    answer = parse_answer(completion, segments, candidates)
    for field in ("summary", "actors", "positions", "disputes", "next_steps"):
        for item in answer.get(field, []):
            item.pop("extractive", None)  # the check marks an item that is its cited sentence
    try:
        draft = BriefDraft.model_validate(answer)
    except ValidationError as exc:  # a shape the candidates should never give: say so, exit 5
        raise BriefValidationError(
            f"the chosen brief is not valid: {exc.errors()[0]['msg']}",
            source=article.label,
            attempts=1,
            usage=usage,
            problems=[str(e["msg"]) for e in exc.errors()],
        ) from exc
    grounded = check(draft, index, min_summary=0, fallback_headline=article.fallback_headline)
    if strict and not grounded.ok:
        raise BriefValidationError(
            "the brief failed validation: " + "; ".join(str(p) for p in grounded.problems[:5]),
            source=article.label,
            attempts=1,
            usage=usage,
            problems=[str(p) for p in grounded.problems],
        )
    return Outcome(
        draft=grounded.content, report=grounded.report, usage=usage, attempts=1, mode="tools"
    )
