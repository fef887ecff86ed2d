"""Stories: briefs of many articles grouped by shared actors and disputes, then merged.

Actors are matched across briefs by :mod:`summarizer.names` (the same rules that merge a
long article's chunks). :func:`group_stories` makes the groups; :func:`build_digest` merges
each group into a :class:`Story` and marks what the previous digest did not have.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from summarizer.brief import Actor, Brief, Dispute, NextStep, Position
from summarizer.digest.models import (
    Digest,
    DigestArticle,
    DigestCounts,
    FailedArticle,
    Quoted,
    Story,
    StoryActor,
    StoryDispute,
    StoryNextStep,
    StoryPosition,
    StorySentence,
    StorySide,
)
from summarizer.names import Evidence, aliases, fold, name_key, quote_of

if TYPE_CHECKING:
    from summarizer.digest.store import StoredArticle

__all__ = ["Briefed", "DigestHeader", "Item", "build_digest", "canonical_ids", "group_stories"]

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


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


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


def group_stories(items: list[Item]) -> list[list[int]]:
    """Group briefs into stories (lists of indexes into ``items``), deterministically.

    Two briefs belong together when they share two actors (by :mod:`summarizer.names`
    key), or one actor and either half their actors or half their dispute vocabulary.
    Groups are the connected components, largest first, then by their first article.
    """
    actors = [set(m.values()) for m in canonical_ids([b for _, b in items])]
    disputes = [frozenset().union(*(_topic_words(d.issue) for d in b.disputes)) for _, b in items]
    by_actor: dict[str, list[int]] = {}
    for i, keys in enumerate(actors):
        for key in keys:
            by_actor.setdefault(key, []).append(i)
    pairs = sorted({(i, j) for group in by_actor.values() for i in group for j in group if i < j})
    components = _Components(len(items))
    for i, j in pairs:
        if (
            len(actors[i] & actors[j]) >= 2
            or _jaccard(actors[i], actors[j]) >= 0.5
            or (disputes[i] and _jaccard(disputes[i], disputes[j]) >= 0.5)
        ):
            components.union(i, j)
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
        if fold(actor.role) not in {fold(r) for r in merged.roles}:
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


def _build_story(items: list[Item], idmaps: list[dict[str, str]], members: list[int]) -> Story:
    builder = _StoryBuilder()
    for index in members:
        row, brief = items[index]
        builder.add(row.uid, brief, idmaps[index])
    lead_row, lead = items[members[0]]
    return Story(
        id="s" + lead_row.uid[1:],
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


def _mark_new(stories: list[Story], previous: Digest | None) -> set[str]:
    """Flag what ``previous`` did not have; return the ids of its articles."""
    before = previous.stories if previous else []
    seen = {a.id for a in previous.articles} if previous else set()
    old_disputes = {fold(d.issue) for s in before for d in s.disputes}
    old_steps = {fold(n.action) for s in before for n in s.next_steps}
    for story in stories:
        story.new = not any(uid in seen for uid in story.sources)
        for dispute in story.disputes:
            dispute.new = fold(dispute.issue) not in old_disputes
        for step in story.next_steps:
            step.new = fold(step.action) not in old_steps
    return seen


def _article(row: StoredArticle, brief: Brief, seen: set[str]) -> DigestArticle:
    return DigestArticle(
        id=row.uid, title=brief.source.title or row.title, url=row.url or brief.source.url,
        site=brief.source.site or row.site, published=row.published or brief.source.published,
        content_hash=brief.source.content_hash, headline=brief.headline, origin=row.origin,
        new=row.uid not in seen,
    )  # fmt: skip


def build_digest(briefed: Briefed, header: DigestHeader) -> Digest:
    """Group the briefed articles into stories and mark what the previous digest lacked."""
    items = sorted(briefed.items, key=lambda item: item[0].id)
    idmaps = canonical_ids([b for _, b in items])
    stories = [_build_story(items, idmaps, g) for g in group_stories(items)]
    seen = _mark_new(stories, header.previous)
    counts = briefed.counts.model_copy(
        update={"stories": len(stories), "new_stories": sum(s.new for s in stories)}
    )
    return Digest(
        id=header.id, title=header.title, created_at=header.created_at, since=header.since,
        previous=header.previous.id if header.previous else None, partial=bool(briefed.failed),
        counts=counts, stories=stories, failed=briefed.failed,
        articles=[_article(row, brief, seen) for row, brief in items],
    )  # fmt: skip
