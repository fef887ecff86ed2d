"""Dispute candidates: two actors whose attributed stances on one issue oppose.

Read from the positions (:mod:`.positions`), never written: a dispute pairs a position
that opposes (*denied the charge*, *rejected*, *refused*, *has offered* after a demand,
*will vote against*, *false*) with an earlier position of another actor, on another side,
about the same thing. "The same thing" is read from the words the two sentences share
(rare words count more than common ones), from a denial that points back (*the claim*,
*the charge*, *the report*) and from one sentence naming the other's actor (*accused the
union*, *Delgado's plan*). Each side cites its own sentence; the issue is named with the
words of one of them: what is demanded, refused or alleged (*a pay rise*, *misleading
drivers about the company's finances*).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizer.cast.lexicon import (
    ACTION,
    SPEECH,
    STANCE,
    STOP,
    WORD_RE,
    bare_word,
)
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.data import DisputeCandidate, PositionCandidate
from summarizer.extract.issues import ACCUSED_RE, BACK_RE, BARE_BACK_RE, issue_of, unquoted
from summarizer.extract.lexicon import stem_word


def _words(text: str) -> list[str]:
    return text.split()


__all__ = ["dispute_candidates"]

# A stance against something: the actor's own verb (a refusal, a denial, a rejection) ...
_OPPOSE_VERBS = frozenset(
    _words(
        """denied denies deny rejected rejects reject refused refuses refuse dismissed dismisses
    disputed disputes opposed opposes oppose countered objected condemned criticised
    criticized"""
    )
)
# ... or what it says after a verb of speech (a vote against, a refusal, "false").
_OPPOSE_RE = re.compile(
    r"\b(?:vot\w+ against|false|untrue|not an offer|will not|would not|won't|could not|"
    r"cannot|can't|not move|never)\b",
    re.IGNORECASE,
)
# A demand and an answer to it: the two figures of a negotiation.
_DEMAND_RE = re.compile(
    r"\b(?:demand\w*|wants?|wanted|seeks?|sought|call(?:s|ed)? (?:on|for)|urg\w+|insist\w*|"
    r"argu(?:es|ed|ing) for|"
    r"press(?:es|ed|ing)|push(?:es|ed|ing)|(?<!the )(?<!a )proposed|accus\w+|alleg\w+|"
    r"suspect\w*)\b",
    re.IGNORECASE,
)
_ANSWER_RE = re.compile(r"\b(?:offered|offers|offer|(?<!the )(?<!a )proposed|counter\w*)\b", re.I)
# Words two sentences share without sharing an issue: who said it, where and when.
_NOT_ISSUES = frozenset(
    _words(
        """leader leaders official officials spokesman spokeswoman statement reporters
    conference news interview earlier later today yesterday tomorrow time times year years
    day days week weeks month months last next first second third think thinks told
    telling want wants wanted need needs needed thing things part lot way ways really well
    good better best something nothing anything everyone everything whether however
    because therefore meanwhile including people person"""
    )
)
_CONTRAST_RE = re.compile(r"^\W*(?:But|However|Yet)\b|,\s*however,|\bcritics\b")
_GOVERNMENT_TITLES = frozenset(
    _words("minister secretary chancellor premier president spokesman spokeswoman")
)
_THRESHOLD = 3.0
_MIN_SHARED = 1.5  # words in common, weighted by rarity: one specific word


@dataclass(frozen=True)
class _Side:
    position: PositionCandidate
    text: str
    words: frozenset[str]


def _content(text: str, exclude: set[str]) -> frozenset[str]:
    out = set()
    for m in WORD_RE.finditer(text):
        w = m.group()
        low = w.lower()
        if low in STOP or low in SPEECH or low in STANCE or low in ACTION or len(low) < 3:
            continue
        if not w.islower() or low in _NOT_ISSUES:
            continue  # names say who is involved, not what about; "month" says neither
        stem = stem_word(w)
        if stem not in exclude:
            out.add(stem)
    return frozenset(out)


def _same_side(ex: ActorRegistry, keys: Mapping[str, str], a: str, b: str) -> bool:
    """Whether two actors speak for one side: a person whose role names the other body
    ("the union's regional secretary" for the union; "Its chair" is not enough)."""
    if a == b:
        return True
    for one, other in ((a, b), (b, a)):
        person, body = ex.actors.get(keys.get(one, "")), ex.actors.get(keys.get(other, ""))
        if person is None or body is None or person.kind != "person":
            continue
        role = {bare_word(w) for w in [*(person.role or "").split(), *person.titles]}
        if (
            body.kind == "government"
            and role & _GOVERNMENT_TITLES
            and body.name.lower() in ("the government", "government")
        ):
            return True  # "Business Secretary Nadia Ferrante" for "the government"
        # the body's proper name ("Northgate Transport Workers' Union"), not the words of a
        # description ("scientists on the mission" shares "mission" with "mission manager")
        names = {bare_word(w) for w in body.name.split() if w[:1].isupper()} | set(body.heads)
        if role & (names - STOP) and body.kind != "person":
            return True
    return False


_REFUSAL_RE = re.compile(
    r"\b(?:(?:will|would|could|does|do|did)\s+not|cannot|can't)\s+(?:accept|agree|allow|support|back|sign|"
    r"approve|pay|move|tolerate|withdraw|drop)|won't\s+\w+|\b(?:refus|reject)\w*",
    re.IGNORECASE,
)
_FIGURE_RE = re.compile(
    r"\b(\d+(?:[.,]\d+)?)\s*(?:per\s*cent|percent|%|(?:million|billion|thousand)?\s*"
    r"(?:euros?|dollars?|pounds?|tonnes?|tons|kilometres?|kilometers?|km|metres?|years?|"
    r"months?|weeks?|days?|jobs|seats|units|troops|barrels)\b)",
    re.IGNORECASE,
)


def _figures_clash(first: str, second: str) -> bool:
    """Two different figures of one unit ("20 percent" and "12 percent")."""

    def figures(text: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for m in _FIGURE_RE.finditer(unquoted(text)):
            unit = re.sub(r"[^a-z%]", "", m.group(0)[len(m.group(1)) :].lower())
            out.setdefault(unit.replace("percent", "%").replace("percent", "%"), set()).add(
                m.group(1)
            )
        return out

    a, b = figures(first), figures(second)
    # "raised to 32 per cent from 24" / "the 24 per cent share should stand": the figures
    # each side wants differ, even when both name the one in force
    return any(a[u] != b[u] and _top(a[u]) != _top(b[u]) for u in a.keys() & b.keys())


def _top(figures: set[str]) -> float:
    return max(float(f.replace(",", "")) for f in figures)


def _accuses(a: _Side, b: _Side, ex: ActorRegistry, keys: Mapping[str, str]) -> bool:
    """Whether the first side accuses the second side's actor ("accused the ministry of")."""
    actor = ex.actors.get(keys.get(b.position.actor, ""))
    if actor is None:
        return False
    for m in ACCUSED_RE.finditer(a.text):
        who = m.group("who").strip()
        key = ex.resolve_name(who) or ex.resolve_description(who, a.position.segment)
        if key == keys.get(b.position.actor):
            return True
    return False


