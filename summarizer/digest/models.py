"""The pydantic models of a digest: stories grouped across articles, and what changed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

DIGEST_SCHEMA_VERSION = 2

StoryStatus = Literal["new", "updated", "unchanged"]
ChangeKind = Literal[
    "new_article", "new_position", "dispute_opened", "dispute_escalated", "dispute_eased",
    "dispute_stalled", "dispute_closed", "step_new", "step_due", "step_done",
]  # fmt: skip


class Quoted(BaseModel):
    """A verbatim quote and the digest article it comes from."""

    text: str
    article: str = Field(description="The id of an entry of Digest.articles.")


class StoryPosition(BaseModel):
    """One stance of an actor, with every article that reports it."""

    topic: str
    stance: str
    evidence: list[Quoted]
    sources: list[str] = Field(description="Ids of the articles that report this position.")


class StoryActor(BaseModel):
    """An actor merged across the articles of a story (matched by normalized name)."""

    key: str = Field(description="The normalized name the actor was matched by.")
    name: str
    kind: str
    roles: list[str]
    positions: list[StoryPosition]
    evidence: list[Quoted]
    sources: list[str]


class StorySide(BaseModel):
    """One side of a dispute, actors by name."""

    actors: list[str]
    claim: str


class StoryDispute(BaseModel):
    """An open dispute of a story."""

    issue: str
    status: str
    sides: list[StorySide]
    evidence: list[Quoted]
    sources: list[str]
    new: bool = Field(description="Not in the previous digest.")


class StoryNextStep(BaseModel):
    """Something scheduled, proposed or possible in a story."""

    action: str
    actors: list[str]
    when: str | None
    certainty: str
    evidence: list[Quoted]
    sources: list[str]
    new: bool = Field(description="Not in the previous digest.")


class StorySentence(BaseModel):
    """A summary sentence of the story's lead article."""

    text: str
    evidence: list[Quoted]


class StoryChange(BaseModel):
    """One thing that changed in a story since the last delivered digest."""

    kind: ChangeKind
    text: str = Field(description="What changed, in a few words (a headline, issue or step).")
    article: str | None = Field(default=None, description="The article that says so, if one.")


class TimelineEntry(BaseModel):
    """One article of a story, in date order."""

    article: str
    date: str | None = Field(description="Published (else first seen), ISO 8601.")
    site: str | None
    title: str
    link: str | None
    new: bool


class Story(BaseModel):
    """Articles whose actors and disputes overlap, merged into one story."""

    id: str = Field(
        description="Stable id: the continued story's id, else derived from its first article."
    )
    status: StoryStatus = Field(
        description="new (no earlier story), updated (new articles), unchanged (none)."
    )
    changes: list[StoryChange] = Field(description="What changed since the last digest.")
    timeline: list[TimelineEntry]
    headline: str
    summary: list[StorySentence]
    actors: list[StoryActor]
    disputes: list[StoryDispute]
    next_steps: list[StoryNextStep]
    sources: list[str] = Field(description="Ids of the story's articles, oldest first.")
    new: bool = Field(description="No story of the previous digest continues in it.")


class StoryLink(BaseModel):
    """A story beyond ``max_stories``: listed by headline, with a link to its newest article."""

    id: str
    headline: str
    status: StoryStatus
    link: str | None
    articles: int


class DigestArticle(BaseModel):
    """One briefed article of the digest."""

    id: str
    title: str | None
    url: str | None
    link: str | None = Field(
        description="Where to read it: the URL without tracking parameters, or a file:// URI."
    )
    site: str | None
    published: str | None
    content_hash: str
    headline: str
    origin: str | None = Field(description="Where it was read from: a file path or a URL.")
    new: bool = Field(description="Not in the previous digest.")


class FailedArticle(BaseModel):
    """An article (or a source) that could not be briefed; it is retried on the next run."""

    id: str | None
    label: str
    url: str | None
    error: str
    attempts: int


class DigestCounts(BaseModel):
    """How the run went."""

    articles: int = 0
    briefed: int = 0
    cached: int = Field(default=0, description="Briefs reused from the store (no model call).")
    failed: int = 0
    stories: int = 0
    new_stories: int = 0
    updated_stories: int = 0
    duplicates: int = Field(default=0, description="Near-duplicate copies briefed once.")
    source_errors: int = 0


class Digest(BaseModel):
    """Many briefs grouped into stories: the output of one digest run."""

    schema_version: Literal[2] = 2
    id: str = Field(description="Hash of the briefs it holds: the same briefs, the same id.")
    title: str
    created_at: datetime
    since: datetime | None = Field(description="Start of the window, if the run had one.")
    previous: str | None = Field(description="Id of the previous digest, if any.")
    partial: bool = Field(description="Some article or source could not be briefed.")
    counts: DigestCounts
    stories: list[Story] = Field(description="Ranked: new and updated first, then sources, date.")
    more: list[StoryLink] = Field(
        default_factory=list, description="Stories beyond max_stories, by headline."
    )
    articles: list[DigestArticle]
    failed: list[FailedArticle]
