"""Evidence-level checks of the claim-support check (:mod:`summarizer.grounding.support`):
numbers, dates and number bounds; attribution of a stance to its actor; certainty values;
the character-bigram check for Chinese, Japanese, Korean and Thai."""

from __future__ import annotations

import re

from summarizer.grounding.lexicon import (
    ACCORDING,
    BOUND_HIGH,
    BOUND_LOW,
    CERTAIN_AUX,
    CERTAIN_VALUES,
    CJK_NEG,
    NUMBER_WORDS,
    PRONOUNS,
    SPEAKER_AFTER,
    SPEAKER_APPOSITIVE,
    SPEAKER_BEFORE,
    STOP,
    TITLES,
)
from summarizer.grounding.numbers import numbers_of
from summarizer.grounding.text import Text
from summarizer.grounding.words import TOKSTOP

_CJK_COVERAGE = 0.5
_NUMBER_TEXT = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(NUMBER_WORDS) + r")\b")


def quoted(word: str) -> str:
    return f"'{word}'"


def _speakers(raw: str) -> list[tuple[str, int]]:
    """Named speakers of reported speech in a quote, with the offset of their verb."""
    out: list[tuple[str, int]] = []
    for rx in (SPEAKER_BEFORE, SPEAKER_APPOSITIVE):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.end()))
    for rx in (SPEAKER_AFTER, ACCORDING):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.start()))
    return out


def name_parts(name: str) -> set[str]:
    parts = set()
    for w in re.findall(r"[^\W\d_]+", name):
        low = w.lower()
        if len(low) >= 3 and low not in TITLES and low not in STOP["en"]:
            parts.add(low)
    return parts


def attribution(subject: str, quotes: list[Text], *, role: bool) -> str | None:
    """None when the quotes attribute to ``subject``, else the reason they do not."""
    parts = name_parts(subject)
    if not parts:
        return None
    named = weak = False
    other: str | None = None
    for q in quotes:
        mentions = bool(parts & q.lows)
        if role:
            named = named or mentions
            weak = weak or bool(q.lows & PRONOUNS)
            continue
        speakers = _speakers(q.raw)
        mine = [s for s in speakers if name_parts(s[0]) & parts]
        theirs = [s for s in speakers if not name_parts(s[0]) & parts and name_parts(s[0])]
        if mine:
            named = True
        elif theirs:
            first_verb = min(pos for _, pos in theirs)
            reported = any(q.raw.lower().find(p, first_verb) >= 0 for p in parts)
            if reported:
                named = True
            else:
                other = other or theirs[0][0]
        elif mentions:
            named = True
        else:
            lows = q.lows
            if lows & PRONOUNS or any(f"the {p}" in q.raw.lower() for p in subject_words(subject)):
                weak = True
    if named:
        return None
    if other is not None:
        return f"the evidence attributes this to {quoted(other)}, not to {quoted(subject)}"
    if weak:
        return None
    return f"the evidence does not mention {quoted(subject)}"


def subject_words(subject: str) -> list[str]:
    """Lower-case common nouns of an actor's name ("Allied Nurses Union" -> union, nurses)."""
    return [w.lower() for w in re.findall(r"[^\W\d_]{4,}", subject)]


def certainty_word(c: Text, j: int) -> str:
    for i in range(j - 1, -1, -1):
        if c.low[i] in CERTAIN_AUX:
            return f"{c.text[i]} {c.text[j]}" if i == j - 1 else c.text[i]
        if not c.props[i][TOKSTOP]:
            break
    return c.text[j]


def check_certainty(claim: str, quotes: list[Text]) -> list[str]:
    value = claim.strip().lower()
    if value not in CERTAIN_VALUES:
        return []
    for q in quotes:
        if True in q.is_hedge:
            said = quoted(q.text[q.is_hedge.index(True)])
            return [f"{quoted(claim.strip())} is not supported: the evidence says {said}"]
    return []


def check_cjk(claim: Text, quotes: list[Text]) -> list[str]:
    reasons: list[str] = []
    ev_bigrams: set[str] = set()
    for q in quotes:
        ev_bigrams |= q.bigrams
    if claim.bigrams:
        covered = len(claim.bigrams & ev_bigrams) / len(claim.bigrams)
        if covered < _CJK_COVERAGE:
            reasons.append(f"only {covered:.0%} of the claim's text is covered by the evidence")
    claim_neg = bool(CJK_NEG.search(claim.raw))
    ev_neg = any(CJK_NEG.search(q.raw) for q in quotes)
    if claim_neg != ev_neg:
        reasons.append("negation differs between the claim and the evidence")
    return reasons


def _bound(raw: str, at: int) -> int:
    """+1 when a lower-bound phrase ("at least", "more than") ends just before ``at``, -1
    for an upper bound ("up to", "fewer than"), 0 otherwise."""
    before = raw[max(0, at - 20) : at].lower().rstrip(" $£€")
    if before.endswith(BOUND_LOW):
        return 1
    if before.endswith(BOUND_HIGH):
        return -1
    return 0


def check_bounds(claim: str, quotes: list[str]) -> list[str]:
    """A number the claim bounds one way ("at least 8") must not be bounded the other way
    in the evidence ("up to 8")."""
    out: list[str] = []
    for m in _NUMBER_TEXT.finditer(claim):
        cb = _bound(claim, m.start())
        if not cb:
            continue
        for q in quotes:
            i = q.find(m.group())
            while i >= 0:
                eb = _bound(q, i)
                if eb and eb != cb:
                    out.append(f"{quoted(m.group())} is bounded the other way in the evidence")
                    return out
                i = q.find(m.group(), i + 1)
    return out


def check_numbers_and_dates(c: Text, quotes: list[Text], hard: list[str], soft: list[str]) -> None:
    """Numbers by value and what they count (:mod:`.numbers`), weekdays and months.

    A number is contradicted when the evidence counts the same thing with another number
    ("five berths" for "four berths"), or gives another ordinal ("the fifth round" for "the
    third"); it is only not established when the evidence does not count that at all. A
    weekday or month is contradicted when the evidence names another one.
    """
    evidence = [n for q in quotes for n in numbers_of(q.raw)]
    seen: set[str] = set()
    claimed = numbers_of(c.raw)
    # a unit the claim counts twice ("from 96 turbines to 84") of which the evidence has one
    # is a synthesis with a sentence not cited, not a contradiction
    matched_units = {n.unit for n in claimed if n.unit and any(n.matches(e) for e in evidence)}
    for n in claimed:
        counted = [e for e in evidence if n.unit and e.unit == n.unit]
        pool = counted or evidence
        if any(n.matches(e) for e in pool) or n.text in seen:
            continue
        seen.add(n.text)
        rivals = counted or [e for e in evidence if n.kind == "ord" and e.kind == "ord"]
        if rivals and n.unit not in matched_units:
            hard.append(f"number {quoted(n.text)} is not supported: the evidence says "
                        f"{quoted(rivals[0].text)}")  # fmt: skip
        else:
            soft.append(f"number {quoted(n.text)} does not appear in the evidence")
    ev_days: set[str] = set()
    for q in quotes:
        ev_days |= q.days
    for key, text in c.day_text:
        if key in ev_days:
            continue
        kind = key.split(":")[0]
        said = [t for q in quotes for k, t in q.day_text if k.split(":")[0] == kind]
        if said:
            hard.append(f"{quoted(text)} is not supported: the evidence says {quoted(said[0])}")
        else:
            soft.append(f"{quoted(text)} does not appear in the evidence")
