"""What changed in a story, in one to three lines, and which next steps still are.

The first line of an updated story is its **development**: of the sentences its new
articles offer (titles, headlines, summary sentences), the one that states the most that
is new: figures the story had not reported (a vote result, an amount, a rate, a date),
a decision (agreed, approved, voted, appointed, called off, rejected, admitted, set...),
a day. Quotations and lines already shown count against a sentence; a sentence that says
what the story's headline says is never chosen. Then, at most two of: a dispute opened,
eased, escalated, stalled or no longer reported; a new dated next step; a position that
is new or whose stance turned (accepts -> rejects). Which next steps still are is
:mod:`.steps`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.digest.models import Story, StoryChange
from summarizer.digest.text import content_words, figures
from summarizer.output.names import fold

if TYPE_CHECKING:
    from summarizer.digest.history import StoryMemory
    from summarizer.digest.merge import StoryBuilder

__all__ = [
    "Candidate",
    "development_score",
    "is_decision",
    "changed_stance",
    "ends_something",
    "polarity",
    "repeats",
    "same_line",
    "what_changed",
]

MAX_CHANGES = 3

_DECISION = re.compile(
    r"\b(?:agreed|agree|approved|approves|passed|passes|voted|votes|appointed|appoints|"
    r"named|called off|calls off|ended|ends|rejected|rejects|accepted|accepts|admitted|"
    r"admits|signed|signs|ruled|rules|ruling|quashed|quashes|resigned|resigns|announced|announces|offered|offers|"
    r"extended|extends|contradicted|contradicts|testified|set|sets|cut|cuts|raised|raises|"
    r"closed|closes|reopened|reopens|dropped|drops|won|wins|lost|loses|launched|launches|"
    r"unveiled|unveils|presented|presents|opened|opens|confirmed|confirms|charged|"
    r"convicted|acquitted|sentenced|fined|suspended|suspends|withdrew|withdraws|dismissed|"
    r"struck|strike|deal|verdict|walked off|began|begins|halted|halts|resume|resumes)\b",
    re.IGNORECASE,
)
_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"[\"“”]")


@dataclass
class Candidate:
    """A line that could say what changed."""

    text: str
    article: str
    extractive: bool
    evidence_article: str | None = None


def is_decision(text: str) -> bool:
    return bool(_DECISION.search(text))


def development_score(text: str, known: set[str], shown: set[str]) -> float:
    """How much of what ``text`` says is new: new figures, a decision, a day; less for a
    quotation or a line already shown."""
    new_figures = len(figures(text) - known)
    score = 3.0 * min(new_figures, 3)
    if is_decision(text):
        score += 3
    if _DAY.search(text):
        score += 1
    quoted = len(_QUOTE_MARKS.findall(text))
    if quoted >= 2:
        score -= 4
    if fold(text) in shown:
        score -= 6
    words = len(text.split())
    if words < 6:
        score -= 2
    elif words > 60:
        score -= 1
    return score


def same_line(a: str, b: str, share: float = 0.7) -> bool:
    """Two lines that say the same thing: most of the shorter's content words are in the
    longer (a headline and the sentence it was cut from)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return fold(a) == fold(b)
    small = min(len(wa), len(wb))
    return len(wa & wb) / small >= share


def repeats(line: str, headline: str) -> bool:
    """``line`` says little beyond ``headline``: no figure of its own, and fewer than 40% of
    its content words are not the headline's."""
    words = content_words(line)
    if figures(line) - figures(headline):
        return False
    return len(words - content_words(headline)) < 0.4 * max(1, len(words))


_NEGATIVE = re.compile(
    r"\b(?:not|no|never|reject\w*|refus\w*|oppos\w*|against|den(?:y|ies|ied)|cannot|"
    r"unacceptable|won't|will not)\b",
    re.IGNORECASE,
)


def polarity(stance: str) -> int:
    """-1 for a refusal or denial, +1 otherwise: a stance that turns flips it."""
    return -1 if _NEGATIVE.search(stance) else 1


_TURN = re.compile(
    r"\b(?:now|no longer|dropped|drops|withdr[ae]w|withdraws|backed down|backs down|"
    r"reversed|reverses|changed course|u-turn|accepted|accepts|agreed to|agrees to|"
    r"rejected|rejects)\b",
    re.IGNORECASE,
)
_ENDING = re.compile(
    r"\b(?:deal|settle\w*|called off|calls off|ended|ends|approved|approves|passed|passes|"
    r"accepted|accepts|resolved|agreement|verdict|ruled|dropped)\b",
    re.IGNORECASE,
)


