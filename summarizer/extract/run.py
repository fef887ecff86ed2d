"""The choose strategy end to end: propose, grammar-constrained choices, ground.

For small models (the embedded SmolLM2-135M): the program proposes summary sentences,
actors, positions, disputes and next steps from the article's own words; the model picks
among them (:mod:`.select`); the draft then goes through the same grounding and
claim-support check as any brief. Every item is extractive (the cited sentence itself), and
says so.

A long article (one the planner cuts into parts, :mod:`summarizer.longform`) is read whole
by the program, once; the model then chooses part by part among each part's candidates, one
short request per part, and the choices are merged (:func:`.select.merge_parts`): the best of
every part, the whole article's actors and disputes. The request never grows with the
article, so the time grows with the number of parts: linearly with length.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from summarizer.base.errors import BriefValidationError
from summarizer.extract.candidates import propose
from summarizer.extract.data import Candidates, SegmentLike
from summarizer.extract.select import CAPS, build_request, merge_parts, parse_answer, part_of
from summarizer.grounding import ArticleIndex, check
from summarizer.model.conversation import Outcome
from summarizer.output.brief import BriefDraft, Usage

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.longform.split import Chunk
    from summarizer.model.transport import Transport

__all__ = ["choose"]

log = logging.getLogger(__name__)

PART_SEGMENTS = 10  # segments shown to the model for one part of a long article


async def choose(
    article: Article,
    *,
    transport: Transport,
    model: str,
    strict: bool,
    parts: Sequence[Chunk] | None = None,
) -> Outcome:
    """A grounded, extractive brief of ``article`` from one choice call, or one per part
    when ``parts`` (the planner's chunks of a long article) are given."""
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
    attempts = 1
    if parts is not None and len(parts) > 1:
        answer, attempts = await _choose_in_parts(
            article, segments, candidates, parts, transport=transport, model=model, usage=usage
        )
    else:
        # the actors are the program's reading, ranked: the model chooses the sentences
        # (an actor list and its ids would double the prompt's tail and the answer)
        completion = await transport.acomplete(
            build_request(article, segments, candidates, model=model, with_actors=False), usage
        )
        _count(usage, completion)
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
            attempts=attempts,
            usage=usage,
            problems=[str(e["msg"]) for e in exc.errors()],
        ) from exc
    grounded = check(draft, index, min_summary=0, fallback_headline=article.fallback_headline)
    if strict and not grounded.ok:
        raise BriefValidationError(
            "the brief failed validation: " + "; ".join(str(p) for p in grounded.problems[:5]),
            source=article.label,
            attempts=attempts,
            usage=usage,
            problems=[str(p) for p in grounded.problems],
        )
    return Outcome(
        draft=grounded.content,
        report=grounded.report,
        usage=usage,
        attempts=attempts,
        mode="tools",
    )


def _count(usage: Usage, completion: Any) -> None:
    if completion.usage is not None:
        usage.prompt_tokens += completion.usage.prompt_tokens or 0
        usage.completion_tokens += completion.usage.completion_tokens or 0
        usage.total_tokens += completion.usage.total_tokens or 0


async def _choose_in_parts(
    article: Article,
    segments: Sequence[SegmentLike],
    candidates: Candidates,
    parts: Sequence[Chunk],
    *,
    transport: Transport,
    model: str,
    usage: Usage,
) -> tuple[dict[str, Any], int]:
    """The model's choices part by part (one request each, in order: the embedded server
    answers one at a time), merged into one draft; and how many answers were asked for."""
    answers = []
    for chunk in parts:
        inside = [s.id for s in segments if chunk.start <= s.start < chunk.end]
        part = part_of(candidates, inside)
        if not (part.summary or part.positions or part.next_steps):
            continue  # nothing to choose from in this part (a list, a table)
        request = build_request(
            article, segments, part, model=model, with_actors=False, max_segments=PART_SEGMENTS
        )
        completion = await transport.acomplete(request, usage)
        _count(usage, completion)
        answers.append((part, completion))
    n = len(answers)
    caps = {  # a longer article holds more: the best of each part, within the schema's caps
        "positions": min(15, max(CAPS["positions"], n)),
        "next_steps": min(8, max(CAPS["next_steps"], (n + 1) // 2)),
        "actors": CAPS["actors"],
    }
    log.info("%s: chose in %d parts", article.label, n)
    return merge_parts(answers, segments, candidates, caps=caps), max(n, 1)
