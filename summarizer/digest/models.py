"""The pydantic models of a digest: stories grouped across articles, and what changed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from summarizer.output.brief import Usage

DIGEST_SCHEMA_VERSION = 2

StoryStatus = Literal["new", "updated", "unchanged"]
StorySection = Literal["developing", "new", "brief", "unchanged"]
ChangeKind = Literal[
    "development", "new_article", "new_position", "position_changed", "dispute_opened",
    "dispute_escalated", "dispute_eased", "dispute_stalled", "dispute_closed", "step_new",
    "step_due", "step_done",
]  # fmt: skip
DateSource = Literal["published", "seen"]


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
    extractive: bool = Field(
        default=False, description="The stance is the article's own sentence (shown quoted)."
    )


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
    extractive: bool = Field(default=False, description="The claim is the article's sentence.")


class StoryDispute(BaseModel):
    """An open dispute of a story."""

    issue: str
    status: str
    sides: list[StorySide]
    evidence: list[Quoted]
    sources: list[str]
    new: bool = Field(description="Not in the previous digest.")
    extractive: bool = Field(default=False, description="The issue is the article's sentence.")


class StoryNextStep(BaseModel):
    """Something scheduled, proposed or possible in a story."""

    action: str
    actors: list[str]
    when: str | None
    certainty: str
    evidence: list[Quoted]
    sources: list[str]
    new: bool = Field(description="Not in the previous digest.")
    extractive: bool = Field(default=False, description="The action is the article's sentence.")
    subject: str | None = Field(
        default=None,
        description="Who acts, as the article's own reading resolves the cited sentence's "
        'subject ("the company" -> the company\'s name), when the step names no actor.',
    )
    date: str | None = Field(
        default=None, description="The day ``when`` names, read from the article's date (ISO)."
    )


class StorySentence(BaseModel):
    """A summary sentence of one of the story's articles."""

    text: str
    evidence: list[Quoted]
    extractive: bool = Field(
        default=False,
        description="The article's own sentence (shown in quotation marks), not a model's words.",
    )


class StoryChange(BaseModel):
    """One thing that changed in a story since the last delivered digest."""

    kind: ChangeKind
    text: str = Field(description="What changed: a sentence, an issue, a step or a stance.")
    article: str | None = Field(default=None, description="The article that says so, if one.")
    actor: str | None = Field(default=None, description="Whose position, for a position.")
    extractive: bool = Field(
        default=False, description="The text is the article's own sentence (shown quoted)."
    )


class TimelineEntry(BaseModel):
    """One article of a story, in date order (earlier digests' articles included)."""

    article: str
    date: str | None = Field(description="Published (else first seen), ISO 8601.")
    site: str | None
    title: str
    link: str | None
    new: bool
    dated: DateSource = Field(
        default="published",
        description="published: the article's own date; seen: no date of its own, the day it "
        "was first read instead.",
    )
    copy_of: str | None = Field(
        default=None, description="The article this one re-writes (same event, no news)."
    )


class AlsoReported(BaseModel):
    """A re-written copy of an article of the story (a wire service's version of the same
    event): listed, never shown as news."""

    article: str = Field(description="The copy: an id of Digest.articles.")
    site: str | None
    title: str
    link: str | None
    copy_of: str = Field(description="The article it re-writes (this or an earlier digest's).")


