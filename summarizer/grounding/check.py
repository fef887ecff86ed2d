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
    SupportLevel,
    Unestablished,
)
from summarizer.grounding.context import Context
from summarizer.grounding.quotes import ArticleIndex
from summarizer.grounding.support import Support, check_support, evidence_is_substantive

__all__ = ["Claim", "Grounded", "Problem", "check", "withhold_unestablished"]


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

    def context(self, citations: Sequence[Citation]) -> Context | None:
        """Who the cited segments are about and who says them (English articles)."""
        if self.cross_language or (self.index.language or "en") != "en":
            return None
        ids: list[int] = []
        for c in citations:
            if c.segment is not None:
                ids.append(c.segment)
            ids += [s.id for s in self.index.holding(c)]
        return Context(self.index.cast, tuple(dict.fromkeys(ids)))

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
    ) -> Support:
        """The verdict on ``claim`` against ``citations``."""
        self.report.claims_checked += 1
        evidence = self.evidence_text(citations)
        if not evidence:
            result = Support(
                False,
                ("the evidence is too thin: a bare name or a few words support no claim",),
                contradicted=True,
            )
        elif self.cross_language:
            self.report.claims_cross_language += 1
            reasons = _numbers_only(claim, evidence)
            result = Support(not reasons, tuple(reasons), contradicted=bool(reasons))
        else:
            result = check_support(
                claim,
                evidence,
                kind=kind,
                language=self.index.language or "en",
                subject=subject,
                context=self.context(citations),
            )
        if result.supported:
            self.report.claims_supported += 1
        elif result.contradicted:
            self.report.claims_dropped += 1
        else:
            self.report.claims_not_established += 1
        return result

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
    ) -> tuple[list[Citation], list[str]] | None:
        """The item's citations and what the check could not establish (empty: every claim
        is supported), or None when a claim is contradicted (the item is dropped)."""
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
        unsettled: list[str] = []
        for claim in claims(citations):
            result = self.support(claim.text, citations, kind=claim.kind, subject=claim.subject)
            if result.supported:
                continue
            if result.contradicted:
                what = f"{claim.label} {claim.text!r}"
                self.unsupported(f"{path}.{claim.label}", what, citations, list(result.reasons))
                failed += [f"{claim.label}: {r}" for r in result.reasons]
            else:
                unsettled += [f"{claim.label}: {r}" for r in result.reasons]
        if failed:
            self.drop(path, "item", item.model_dump(), failed + unsettled)
            return None
        return citations, unsettled

    def shown(self, path: str, unsettled: list[str]) -> SupportLevel:
        """Record an item shown at ``path`` of the brief: not established when ``unsettled``."""
        if not unsettled:
            return "supported"
        self.report.not_established.append(Unestablished(path=path, reasons=unsettled))
        return "not_established"


def _summary(c: _Checker, draft: BriefDraft) -> list[SummarySentence]:
    out: list[SummarySentence] = []
    for i, s in enumerate(draft.summary):
        found = c.grounded(f"summary[{i}]", s, _one(Claim("text", s.text, "summary")))
        if found is not None:
            cited, unsettled = found
            out.append(
                SummarySentence(
                    text=s.text,
                    evidence=cited,
                    extractive=_same(s.text, cited),
                    support=c.shown(f"summary[{len(out)}]", unsettled),
                )
            )
    return out


def _one(claim: Claim) -> Callable[[list[Citation]], list[Claim]]:
    """An item that makes one claim, whatever it cites."""
    return lambda _: [claim]


def _same(text: str, citations: Sequence[Citation]) -> bool:
    """Whether ``text`` is the cited sentence itself (then it is shown as a quotation)."""
    flat = " ".join(text.split())
    return any(" ".join(c.quote.split()) == flat for c in citations)


