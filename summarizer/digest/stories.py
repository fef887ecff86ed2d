"""Stories: today's briefs grouped with each other and with the stories still open, merged,
said what changed, dated, ranked.

:func:`build_digest` is the whole step (pure: the run gives it the briefs, the program's
readings of the articles and the memories of open stories, and stores what it returns):

1. **Link** (:mod:`.linking`): articles by the people, names and lead words of their
   readings; each group joins at most one story still open from an earlier digest and
   then keeps that story's id.
2. **Copies**: an article that re-writes another of its story (the same figures and a
   quotation word for word: a wire service's re-worded version; or a near-duplicate below
   the dedup thresholds) is "also reported by" its outlet: none of its items is news.
3. **Merge** the other articles' actors, positions (only those the article's own reading
   attributes to that actor: :attr:`.reading.Reading.verified`), disputes and next steps
   (only those still ahead: :func:`.steps.step_kept`).
4. **Headline and summary** from the story's articles of this digest: the headline of the
   article that carries the day's news, the summary from it and from the others, bylines
   and datelines never included, each article sentence marked extractive (shown quoted).
5. **What changed** (:mod:`.changes`): for a continuing story, one to three lines, the
   concrete change first; a new story has none (its summary is the news).
6. **Timeline** with the story's earlier articles, each dated by its own published date
   (else the day it was first read, marked so).
7. **Rank** (documented in docs/digest.md): sections developing, new, brief (one-offs),
   unchanged; within a section by sources, articles and how much is reported; at most
   ``section_cap`` stories per section and ``max_stories`` in all shown in full, the rest
   listed by headline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.digest.history import StoryMemory, memory_of, timeline_of
from summarizer.digest.linking import Signature, link
from summarizer.digest.lite import BriefLite
from summarizer.digest.member import Member, title_of
from summarizer.digest.merge import canonical_ids
from summarizer.digest.models import (
    AlsoReported,
    DateSource,
    Digest,
    DigestArticle,
    DigestCounts,
    FailedArticle,
    Story,
    StoryLink,
)
from summarizer.digest.reading import Reading, read_article, verify
from summarizer.digest.story import Assembly
from summarizer.digest.text import clean_line, first_sentence, shorten
from summarizer.output.brief import Brief

if TYPE_CHECKING:
    from summarizer.digest.store import StoredArticle

__all__ = [
    "BriefLite", "Briefed", "Built", "DigestHeader", "Item", "build", "build_digest",
    "canonical_ids", "clean_link", "first_sentence", "group_stories", "shorten",
    "without_articles",
]  # fmt: skip

Item = tuple["StoredArticle", "Brief | BriefLite"]
"""A stored article and its brief (or what the digest keeps of it)."""


def _signature(reading: Reading) -> Signature:
    return Signature.of(reading.people, reading.names, reading.words, reading.lone)


def group_stories(
    items: list[Item], max_size: int | None = None, readings: Sequence[Reading] | None = None
) -> list[list[int]]:
    """Group briefs into stories (lists of indexes into ``items``), deterministically, by
    the program's readings of the articles (:mod:`.linking`); largest group first."""
    readings = readings or [read_article(row, brief, cast=False) for row, brief in items]
    groups = [g for g, _ in link([_signature(r) for r in readings], [], max_size)]
    return sorted(groups, key=lambda g: (-len(g), items[g[0]][0].id))


def _iso_day(text: str | None) -> str | None:
    if not text:
        return None
    m = re.match(r"\d{4}-\d\d-\d\d", text.strip())
    if m:
        try:
            return date.fromisoformat(m.group()).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.strip()).date().isoformat()
    except ValueError:
        return None


def _dated(
    row: StoredArticle, brief: Brief | BriefLite, today: date
) -> tuple[str | None, DateSource]:
    """The article's own date (published: HTML metadata, a byline, a ``date`` line), else
    the day it was first read (never after the digest's day), marked ``seen``."""
    own = _iso_day(row.published) or _iso_day(brief.source.published)
    if own:
        return own, "published"
    seen = _iso_day(row.first_seen)
    return min(seen, today.isoformat()) if seen else today.isoformat(), "seen"


def clean_link(url: str | None, origin: str | None) -> str | None:
    """An http(s) URL without tracking parameters (``utm_*``, ``fbclid``, ...), else the
    file the article was read from as a ``file://`` URI."""
    from summarizer.digest.sources import strip_tracking

    if url and re.match(r"^https?://", url, re.I):
        return strip_tracking(url)
    if origin and not re.match(r"^[a-z][a-z0-9+.-]*:", origin, re.I):
        path = Path(origin).expanduser()
        if path.is_absolute():
            return path.as_uri()
    return None


# --- the inputs -------------------------------------------------------------------------------