class Story(BaseModel):
    """Articles whose actors and disputes overlap, merged into one story."""

    id: str = Field(
        description="Stable id: the continued story's id, else derived from its first article."
    )
    status: StoryStatus = Field(
        description="new (no earlier story), updated (new articles), unchanged (none)."
    )
    section: StorySection = Field(
        default="new",
        description="Where it is shown: developing (a continuing story with news), new "
        "(several articles or sources), brief (a one-off), unchanged.",
    )
    changes: list[StoryChange] = Field(
        description="What changed since the story was last shown: one to three lines, the "
        "concrete change first."
    )
    also_reported: list[AlsoReported] = Field(default_factory=list)
    timeline: list[TimelineEntry]
    headline: str
    summary: list[StorySentence]
    actors: list[StoryActor]
    disputes: list[StoryDispute]
    next_steps: list[StoryNextStep]
    sources: list[str] = Field(
        description="Ids of this digest's articles of the story, oldest first (copies too)."
    )
    new: bool = Field(description="No story of an earlier digest continues in it.")
    withheld: int = Field(
        default=0,
        description="Positions not shown: the article's own reading did not find the named "
        "actor speaking in the sentence cited.",
    )


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
    waiting: int = Field(
        default=0, description="Articles queued in a provider batch that has not finished yet."
    )
    deferred: int = Field(
        default=0,
        description="Articles not started because the spend reached max_cost (briefed next run).",
    )


class RunUsage(BaseModel):
    """What the run's model calls cost: the sum of its fresh briefs' usage.

    A brief reused from the cache cost nothing in this run: it is counted in ``cached``
    only. ``cost`` is null when any fresh brief has no known price (``unpriced`` says how
    many); ``priced_cost`` is then the sum of the others.
    """

    fresh: int = Field(default=0, description="Briefs made by this run (live or from a batch).")
    cached: int = Field(default=0, description="Briefs reused from the cache: no call.")
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = Field(default=0.0, description="USD; null when a price is unknown.")
    priced_cost: float = Field(default=0.0, description="USD of the briefs with a known price.")
    unpriced: int = Field(default=0, description="Fresh briefs whose model has no known price.")
    currency: Literal["USD"] = "USD"

    @classmethod
    def of(cls, fresh: list[Usage], *, cached: int) -> RunUsage:
        """The totals of ``fresh`` briefs' usage."""
        priced = [u.cost.amount for u in fresh if u.cost is not None]
        unpriced = len(fresh) - len(priced)
        return cls(
            fresh=len(fresh),
            cached=cached,
            requests=sum(u.requests for u in fresh),
            prompt_tokens=sum(u.prompt_tokens for u in fresh),
            completion_tokens=sum(u.completion_tokens for u in fresh),
            total_tokens=sum(u.total_tokens for u in fresh),
            cost=None if unpriced else round(sum(priced), 6),
            priced_cost=round(sum(priced), 6),
            unpriced=unpriced,
        )

    def describe(self) -> str:
        """One line: ``12 fresh brief(s): 14 requests, 30,120 tokens, $0.0123; 3 cached``."""
        if self.cost is not None:
            money = f"${self.cost:.4f}"
        else:
            money = f"cost unknown ({self.unpriced} of {self.fresh} without a known price"
            money += f"; ${self.priced_cost:.4f} for the others)" if self.priced_cost else ")"
        return (
            f"{self.fresh} fresh brief(s): {self.requests} request(s), "
            f"{self.total_tokens:,} tokens ({self.prompt_tokens:,} in, "
            f"{self.completion_tokens:,} out), {money}; {self.cached} from the cache (no cost)"
        )


class WaitingBatch(BaseModel):
    """A provider batch holding articles of this digest that are not briefed yet."""

    batch: str = Field(description="The provider's batch id (or job-N before it has one).")
    state: str = Field(description="validating, in_progress, finalizing, ... as last seen.")
    articles: int
    new: bool = Field(description="Submitted by this run.")


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
    stories: list[Story] = Field(
        description="Ranked by section (developing, new, brief, unchanged), then sources."
    )
    more: list[StoryLink] = Field(
        default_factory=list, description="Stories beyond max_stories, by headline."
    )
    articles: list[DigestArticle]
    failed: list[FailedArticle]
    usage: RunUsage = Field(
        default_factory=RunUsage, description="Tokens and cost of the run's fresh briefs."
    )
    waiting: list[WaitingBatch] = Field(
        default_factory=list, description="Batches whose articles a later digest will hold."
    )