def _owner_named(back: re.Match[str], a: _Side, ex: ActorRegistry, keys: Mapping[str, str]) -> bool:
    """Whether a denial's object names the first side's actor ("De Vries's claim")."""
    owner = re.search(r"(\w+)['’]s\s", back.group(0))
    actor = ex.actors.get(keys.get(a.position.actor, ""))
    if owner is None or actor is None:
        return False
    return owner.group(1).lower() in {w.lower() for w in actor.name.split()}


def _names_other(
    a: _Side, b: _Side, keys: Mapping[str, str], refers: Mapping[int, Sequence[str]]
) -> bool:
    """Whether one side's sentence names the other side's actor."""
    ka, kb = keys.get(a.position.actor), keys.get(b.position.actor)
    return kb in refers.get(a.position.segment, ()) or ka in refers.get(b.position.segment, ())


def _after_verb(text: str, verb: str) -> str:
    """What a speaker says: the text after the verb of speech, or the quotation before an
    inverted "..., she said"."""
    at = re.search(rf"\b{re.escape(verb)}\b", text)
    if at is None:
        return text
    after = text[at.end() :]
    return after if len(after.split()) >= 3 else text[: at.start()]


def dispute_candidates(
    ex: ActorRegistry,
    positions: Sequence[PositionCandidate],
    keys: Mapping[str, str],
    refers: Mapping[int, Sequence[str]],
    *,
    limit: int = 4,
) -> list[DisputeCandidate]:
    """Disputes from pairs of opposed positions, best first, each segment in one dispute.

    ``keys`` maps a candidate actor id to its registry key; ``refers`` gives the registry
    keys of the actors each segment names or refers to (the cast's mentions).
    """
    texts = ex.art.texts
    body = [s for s in ex.art.body if s.id not in ex.art.subheads]
    df: dict[str, int] = {}
    for seg in body:
        for w in _content(seg.text, set()):
            df[w] = df.get(w, 0) + 1
    n = max(len(body), 1)

    def idf(word: str) -> float:
        return math.log((n + 1) / (df.get(word, 0) + 1))

    names: dict[str, set[str]] = {}
    for ident, key in keys.items():
        actor = ex.actors.get(key)
        if actor is not None:
            names[ident] = {stem_word(w) for w in actor.name.split()}
    sides = [
        _Side(p, texts[p.segment], _content(texts[p.segment], names.get(p.actor, set())))
        for p in positions
    ]
    scored: list[tuple[float, _Side, _Side]] = []
    for b in sides:
        text_b = unquoted(b.text)
        back = BACK_RE.search(text_b) or BARE_BACK_RE.search(text_b)
        verb = b.position.verb
        oppose = verb in _OPPOSE_VERBS or bool(
            verb in SPEECH and _OPPOSE_RE.search(_after_verb(b.text, verb))
        )
        answer = bool(_ANSWER_RE.search(text_b))
        # without an opposing verb, only a figure of its own against the other's can oppose
        # ("wants a 14 per cent rise" / "says it can afford 6 per cent")
        # "But", "however": the writer sets this side against what came just before
        contrast = bool(_CONTRAST_RE.search(unquoted(b.text)))
        figure_only = not (oppose or answer or back or contrast)
        for a in sides:
            # the accused answering: "accused the ministry of ignoring its submission" /
            # "The ministry said every submission had been considered"
            reply = (
                0 < b.position.segment - a.position.segment <= 2
                and bool(a.words & b.words)
                and _accuses(a, b, ex, keys)
            )
            if (
                figure_only
                and not reply
                and not (
                    abs(b.position.segment - a.position.segment) <= 3
                    and (_DEMAND_RE.search(unquoted(a.text)) or a.words & b.words)
                    and _figures_clash(a.text, b.text)
                )
            ):
                continue  # two figures of one thing: demanded and offered, or disputed
            if a.position.segment >= b.position.segment and not (
                # an offer or a plan before what answers it: just before ("has offered 3
                # percent" / "is demanding 8 percent"), or named by it ("Delgado's plan
                # would drain the fund"), not any offer made long before
                answer
                and a.position.segment > b.position.segment
                and (
                    a.position.segment - b.position.segment <= 2
                    or keys.get(b.position.actor) in refers.get(a.position.segment, ())
                )
            ):
                continue
            if a.position.segment == b.position.segment:
                continue
            if _same_side(ex, keys, a.position.actor, b.position.actor):
                continue
            shared = a.words & b.words
            # rare words weigh more; the story's own topic words (in most sentences) a little
            score = sum(min(idf(w), 3.0) if df.get(w, 0) < 0.4 * n else 0.5 for w in shared)
            distance = abs(b.position.segment - a.position.segment)
            demand = bool(_DEMAND_RE.search(unquoted(a.text)))
            if demand and ACCUSED_RE.search(a.text) and not _accuses(a, b, ex, keys):
                demand = False  # an accusation is answered by the accused, not a third party
            # a demand, and an offer or a refusal of it; or two figures of one thing
            refused = verb in _OPPOSE_VERBS or bool(_REFUSAL_RE.search(_after_verb(b.text, verb)))
            answered = (answer or refused) and demand and bool(shared)
            clash = _figures_clash(a.text, b.text)
            answered = answered or clash
            addressed = _names_other(a, b, keys, refers)
            if back and distance > 3 and not _owner_named(back, a, ex, keys):
                continue  # "disputes the figure": a figure stated just before, not far back
            if back and distance <= 2:
                score += 3.5 - 0.5 * distance  # "X denied the claim" right after the claim
            elif score < _MIN_SHARED and not (answered or reply) and not (oppose and addressed):
                continue  # no word in common, and no answer to the other: not one issue
            elif back and _owner_named(back, a, ex, keys):
                score += 1.5  # "denied De Vries's claim": a claim of that actor, far back
            score += 1.5 if addressed else 0.0
            score += 1.5 if answered else 0.0
            if demand and verb in _OPPOSE_VERBS:
                score += 0.5  # an accusation or a demand, denied or refused
            if demand and clash:
                score += 2.0  # a figure demanded, another offered
            if reply:
                score += 3.0
            contrasted = (
                contrast and 0 < b.position.segment - a.position.segment <= 3 and bool(shared)
            )
            score += 1.0 if contrasted else 0.0
            if not (addressed or answered or reply or contrasted or (back and distance <= 2)):
                continue  # an opposition must be to the other: named, answered, or denied
            if oppose:
                score += 1.5 if verb in _OPPOSE_VERBS else 1.0
            score -= 0.05 * distance
            if score >= _THRESHOLD:
                scored.append((score, a, b))
    scored.sort(key=lambda t: (-t[0], t[2].position.segment))
    used: set[int] = set()
    out: list[DisputeCandidate] = []
    for score, a, b in scored:
        if a.position.segment in used or b.position.segment in used:
            continue
        issue = issue_of(a.text, b.text)
        if not issue:
            continue
        used |= {a.position.segment, b.position.segment}
        out.append(
            DisputeCandidate(
                issue=issue,
                sides=(a.position, b.position),
                score=round(score, 3),
            )
        )
        if len(out) >= limit:
            break
    return out