@dataclass
class Briefed:
    """What a run briefed: each article with its brief, what failed, and the counts;
    ``readings`` (by article uid) and ``history`` (stories still open) when the run has
    them (missing readings are made here); ``verify`` completes a reading with who says
    what (default :func:`.reading.verify`), for the articles of the stories shown in full;
    ``load`` gives the full brief of an item held as a :class:`BriefLite` (the cache), and
    ``text_of`` the text of an article held without it (the store)."""

    items: list[Item]
    failed: list[FailedArticle]
    counts: DigestCounts
    readings: dict[str, Reading] = field(default_factory=dict)
    history: list[StoryMemory] = field(default_factory=list)
    verify: Callable[[StoredArticle, Brief, Reading], Reading] | None = None
    load: Callable[[StoredArticle, BriefLite], Brief] | None = None
    text_of: Callable[[StoredArticle], str | None] | None = None


@dataclass(frozen=True)
class DigestHeader:
    """Who the digest is: its id and title, when it was made, the window, its predecessor;
    ``today`` is the day dates are judged by (default: ``created_at``'s)."""

    id: str
    title: str
    created_at: datetime
    since: datetime | None
    previous: Digest | None
    today: date | None = None


@dataclass
class Built:
    """A digest and the memory of each of its stories (for the next digests)."""

    digest: Digest
    memories: list[StoryMemory]


# --- the digest -----------------------------------------------------------------------------


def _article(
    row: StoredArticle, brief: Brief | BriefLite, reading: Reading | None
) -> DigestArticle:
    url = row.url or brief.source.url
    title = (reading.title if reading else None) or brief.source.title or row.title
    cleaned = clean_line(first_sentence(title)) if title else None
    return DigestArticle(
        id=row.uid, title=shorten(cleaned, 200) if cleaned else None, url=url,
        link=clean_link(url, row.origin),
        site=(reading.outlet if reading else None) or brief.source.site or row.site,
        published=row.published or brief.source.published,
        content_hash=brief.source.content_hash,
        headline=shorten(clean_line(first_sentence(brief.headline)) or brief.headline, 200),
        origin=row.origin, new=row.digested_in is None,
    )  # fmt: skip


def _weight(story: Story) -> int:
    """How much a story reports: voices with positions, next steps, disputes, actors."""
    return (
        2 * sum(bool(a.positions) for a in story.actors)
        + 2 * len(story.disputes)
        + len(story.next_steps)
        + len(story.actors)
    )


def _sections(stories: list[Story], articles: dict[str, DigestArticle]) -> None:
    for story in stories:
        copies = {a.article for a in story.also_reported}
        own = [u for u in story.sources if u not in copies]
        sites = {articles[u].site or u for u in story.sources}
        if story.status == "updated":
            story.section = "developing"
        elif story.status == "unchanged":
            story.section = "unchanged"
        elif len(own) >= 2 or len(sites) >= 2:
            story.section = "new"
        else:
            story.section = "brief"


_SECTION_ORDER = {"developing": 0, "new": 1, "brief": 2, "unchanged": 3}


def _rank_key(story: Story) -> tuple:  # type: ignore[type-arg]
    """Section first; then sources (outlets over the story's whole timeline), articles, the
    lines that changed, how much the story reports; the headline last (a stable order)."""
    sites = {t.site or t.article for t in story.timeline}
    return (
        _SECTION_ORDER[story.section],
        -len(sites),
        -len(story.timeline),
        -len(story.changes),
        -_weight(story),
        story.headline,
    )


def _whole(row: StoredArticle, briefed: Briefed) -> StoredArticle:
    """``row`` with its text (read back from the store when the run let it go)."""
    if row.text is not None or briefed.text_of is None:
        return row
    return replace(row, text=briefed.text_of(row))


def _assemble(
    items: list[Item], readings: list[Reading], history: list[StoryMemory], today: date,
    max_size: int | None, text_of: Callable[[StoredArticle], str | None] | None = None,
) -> list[Assembly]:  # fmt: skip
    remembered = {a.id: mem for mem in history for a in mem.articles}
    groups = link([_signature(r) for r in readings], [h.signature() for h in history], max_size)
    assembled: list[Assembly] = []
    for members, joined in groups:
        memory = history[joined] if joined is not None else None
        if memory is None:
            # an article an open story already holds (a window run) goes back to it
            back = {remembered[items[i][0].uid].id for i in members
                    if items[i][0].uid in remembered}  # fmt: skip
            if len(back) == 1:
                memory = next(h for h in history if h.id in back)
        story_members = []
        for i in members:
            row, brief = items[i]
            day, dated = _dated(row, brief, today)
            held = memory is not None and any(a.id == row.uid for a in memory.articles)
            story_members.append(Member(i, row, brief, readings[i], day, dated,
                                         fresh=not held, text_of=text_of))  # fmt: skip
        story_members.sort(key=lambda m: (m.date or "", m.row.id))
        s = Assembly(story_members, memory, today)
        s.find_copies()
        assembled.append(s)
    return assembled


