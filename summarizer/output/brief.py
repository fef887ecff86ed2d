"""The pydantic models of the brief: what the model fills, and what the program adds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from summarizer.base.redact import strip_unsafe

__all__ = [
    "SCHEMA_VERSION", "Actor", "Brief", "BriefContent", "BriefDraft", "Citation", "Cost",
    "Dispute", "DraftActor", "DraftDispute", "DraftNextStep", "DraftPosition",
    "DraftSummarySentence", "DroppedItem", "GroundingReport", "NextStep", "Position", "Side",
    "SourceInfo", "SummarySentence", "SupportLevel", "Usage", "Unestablished", "Verdict",
    "as_draft", "method_of", "MAX_CITATIONS",
]  # fmt: skip

SCHEMA_VERSION = 2

ActorKind = Literal["person", "organization", "government", "country", "group", "other"]
DisputeStatus = Literal["open", "stalled", "escalating", "easing"]
Certainty = Literal["scheduled", "proposed", "possible"]
Method = Literal["abstractive", "extractive", "mixed"]
SupportLevel = Literal["supported", "not_established"]

# Caps on lengths and counts keep answers finite: grammar-constrained servers (llama.cpp)
# enforce them while decoding, which stops a small model from looping inside a list.
Clean = AfterValidator(strip_unsafe)  # no control or bidi character from a model, in any format
Short = Annotated[str, Field(max_length=120), Clean]
Sentence = Annotated[str, Field(max_length=400), Clean]

# What the model cites: the number of an article segment ([n] in the prompt). A quoted string
# is still accepted (older prompts, other tools): it is located in the article and repaired.
Ref = Annotated[int, Field(ge=1)] | Annotated[str, Field(max_length=300)]
# A dispute cites its issue and each side (4-5 citations from a careful model). Requests ask
# for fewer (model.request.WIRE_CITATIONS); a longer list is cut, reported, never fatal.
MAX_CITATIONS = 8
DraftEvidence = Annotated[
    list[Ref],
    Field(
        min_length=1,
        max_length=MAX_CITATIONS,
        description="Numbers of the article segments ([n]) that state this item.",
    ),
]


class _Strict(BaseModel):
    # additionalProperties: false in the schema; every field required (strict structured outputs).
    model_config = ConfigDict(extra="forbid")


class Citation(BaseModel):
    """Evidence located in the article: ``article_text[start:end] == quote``.

    Offsets are Python string indices (code points) into the article text whose SHA-256 is
    the brief's ``source.content_hash``. ``segment`` is the number of the segment (sentence)
    that holds the quote, as the model was shown it.
    """

    model_config = ConfigDict(frozen=True)

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    segment: int | None = None


Evidence = Annotated[list[Citation], Field(description="Where the article says this.")]
_SUPPORT: Any = Field(
    default="supported",
    description="supported: the cited sentences state it (every claim checked); "
    "not_established: shown, but the check could not establish it from the cited sentences "
    "(no contradiction was found; see grounding.not_established for why).",
)
_EXTRACTIVE = Field(
    default=False,
    description="True when the text is the cited sentence itself (the article's words, shown "
    "as a quotation), not the model's own wording.",
)


# --- what the model writes (evidence: segment numbers) ---


class DraftSummarySentence(_Strict):
    """One neutral summary sentence and the segments that back it."""

    text: Sentence = Field(description="One neutral sentence.")
    evidence: DraftEvidence


class DraftActor(_Strict):
    """Someone who acts in the story."""

    id: Annotated[str, Field(max_length=40), Clean] = Field(
        description="Short id unique in this brief, e.g. 'putin'."
    )
    name: Short = Field(description="The name exactly as the article writes it.")
    kind: ActorKind
    role: Sentence = Field(description="The actor's role in this story, as the article says.")
    evidence: DraftEvidence


class DraftPosition(_Strict):
    """What an actor wants, claims or refuses."""

    actor: Short = Field(description="An actor id.")
    topic: Short
    stance: Sentence = Field(description="One sentence.")
    evidence: DraftEvidence


class Side(_Strict):
    """One side of a dispute."""

    actors: list[Short] = Field(max_length=8, description="Actor ids.")
    claim: Sentence


class DraftDispute(_Strict):
    """A disagreement that is still open."""

    issue: Sentence
    sides: list[Side] = Field(max_length=4)
    status: DisputeStatus
    evidence: DraftEvidence


class DraftNextStep(_Strict):
    """Something that is scheduled, proposed or possible."""

    action: Sentence
    actors: list[Short] = Field(max_length=8, description="Actor ids.")
    when: Short | None = Field(description="When, as the article states it, or null.")
    certainty: Certainty
    evidence: DraftEvidence


class BriefDraft(_Strict):
    """The part of a brief that the model writes."""

    headline: Annotated[str, Field(max_length=200), Clean] = Field(
        description="Neutral one-line headline."
    )
    summary: list[DraftSummarySentence] = Field(
        min_length=1, max_length=4, description="2 to 4 neutral sentences, each with evidence."
    )
    actors: list[DraftActor] = Field(max_length=15)
    positions: list[DraftPosition] = Field(max_length=15)
    disputes: list[DraftDispute] = Field(max_length=8)
    next_steps: list[DraftNextStep] = Field(max_length=8)


# --- the brief's items (evidence: citations with offsets, every claim checked) ---


class SummarySentence(BaseModel):
    """One neutral summary sentence, supported by its citations."""

    text: str
    evidence: Evidence
    extractive: bool = _EXTRACTIVE
    support: SupportLevel = _SUPPORT


class Actor(BaseModel):
    """Someone who acts in the story."""

    id: str
    name: str = Field(description="The name exactly as the article writes it.")
    kind: ActorKind
    role: str | None = Field(
        default=None, description="The actor's role; null when the evidence did not support it."
    )
    evidence: Evidence
    support: SupportLevel = _SUPPORT


class Position(BaseModel):
    """What an actor wants, claims or refuses."""

    actor: str = Field(description="An actor id.")
    topic: str
    stance: str
    evidence: Evidence
    extractive: bool = _EXTRACTIVE
    support: SupportLevel = _SUPPORT


class Dispute(BaseModel):
    """A disagreement that is still open."""

    issue: str
    sides: list[Side]
    status: DisputeStatus
    evidence: Evidence
    extractive: bool = _EXTRACTIVE
    support: SupportLevel = _SUPPORT


class NextStep(BaseModel):
    """Something that is scheduled, proposed or possible."""

    action: str
    actors: list[str] = Field(description="Actor ids.")
    when: str | None = Field(description="When, as the article states it, or null.")
    certainty: Certainty
    evidence: Evidence
    extractive: bool = _EXTRACTIVE
    support: SupportLevel = _SUPPORT


class BriefContent(BaseModel):
    """The grounded content of a brief: every item cites the article and was checked."""

    headline: str
    summary: list[SummarySentence] = Field(max_length=4)
    actors: list[Actor]
    positions: list[Position]
    disputes: list[Dispute]
    next_steps: list[NextStep]


class SourceInfo(BaseModel):
    """Where the article came from."""

    title: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    content_hash: str = Field(description="sha256 of the article text, hex.")


class Cost(BaseModel):
    """What the tokens cost, from the provider's published prices (genai-prices)."""

    amount: float = Field(description="In ``currency``, rounded to 6 decimals.")
    currency: Literal["USD"] = "USD"
    batch: bool = Field(default=False, description="Priced at the provider's batch rate.")


