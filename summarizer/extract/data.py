"""What the proposers hand over: candidates that point at the article's own segments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from summarizer.cast.types import Kind, SegmentLike

__all__ = [
    "SENTENCE_CHARS",
    "ActorCandidate",
    "Candidates",
    "Certainty",
    "DisputeCandidate",
    "Kind",
    "NextStepCandidate",
    "PositionCandidate",
    "SegmentLike",
]

Certainty = Literal["scheduled", "proposed", "possible"]
# The longest text a draft item may have (brief.Sentence): a longer segment is never proposed.
SENTENCE_CHARS = 400


@dataclass(frozen=True)
class ActorCandidate:
    """Someone the article shows acting; ``role`` is the article's words or empty."""

    id: str
    name: str
    kind: Kind
    role: str
    evidence: tuple[int, ...]  # segments that state the name (and the role, when there is one)
    acts: tuple[int, ...]  # segments where the actor speaks or acts
    score: float


@dataclass(frozen=True)
class PositionCandidate:
    """A segment of reported speech, attributed to an actor."""

    segment: int
    actor: str  # an ActorCandidate id
    topic: str  # a salient word of the segment
    topics: tuple[str, ...]  # other salient words, best first
    attribution: int  # the segment that names the actor (== segment unless resolved)
    score: float
    verb: str = (
        ""  # the verb that attributes it ("said", "denied"; "" for a quotation that runs on)
    )


@dataclass(frozen=True)
class DisputeCandidate:
    """Two positions of actors on different sides that oppose on one issue; each side's
    segment is its claim and its evidence."""

    issue: str  # words of one of the two sentences
    sides: tuple[PositionCandidate, ...]
    score: float


@dataclass(frozen=True)
class NextStepCandidate:
    """A segment about what happens next."""

    segment: int
    actors: tuple[str, ...]
    when: str | None
    certainty: Certainty
    score: float


@dataclass(frozen=True)
class Candidates:
    """Everything :func:`propose` found, each list ranked best first."""

    headline: str
    title: str | None
    body: tuple[int, ...]  # segment ids of the article body (the title line left out)
    summary: tuple[int, ...]
    actors: tuple[ActorCandidate, ...]
    positions: tuple[PositionCandidate, ...]
    next_steps: tuple[NextStepCandidate, ...]
    texts: dict[int, str] = field(default_factory=dict)  # segment id -> text
    disputes: tuple[DisputeCandidate, ...] = ()

    def actor(self, actor_id: str) -> ActorCandidate | None:
        return next((a for a in self.actors if a.id == actor_id), None)