def ends_something(text: str) -> bool:
    """A line that reports an outcome (a deal, a vote passed, a ruling): a dispute it no
    longer mentions may then be over."""
    return bool(_ENDING.search(text))


def changed_stance(topic: str, stance: str, new_topic: str, new_stance: str) -> bool:
    """A stance on the same topic that turned: it says so (accepts, rejects, withdraws,
    backs down, now ...) and its polarity is the other way."""
    same_topic = fold(topic) == fold(new_topic) or same_line(topic, new_topic, 0.5)
    return (
        same_topic and bool(_TURN.search(new_stance)) and polarity(stance) != polarity(new_stance)
    )


STATUS_CHANGE = {"escalating": "dispute_escalated", "easing": "dispute_eased",
                  "stalled": "dispute_stalled"}  # fmt: skip
CHANGE_ORDER = {"dispute_opened": 0, "dispute_eased": 0, "dispute_escalated": 0,
                 "dispute_stalled": 0, "dispute_closed": 1, "position_changed": 1,
                 "step_new": 2, "new_position": 3}  # fmt: skip


def what_changed(
    memory: StoryMemory,
    fresh: set[str],
    story: Story,
    builder: StoryBuilder,
    developments: list[Candidate],
) -> tuple[list[StoryChange], list[str]]:
    """What changed in ``story`` since ``memory`` (its ``fresh`` articles are this digest's
    news; ``developments``, the concrete change first), and the disputes it says are over
    (no longer reported after an outcome: a deal, a vote passed, a ruling)."""
    out = [
        StoryChange(kind="development", text=d.text, article=d.article,
                    extractive=d.extractive)
        for d in developments
    ]  # fmt: skip
    rest: list[StoryChange] = []
    for d in story.disputes:
        if not fresh & set(d.sources):
            continue
        before = memory.disputes.get(fold(d.issue))
        kind = "dispute_opened" if before is None else STATUS_CHANGE.get(d.status)
        if kind is not None and before != d.status:
            rest.append(StoryChange(kind=kind, text=d.issue, article=d.sources[-1],  # type: ignore[arg-type]
                                    extractive=d.extractive))  # fmt: skip
    reported = {fold(d.issue) for d in story.disputes}
    outcome = any(ends_something(d.text) for d in developments)
    closed = [issue for issue, status in memory.disputes.items()
              if issue not in reported and status != "closed"]  # fmt: skip
    if not outcome:
        closed = []
    else:  # a deal, a vote passed, a ruling: the dispute it no longer reports
        rest += [StoryChange(kind="dispute_closed", text=memory.issues.get(i, i))
                 for i in closed[:1]]  # fmt: skip
    steps = [n for n in story.next_steps if n.new and n.date and fresh & set(n.sources)]
    rest += [StoryChange(kind="step_new", text=n.action, article=n.sources[-1],
                         extractive=n.extractive) for n in steps[:1]]  # fmt: skip
    before_positions: dict[str, list[tuple[str, str]]] = {}
    for key, topic, stance in memory.positions:
        before_positions.setdefault(key, []).append((topic, stance))
    known = set(memory.people) | set(memory.lone)  # the story's people so far
    for key, p, uid in builder.position_keys:
        if uid not in fresh:
            continue
        earlier = before_positions.get(key)
        if earlier is None:
            # a first stance of someone the story already had, or whom two articles quote
            # (not every shopkeeper a new article quotes)
            if key not in known and len(builder.actors[key].sources) < 2:
                continue
            kind = "new_position"
        elif any(changed_stance(topic, stance, p.topic, p.stance) for topic, stance in earlier):
            kind = "position_changed"
        else:
            continue
        rest.append(StoryChange(kind=kind, text=p.stance, article=uid,  # type: ignore[arg-type]
                                actor=builder.actors[key].name,
                                extractive=p.extractive))  # fmt: skip
    rest.sort(key=lambda c: CHANGE_ORDER.get(c.kind, 4))
    seen = [c.text.lstrip("…") for c in out] + [s.text for s in story.summary]
    for change in rest:
        if len(out) >= MAX_CHANGES:
            break
        if repeats(change.text, story.headline) or any(
            same_line(change.text, s, 0.8) for s in seen
        ):
            continue
        out.append(change)
        seen.append(change.text)
    return out, closed
