"""What the digest remembers of a story between digests: :class:`StoryMemory`.

Each delivered digest stores one memory per story it holds (``story_memory``, see
:mod:`summarizer.digest.store`): the people, names and lead words it is linked by, the
figures and sentences already reported, its positions, disputes and next steps, and its
articles (for the timeline). A later digest compares its articles against every story
whose latest memory is younger than ``story_window`` (default a week), not only against
the previous digest: a story that skips a day keeps its id and its history.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from summarizer.digest.linking import Signature
from summarizer.digest.models import DateSource

__all__ = ["MemoryArticle", "StoryMemory"]


class MemoryArticle(BaseModel):
    """One article of a story, as a later digest needs it: the timeline entry and what a
    re-write of it would share (figures, quotations, lead words)."""

    id: str
    title: str
    site: str | None = None
    link: str | None = None
    date: str | None = None
    dated: DateSource = "published"
    copy_of: str | None = None
    numbers: list[str] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class StoryMemory(BaseModel):
    """A story as it stood when a digest last showed it."""

    id: str
    seen_at: str = Field(description="created_at of the digest that last held it (ISO).")
    headline: str
    people: list[str] = Field(default_factory=list)
    lone: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    numbers: list[str] = Field(default_factory=list, description="Figures reported so far.")
    shown: list[str] = Field(default_factory=list, description="Folded lines already shown.")
    positions: list[list[str]] = Field(
        default_factory=list, description="[actor key, topic, stance], folded."
    )
    disputes: dict[str, str] = Field(default_factory=dict, description="Folded issue: status.")
    issues: dict[str, str] = Field(default_factory=dict, description="Folded issue: as written.")
    steps: list[str] = Field(default_factory=list, description="Folded actions.")
    articles: list[MemoryArticle] = Field(default_factory=list)

    def signature(self) -> Signature:
        return Signature.of(self.people, self.names, self.words, self.lone)
