"""Grounding: every claim must quote the article verbatim, every actor id must exist.

Quotes are matched after normalization (Unicode NFKC, curly and straight quotes,
dashes, whitespace, then case as a last resort). A quote found only after
normalization is *repaired*: replaced by the exact span of the article.
:func:`check` returns both the problems (for a re-ask) and a cleaned draft with
every ungrounded item removed and listed (for the lenient fallback).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from summarizer.brief import (
    Actor,
    BriefDraft,
    Dispute,
    DroppedItem,
    GroundingReport,
    NextStep,
    Position,
    SummarySentence,
)

__all__ = ["ArticleIndex", "Grounded", "Problem", "check"]

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
_EDGE = "\"' \t\n.,;:…"
MIN_QUOTE_CHARS = 3


def _normalize(text: str, *, lower: bool) -> tuple[str, list[int]]:
    """Normalized text and, for each of its characters, the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            c = _FOLD.get(c, c)
            if c.isspace():
                if not out or out[-1] == " ":
                    continue
                c = " "
            elif c == "-" and out and out[-1] == "-":
                continue  # "--" and an em dash are the same dash
            for piece in c.lower() if lower else c:
                out.append(piece)
                where.append(i)
    return "".join(out), where


class ArticleIndex:
    """An article prepared for quote lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._forms: dict[bool, tuple[str, list[int]]] = {}

    def _form(self, lower: bool) -> tuple[str, list[int]]:
        # Built on first need: a verbatim quote (the common case) never pays for it.
        if lower not in self._forms:
            self._forms[lower] = _normalize(self.text, lower=lower)
        return self._forms[lower]

    def find(self, quote: str) -> tuple[str, bool] | None:
        """The article's exact span for ``quote`` and whether it was verbatim, or None."""
        if len(quote.strip()) >= MIN_QUOTE_CHARS and quote in self.text:
            return quote, True
        candidates = [quote, quote.strip(_EDGE)]
        for lower in (False, True):
            norm, where = self._form(lower)
            for cand in candidates:
                needle, _ = _normalize(cand, lower=lower)
                needle = needle.strip()
                if len(needle) < MIN_QUOTE_CHARS:
                    continue
                pos = norm.find(needle)
                if pos >= 0:
                    span = self.text[where[pos] : where[pos + len(needle) - 1] + 1]
                    return span, span == quote
        return None


