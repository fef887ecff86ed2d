"""The grounding check of a model's draft: every citation located, every claim supported.

For each item the model wrote: its evidence (segment numbers, or quotes from an older prompt)
becomes citations with character offsets; then every claim the item makes is checked against
what it cites (:func:`summarizer.grounding.support.check_support`): summary sentences, actor
roles, position stances (attributed to the right actor), dispute issues and each side's
claim, next steps' action, ``when`` and ``certainty``, and the headline against the summary
that survived. :func:`check` returns both the problems (worded for a re-ask) and the
grounded content with every unsupported item removed and listed (for the lenient fallback).
"""

from typing import Any

from summarizer.grounding import items
from summarizer.grounding.checker import Checker, Claim, Grounded, Problem
from summarizer.grounding.quotes import ArticleIndex
from summarizer.output.brief import (
    Actor,
    BriefContent,
    BriefDraft,
    DroppedItem,
)

__all__ = ["Claim", "Grounded", "Problem", "check", "withhold_unestablished"]


def check(
    draft: BriefDraft,
    index: ArticleIndex,
    *,
    min_summary: int = 2,
    fallback_headline: str | None = None,
    language: str | None = None,
) -> Grounded:
    """Locate every citation of ``draft`` and check every claim against what it cites.

    A headline is checked against the summary sentences that survived; when it fails (or
    no summary sentence survives) it is dropped and ``fallback_headline`` (the article's
    own title) stands in.
    """
    written_in = (language or index.language).split("-")[0].split("_")[0].lower()
    c = Checker(index, cross_language=written_in != index.language, written_in=written_in)
    summary = items.summary(c, draft)
    if len(draft.summary) < min_summary:
        c.problem("summary", f"write {min_summary} to 4 sentences, not {len(draft.summary)}")
    actors: list[Actor] = []
    seen: dict[str, str] = {}
    for i, a in enumerate(draft.actors):
        actor = items.actor(c, i, a, seen, {x.id for x in actors}, len(actors))
        if actor is not None:
            actors.append(actor)
    names = {a.id: a.name for a in actors}
    names |= {alias: names[kept] for alias, kept in c.same_actor.items() if kept in names}
    content = BriefContent.model_construct(
        headline=items.headline(c, draft, summary, fallback_headline),
        summary=summary,
        actors=actors,
        positions=items.positions(c, draft, names),
        disputes=items.disputes(c, draft, names),
        next_steps=items.next_steps(c, draft, names),
    )
    return Grounded(content=content, problems=c.problems, report=c.report)


def withhold_unestablished(grounded: Grounded, fallback_headline: str | None) -> Grounded:
    """The grounded brief with every item the check could not establish removed and listed
    as dropped (``--strict`` shows only what the cited sentences state); a headline that is
    not established gives way to the article's title, or the first summary sentence."""
    report = grounded.report.model_copy(deep=True)
    content = grounded.content
    reasons = {u.path: u.reasons for u in report.not_established}
    report.not_established = []

    def keep(section: str, items: list[Any]) -> list[Any]:
        kept = []
        for i, item in enumerate(items):
            path = f"{section}[{i}]"
            if getattr(item, "support", "supported") != "not_established":
                kept.append(item)
                continue
            why = [f"not established, so withheld under --strict: {r}" for r in reasons[path]]
            report.dropped.append(
                DroppedItem(path=path, kind="item", content=item.model_dump(), reasons=why)
            )
            report.items_dropped += 1
        return kept

    summary = keep("summary", list(content.summary))
    headline = content.headline
    if report.headline_support == "not_established":
        stand_in = fallback_headline or (summary[0].text if summary else headline)
        why = [f"not established, so withheld under --strict: {r}" for r in reasons["headline"]]
        report.dropped.append(
            DroppedItem(path="headline", kind="item", content=headline, reasons=why)
        )
        report.headline_support = "supported"
        headline = stand_in
    kept_actors = keep("actors", list(content.actors))
    ids = {a.id for a in kept_actors}
    positions = [p for p in keep("positions", list(content.positions)) if p.actor in ids]
    disputes = keep("disputes", list(content.disputes))
    steps = keep("next_steps", list(content.next_steps))
    new = BriefContent.model_construct(
        headline=headline,
        summary=summary,
        actors=kept_actors,
        positions=positions,
        disputes=[
            d.model_copy(update={"sides": [s for s in d.sides if set(s.actors) & ids]})
            for d in disputes
            if any(set(s.actors) & ids for s in d.sides)
        ],
        next_steps=[
            s.model_copy(update={"actors": [a for a in s.actors if a in ids]}) for s in steps
        ],
    )
    return Grounded(content=new, problems=grounded.problems, report=report)
