"""Who a claim is given to: a stance's, side's or role's actor against the cited sentences'
speakers (through the cast), a claim's own source ("Okafor says ..."), and a next step's
``scheduled`` against the words that state it."""

from __future__ import annotations

import re

from summarizer.grounding.analysis import analyze
from summarizer.grounding.checks import attribution, check_certainty, name_parts, quoted
from summarizer.grounding.context import Context, claim_sources_with_words, claim_speakers
from summarizer.grounding.coverage import hedged
from summarizer.grounding.lexicon import ATTRIBUTIVE_HEDGES, CERTAIN_VALUES, DETERMINERS
from summarizer.grounding.matching import occurrences
from summarizer.grounding.text import Text
from summarizer.grounding.words import CAP, DAY, KEY, STEM, TOKSTOP

__all__ = ["attribution_of", "certainty", "claim_sources"]


def attribution_of(
    subject: str,
    claim: str,
    quotes: list[Text],
    kind: str,
    context: Context | None,
    hard: list[str],
    reasons: list[str],
) -> None:
    """Whether the cited sentences give the claim to ``subject`` (one actor, or for a
    dispute side its actors one per line; see :mod:`.context`): it speaks or acts in them,
    or is what a speaker there reports on. Contradicted when the sentences do not refer to
    it at all and someone else speaks; not established when they mention it but do not
    give it the claim. Without the article's cast, by the speakers the quotes name."""
    names = [n.strip() for n in subject.split("\n") if n.strip()]
    keys = [context.resolve(n) for n in names] if context is not None else []
    known = [k for k in keys if k is not None]
    if context is None or not known:
        if kind == "side":
            return
        why = attribution(names[0], quotes, role=kind == "role")
        if why:
            (hard if why.startswith("the evidence attributes") else reasons).append(why)
        return
    assert context is not None
    name = context.name_of(known[0])
    texts = [context.cast.view.texts.get(s, "").lower() for s in context.segments]
    mentioned = any(k in context.refers for k in known) or any(
        part in text for n in names for part in name_parts(n) for text in texts
    )
    if kind == "role":
        if not mentioned:
            reasons.append(f"the evidence does not mention {quoted(name)}")
        return
    if any(context.attributes_to(k, claim) for k in known):
        return
    others = [o for o in context.speakers if not any(context.linked(k, o) for k in known)]
    if others and not mentioned and kind != "side":
        who = context.name_of(others[0])
        hard.append(f"the evidence attributes this to {quoted(who)}, not to {quoted(name)}")
    elif others:
        who = context.name_of(others[0])
        reasons.append(f"the evidence gives this to {quoted(who)}, not clearly to {quoted(name)}")
    else:
        reasons.append(f"the evidence does not attribute this to {quoted(name)}")


def certainty(value: str, action: str, quotes: list[Text], lang: str) -> list[str]:
    """``scheduled`` against the evidence: contradicted when the words that state the
    action are hedged there ("is expected to", "could", "proposed"); a hedge elsewhere in
    the sentence ("the audit, expected to take ten weeks, will be carried out") does not
    count. Without the action, any hedge in the evidence counts."""
    if not action.strip():
        return check_certainty(value, quotes)
    c = analyze(action, lang, True)
    unsure = asserted = 0
    said = ""
    for j, p in enumerate(c.props):
        if p[TOKSTOP] or p[CAP] or c.negator[j] or p[DAY] is not None:
            continue
        occ = [(q, i) for q in quotes for i in occurrences(p[KEY], p[STEM], q, name=False)]
        if not occ or c.is_hedge[j]:
            continue
        if c.hedge[j]:  # the claim hedges this word itself ("the proposed landing site")
            if (
                all(hedged(q, i) for q, i in occ)
                and _verb_of_hedge(c, j)
                and not all(q.hedge[i].lower() in _SCHEDULE_HEDGES for q, i in occ)
            ):
                # "could order", "plans to publish": the step's own verb, hedged on both
                # sides, is no scheduled step
                unsure += len(c.props)
                said = said or occ[0][0].hedge[occ[0][1]]
            continue
        if all(hedged(q, i) for q, i in occ) and not all(
            q.hedge[i].lower() in _SCHEDULE_HEDGES for q, i in occ
        ):
            unsure += 1
            said = said or occ[0][0].hedge[occ[0][1]]
        else:
            asserted += 1  # "is expected to meet on 28 March": a step on the calendar
    if value.strip().lower() in CERTAIN_VALUES and unsure and unsure >= asserted:
        return [f"{quoted(value.strip())} is not supported: the evidence says {quoted(said)}"]
    return []


