"""What the digest remembers of a story between digests: :class:`StoryMemory`.

Each delivered digest stores one memory per story it holds (``story_memory``, see
:mod:`summarizer.digest.store`): the people, names and lead words it is linked by, the
figures and sentences already reported, its positions, disputes and next steps, and its
articles (for the timeline). A later digest compares its articles against every story
whose latest memory is younger than ``story_window`` (default a week), not only against
the previous digest: a story that skips a day keeps its id and its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field

from summarizer.digest.linking import Signature
from summarizer.digest.member import title_of
from summarizer.digest.models import DateSource, DigestArticle, Story, TimelineEntry
from summarizer.output.names import fold

if TYPE_CHECKING:
    from summarizer.digest.member import Member

__all__ = ["Assembled", "MemoryArticle", "StoryMemory", "memory_of", "timeline_of"]


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


class Assembled(Protocol):
    """What the timeline and the memory read of a story assembled
    (:class:`summarizer.digest.story.Assembly`)."""

    @property
    def memory(self) -> StoryMemory | None: ...

    @property
    def members(self) -> list[Member]: ...

    @property
    def closed(self) -> list[str]: ...  # the disputes this digest says are over


def timeline_of(s: Assembled, articles: dict[str, DigestArticle]) -> list[TimelineEntry]:
    """The story's articles, earlier digests' too, in date order (copies after originals)."""
    entries: dict[str, TimelineEntry] = {}
    for a in s.memory.articles if s.memory else []:
        entries[a.id] = TimelineEntry(article=a.id, date=a.date, site=a.site, title=a.title,
                                      link=a.link, new=False, dated=a.dated,
                                      copy_of=a.copy_of)  # fmt: skip
    for m in s.members:
        article = articles[m.row.uid]
        entries[m.row.uid] = TimelineEntry(
            article=article.id, date=m.date, site=article.site, title=title_of(m),
            link=article.link, new=article.new, dated=m.dated, copy_of=m.copy_of,
        )  # fmt: skip
    return sorted(entries.values(), key=lambda t: (t.date or "", t.copy_of is not None, t.article))


def memory_of(s: Assembled, story: Story, created_at: datetime) -> StoryMemory:
    """What the next digests need of ``story`` (its memory updated with this digest)."""
    old = s.memory
    people = set(old.people if old else [])
    lone = set(old.lone if old else [])
    names = set(old.names if old else [])
    words = set(old.words if old else [])
    numbers = set(old.numbers if old else [])
    for m in s.members:
        people |= set(m.reading.people)
        lone |= set(m.reading.lone)
        names |= set(m.reading.names)
        words |= set(m.reading.words)
        if m.copy_of is None:
            numbers |= set(m.reading.numbers)
    shown = set(old.shown if old else [])
    shown |= {fold(story.headline)} | {fold(x.text) for x in story.summary}
    shown |= {fold(c.text) for c in story.changes}
    positions = [list(p) for p in (old.positions if old else [])]
    for a in story.actors:
        positions += [[a.key, fold(p.topic), fold(p.stance)] for p in a.positions]
    disputes = dict(old.disputes if old else {})
    disputes.update({fold(d.issue): d.status for d in story.disputes})
    disputes.update({issue: "closed" for issue in s.closed})
    issues = dict(old.issues if old else {})
    issues.update({fold(d.issue): d.issue for d in story.disputes})
    steps = sorted(set(old.steps if old else []) | {fold(n.action) for n in story.next_steps})
    articles = {a.id: a for a in (old.articles if old else [])}
    by_uid = {m.row.uid: m for m in s.members}
    for t in story.timeline:
        member = by_uid.get(t.article)
        if t.article in articles or member is None:
            continue
        articles[t.article] = MemoryArticle(
            id=t.article, title=t.title, site=t.site, link=t.link, date=t.date, dated=t.dated,
            copy_of=t.copy_of, numbers=member.reading.numbers, quotes=member.reading.quotes,
            words=member.reading.words,
        )  # fmt: skip
    return StoryMemory(
        id=story.id, seen_at=created_at.isoformat(), headline=story.headline,
        people=sorted(people), lone=sorted(lone), names=sorted(names), words=sorted(words),
        numbers=sorted(numbers),
        shown=sorted(shown), positions=positions, disputes=disputes, issues=issues, steps=steps,
        articles=list(articles.values()),
    )  # fmt: skip
