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

from summarizer.cast.lexicon import ACTION, SPEECH, STANCE, STOP, WORD_RE, bare_word
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.data import DisputeCandidate, PositionCandidate
from summarizer.extract.lexicon import stem_word
from summarizer.grounding.support import check_support


def _words(text: str) -> list[str]:
    return text.split()


__all__ = ["dispute_candidates", "issue_of", "issue_phrases"]

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
    r"\b(?:vot\w+ against|false|untrue|not an offer|will not|would not|won't|not move|"
    r"never)\b",
    re.IGNORECASE,
)
# A demand and an answer to it: the two figures of a negotiation.
_DEMAND_RE = re.compile(
    r"\b(?:demand\w*|wants?|wanted|seeks?|sought|call(?:s|ed)? (?:on|for)|urg\w+|insist\w*|"
    r"press(?:es|ed|ing)|push(?:es|ed|ing)|(?<!the )(?<!a )proposed|accus\w+|alleg\w+|"
    r"suspect\w*)\b",
    re.IGNORECASE,
)
_ANSWER_RE = re.compile(r"\b(?:offered|offers|offer|(?<!the )(?<!a )proposed|counter\w*)\b", re.I)
# A denial that points back at what another actor said.
_BACK_RE = re.compile(
    r"\b(?:denied|denies|rejected|rejects|dismissed|disputed|disputes)\s+(?:\w+['’]s\s+)?"
    r"(?:the\s+|this\s+|that\s+|these\s+|those\s+)?(?:\w+\s+)?(?P<what>claims?|charges?|"
    r"accusations?|allegations?|reports?|demands?|offers?|proposals?|plans?|figures?|"
    r"suggestions?|account|estimates?|warnings?|criticism|concerns?|findings?|decision|"
    r"ruling|bids?|approach|terms|requests?|conclusions?|assessment|version|idea)\b",
    re.IGNORECASE,
)
_ACCUSED_RE = re.compile(
    r"\b(?:accus\w+|suspect\w*|blam\w+)\s+(?P<who>[^,.;\"“”]{1,60}?)\s+(?:of|for)\s+"
    r"[\"“]?(?P<what>[^,.;\"“”]{4,120})",
    re.IGNORECASE,
)
_OBJECT_RE = re.compile(
    r"\b(?:vot\w+ against|demand\w*|wants?|wanted|seeks?|sought|offered|offers|proposed|"
    r"rejected|rejects|"
    r"refused|refuses|opposed|opposes|called for|calls for|pushed for|pushes for|"
    r"pressing for|insists on|insisted on)\s+(?P<what>[^,.;:\"“”]{4,140})",
    re.IGNORECASE,
)
_PLACE_WORDS = frozenset(
    _words("at in on outside inside from to after before during by with without")
)
_GENERIC = frozenset(
    _words(
        "claim claims charge charges accusation accusations allegation allegations report reports "
        "account accounts"
    )
)
_SAID_RE = re.compile(
    r"\b(?:said|says|reported|reports|claimed|claims)\s+(?:on \w+\s+|"
    r"this \w+\s+|last \w+\s+)?(?:that\s+)?(?P<what>[^,.;:\"“”]{4,140})",
    re.IGNORECASE,
)
_CUT_RE = re.compile(
    r"\s+(?:to make|to\s+\w+\s+up|which|who|while|but|because|before|after|as|if|unless|"
    r"until|and\s+\w+ed|and only|saying|arguing|adding)\b|\s+\d"
    r"|\s+(?:this|last|next)\s+(?:year|week|month)"
)
_DETERMINER_RE = re.compile(
    r"^(?:a|an|the|its|their|his|her|that|this|these|those)\s+", re.IGNORECASE
)
_MAX_ISSUE_WORDS = 10
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
        role = {bare_word(w) for w in (person.role or "").split()}
        names = {bare_word(w) for w in body.name.split()} | set(body.heads)
        if role & (names - STOP) and body.kind != "person":
            return True
    return False


def issue_of(first: str, second: str) -> str:
    """The issue two sentences dispute, in the words of one of them: what a denial names
    ("the Tarvanian demand"), what was alleged ("accused the union of misleading drivers
    ..."), demanded, offered or refused, else what the first reported; cut at a clause, a
    number or a time, at most ten words; the first that the claim check supports (a thing
    demanded or alleged keeps its verb: "demanding a pay rise", not "pay rise"). "" when none is."""
    for phrase in issue_phrases(first, second):
        if check_support(phrase, [first, second], kind="issue").supported:
            return phrase
    return ""


