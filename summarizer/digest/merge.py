"""Merging the briefs of one story: actors by key, positions by actor and stance, disputes
by issue, next steps by action (texts compared folded), each item with its verbatim
evidence and the articles that report it.

Only what the article's own reading allows is merged: a position (or a dispute side)
under an actor only when :attr:`.reading.Reading.verified` says the article has that actor
say it; a next step only while it is one (:func:`.steps.step_kept`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from summarizer.digest.models import (
    Quoted,
    StoryActor,
    StoryDispute,
    StoryNextStep,
    StoryPosition,
    StorySide,
)
from summarizer.digest.steps import step_kept
from summarizer.output.brief import Actor, Brief, Dispute, NextStep, Position
from summarizer.output.names import Evidence, aliases, fold, name_key, quote_of

if TYPE_CHECKING:
    from summarizer.digest.member import Member

__all__ = ["MAX_STEPS", "StoryBuilder", "canonical_ids", "cite", "quotes_of", "step_order"]

MAX_STEPS = 4


def step_order(step: StoryNextStep) -> tuple[int, str, str]:
    """Dated steps first, soonest first; then scheduled before proposed before possible."""
    rank = {"scheduled": 0, "proposed": 1, "possible": 2}.get(step.certainty, 3)
    return (0 if step.date else 1, step.date or str(rank), step.action)


def canonical_ids(briefs: list[Brief]) -> list[dict[str, str]]:
    """For each brief, actor id -> the actor's key across all ``briefs``
    (:func:`summarizer.output.names.aliases` over every actor named in them)."""
    alias = aliases((a.name, a.kind) for b in briefs for a in b.actors)
    return [{a.id: alias.get(k, k) for a in b.actors for k in [name_key(a.name)]} for b in briefs]


def quotes_of(evidence: Sequence[Evidence], uid: str) -> list[Quoted]:
    return [Quoted(text=quote_of(e), article=uid) for e in evidence]


def cite(article_ids: list[str], uid: str) -> None:
    if uid not in article_ids:
        article_ids.append(uid)


class StoryBuilder:
    """Merges the briefs of one story: actors by key, positions by actor and stance,
    disputes by issue, next steps by action (texts compared folded)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.names: dict[str, Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.actors: dict[str, StoryActor] = {}
        self.positions: dict[tuple[str, str], StoryPosition] = {}
        self.position_keys: list[tuple[str, StoryPosition, str]] = []  # (actor key, p, uid)
        self.disputes: dict[str, StoryDispute] = {}
        self.steps: dict[str, StoryNextStep] = {}
        self.withheld = 0

    def add(self, m: Member) -> None:
        uid, brief, idmap = m.row.uid, m.brief, m.idmap
        for actor in brief.actors:
            self._actor(uid, actor, idmap[actor.id])
        for i, position in enumerate(brief.positions):
            verified = m.reading.checked and i < len(m.reading.verified) and m.reading.verified[i]
            if position.actor in idmap and verified:
                self._position(uid, position, idmap[position.actor])
            else:
                self.withheld += 1  # no sentence under a name the article does not give it
        for i, dispute in enumerate(brief.disputes):
            ok = m.reading.sides[i] if i < len(m.reading.sides) else []
            self._dispute(uid, dispute, idmap, ok)
        anchor = date.fromisoformat(m.date) if m.date else self.today
        for i, step in enumerate(brief.next_steps):
            kept, day = step_kept(step.action, step.when, anchor, self.today)
            if kept:
                subject = m.reading.step_subjects[i] if i < len(m.reading.step_subjects) else None
                self._step(uid, step, idmap, subject, day)

    def _display(self, actor_ids: list[str], idmap: dict[str, str]) -> list[str]:
        return [self.names[idmap[i]].most_common(1)[0][0] for i in actor_ids
                if i in idmap and idmap[i] in self.names]  # fmt: skip

    def _actor(self, uid: str, actor: Actor, key: str) -> None:
        self.names.setdefault(key, Counter())[actor.name] += 1
        self.kinds.setdefault(key, Counter())[actor.kind] += 1
        merged = self.actors.setdefault(
            key, StoryActor(key=key, name=actor.name, kind=actor.kind, roles=[], positions=[],
                            evidence=[], sources=[]),
        )  # fmt: skip
        if actor.role and fold(actor.role) not in {fold(r) for r in merged.roles}:
            merged.roles.append(actor.role)
        merged.evidence.extend(quotes_of(actor.evidence, uid))
        cite(merged.sources, uid)

    def _position(self, uid: str, position: Position, key: str) -> None:
        pkey = (key, fold(position.stance))
        merged = self.positions.get(pkey)
        if merged is None:
            merged = StoryPosition(topic=position.topic, stance=position.stance, evidence=[],
                                   sources=[], extractive=position.extractive)  # fmt: skip
            self.positions[pkey] = merged
            self.actors[key].positions.append(merged)
            self.position_keys.append((key, merged, uid))
        merged.evidence.extend(quotes_of(position.evidence, uid))
        cite(merged.sources, uid)

    def _dispute(self, uid: str, dispute: Dispute, idmap: dict[str, str], ok: list[bool]) -> None:
        # a side keeps its actors only when the article's reading has them say its claim
        sides = [
            StorySide(actors=self._display(s.actors, idmap) if i < len(ok) and ok[i] else [],
                      claim=s.claim, extractive=dispute.extractive)
            for i, s in enumerate(dispute.sides)
        ]  # fmt: skip
        merged = self.disputes.setdefault(
            fold(dispute.issue),
            StoryDispute(issue=dispute.issue, status=dispute.status, evidence=[], sources=[],
                         new=True, sides=sides, extractive=dispute.extractive),
        )  # fmt: skip
        merged.status = dispute.status  # the latest article's word on it
        merged.evidence.extend(quotes_of(dispute.evidence, uid))
        cite(merged.sources, uid)

    def _step(
        self, uid: str, step: NextStep, idmap: dict[str, str], subject: str | None,
        day: date | None,
    ) -> None:  # fmt: skip
        actors = self._display(step.actors, idmap)
        merged = self.steps.setdefault(
            fold(step.action),
            StoryNextStep(action=step.action, actors=actors, when=step.when,
                          certainty=step.certainty, evidence=[], sources=[], new=True,
                          extractive=step.extractive,
                          subject=None if actors else subject,
                          date=day.isoformat() if day else None),
        )  # fmt: skip
        merged.evidence.extend(quotes_of(step.evidence, uid))
        cite(merged.sources, uid)

    def ordered_actors(self) -> list[StoryActor]:
        """Each actor under its most used name (longest among equals) and kind; the actors
        most articles report first."""
        for key, actor in self.actors.items():
            actor.name = max(self.names[key].items(), key=lambda kv: (kv[1], len(kv[0])))[0]
            actor.kind = self.kinds[key].most_common(1)[0][0]
        return sorted(self.actors.values(), key=lambda a: (-len(a.sources), a.key))
