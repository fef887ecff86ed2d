"""The pydantic models of the brief: what the model fills, and what the program adds."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "draft_json_schema",
    "Brief",
    "BriefDraft",
    "DroppedItem",
    "Dispute",
    "GroundingReport",
    "NextStep",
    "Position",
    "Side",
    "SourceInfo",
    "SummarySentence",
    "Usage",
]

SCHEMA_VERSION = 1

ActorKind = Literal["person", "organization", "government", "country", "group", "other"]
DisputeStatus = Literal["open", "stalled", "escalating", "easing"]
Certainty = Literal["scheduled", "proposed", "possible"]

# Caps on lengths and counts keep answers finite: grammar-constrained servers (llama.cpp)
# enforce them while decoding, which stops a small model from looping inside a list.
Quote = Annotated[str, Field(max_length=300)]
Short = Annotated[str, Field(max_length=120)]
Sentence = Annotated[str, Field(max_length=400)]
Evidence = list[Quote]
_EVIDENCE = Field(
    min_length=1,
    max_length=3,
    description="Short verbatim quotes copied exactly from the article that support this item.",
)


class _Strict(BaseModel):
    # additionalProperties: false in the schema; every field required (strict structured outputs).
    model_config = ConfigDict(extra="forbid")


class SummarySentence(_Strict):
    """One neutral summary sentence and the quotes that back it."""

    text: Sentence = Field(description="One neutral sentence.")
    evidence: Evidence = _EVIDENCE


class Actor(_Strict):
    """Someone who acts in the story."""

    id: Annotated[str, Field(max_length=40)] = Field(
        description="Short id unique in this brief, e.g. 'putin'."
    )
    name: Short = Field(description="The name exactly as the article writes it.")
    kind: ActorKind
    role: Sentence = Field(description="The actor's role in this story.")
    evidence: Evidence = _EVIDENCE


class Position(_Strict):
    """What an actor wants, claims or refuses."""

    actor: Short = Field(description="An actor id.")
    topic: Short
    stance: Sentence = Field(description="One sentence.")
    evidence: Evidence = _EVIDENCE


class Side(_Strict):
    """One side of a dispute."""

    actors: list[Short] = Field(max_length=8, description="Actor ids.")
    claim: Sentence


class Dispute(_Strict):
    """A disagreement that is still open."""

    issue: Sentence
    sides: list[Side] = Field(max_length=4)
    status: DisputeStatus
    evidence: Evidence = _EVIDENCE


class NextStep(_Strict):
    """Something that is scheduled, proposed or possible."""

    action: Sentence
    actors: list[Short] = Field(max_length=8, description="Actor ids.")
    when: Short | None = Field(description="When, as the article states it, or null.")
    certainty: Certainty
    evidence: Evidence = _EVIDENCE


class BriefDraft(_Strict):
    """The part of a brief that the model writes."""

    headline: Annotated[str, Field(max_length=200)] = Field(
        description="Neutral one-line headline."
    )
    summary: list[SummarySentence] = Field(
        min_length=1, max_length=4, description="2 to 4 neutral sentences, each with evidence."
    )
    actors: list[Actor] = Field(max_length=15)
    positions: list[Position] = Field(max_length=15)
    disputes: list[Dispute] = Field(max_length=8)
    next_steps: list[NextStep] = Field(max_length=8)


class SourceInfo(BaseModel):
    """Where the article came from."""

    title: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    content_hash: str = Field(description="sha256 of the article text, hex.")


class Usage(BaseModel):
    """Tokens summed over every call made for a brief, failed attempts included."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    requests: int = Field(default=0, description="HTTP requests sent, retries included.")

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.total_tokens += other.total_tokens
        self.requests += other.requests


class DroppedItem(BaseModel):
    """Something the grounding checks removed, and why."""

    path: str = Field(description="Where it was in the model's answer, e.g. 'positions[2]'.")
    kind: Literal["item", "quote", "reference"]
    content: Any = Field(description="The removed item, quote or actor id.")
    reasons: list[str]


class GroundingReport(BaseModel):
    """What the grounding checks found in the final answer."""

    quotes_checked: int = 0
    quotes_verified: int = Field(default=0, description="Found verbatim.")
    quotes_repaired: int = Field(
        default=0, description="Found after normalization, replaced by the article's exact span."
    )
    quotes_dropped: int = 0
    items_dropped: int = 0
    dropped: list[DroppedItem] = Field(default_factory=list)


class Brief(BaseModel):
    """A validated, grounded brief of one article."""

    schema_version: Literal[1] = 1
    headline: str
    summary: list[SummarySentence] = Field(max_length=4)
    actors: list[Actor]
    positions: list[Position]
    disputes: list[Dispute]
    next_steps: list[NextStep]
    source: SourceInfo
    model: str
    backend: str
    prompt_version: str
    usage: Usage
    attempts: int = Field(description="Model answers asked for (first answer plus re-asks).")
    latency_s: float
    created_at: datetime
    chunks: int = Field(default=1, description="Parts the article was briefed in (1: whole).")
    grounding: GroundingReport

    def to_markdown(self) -> str:
        """Render the brief as Markdown."""
        from summarizer.render import brief_to_markdown

        return brief_to_markdown(self)

    def to_text(self) -> str:
        """Render the brief as plain text."""
        from summarizer.render import brief_to_text

        return brief_to_text(self)

    def draft(self) -> BriefDraft:
        """The model-written part of this brief."""
        return BriefDraft.model_validate(
            self.model_dump(include=set(BriefDraft.model_fields)), strict=False
        )


@lru_cache(maxsize=1)
def draft_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`BriefDraft`, built once (it costs milliseconds a call).

    Shared: callers that change it must copy it first.
    """
    return BriefDraft.model_json_schema()