# Hedges under which a step is still on the calendar: the certainty "scheduled" is what a
# careful reader calls "the vote is expected on Thursday" (its action keeps its hedge: "will
# vote" is still not supported).
_SCHEDULE_HEDGES = frozenset({"expected", "expects", "expect"})


def _verb_of_hedge(c: Text, j: int) -> bool:
    """Whether word ``j`` is the first content word after a hedge of the claim that is not
    an adjective on a thing: the verb the hedge governs ("could order", "plans to
    publish", "is expected to discuss")."""
    k = next((k for k in range(j - 1, -1, -1) if c.is_hedge[k]), -1)
    if k < 0 or _attributive(c, k + 1) or any(w in ("will", "shall") for w in c.low[:k]):
        return False  # "will carry out the audit, expected to take ten weeks": the step is sure
    between = range(k + 1, j)
    return all(c.props[m][TOKSTOP] for m in between)


def _attributive(c: Text, j: int) -> bool:
    """Whether the hedge on word ``j`` is an adjective on a thing ("the proposed landing
    site"), not on what the step does ("could order", "plans to publish", "is expected to
    discuss": a step so worded is not scheduled)."""
    k = next((k for k in range(j - 1, -1, -1) if c.is_hedge[k]), -1)
    return k > 0 and c.low[k] in ATTRIBUTIVE_HEDGES and c.low[k - 1] in DETERMINERS


def claim_sources(claim: str, context: Context, hard: list[str], soft: list[str]) -> None:
    """A claim that names its source ("Okafor says ...") against the cited sentences'
    speakers."""
    if not context.speakers:
        return
    for written in claim_speakers(claim):
        key = context.resolve(written)
        if key is None or context.attributes_to(key, claim, reported=False):
            continue
        others = [o for o in context.speakers if not context.linked(key, o)]
        if not others:  # the one who speaks there is the source the claim names
            continue
        who = context.name_of(others[0])
        if key in context.refers:  # named there, but not as the one who says it
            soft.append(
                f"the evidence gives this to {quoted(who)}, not clearly to {quoted(written)}"
            )
        else:
            hard.append(f"the evidence attributes this to {quoted(who)}, not to {quoted(written)}")
        return
    for written, said in claim_sources_with_words(claim):
        key = context.resolve(written)
        words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", said)}
        seg = _sentence_of(words, context) if key is not None else None
        if key is None or seg is None:
            continue
        speakers = context.cast.speakers(seg)
        own = " ".join(
            context.cast.view.texts.get(s, "").lower()
            for s in context.segments
            if any(context.linked(key, k) for k in context.cast.speakers(s))
        )
        if sum(1 for w in words if w in own) >= 2:
            continue  # what the claim gives the source is in its own sentences too
        if speakers and not any(context.linked(key, k) for k in speakers):
            who = context.name_of(speakers[0])
            soft.append(
                f"the evidence gives this to {quoted(who)}, not clearly to {quoted(written)}"
            )
            return


def _sentence_of(words: set[str], context: Context) -> int | None:
    """The cited sentence that holds most of ``words`` (at least three, and two more than
    any other), or None."""
    scores = []
    for seg in context.segments:
        text = context.cast.view.texts.get(seg, "").lower()
        scores.append((sum(1 for w in words if w in text), seg))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < 3:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < 2:
        return None
    return scores[0][1]