@dataclass(frozen=True)
class Problem:
    """One failed check, worded for the model."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Grounded:
    """The outcome of :func:`check`."""

    draft: BriefDraft
    problems: list[Problem]
    report: GroundingReport

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Checker:
    index: ArticleIndex
    report: GroundingReport = field(default_factory=GroundingReport)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def drop(self, path: str, kind: str, content: Any, reasons: list[str]) -> None:
        self.report.dropped.append(
            DroppedItem(path=path, kind=kind, content=content, reasons=reasons)  # type: ignore[arg-type]
        )
        if kind == "item":
            self.report.items_dropped += 1

    def evidence(self, path: str, quotes: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
        """Grounded quotes (exact spans), and the index and reason of each missing one."""
        kept: list[str] = []
        missing: list[tuple[int, str]] = []
        for j, quote in enumerate(quotes):
            self.report.quotes_checked += 1
            found = self.index.find(quote)
            if found is None:
                self.report.quotes_dropped += 1
                reason = f"quote {quote!r} does not occur in the article"
                self.problem(f"{path}.evidence[{j}]", reason)
                missing.append((j, reason))
                continue
            span, verbatim = found
            if verbatim:
                self.report.quotes_verified += 1
            else:
                self.report.quotes_repaired += 1
            if span not in kept:
                kept.append(span)
        return kept, missing

    def grounded_item(self, path: str, item: Any) -> Any | None:
        """``item`` with its quotes repaired, or None (and a drop) when none is grounded."""
        kept, missing = self.evidence(path, item.evidence)
        if not kept:
            reasons = [reason for _, reason in missing] or ["the item has no evidence quote"]
            if not missing:
                self.problem(path, "the item has no evidence quote")
            self.drop(path, "item", item.model_dump(), reasons)
            return None
        for j, reason in missing:
            self.drop(f"{path}.evidence[{j}]", "quote", item.evidence[j], [reason])
        return item.model_copy(update={"evidence": kept})

    def ids(self, path: str, ids: list[str], known: set[str]) -> list[str]:
        kept = []
        for k, actor_id in enumerate(ids):
            if actor_id in known:
                kept.append(actor_id)
                continue
            reason = f"actor id {actor_id!r} is not the id of any grounded actor"
            self.problem(f"{path}[{k}]", reason)
            self.drop(f"{path}[{k}]", "reference", actor_id, [reason])
        return kept


def check(
    draft: BriefDraft,
    index: ArticleIndex,
    *,
    min_summary: int = 2,
    fallback_headline: str | None = None,
) -> Grounded:
    """Check every quote, name and id of ``draft`` against the article.

    A headline has no evidence of its own: it is trusted as far as the summary is. When no
    summary sentence survives, the model's headline is dropped too and replaced by
    ``fallback_headline`` (the article's own title), so an answer grounding threw away
    entirely cannot still headline the brief.
    """
    c = _Checker(index)

    summary: list[SummarySentence] = []
    for i, sentence in enumerate(draft.summary):
        grounded = c.grounded_item(f"summary[{i}]", sentence)
        if grounded is not None:
            summary.append(grounded)
    if len(draft.summary) < min_summary:
        c.problem("summary", f"write {min_summary} to 4 sentences, not {len(draft.summary)}")

    actors: list[Actor] = []
    seen_names: dict[str, str] = {}
    for i, actor in enumerate(draft.actors):
        path = f"actors[{i}]"
        name_span = index.find(actor.name)
        reasons = []
        if name_span is None:
            reasons.append(f"name {actor.name!r} does not occur in the article")
        if any(a.id == actor.id for a in actors):
            reasons.append(f"id {actor.id!r} is used by an earlier actor")
        key = " ".join(actor.name.casefold().split())
        if key in seen_names:
            reasons.append(f"duplicate of actor {seen_names[key]!r}")
        if reasons:
            for reason in reasons:
                c.problem(path, reason)
            c.drop(path, "item", actor.model_dump(), reasons)
            continue
        grounded = c.grounded_item(path, actor)
        if grounded is None:
            continue
        assert name_span is not None
        seen_names[key] = actor.id
        actors.append(grounded.model_copy(update={"name": name_span[0]}))
    known = {a.id for a in actors}

    positions: list[Position] = []
    for i, position in enumerate(draft.positions):
        path = f"positions[{i}]"
        if position.actor not in known:
            reason = f"actor {position.actor!r} is not the id of any grounded actor"
            c.problem(f"{path}.actor", reason)
            c.drop(path, "item", position.model_dump(), [reason])
            continue
        grounded = c.grounded_item(path, position)
        if grounded is not None:
            positions.append(grounded)

    disputes: list[Dispute] = []
    for i, dispute in enumerate(draft.disputes):
        path = f"disputes[{i}]"
        sides = []
        for s, side in enumerate(dispute.sides):
            side_ids = c.ids(f"{path}.sides[{s}].actors", side.actors, known)
            if side_ids:
                sides.append(side.model_copy(update={"actors": side_ids}))
        if not sides:
            reason = "no side of the dispute names a grounded actor"
            c.problem(f"{path}.sides", reason)
            c.drop(path, "item", dispute.model_dump(), [reason])
            continue
        grounded = c.grounded_item(path, dispute)
        if grounded is not None:
            disputes.append(grounded.model_copy(update={"sides": sides}))

    next_steps: list[NextStep] = []
    for i, step in enumerate(draft.next_steps):
        path = f"next_steps[{i}]"
        step_ids = c.ids(f"{path}.actors", step.actors, known)
        grounded = c.grounded_item(path, step)
        if grounded is not None:
            next_steps.append(grounded.model_copy(update={"actors": step_ids}))

    headline = draft.headline
    if not summary and fallback_headline is not None and headline != fallback_headline:
        c.drop(
            "headline",
            "item",
            headline,
            ["no summary sentence survived grounding, so the headline is not trusted either"],
        )
        headline = fallback_headline
    cleaned = BriefDraft.model_construct(
        headline=headline,
        summary=summary,
        actors=actors,
        positions=positions,
        disputes=disputes,
        next_steps=next_steps,
    )
    return Grounded(draft=cleaned, problems=c.problems, report=c.report)
