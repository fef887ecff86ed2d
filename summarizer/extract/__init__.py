"""Choose-and-cite briefs for small models.

The program proposes candidates from the article's own words (:mod:`.candidates`); the
model only chooses among them under a grammar (:mod:`.select`); every item of the draft
quotes and cites the segment it came from.
"""

from summarizer.extract.candidates import (
    ActorCandidate,
    Candidates,
    NextStepCandidate,
    PositionCandidate,
    SegmentLike,
    baseline_draft,
    propose,
)
from summarizer.extract.select import TOOL_NAME, build_request, parse_answer
from summarizer.grounding.segments import segment
from summarizer.grounding.support import check_support

__all__ = [
    "TOOL_NAME",
    "ActorCandidate",
    "Candidates",
    "NextStepCandidate",
    "PositionCandidate",
    "SegmentLike",
    "baseline_draft",
    "build_request",
    "check_support",
    "parse_answer",
    "propose",
    "segment",
]
