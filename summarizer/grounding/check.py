"""The grounding check of a model's draft: every citation located, every claim supported.

For each item the model wrote: its evidence (segment numbers, or quotes from an older prompt)
becomes citations with character offsets; then every claim the item makes is checked against
what it cites (:func:`summarizer.grounding.support.check_support`): summary sentences, actor
roles, position stances (attributed to the right actor), dispute issues and each side's
claim, next steps' action, ``when`` and ``certainty``, and the headline against the summary
that survived. :func:`check` returns both the problems (worded for a re-ask) and the
grounded content with every unsupported item removed and listed (for the lenient fallback).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.brief import (
    Actor,
    BriefContent,
    BriefDraft,
    Citation,
    Dispute,
    DraftActor,
    DraftDispute,
    DraftNextStep,
    DroppedItem,
    GroundingReport,
    NextStep,
    Position,
    Side,
    SummarySentence,
)
from summarizer.grounding.quotes import ArticleIndex
from summarizer.grounding.support import check_support, evidence_is_substantive

__all__ = ["Claim", "Grounded", "Problem", "check"]


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

    content: BriefContent
    problems: list[Problem]
    report: GroundingReport

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Claim:
    """One claim of an item: its field, its words, the kind of check
    (:func:`~summarizer.grounding.support.check_support`'s ``kind``) and who it is about."""

    label: str
    text: str
    kind: str
    subject: str | None = None


def _where(citations: Sequence[Citation]) -> str:
    numbers = sorted({c.segment for c in citations if c.segment is not None})
    if not numbers:
        return "its quotes"
    label = "segment" if len(numbers) == 1 else "segments"
    return f"{label} {', '.join(str(n) for n in numbers)}"


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers_only(claim: str, evidence: Sequence[str]) -> list[str]:
    """The check across languages: every number of the claim is in the evidence."""
    said = {n.replace(",", "").replace(".", "") for n in _NUMBER.findall(" ".join(evidence))}
    return [
        f"number {n!r} does not appear in the evidence"
        for n in _NUMBER.findall(claim)
        if n.replace(",", "").replace(".", "") not in said
    ]


@dataclass
class _Checker:
    index: ArticleIndex
    # The brief is written in another language than the article: words cannot be compared,
    # so a claim is checked for substance and numbers only (see docs/languages.md).
    cross_language: bool = False
    written_in: str = "en"  # the brief's language: the headline is checked in it
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

    # --- evidence ---

    def cite(self, path: str, refs: Sequence[int | str]) -> list[Citation]:
        """The citations of ``refs``. A segment or quote that is not there is a problem; it is
        listed as a dropped quote when others remain (else the caller drops the item)."""
        kept: list[Citation] = []
        missing: list[tuple[int, int | str, str]] = []
        for j, ref in enumerate(refs):
            self.report.quotes_checked += 1
            citation, reason = self._resolve(ref)
            if citation is None:
                self.report.quotes_dropped += 1
                self.problem(f"{path}.evidence[{j}]", reason)
                missing.append((j, ref, reason))
            elif citation not in kept:
                kept.append(citation)
        if kept:
            for j, ref, reason in missing:
                self.drop(f"{path}.evidence[{j}]", "quote", ref, [reason])
        return kept

    def _resolve(self, ref: int | str) -> tuple[Citation | None, str]:
        if isinstance(ref, str) and ref.strip().strip("[]").isdigit():
            ref = int(ref.strip().strip("[]"))  # "[3]" or "3": a segment number as text
        if isinstance(ref, int):
            citation = self.index.cite_segment(ref)
            if citation is None:
                count = len(self.index.segments)
                return None, f"segment {ref} does not exist (the article has 1 to {count})"
            self.report.quotes_verified += 1
            return citation, ""
        found = self.index.cite_quote(ref)
        if found is None:
            return None, f"quote {ref!r} does not occur in the article"
        citation, verbatim = found
        if verbatim:
            self.report.quotes_verified += 1
        else:
            self.report.quotes_repaired += 1
        return citation, ""

    def evidence_text(self, citations: Sequence[Citation]) -> list[str]:
        """What the citations say, as claim evidence: a whole segment stands as it is; a
        quote of a clause stands for the sentence that holds it; a bare name is no evidence
        of a claim (it shows only that someone is mentioned)."""
        texts: list[str] = []
        for c in citations:
            seg = self.index.segment(c.segment) if c.segment is not None else None
            if seg is not None and c.quote == seg.text:
                texts.append(c.quote)
            elif evidence_is_substantive(c.quote):
                texts.extend(s.text for s in self.index.holding(c) if s.text not in texts)
        return texts

    # --- claims ---

    def support(
        self, claim: str, citations: Sequence[Citation], *, kind: str, subject: str | None = None
    ) -> list[str]:
        """Why ``claim`` is not supported by ``citations`` (empty: it is supported)."""
        self.report.claims_checked += 1
        evidence = self.evidence_text(citations)
        if not evidence:
            reasons = ["the evidence is too thin: a bare name or a few words support no claim"]
        elif self.cross_language:
            self.report.claims_cross_language += 1
            reasons = _numbers_only(claim, evidence)
        else:
            result = check_support(
                claim, evidence, kind=kind, language=self.index.language or "en", subject=subject
            )
            reasons = list(result.reasons) if not result.supported else []
        if reasons:
            self.report.claims_dropped += 1
        else:
            self.report.claims_supported += 1
        return reasons

    def unsupported(
        self, path: str, what: str, citations: Sequence[Citation], reasons: list[str]
    ) -> None:
        """Word a failed claim for the re-ask."""
        self.problem(
            path,
            f"{what} is not supported by its evidence ({_where(citations)}): "
            f"{'; '.join(reasons)}. Cite the segments that state it, or remove the item.",
        )

    def grounded(
        self, path: str, item: Any, claims: Callable[[list[Citation]], list[Claim]]
    ) -> list[Citation] | None:
        """The item's citations when every claim is supported, else None (item dropped)."""
        before = len(self.problems)
        citations = self.cite(path, item.evidence)
        if not citations:
            missing = [p.message for p in self.problems[before:]]
            if not missing:
                missing = ["the item cites no evidence"]
                self.problem(path, missing[0])
            self.drop(path, "item", item.model_dump(), missing)
            return None
        failed: list[str] = []
        for claim in claims(citations):
            reasons = self.support(claim.text, citations, kind=claim.kind, subject=claim.subject)
            if reasons:
                what = f"{claim.label} {claim.text!r}"
                self.unsupported(f"{path}.{claim.label}", what, citations, reasons)
                failed += [f"{claim.label}: {r}" for r in reasons]
        if failed:
            self.drop(path, "item", item.model_dump(), failed)
            return None
        return citations


def _summary(c: _Checker, draft: BriefDraft) -> list[SummarySentence]:
    out: list[SummarySentence] = []
    for i, s in enumerate(draft.summary):
        cited = c.grounded(f"summary[{i}]", s, _one(Claim("text", s.text, "summary")))
        if cited is not None:
            out.append(
                SummarySentence(text=s.text, evidence=cited, extractive=_same(s.text, cited))
            )
    return out


def _one(claim: Claim) -> Callable[[list[Citation]], list[Claim]]:
    """An item that makes one claim, whatever it cites."""
    return lambda _: [claim]


def _within(text: str, citations: Sequence[Citation]) -> bool:
    """Whether ``text`` is a verbatim part of a cited sentence."""
    flat = " ".join(text.split())
    return bool(flat) and any(flat in " ".join(c.quote.split()) for c in citations)


def _same(text: str, citations: Sequence[Citation]) -> bool:
    """Whether ``text`` is the cited sentence itself (then it is shown as a quotation)."""
    flat = " ".join(text.split())
    return any(" ".join(c.quote.split()) == flat for c in citations)


def _actor(c: _Checker, i: int, a: DraftActor, seen: dict[str, str], ids: set[str]) -> Actor | None:
    path = f"actors[{i}]"
    name = c.index.find(a.name)
    reasons = []
    if name is None:
        reasons.append(f"name {a.name!r} does not occur in the article")
    if a.id in ids:
        reasons.append(f"id {a.id!r} is used by an earlier actor")
    key = " ".join(a.name.casefold().split())
    if key in seen:
        reasons.append(f"duplicate of actor {seen[key]!r}")
    if reasons:
        for reason in reasons:
            c.problem(path, reason)
        c.drop(path, "item", a.model_dump(), reasons)
        return None
    assert name is not None
    citations = c.cite(path, a.evidence)
    if not citations:  # the name itself is in the article: it is the evidence that they exist
        found = c.index.cite_quote(name[0])
        citations = [found[0]] if found else []
    role: str | None = a.role.strip() or None
    if role is not None:
        why = c.support(role, citations, kind="role", subject=name[0])
        if why:
            c.unsupported(f"{path}.role", f"role {role!r}", citations, why)
            c.drop(f"{path}.role", "claim", role, why)
            role = None
    seen[key] = a.id
    return Actor(id=a.id, name=name[0], kind=a.kind, role=role, evidence=citations)


def _positions(c: _Checker, draft: BriefDraft, names: dict[str, str]) -> list[Position]:
    out: list[Position] = []
    for i, p in enumerate(draft.positions):
        path = f"positions[{i}]"
        if p.actor not in names:
            reason = f"actor {p.actor!r} is not the id of any grounded actor"
            c.problem(f"{path}.actor", reason)
            c.drop(path, "item", p.model_dump(), [reason])
            continue
        subject = names[p.actor]
        cited = c.grounded(path, p, _one(Claim("stance", p.stance, "stance", subject)))
        if cited is not None:
            out.append(
                Position(
                    actor=p.actor,
                    topic=p.topic,
                    stance=p.stance,
                    evidence=cited,
                    extractive=_same(p.stance, cited),
                )  # fmt: skip
            )
    return out


def _ids(c: _Checker, path: str, ids: Sequence[str], names: dict[str, str]) -> list[str]:
    kept = []
    for k, actor_id in enumerate(ids):
        if actor_id in names:
            kept.append(actor_id)
            continue
        reason = f"actor id {actor_id!r} is not the id of any grounded actor"
        c.problem(f"{path}[{k}]", reason)
        c.drop(f"{path}[{k}]", "reference", actor_id, [reason])
    return kept


def _disputes(c: _Checker, draft: BriefDraft, names: dict[str, str]) -> list[Dispute]:
    out: list[Dispute] = []
    for i, d in enumerate(draft.disputes):
        path = f"disputes[{i}]"
        sides = []
        for s, side in enumerate(d.sides):
            side_ids = _ids(c, f"{path}.sides[{s}].actors", side.actors, names)
            if side_ids:
                sides.append(Side(actors=side_ids, claim=side.claim))
        if not sides:
            reason = "no side of the dispute names a grounded actor"
            c.problem(f"{path}.sides", reason)
            c.drop(path, "item", d.model_dump(), [reason])
            continue

        def claims(
            _: list[Citation], d: DraftDispute = d, sides: list[Side] = sides
        ) -> list[Claim]:
            listed = [Claim("issue", d.issue, "issue")]
            for s, side in enumerate(sides):
                who = names[side.actors[0]]
                listed.append(Claim(f"sides[{s}].claim", side.claim, "side", who))
            return listed

        cited = c.grounded(path, d, claims)
        if cited is not None:
            # the article's own words: the issue a part of a cited sentence, each side's
            # claim a cited sentence itself (the extractive proposer's disputes)
            own = _within(d.issue, cited) and all(_same(side.claim, cited) for side in sides)
            out.append(
                Dispute(issue=d.issue, sides=sides, status=d.status, evidence=cited, extractive=own)
            )
    return out


def _step_claims(c: _Checker, step: DraftNextStep) -> Callable[[list[Citation]], list[Claim]]:
    def claims(citations: list[Citation]) -> list[Claim]:
        listed = [Claim("action", step.action, "action")]
        said = " ".join(c.evidence_text(citations))
        # ``when`` states a time, not an event: the article's own words for it are enough
        # (how certain the step is, is ``certainty``'s claim).
        if step.when and ArticleIndex(said).locate(step.when) is None:
            listed.append(Claim("when", step.when, "when"))
        if step.certainty == "scheduled":  # "proposed" and "possible" hedge: always allowed
            listed.append(Claim("certainty", step.certainty, "certainty"))
        return listed

    return claims


def _next_steps(c: _Checker, draft: BriefDraft, names: dict[str, str]) -> list[NextStep]:
    out: list[NextStep] = []
    for i, step in enumerate(draft.next_steps):
        path = f"next_steps[{i}]"
        step_ids = _ids(c, f"{path}.actors", step.actors, names)
        cited = c.grounded(path, step, _step_claims(c, step))
        if cited is not None:
            out.append(
                NextStep(
                    action=step.action,
                    actors=step_ids,
                    when=step.when,
                    certainty=step.certainty,
                    evidence=cited,
                    extractive=_same(step.action, cited),
                )  # fmt: skip
            )
    return out


def _headline(
    c: _Checker, draft: BriefDraft, summary: list[SummarySentence], fallback: str | None
) -> str:
    """The model's headline when the surviving summary supports it, else a stand-in."""
    headline = draft.headline.strip()
    stand_in = fallback or (summary[0].text if summary else headline)
    if not summary:
        if headline != stand_in:
            reason = "no summary sentence survived grounding, so the headline is not trusted either"
            c.drop("headline", "item", headline, [reason])
        return stand_in
    if fallback is not None and " ".join(headline.split()) == " ".join(fallback.split()):
        return headline  # the article's own title
    c.report.claims_checked += 1
    evidence = [s.text for s in summary]
    result = check_support(headline, evidence, kind="headline", language=c.written_in)
    if result.supported:
        c.report.claims_supported += 1
        return headline
    c.report.claims_dropped += 1
    reasons = list(result.reasons)
    c.problem(
        "headline",
        f"the headline {headline!r} is not supported by the summary: {'; '.join(reasons)}. "
        "Write a headline that the summary sentences state.",
    )
    c.drop("headline", "item", headline, reasons)
    return stand_in


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
    c = _Checker(index, cross_language=written_in != index.language, written_in=written_in)
    summary = _summary(c, draft)
    if len(draft.summary) < min_summary:
        c.problem("summary", f"write {min_summary} to 4 sentences, not {len(draft.summary)}")
    actors: list[Actor] = []
    seen: dict[str, str] = {}
    for i, a in enumerate(draft.actors):
        actor = _actor(c, i, a, seen, {x.id for x in actors})
        if actor is not None:
            actors.append(actor)
    names = {a.id: a.name for a in actors}
    content = BriefContent.model_construct(
        headline=_headline(c, draft, summary, fallback_headline),
        summary=summary,
        actors=actors,
        positions=_positions(c, draft, names),
        disputes=_disputes(c, draft, names),
        next_steps=_next_steps(c, draft, names),
    )
    return Grounded(content=content, problems=c.problems, report=c.report)
