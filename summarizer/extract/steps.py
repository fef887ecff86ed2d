"""Next-step candidates: segments with a future cue (*will, is due to, plans to, next week,
on Thursday*), with the time expression and a certainty read from the wording.
"""

from __future__ import annotations

import re

from summarizer.cast.lexicon import QUOTES
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.actors import mentioned_actors
from summarizer.extract.data import Certainty, NextStepCandidate
from summarizer.grounding.support import check_support

__all__ = ["certainty_of", "next_step_candidates", "when_of"]

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_DAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few)"
_UNIT = r"(?:hours?|days?|weeks?|months?|years?)"
_DATE = (
    rf"(?:\d{{1,2}}(?:\s*(?:-|–|to|and)\s*\d{{1,2}})?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{{1,2}})?(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}(?:\s+\d{{4}})?)"
)
_TIME_RE = re.compile(
    # a range or a duration with its start: "from 2 to 6 March", "for five days from Monday"
    rf"\b(?:for\s+(?:another\s+|the\s+next\s+)?{_NUMBER}\s+{_UNIT}\s+(?:from|starting)\s+"
    rf"(?:{_DAY}|{_DATE})"
    rf"|(?:from|between)\s+(?:{_DAY}|{_DATE}|\d{{1,2}})\s+(?:to|and|until)\s+(?:{_DAY}|{_DATE})"
    rf"|(?:on|by|before|after|until|from|next|this|early|late|mid)?\s*{_DAY}"
    rf"(?:\s+(?:morning|afternoon|evening|night))?(?:,?\s+{_DATE})?"
    rf"|(?:(?:on|by|before|after|until|from|in|early|late|mid|next)\s+)?{_DATE}"
    rf"|as\s+(?:early|soon)\s+as\s+(?:{_DATE}|(?:19|20)\d\d|next\s+\w+)"
    rf"|at\s+\d{{1,2}}[:.]\d{{2}}(?:\s+(?:local\s+time|GMT|UTC|a\.m\.|p\.m\.))?"
    rf"|for\s+(?:another|a\s+further|the\s+next)\s+{_NUMBER}\s+{_UNIT}"
    r"|(?:next|this|later this|early next|late next|the coming|the following)\s+"
    r"(?:week|weekend|month|year|quarter|spring|summer|autumn|fall|winter|session|term)"
    r"|tomorrow|tonight|in the coming (?:days|weeks|months|years)"
    rf"|(?:within|in|after)\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}"
    r"|by the end of (?:the|this|next) (?:week|month|year)"
    r"|(?:in|by|before) (?:early |late |mid-)?(?:19|20)\d\d)\b",
)
# What makes a step certain, proposed or only possible, as worded.
_SCHEDULED_RE = re.compile(
    r"\b(?:(?:is|are|was|were)\s+(?:due|scheduled|set|slated|to be held)\s+to"
    r"|(?:is|are|was|were)\s+scheduled|scheduled\s+(?:for|on)"
    r"|(?:will|would|shall)\s+(?:\w+\s+)?(?:take place|be held)"
    r"|will\s+(?:\w+\s+)?\w+|would\s+(?:\w+\s+)?\w+"
    r"|agreed\s+to"
    r"|(?:is|are)\s+to\s+(?:meet|hold|vote|resume|begin|start|take|hear|rule|visit|sign))\b",
    re.I,
)
# Case-sensitive: "may" the modal, not "4 May".
_POSSIBLE_RE = re.compile(
    r"\b(?:could|may|might|possibly|possible|ready to|willing to|(?:is|are|was|were)\s+"
    r"considering|(?:will|would|shall)\s+consider|considers|weighing|hopes?|hoped|"
    r"threatened to|threatens to|open to|likely|unlikely)\b|^\s*(?:If|Unless|Could|Might)\b"
)
_PROPOSED_RE = re.compile(
    r"\b(?:plans?\s+to|planned\s+to|intends?\s+to|intended\s+to|proposed|proposes|"
    r"wants?\s+to|aims?\s+to|seeks?\s+to|called\s+(?:on|for)|urged|invited|offered\s+to)\b",
    re.I,
)
_FUTURE_RE = re.compile(
    r"\b(?:will|would|shall|is due|are due|due to|scheduled|plans? to|planned to|"
    r"intends? to|is to|are to|set to|expected to|expects to|going to|next|tomorrow|"
    r"upcoming|coming|later this|ready to|willing to|could|(?-i:may)|might|threatened to|"
    r"called on|urged|has proposed|have proposed|proposed to|proposes|offered to|invited)\b",
    re.I,
)
_SPEECH_NEAR_RE = re.compile(
    r"\b(?:said|says|told|announced|added|stated|wrote|confirmed|reported|warned)\b"
    r"(?:\s+\w+){0,2}\s*,?\s*$",
    re.I,
)
_SPEECH_AFTER_RE = re.compile(
    r"^\s*(?:said|says|told|announced|added|stated|wrote|confirmed)\b", re.I
)
_AGREED_RE = re.compile(r"\bagreed to\b", re.I)
_SAID_RE = re.compile(r"\b(?:said|says|told|added|warned|reported|announced)\b", re.I)
_VAGUE = frozenset(["in the future", "in future"])


