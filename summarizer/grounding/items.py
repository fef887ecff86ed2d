"""Each section of a draft through the check: its items' citations and claims, and the
headline against the sentences the summary cites (see :mod:`.check`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from summarizer.grounding.checker import Checker, Claim
from summarizer.grounding.quotes import ArticleIndex
from summarizer.grounding.support import check_support
from summarizer.output.brief import (
    Actor,
    BriefDraft,
    Citation,
    Dispute,
    DraftActor,
    DraftDispute,
    DraftNextStep,
    NextStep,
    Position,
    Side,
    SummarySentence,
    Unestablished,
)

__all__ = ["actor", "disputes", "headline", "next_steps", "positions", "summary"]


def summary(c: Checker, draft: BriefDraft) -> list[SummarySentence]:
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


def _within(text: str, citations: Sequence[Citation]) -> bool:
    """Whether ``text`` is a verbatim part of a cited sentence."""
    flat = " ".join(text.split())
    return bool(flat) and any(flat in " ".join(c.quote.split()) for c in citations)


def _same(text: str, citations: Sequence[Citation]) -> bool:
    """Whether ``text`` is the cited sentence itself (then it is shown as a quotation)."""
    flat = " ".join(text.split())
    return any(" ".join(c.quote.split()) == flat for c in citations)


def actor(
    c: Checker, i: int, a: DraftActor, seen: dict[str, str], ids: set[str], position: int
) -> Actor | None:
    path = f"actors[{i}]"
    name = c.index.find(a.name)
    reasons = []
    if name is None:
        reasons.append(f"name {a.name!r} does not occur in the article")
    if a.id in ids:
        reasons.append(f"id {a.id!r} is used by an earlier actor")
    key = c.identity(name[0] if name else a.name)
    if key in seen and not reasons:
        # "Minister Maria Okafor" and "Maria Okafor": one actor; what the brief says of the
        # second is said of the first
        c.same_actor[a.id] = seen[key]
        c.drop(path, "item", a.model_dump(), [f"the same actor as {seen[key]!r} (merged)"])
        return None
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


def positions(c: Checker, draft: BriefDraft, names: dict[str, str]) -> list[Position]:
    out: list[Position] = []
    for i, p in enumerate(draft.positions):
        path = f"positions[{i}]"
        if p.actor not in names:
            reason = f"actor {p.actor!r} is not the id of any grounded actor"
            c.problem(f"{path}.actor", reason)
            c.drop(path, "item", p.model_dump(), [reason])
            continue
        subject = names[p.actor]
        p = p.model_copy(update={"actor": c.same_actor.get(p.actor, p.actor)})
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


def _ids(c: Checker, path: str, ids: Sequence[str], names: dict[str, str]) -> list[str]:
    kept: list[str] = []
    for k, actor_id in enumerate(ids):
        if actor_id in names:
            canon = c.same_actor.get(actor_id, actor_id)
            if canon not in kept:
                kept.append(canon)
            continue
        reason = f"actor id {actor_id!r} is not the id of any grounded actor"
        c.problem(f"{path}[{k}]", reason)
        c.drop(f"{path}[{k}]", "reference", actor_id, [reason])
    return kept


def disputes(c: Checker, draft: BriefDraft, names: dict[str, str]) -> list[Dispute]:
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
            # the article's own words: the issue a part of a cited sentence, each side's
            # claim a cited sentence itself (the extractive proposer's disputes)
            own = _within(d.issue, cited) and all(_same(side.claim, cited) for side in sides)
            out.append(
                Dispute(
                    issue=d.issue,
                    sides=sides,
                    status=d.status,
                    evidence=cited,
                    extractive=own,
                    support=support,
                )
            )
    return out


def _step_claims(c: Checker, step: DraftNextStep) -> Callable[[list[Citation]], list[Claim]]:
    def claims(citations: list[Citation]) -> list[Claim]:
        # a step the item calls proposed or possible says so itself: its action is read as
        # hedged (a "will" in it is still checked)
        said = " ".join(c.evidence_text(citations))
        expected = step.certainty == "scheduled" and _EXPECTED_RE.search(said)
        kind = "action" if step.certainty == "scheduled" and not expected else "hedged_action"
        listed = [Claim("action", step.action, kind)]
        # ``when`` states a time, not an event: the article's own words for it are enough
        # (how certain the step is, is ``certainty``'s claim).
        if step.when and not _says_when(said, step.when):
            listed.append(Claim("when", step.when, "when"))
        if step.certainty == "scheduled":  # "proposed" and "possible" hedge: always allowed
            # checked against the words that state the action, not every hedge nearby
            listed.append(Claim("certainty", step.certainty, "certainty", step.action))
        return listed

    return claims


_EXPECTED_RE = re.compile(
    r"\b(?:(?:is|are|was|were|be|been)\s+expected|expect(?:s|ed)?\s+to)\b", re.IGNORECASE
)


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


def next_steps(c: Checker, draft: BriefDraft, names: dict[str, str]) -> list[NextStep]:
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


def headline(
    c: Checker, draft: BriefDraft, summary: list[SummarySentence], fallback: str | None
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


def _summary_citations(c: Checker, draft: BriefDraft) -> list[Citation]:
    """The whole segments every summary item of the draft cites (not counted as checks):
    by number, or the segments that hold a quote (a brief given to ``verify``), so a
    headline is checked the same way in both."""
    out: list[Citation] = []
    for s in draft.summary:
        for ref in s.evidence:
            numbers: list[int] = []
            if isinstance(ref, int) or (isinstance(ref, str) and ref.strip("[] ").isdigit()):
                numbers = [int(str(ref).strip("[] "))]
            elif isinstance(ref, str) and (quoted := c.index.cite_quote(ref)) is not None:
                numbers = [seg.id for seg in c.index.holding(quoted[0])]
            for number in numbers:
                found = c.index.cite_segment(number)
                if found is not None and found not in out:
                    out.append(found)
    return out