def issue_phrases(first: str, second: str) -> list[str]:
    """Candidate issue phrases, best first (see :func:`issue_of`)."""
    out: list[str] = []
    back = _BACK_RE.search(_unquoted(second))
    if back is not None:  # "rejected the Tarvanian demand": what the denial names
        named = re.match(
            r"(?:denied|denies|rejected|rejects|dismissed|disputed|disputes)\s+(?P<what>.+)",
            back.group(0) + second[back.end() :],
            re.IGNORECASE,
        )
        if named:
            words = _clip(_DETERMINER_RE.sub("", named.group("what")))
            if words and words[0].lower() not in _GENERIC:
                out.append(" ".join(words))
    for text, pattern in (
        (first, _ACCUSED_RE),
        (second, _ACCUSED_RE),
        (second, _OBJECT_RE),
        (first, _OBJECT_RE),
        (first, _SAID_RE),
    ):
        # an allegation may be quoted ("accused the mayor of "using the memo ...""); what
        # else is demanded or reported is read outside quotations
        for m in pattern.finditer(text if pattern is _ACCUSED_RE else _unquoted(text)):
            if pattern is _OBJECT_RE and _BACK_RE.search(m.group(0)):
                continue  # "rejected the demand": the other sentence says what
            if pattern is _SAID_RE and text[: m.start()].rstrip()[-1:] in ',"”':
                continue  # '"...," said the group's chief executive': who, not what
            what = _clip(_DETERMINER_RE.sub("", m.group("what").strip(" ,;:-—")))
            where = pattern is _SAID_RE and what and what[0].lower() in _PLACE_WORDS
            if where or (what and what[0][:1].isdigit()):
                continue  # "said at a news conference", "offered 3 percent": not what about
            if len(what) >= 2 or (what and len(what[0]) > 5):
                # with its verb first: a thing demanded, offered or alleged is one side's,
                # not a fact ("demanding a pay rise", not "pay rise"); what was said or
                # reported is named by itself
                whole = _clip(m.group(0))
                phrases = [" ".join(what)]
                if len(whole) > len(what):
                    phrases.insert(0 if pattern is not _SAID_RE else 1, " ".join(whole))
                out += phrases
    return list(dict.fromkeys(out))


def _clip(what: str) -> list[str]:
    """The words of an issue phrase up to a clause, a number or a time; ten at most."""
    cut = _CUT_RE.search(what)
    if cut:
        what = what[: cut.start()]
    what = re.split(r"[,.;:\"“”]", what)[0]
    words = what.split()[:_MAX_ISSUE_WORDS]
    while words and (words[-1].lower() in STOP or not words[-1][:1].isalnum()):
        words.pop()
    return words


_REFUSAL_RE = re.compile(
    r"\b(?:will|would|could|does|do|did)\s+not\s+(?:accept|agree|allow|support|back|sign|"
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
        for m in _FIGURE_RE.finditer(_unquoted(text)):
            unit = re.sub(r"[^a-z%]", "", m.group(0)[len(m.group(1)) :].lower())
            out.setdefault(unit.replace("percent", "%").replace("percent", "%"), set()).add(
                m.group(1)
            )
        return out

    a, b = figures(first), figures(second)
    return any(a[u] != b[u] and not a[u] & b[u] for u in a.keys() & b.keys())


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


def _unquoted(text: str) -> str:
    """The sentence with quoted words blanked (what is alleged is said outside quotes)."""
    return re.sub(r"[\"“][^\"“”]*[\"”]", lambda m: " " * len(m.group()), text)


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
        text_b = _unquoted(b.text)
        back = _BACK_RE.search(text_b)
        verb = b.position.verb
        oppose = verb in _OPPOSE_VERBS or bool(
            verb in SPEECH and _OPPOSE_RE.search(_after_verb(b.text, verb))
        )
        answer = bool(_ANSWER_RE.search(text_b))
        if not (oppose or answer or back):
            continue
        for a in sides:
            if a.position.segment >= b.position.segment and not (
                answer and a.position.segment > b.position.segment
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
            demand = bool(_DEMAND_RE.search(_unquoted(a.text)))
            # a demand, and an offer or a refusal of it; or two figures of one thing
            refused = verb in _OPPOSE_VERBS or bool(_REFUSAL_RE.search(_after_verb(b.text, verb)))
            answered = (answer or refused) and demand and bool(shared)
            answered = answered or _figures_clash(a.text, b.text)
            addressed = _names_other(a, b, keys, refers)
            if back and distance > 3 and not _owner_named(back, a, ex, keys):
                continue  # "disputes the figure": a figure stated just before, not far back
            if back and distance <= 2:
                score += 3.5 - 0.5 * distance  # "X denied the claim" right after the claim
            elif score < _MIN_SHARED and not answered and not (oppose and addressed):
                continue  # no word in common, and no answer to the other: not one issue
            elif back and _owner_named(back, a, ex, keys):
                score += 1.5  # "denied De Vries's claim": a claim of that actor, far back
            score += 1.5 if addressed else 0.0
            score += 1.5 if answered else 0.0
            if demand and verb in _OPPOSE_VERBS:
                score += 0.5  # an accusation or a demand, denied or refused
            if not (addressed or answered or (back and distance <= 2)):
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