def _said_when(text: str, start: int, end: int) -> bool:
    """Whether a time is when something was said ("said Friday", "told reporters on
    Thursday", "on Friday said"), not when the step takes place."""
    return bool(_SPEECH_NEAR_RE.search(text[max(0, start - 40) : start])) or bool(
        _SPEECH_AFTER_RE.match(text[end : end + 30])
    )


def when_of(text: str) -> str | None:
    """When the step itself takes place, as the article words it: the time expression of
    the future clause (after its will/would/is due to, else just before it), ranges and
    durations kept whole; None when only the statement is dated ("said Friday that ...")."""
    cue = _FUTURE_RE.search(text)
    found: list[tuple[int, int, str]] = []
    for m in _TIME_RE.finditer(text):
        if text[m.end() : m.end() + 2] in ("'s", "’s"):
            continue  # "next year's budget" names a budget, not a time
        phrase = m.group().strip()
        if not phrase or phrase.lower() in _VAGUE or _said_when(text, m.start(), m.end()):
            continue
        found.append((m.start(), m.end(), phrase))
    if not found:
        return None
    if cue is None:
        return max(found, key=lambda f: len(f[2]))[2]
    after = [f for f in found if f[0] >= cue.start()]
    if after:
        return after[0][2]
    # "On Saturday the two sides will meet": just before the cue, in the same clause
    before = [
        f
        for f in found
        if len(text[f[1] : cue.start()].split()) <= 8 and "," not in text[f[1] : cue.start()]
    ]
    return before[-1][2] if before else None


def certainty_of(text: str) -> Certainty:
    """possible (could, may, considering, a sentence that opens with "if"), proposed (plans
    to, proposed, called for), else scheduled (will, is due to, is scheduled for); a
    "scheduled" that the evidence hedges (the claim check reads "if", "expects" as hedges)
    is said as "proposed"."""
    if _POSSIBLE_RE.search(text):
        return "possible"
    proposed = _PROPOSED_RE.search(text)
    if proposed and not _SCHEDULED_RE.search(text, 0, proposed.start()):
        return "proposed"
    scheduled = _SCHEDULED_RE.search(text) is not None
    if scheduled and check_support("scheduled", [text], kind="certainty").supported:
        return "scheduled"
    return "proposed"


def next_step_candidates(ex: ActorRegistry, ids: dict[str, str]) -> list[NextStepCandidate]:
    """Every body segment with a future cue, ranked best first."""
    next_steps: list[NextStepCandidate] = []
    for seg in ex.art.body:
        body = seg.text
        when = when_of(body)
        future = _FUTURE_RE.search(body) or (when and _AGREED_RE.search(body))
        if not future:
            continue  # "agreed to" is a step only with a time of its own ("for 30 days")
        certainty = certainty_of(body)
        score = 1.0 + (1.5 if when else 0.0) + (1.0 if _SCHEDULED_RE.search(body) else 0.0)
        if not _SAID_RE.search(body, 0, future.start()):
            score += 0.5  # a future stated in the main clause, not reported
        if body.lstrip()[:1] in QUOTES:
            score -= 1.5  # a quotation's "will" is the speaker's forecast, not a plan
        if when and re.search(r"\b(?:next|tomorrow|coming|later this)\b", when, re.I):
            score += 0.5
        next_steps.append(
            NextStepCandidate(
                segment=seg.id,
                actors=tuple(mentioned_actors(ex, seg, ids)),
                when=when,
                certainty=certainty,
                score=round(score, 3),
            )
        )
    next_steps.sort(key=lambda n: (-n.score, n.segment))
    return next_steps
