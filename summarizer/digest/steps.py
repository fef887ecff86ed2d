"""Which next steps still are: :func:`step_kept`.

A next step is something still ahead: it must say so (will, is due to, is scheduled,
plans to, from <date>...), must not say that nothing is scheduled ("No new talks had been
scheduled"), must not be a refusal ("could not accept ..."), and the day it names, read
from the article's own date, must not have passed.
"""

from __future__ import annotations

import re
from datetime import date

from summarizer.digest.text import resolve_day

__all__ = ["step_kept"]

_FUTURE = re.compile(
    r"\b(?:will|shall|would(?! have)|is to|are to|was to|were to|is due|are due|due to|"
    r"was due|scheduled|set to|set for|expected to|plans? to|planned|intends? to|going to)\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(
    r"\b(?:next (?:week|month)|from (?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|\d)|tomorrow|later this|until|by (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|\d))\b",
    re.IGNORECASE,
)
_NEGATED_MODAL = re.compile(
    r"\b(?:could|would|will|can|shall|should|might)\s+(?:not|never)\b|\b(?:cannot|can't|"
    r"won't|wouldn't|couldn't)\b",
    re.IGNORECASE,
)
_NOTHING_SCHEDULED = re.compile(
    r"\b(?:no|neither)\b[^.]{0,40}\b(?:had been|has been|have been|was|were|is|are|been|"
    r"said when|set|planned|arranged)\b[^.]{0,20}\b(?:scheduled|set|planned|arranged|"
    r"resume|agreed)\b|\bnot\s+(?:yet\s+)?(?:been\s+)?(?:scheduled|set|arranged)\b|"
    r"\bno (?:date|new talks|talks|meeting|hearing|vote)\b[^.]{0,30}\b(?:scheduled|set)\b",
    re.IGNORECASE,
)


def step_kept(action: str, when: str | None, anchor: date, today: date) -> tuple[bool, date | None]:
    """Whether a next step still is one (see the module docstring), and the day it names
    (read from ``anchor``, the day the article was written)."""
    text = f"{action} {when or ''}"
    if _NOTHING_SCHEDULED.search(text):
        return False, None
    if action.lstrip()[:1] in "\"“‘'":
        return False, None  # a quotation is what someone said, not a step
    refused = _NEGATED_MODAL.search(action)
    positive = _FUTURE.search(_NEGATED_MODAL.sub(" ", action))
    # a verb of the future ("will", "is due to"), or a day ahead ("from 1 May") in a sentence
    # that refuses nothing ("could not accept ... from next year" is a position)
    if not positive and (refused or not (_AHEAD.search(action) or (when and _AHEAD.search(when)))):
        return False, None
    day = resolve_day(when, anchor) if when else None
    if day is None:
        day = resolve_day(action, anchor)
    if day is not None and day < today:
        return False, day
    return True, day