class Usage(BaseModel):
    """Tokens summed over every call made for a brief, failed attempts included."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    requests: int = Field(default=0, description="HTTP requests sent, retries included.")
    cost: Cost | None = Field(
        default=None,
        description="Money spent, retries included; null when the model's price is not known "
        "(a local or self-hosted model, or one the price list does not have): never a guess.",
    )

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.total_tokens += other.total_tokens
        self.requests += other.requests
        if other.cost is not None:
            if self.cost is None:
                self.cost = other.cost.model_copy()
            else:
                self.cost.amount = round(self.cost.amount + other.cost.amount, 6)


class DroppedItem(BaseModel):
    """Something the grounding checks removed, and why."""

    path: str = Field(description="Where it was in the model's answer, e.g. 'positions[2]'.")
    kind: Literal["item", "quote", "reference", "claim"] = Field(
        description="item: a whole item; quote: one evidence entry; reference: an actor id; "
        "claim: one field whose words the evidence did not support (e.g. an actor's role)."
    )
    content: Any = Field(description="The removed item, quote or actor id.")
    reasons: list[str]


class Unestablished(BaseModel):
    """An item shown as not established: which claim the check could not establish, and why."""

    path: str = Field(description="Where it is in the brief, e.g. 'positions[2]'.")
    reasons: list[str]


class Verdict(BaseModel):
    """A judgement of one claim by a verifying model (``--verify``)."""

    path: str
    verdict: Literal["entailed", "partly", "not_entailed"]
    reason: str = ""


class GroundingReport(BaseModel):
    """What the grounding checks found in the final answer."""

    quotes_checked: int = 0
    quotes_verified: int = Field(default=0, description="Found verbatim.")
    quotes_repaired: int = Field(
        default=0, description="Found after normalization, replaced by the article's exact span."
    )
    quotes_dropped: int = 0
    claims_checked: int = Field(default=0, description="Claims checked against their evidence.")
    claims_supported: int = 0
    claims_dropped: int = Field(
        default=0,
        description="Claims the evidence contradicts (a number, a date, negation, modality, "
        "who says it): their items are removed (lenient mode) or the brief fails (--strict).",
    )
    claims_not_established: int = Field(
        default=0,
        description="Claims the evidence neither states nor contradicts: their items are "
        "shown marked support: not_established (lenient) or withheld (--strict).",
    )
    claims_cross_language: int = Field(
        default=0,
        description="Claims written in another language than the article: checked for "
        "substance and numbers only, since their words cannot be compared.",
    )
    items_dropped: int = 0
    dropped: list[DroppedItem] = Field(default_factory=list)
    not_established: list[Unestablished] = Field(
        default_factory=list, description="The items shown as not established, and why."
    )
    headline_support: SupportLevel = Field(
        default="supported",
        description="Whether the summary's cited sentences establish the headline.",
    )
    verification: list[Verdict] | None = Field(
        default=None,
        description="Verdicts of the verifying model on the items the check could not "
        "establish (null without --verify; empty when nothing needed judging): it may remove "
        "or flag items, never add them.",
    )


def as_draft(content: BriefContent) -> BriefDraft:
    """``content`` as a draft whose evidence is the cited quotes, to be grounded again
    (against another text: a chunk's brief against the whole article). Built without
    validation: the merged content may exceed the caps a single answer has."""

    def items(model: type[BaseModel], entries: list[Any]) -> list[Any]:
        out = []
        for entry in entries:
            data = {name: getattr(entry, name, None) for name in model.model_fields}
            data["evidence"] = [c.quote for c in entry.evidence]
            if "role" in data and data["role"] is None:
                data["role"] = ""
            out.append(model.model_construct(**data))
        return out

    return BriefDraft.model_construct(
        headline=content.headline,
        summary=items(DraftSummarySentence, content.summary),
        actors=items(DraftActor, content.actors),
        positions=items(DraftPosition, content.positions),
        disputes=items(DraftDispute, content.disputes),
        next_steps=items(DraftNextStep, content.next_steps),
    )


def method_of(content: BriefContent) -> Method:
    """``extractive`` when every item with text is a cited sentence, ``abstractive`` when
    none is, else ``mixed``."""
    flags = [
        item.extractive
        for items in (content.summary, content.positions, content.disputes, content.next_steps)
        for item in items
    ]
    if flags and all(flags):
        return "extractive"
    return "mixed" if any(flags) else "abstractive"


class Brief(BriefContent):
    """A validated, grounded brief of one article."""

    schema_version: Literal[2] = 2
    language: str | None = Field(
        default=None, description="The language the brief is written in (null: the article's)."
    )
    method: Method = Field(
        default="abstractive",
        description="abstractive: the model's own words; extractive: every item is a cited "
        "sentence of the article; mixed: some of each (see each item's 'extractive').",
    )
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