def _story_of(s: Assembly, by_id: dict[str, DigestArticle], story: Story | None = None) -> Story:
    """The story built in full (or ``story``, a preview) with its timeline and copies."""
    story = story or s.build()
    story.timeline = timeline_of(s, by_id)
    story.also_reported = [
        AlsoReported(article=m.row.uid, site=by_id[m.row.uid].site, title=title_of(m),
                     link=by_id[m.row.uid].link, copy_of=m.copy_of)
        for m in s.members if m.copy_of is not None
    ]  # fmt: skip
    return story


def build(
    briefed: Briefed,
    header: DigestHeader,
    *,
    max_stories: int = 15,
    max_story_articles: int | None = 12,
    section_cap: int = 8,
) -> Built:
    """The digest of ``briefed`` (see the module docstring) and its stories' memories."""
    today = header.today or header.created_at.date()
    items = sorted(briefed.items, key=lambda item: item[0].id)
    readings = [
        briefed.readings.get(row.uid) or read_article(_whole(row, briefed), brief, cast=False)
        for row, brief in items
    ]
    assembled = _assemble(items, readings, briefed.history, today, max_story_articles,
                          briefed.text_of)  # fmt: skip
    articles = [_article(row, brief, readings[i]) for i, (row, brief) in enumerate(items)]
    by_id = {a.id: a for a in articles}
    previews = {id(s): _story_of(s, by_id, s.preview()) for s in assembled}
    _sections(list(previews.values()), by_id)
    chosen: list[Assembly] = []
    rest: list[Story] = []
    per_section: Counter[str] = Counter()
    ranked = sorted(assembled, key=lambda s: (*_rank_key(previews[id(s)])[:3], -s.weight(),
                                              previews[id(s)].headline))  # fmt: skip
    for s in ranked:
        story = previews[id(s)]
        if len(chosen) < max_stories and per_section[story.section] < section_cap:
            chosen.append(s)
            per_section[story.section] += 1
        else:
            rest.append(story)
    # the stories shown in full: their briefs loaded, who says what checked (the cast)
    check = briefed.verify or (lambda row, brief, reading: verify(reading, row, brief))
    built: dict[int, Story] = {}
    for s in chosen:
        s.load(briefed.load)
        for m in s.members:
            if not m.reading.checked:
                m.reading = check(_whole(m.row, briefed), m.brief, m.reading)
        built[id(s)] = _story_of(s, by_id)
    shown = list(built.values())
    _sections(shown, by_id)
    shown.sort(key=_rank_key)
    more = [
        StoryLink(id=s.id, headline=s.headline, status=s.status, articles=len(s.sources),
                  link=by_id[s.sources[-1]].link)
        for s in rest
    ]  # fmt: skip
    everything = [built.get(id(s)) or previews[id(s)] for s in assembled]
    counts = briefed.counts.model_copy(
        update={"stories": len(everything), "new_stories": sum(s.new for s in everything),
                "updated_stories": sum(s.status == "updated" for s in everything)}
    )  # fmt: skip
    digest = Digest(
        id=header.id, title=header.title, created_at=header.created_at, since=header.since,
        previous=header.previous.id if header.previous else None, partial=bool(briefed.failed),
        counts=counts, stories=shown, more=more, failed=briefed.failed, articles=articles,
    )  # fmt: skip
    memories = [
        memory_of(s, built.get(id(s)) or previews[id(s)], header.created_at) for s in assembled
    ]
    return Built(digest, memories)


def build_digest(
    briefed: Briefed,
    header: DigestHeader,
    *,
    max_stories: int = 15,
    max_story_articles: int | None = 12,
    section_cap: int = 8,
) -> Digest:
    """:func:`build` without the memories."""
    return build(briefed, header, max_stories=max_stories,
                 max_story_articles=max_story_articles, section_cap=section_cap).digest  # fmt: skip


def without_articles(digest: Digest, drop: set[str]) -> Digest:
    """``digest`` without the articles ``drop`` (a target already has them): stories left
    with none of their own are removed, the rest keep only their other articles."""
    stories = []
    for story in digest.stories:
        kept = [uid for uid in story.sources if uid not in drop]
        if kept:
            stories.append(story.model_copy(update={
                "sources": kept,
                "timeline": [t for t in story.timeline if t.article not in drop or not t.new],
                "also_reported": [a for a in story.also_reported if a.article not in drop],
            }))  # fmt: skip
    return digest.model_copy(update={
        "stories": stories,
        "articles": [a for a in digest.articles if a.id not in drop],
    })  # fmt: skip
