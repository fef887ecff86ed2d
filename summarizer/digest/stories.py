"""Stories: briefs of many articles grouped by shared actors and disputes, then merged.

Actors are matched across briefs by :mod:`summarizer.names` (the same rules that merge a
long article's chunks). :func:`group_stories` makes the groups; :func:`build_digest` merges
each group into a :class:`Story` and marks what the previous digest did not have.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.brief import Actor, Brief, Dispute, NextStep, Position
from summarizer.digest.changes import jaccard, mark_new
from summarizer.digest.models import (
    Digest,
    DigestArticle,
    DigestCounts,
    FailedArticle,
    Quoted,
    Story,
    StoryActor,
    StoryDispute,
    StoryLink,
    StoryNextStep,
    StoryPosition,
    StorySentence,
    StorySide,
    TimelineEntry,
)
from summarizer.names import Evidence, aliases, fold, name_key, quote_of

if TYPE_CHECKING:
    from summarizer.digest.store import StoredArticle

__all__ = [
    "Briefed", "DigestHeader", "Item", "build_digest", "canonical_ids", "clean_link",
    "group_stories",
]  # fmt: skip

Item = tuple["StoredArticle", Brief]
"""A stored article and its brief."""

# Words too common to say what a dispute is about (story grouping compares the rest).
_TOPIC_STOPWORDS = frozenset(
    {
        "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "with", "over", "about",
        "from", "by", "at", "is", "are", "was", "be", "will", "whether", "its", "their", "his",
        "her", "this", "that", "these", "those", "as", "into", "than", "after", "before", "under",
        "between",
    }
)  # fmt: skip


def _topic_words(text: str) -> frozenset[str]:
    return frozenset(w for w in fold(text).split() if len(w) > 3 and w not in _TOPIC_STOPWORDS)


def canonical_ids(briefs: list[Brief]) -> list[dict[str, str]]:
    """For each brief, actor id -> the actor's key across all ``briefs``
    (:func:`summarizer.names.aliases` over every actor named in them)."""
    alias = aliases((a.name, a.kind) for b in briefs for a in b.actors)
    return [{a.id: alias.get(k, k) for a in b.actors for k in [name_key(a.name)]} for b in briefs]


class _Components:
    """Union-find over ``n`` items; the root of a set is its smallest index."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def group_stories(items: list[Item], max_size: int | None = None) -> list[list[int]]:
    """Group briefs into stories (lists of indexes into ``items``), deterministically.

    Two briefs belong together when they share two actors (by :mod:`summarizer.names`
    key), or one actor and either half their actors or half their dispute vocabulary.
    Pairs join strongest first (most shared actors), and two groups whose union would
    exceed ``max_size`` articles stay apart, so no chain of overlaps makes one huge story.
    Groups are listed largest first, then by their first article.
    """
    actors = [set(m.values()) for m in canonical_ids([b for _, b in items])]
    disputes = [frozenset().union(*(_topic_words(d.issue) for d in b.disputes)) for _, b in items]
    by_actor: dict[str, list[int]] = {}
    for i, keys in enumerate(actors):
        for key in keys:
            by_actor.setdefault(key, []).append(i)
    pairs = {(i, j) for group in by_actor.values() for i in group for j in group if i < j}
    linked = sorted(
        ((-len(actors[i] & actors[j]), i, j) for i, j in pairs
         if len(actors[i] & actors[j]) >= 2
         or jaccard(actors[i], actors[j]) >= 0.5
         or (disputes[i] and jaccard(disputes[i], disputes[j]) >= 0.5)),
    )  # fmt: skip
    components = _Components(len(items))
    size = [1] * len(items)
    for _, i, j in linked:
        a, b = components.find(i), components.find(j)
        if a == b or (max_size is not None and size[a] + size[b] > max_size):
            continue
        components.union(a, b)
        size[components.find(a)] = size[a] + size[b]
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(components.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), items[g[0]][0].id))


def _quotes(evidence: list[Evidence], uid: str) -> list[Quoted]:
    return [Quoted(text=quote_of(e), article=uid) for e in evidence]


def _cite(article_ids: list[str], uid: str) -> None:
    if uid not in article_ids:
        article_ids.append(uid)