def _actor(
    c: _Checker, i: int, a: DraftActor, seen: dict[str, str], ids: set[str], position: int
) -> Actor | None:
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
    unsettled: list[str] = []
    if role is not None:
        result = c.support(role, citations, kind="role", subject=name[0])
        why = list(result.reasons)
        if result.contradicted:
            c.unsupported(f"{path}.role", f"role {role!r}", citations, why)
            c.drop(f"{path}.role", "claim", role, why)
            role = None
        elif not result.supported:
            unsettled = [f"role: {r}" for r in why]
    seen[key] = a.id
    support = c.shown(f"actors[{position}]", unsettled)
    return Actor(id=a.id, name=name[0], kind=a.kind, role=role, evidence=citations, support=support)


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
        found = c.grounded(path, p, _one(Claim("stance", p.stance, "stance", subject)))
        if found is not None:
            cited, unsettled = found
            out.append(
                Position(
                    actor=p.actor,
                    topic=p.topic,
                    stance=p.stance,
                    evidence=cited,
                    extractive=_same(p.stance, cited),
                    support=c.shown(f"positions[{len(out)}]", unsettled),
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
                who = "\n".join(names[a] for a in side.actors)  # any of them may say it
                listed.append(Claim(f"sides[{s}].claim", side.claim, "side", who))
            return listed

        found = c.grounded(path, d, claims)
        if found is not None:
            cited, unsettled = found
            support = c.shown(f"disputes[{len(out)}]", unsettled)
            out.append(
                Dispute(
                    issue=d.issue, sides=sides, status=d.status, evidence=cited, support=support
                )
            )
    return out


def _step_claims(c: _Checker, step: DraftNextStep) -> Callable[[list[Citation]], list[Claim]]:
    def claims(citations: list[Citation]) -> list[Claim]:
        listed = [Claim("action", step.action, "action")]
        said = " ".join(c.evidence_text(citations))
        # ``when`` states a time, not an event: the article's own words for it are enough
        # (how certain the step is, is ``certainty``'s claim).
        if step.when and not _says_when(said, step.when):
            listed.append(Claim("when", step.when, "when"))
        if step.certainty == "scheduled":  # "proposed" and "possible" hedge: always allowed
            # checked against the words that state the action, not every hedge nearby
            listed.append(Claim("certainty", step.certainty, "certainty", step.action))
        return listed

    return claims


def _says_when(said: str, when: str) -> bool:
    """Whether the evidence has ``when`` as written (whole words: "9 March" is not in
    "19 March")."""
    found = ArticleIndex(said).locate(when)
    if found is None:
        return False
    start, end, _ = found
    before = said[start - 1 : start] if start else ""
    after = said[end : end + 1]
    return not (before.isalnum() or after.isalnum())


def _next_steps(c: _Checker, draft: BriefDraft, names: dict[str, str]) -> list[NextStep]:
    out: list[NextStep] = []
    for i, step in enumerate(draft.next_steps):
        path = f"next_steps[{i}]"
        step_ids = _ids(c, f"{path}.actors", step.actors, names)
        found = c.grounded(path, step, _step_claims(c, step))
        if found is not None:
            cited, unsettled = found
            out.append(
                NextStep(
                    action=step.action,
                    actors=step_ids,
                    when=step.when,
                    certainty=step.certainty,
                    evidence=cited,
                    extractive=_same(step.action, cited),
                    support=c.shown(f"next_steps[{len(out)}]", unsettled),
                )  # fmt: skip
            )
    return out


def _headline(
    c: _Checker, draft: BriefDraft, summary: list[SummarySentence], fallback: str | None
) -> str:
    """The model's headline when the sentences its summary cites do not contradict it, else
    a stand-in (the article's title, or the first summary sentence)."""
    headline = draft.headline.strip()
    stand_in = fallback or (summary[0].text if summary else headline)
    if fallback is not None and " ".join(headline.split()) == " ".join(fallback.split()):
        return headline  # the article's own title
    cited = _summary_citations(c, draft)
    if not summary and not cited:
        if headline != stand_in:
            reason = "no summary sentence survived grounding, so the headline is not trusted either"
            c.drop("headline", "item", headline, [reason])
        return stand_in
    # Checked against every sentence the summary cites (a summary sentence dropped for its
    # own wording does not take the headline down), in the brief's language.
    c.report.claims_checked += 1
    evidence = [s.text for s in summary] + [x.quote for x in cited]
    result = check_support(headline, evidence, kind="headline", language=c.written_in)
    if result.supported:
        c.report.claims_supported += 1
        return headline
    reasons = list(result.reasons)
    if not result.contradicted:
        c.report.claims_not_established += 1
        c.report.headline_support = "not_established"
        c.report.not_established.append(Unestablished(path="headline", reasons=reasons))
        return headline
    c.report.claims_dropped += 1
    c.problem(
        "headline",
        f"the headline {headline!r} is not supported by the summary: {'; '.join(reasons)}. "
        "Write a headline that the summary sentences state.",
    )
    c.drop("headline", "item", headline, reasons)
    return stand_in


def _summary_citations(c: _Checker, draft: BriefDraft) -> list[Citation]:
    """The whole segments every summary item of the draft cites (not counted as checks)."""
    out: list[Citation] = []
    for s in draft.summary:
        for ref in s.evidence:
            if isinstance(ref, int) or (isinstance(ref, str) and ref.strip("[] ").isdigit()):
                found = c.index.cite_segment(int(str(ref).strip("[] ")))
                if found is not None and found not in out:
                    out.append(found)
    return out


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
        actor = _actor(c, i, a, seen, {x.id for x in actors}, len(actors))
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
