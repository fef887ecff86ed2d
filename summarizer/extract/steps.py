"""Next-step candidates: segments with a future cue (*will, is due to, plans to, next week,
on Thursday*), with the time expression and a certainty read from the wording.
"""

from __future__ import annotations

import re

from summarizer.cast.lexicon import QUOTES
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.actors import mentioned_actors
from summarizer.extract.data import Certainty, NextStepCandidate

__all__ = ["certainty_of", "next_step_candidates", "when_of"]

_TIME_RE = re.compile(
    r"\b(?:(?:on|by|before|after|until|from|next|this|last|early|late)\s+)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:\s+(?:morning|afternoon|evening|night))?"
    r"(?:,?\s+\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December))?)\b"
    r"|\b(?:(?:on|by|before|after|until|from|in|early|late|mid|next)\s+)?"
    r"(?:\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)|(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?)\b"
    r"|\b(?:next|this|later this|early next|late next|the coming|the following)\s+"
    r"(?:week|weekend|month|year|quarter|spring|summer|autumn|fall|winter|session|term)\b"
    r"|\b(?:tomorrow|tonight|in the coming (?:days|weeks|months|years)|"
    r"(?:within|in|after) (?:the next )?(?:\d+|a|an|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|twelve|several|few) (?:days?|weeks?|months?|years?)|"
    r"by the end of (?:the|this|next) (?:week|month|year)|"
    r"(?:in|by|before) (?:early |late |mid-)?(?:19|20)\d\d)\b",
)
_SCHEDULED_RE = re.compile(
    r"\b(?:(?:is|are|was|were)\s+(?:due|scheduled|set|expected|slated|to be held)\s+to"
    r"|(?:is|are|was|were)\s+scheduled|scheduled\s+(?:for|on)|will\s+(?:hold|meet|resume|"
    r"begin|start|open|close|take place|vote|hear|rule|sit|convene|announce|publish|"
    r"decide|return|go|travel|visit|sign|issue|present|deliver|launch|end|expire)"
    r"|(?:is|are)\s+to\s+(?:meet|hold|vote|resume|begin|start|take|hear|rule|visit|sign))\b",
    re.I,
)
_POSSIBLE_RE = re.compile(
    r"\b(?:could|may|might|possibly|possible|ready to|willing to|(?:is|are|was|were) considering|"
    r"threatened to|threatens to|if|unless|likely|unlikely|expected to|expects to|"
    r"open to|weighing)\b",
    re.I,
)
_FUTURE_RE = re.compile(
    r"\b(?:will|would|shall|is due|are due|due to|scheduled|plans? to|planned to|"
    r"intends? to|is to|are to|set to|expected to|expects to|going to|next|tomorrow|"
    r"upcoming|coming|later this|ready to|willing to|could|may|might|threatened to|"
    r"called on|urged|proposed|proposes|offered to)\b",
    re.I,
)


def when_of(text: str) -> str | None:
    best: str | None = None
    for m in _TIME_RE.finditer(text):
        if text[m.end() : m.end() + 2] in ("'s", "’s"):
            continue  # "next year's budget" names a budget, not a time
        found = m.group().strip()
        if best is None or len(found) > len(best):
            best = found
    return best


def certainty_of(text: str) -> Certainty:
    if _POSSIBLE_RE.search(text):
        return "possible"
    if _SCHEDULED_RE.search(text):
        return "scheduled"
    return "proposed"


def next_step_candidates(ex: ActorRegistry, ids: dict[str, str]) -> list[NextStepCandidate]:
    """Every body segment with a future cue, ranked best first."""
    next_steps: list[NextStepCandidate] = []
    for seg in ex.art.body:
        body = seg.text
        when = when_of(body)
        future = _FUTURE_RE.search(body)
        if not future:
            continue
        certainty = certainty_of(body)
        score = 1.0 + (1.5 if when else 0.0) + (1.0 if _SCHEDULED_RE.search(body) else 0.0)
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