class _StoryBuilder:
    """Merges the briefs of one story: actors by key, positions by actor and stance,
    disputes by issue, next steps by action (texts compared folded)."""

    def __init__(self) -> None:
        self.names: dict[str, Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.actors: dict[str, StoryActor] = {}
        self.positions: dict[tuple[str, str], StoryPosition] = {}
        self.disputes: dict[str, StoryDispute] = {}
        self.steps: dict[str, StoryNextStep] = {}

    def add(self, uid: str, brief: Brief, idmap: dict[str, str]) -> None:
        for actor in brief.actors:
            self._actor(uid, actor, idmap[actor.id])
        for position in brief.positions:
            if position.actor in idmap:
                self._position(uid, position, idmap[position.actor])
        for dispute in brief.disputes:
            self._dispute(uid, dispute, idmap)
        for step in brief.next_steps:
            self._step(uid, step, idmap)

    def _display(self, actor_ids: list[str], idmap: dict[str, str]) -> list[str]:
        return [self.names[idmap[i]].most_common(1)[0][0] for i in actor_ids if i in idmap]

    def _actor(self, uid: str, actor: Actor, key: str) -> None:
        self.names.setdefault(key, Counter())[actor.name] += 1
        self.kinds.setdefault(key, Counter())[actor.kind] += 1
        merged = self.actors.setdefault(
            key, StoryActor(key=key, name=actor.name, kind=actor.kind, roles=[], positions=[],
                            evidence=[], sources=[]),
        )  # fmt: skip
        if actor.role and fold(actor.role) not in {fold(r) for r in merged.roles}:
            merged.roles.append(actor.role)
        merged.evidence.extend(_quotes(actor.evidence, uid))
        _cite(merged.sources, uid)

    def _position(self, uid: str, position: Position, key: str) -> None:
        pkey = (key, fold(position.stance))
        merged = self.positions.get(pkey)
        if merged is None:
            merged = StoryPosition(topic=position.topic, stance=position.stance, evidence=[],
                                   sources=[])  # fmt: skip
            self.positions[pkey] = merged
            self.actors[key].positions.append(merged)
        merged.evidence.extend(_quotes(position.evidence, uid))
        _cite(merged.sources, uid)

    def _dispute(self, uid: str, dispute: Dispute, idmap: dict[str, str]) -> None:
        sides = [StorySide(actors=self._display(s.actors, idmap), claim=s.claim)
                 for s in dispute.sides]  # fmt: skip
        merged = self.disputes.setdefault(
            fold(dispute.issue),
            StoryDispute(issue=dispute.issue, status=dispute.status, evidence=[], sources=[],
                         new=True, sides=sides),
        )  # fmt: skip
        merged.status = dispute.status  # the latest article's word on it
        merged.evidence.extend(_quotes(dispute.evidence, uid))
        _cite(merged.sources, uid)

    def _step(self, uid: str, step: NextStep, idmap: dict[str, str]) -> None:
        merged = self.steps.setdefault(
            fold(step.action),
            StoryNextStep(action=step.action, actors=self._display(step.actors, idmap),
                          when=step.when, certainty=step.certainty, evidence=[], sources=[],
                          new=True),
        )  # fmt: skip
        merged.evidence.extend(_quotes(step.evidence, uid))
        _cite(merged.sources, uid)

    def ordered_actors(self) -> list[StoryActor]:
        """Each actor under its most used name (longest among equals) and kind; the actors
        most articles report first."""
        for key, actor in self.actors.items():
            actor.name = max(self.names[key].items(), key=lambda kv: (kv[1], len(kv[0])))[0]
            actor.kind = self.kinds[key].most_common(1)[0][0]
        return sorted(self.actors.values(), key=lambda a: (-len(a.sources), a.key))


def _date(row: StoredArticle, brief: Brief) -> str:
    return row.published or brief.source.published or row.first_seen


def _build_story(items: list[Item], idmaps: list[dict[str, str]], members: list[int]) -> Story:
    builder = _StoryBuilder()
    members = sorted(members, key=lambda i: (_date(*items[i]), items[i][0].id))
    for index in members:
        row, brief = items[index]
        builder.add(row.uid, brief, idmaps[index])
    first_row = items[members[0]][0]
    # The story as it stands now: its newest article's grounded headline and summary.
    lead_row, lead = items[members[-1]]
    return Story(
        id="s" + first_row.uid[1:],
        status="new",
        changes=[],
        timeline=[],
        headline=lead.headline,
        summary=[
            StorySentence(text=s.text, evidence=_quotes(s.evidence, lead_row.uid))
            for s in lead.summary
        ],  # fmt: skip
        actors=builder.ordered_actors(),
        disputes=list(builder.disputes.values()),
        next_steps=list(builder.steps.values()),
        sources=[items[i][0].uid for i in members],
        new=True,
    )


@dataclass
class Briefed:
    """What a run briefed: each article with its brief, what failed, and the counts."""

    items: list[Item]
    failed: list[FailedArticle]
    counts: DigestCounts


@dataclass(frozen=True)
class DigestHeader:
    """Who the digest is: its id and title, when it was made, the window, its predecessor."""

    id: str
    title: str
    created_at: datetime
    since: datetime | None
    previous: Digest | None


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


def _article(row: StoredArticle, brief: Brief, seen: set[str]) -> DigestArticle:
    url = row.url or brief.source.url
    return DigestArticle(
        id=row.uid, title=brief.source.title or row.title, url=url,
        link=clean_link(url, row.origin),
        site=brief.source.site or row.site, published=row.published or brief.source.published,
        content_hash=brief.source.content_hash, headline=brief.headline, origin=row.origin,
        new=row.uid not in seen,
    )  # fmt: skip


def _timeline(story: Story, articles: dict[str, DigestArticle], dates: dict[str, str]) -> None:
    story.timeline = [
        TimelineEntry(article=uid, date=dates.get(uid), site=a.site,
                      title=a.title or a.headline, link=a.link, new=a.new)
        for uid in story.sources for a in [articles[uid]]
    ]  # fmt: skip


def _rank_key(story: Story, articles: dict[str, DigestArticle], dates: dict[str, str]) -> tuple:  # type: ignore[type-arg]
    sites = {articles[u].site or articles[u].link or u for u in story.sources}
    latest = max((dates.get(u) or "" for u in story.sources), default="")
    order = {"new": 0, "updated": 0, "unchanged": 1}[story.status]
    return (order, -len(sites), -len(story.sources), _neg(latest), story.id)


def _neg(text: str) -> tuple[int, ...]:
    """A sort key that orders strings descending."""
    return tuple(-ord(c) for c in text)


def build_digest(briefed: Briefed, header: DigestHeader, *, max_stories: int = 15,
                 max_story_articles: int | None = 12) -> Digest:  # fmt: skip
    """Group the briefed articles into stories, say what changed since the previous digest,
    rank them and keep ``max_stories`` in full (the rest listed by headline)."""
    items = sorted(briefed.items, key=lambda item: item[0].id)
    idmaps = canonical_ids([b for _, b in items])
    groups = group_stories(items, max_story_articles)
    stories = [_build_story(items, idmaps, g) for g in groups]
    seen = mark_new(stories, header.previous, header.created_at.date().isoformat())
    articles = [_article(row, brief, seen) for row, brief in items]
    by_id = {a.id: a for a in articles}
    dates = {row.uid: _date(row, brief) for row, brief in items}
    for story in stories:
        _timeline(story, by_id, dates)
    stories.sort(key=lambda s: _rank_key(s, by_id, dates))
    shown, rest = stories[:max_stories], stories[max_stories:]
    more = [
        StoryLink(id=s.id, headline=s.headline, status=s.status, articles=len(s.sources),
                  link=by_id[s.sources[-1]].link)
        for s in rest
    ]  # fmt: skip
    counts = briefed.counts.model_copy(
        update={"stories": len(stories), "new_stories": sum(s.new for s in stories),
                "updated_stories": sum(s.status == "updated" for s in stories)}
    )  # fmt: skip
    return Digest(
        id=header.id, title=header.title, created_at=header.created_at, since=header.since,
        previous=header.previous.id if header.previous else None, partial=bool(briefed.failed),
        counts=counts, stories=shown, more=more, failed=briefed.failed, articles=articles,
    )  # fmt: skip


def without_articles(digest: Digest, drop: set[str]) -> Digest:
    """``digest`` without the articles ``drop`` (a target already has them): stories left
    with none of their own are removed, the rest keep only their other articles."""
    stories = []
    for story in digest.stories:
        kept = [uid for uid in story.sources if uid not in drop]
        if kept:
            stories.append(story.model_copy(update={
                "sources": kept,
                "timeline": [t for t in story.timeline if t.article not in drop],
            }))  # fmt: skip
    return digest.model_copy(update={
        "stories": stories,
        "articles": [a for a in digest.articles if a.id not in drop],
    })  # fmt: skip
