"""Merging partial briefs of one article's chunks into one draft (the reduce step's data part).

Actors are deduplicated by normalized name, a lone surname and an acronym; positions,
disputes and next steps by shared evidence or near-identical text; ids are remapped.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from summarizer.output.brief import (
    Actor,
    BriefContent,
    Dispute,
    NextStep,
    Position,
    Side,
)
from summarizer.output.names import Evidence, aliases, fold, name_key, name_tokens, quote_of

__all__ = ["Merged", "merge"]

log = logging.getLogger(__name__)

MAX_EVIDENCE = 3
SIMILAR = 0.85


def _similar(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= SIMILAR


class _Evidenced(Protocol):
    evidence: list[Evidence]


_T = TypeVar("_T", bound=_Evidenced)


def _twin(
    items: list[_T], evidence: list[Evidence], text_of: Callable[[_T], str], text: str
) -> _T | None:
    """The item of ``items`` that shares a quote with ``evidence`` or says nearly ``text``."""
    quotes = {quote_of(e) for e in evidence}
    return next(
        (
            i
            for i in items
            if quotes & {quote_of(e) for e in i.evidence} or _similar(text_of(i), text)
        ),
        None,
    )


def _union(lists: Iterable[Sequence[Evidence]], cap: int = MAX_EVIDENCE) -> list[Evidence]:
    """Round-robin union (so each source keeps a quote), without repeated quotes, capped."""
    pools = [list(q) for q in lists]
    out: list[Evidence] = []
    seen: set[str] = set()
    for depth in range(max((len(p) for p in pools), default=0)):
        for pool in pools:
            if depth < len(pool) and quote_of(pool[depth]) not in seen:
                seen.add(quote_of(pool[depth]))
                out.append(pool[depth])
    return out[:cap]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "actor"


def _best(actors: Iterable[Actor]) -> Actor:
    """The fullest name of a group: most words (titles dropped), then the longest."""
    return max(actors, key=lambda a: (len(name_tokens(a.name)), len(a.name)))


def _group_actors(parts: Sequence[tuple[int, BriefContent]]) -> list[list[tuple[int, Actor]]]:
    """Actors of all parts grouped by :func:`summarizer.output.names.aliases` (name, surname,
    acronym)."""
    mentions = [(a.name, a.kind) for _, draft in parts for a in draft.actors]
    alias = aliases(mentions)
    met: dict[str, int] = {}  # name key -> order first met
    groups: dict[str, list[tuple[int, Actor]]] = {}
    for part, draft in parts:
        for actor in draft.actors:
            key = name_key(actor.name)
            met.setdefault(key, len(met))
            groups.setdefault(alias.get(key, key), []).append((part, actor))
    # First the group of the earliest part; among equals, the name met first.
    return [groups[k] for k in sorted(groups, key=lambda k: (min(p for p, _ in groups[k]), met[k]))]


@dataclass
class Merged:
    """The program's merge of the partial briefs (the reduce call adds headline and summary)."""

    actors: list[Actor]
    positions: list[Position]
    disputes: list[Dispute]
    next_steps: list[NextStep]
    ids: dict[tuple[int, str], str]  # (part, the part's actor id) -> id in the merged brief


def _merge_actors(
    parts: Sequence[tuple[int, BriefContent]],
) -> tuple[list[Actor], dict[tuple[int, str], str]]:
    """One actor per group (the fullest name, the usual kind, the first role, united
    evidence) and each part's actor id mapped to the merged id."""
    ids: dict[tuple[int, str], str] = {}
    actors: list[Actor] = []
    used: set[str] = set()
    for group in _group_actors(parts):
        best = _best(a for _, a in group)
        new_id = best.id if re.fullmatch(r"[\w.-]{1,40}", best.id) else _slug(best.name)
        base, n = new_id, 2
        while new_id in used:
            new_id = f"{base[:36]}-{n}"
            n += 1
        used.add(new_id)
        kinds = Counter(a.kind for _, a in group)
        actors.append(
            Actor(
                id=new_id,
                name=best.name,
                kind=kinds.most_common(1)[0][0],
                role=group[0][1].role,
                evidence=_union(a.evidence for _, a in group),
            )
        )
        for part, actor in group:
            ids.setdefault((part, actor.id), new_id)
    return actors, ids


def _extend(actors: list[str], more: Iterable[str]) -> list[str]:
    return (actors + [a for a in more if a not in actors])[:8]


@dataclass
class _Items:
    """Positions, disputes and next steps merged so far, with the actor id map."""

    ids: dict[tuple[int, str], str]
    positions: list[Position] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)

    def remap(self, part: int, refs: Iterable[str]) -> list[str]:
        out: list[str] = []
        for ref in refs:
            new = self.ids.get((part, ref))
            if new is not None and new not in out:
                out.append(new)
        return out

    def add_position(self, part: int, position: Position) -> None:
        owner = self.ids.get((part, position.actor))
        if owner is None:
            return
        same = _twin(
            [p for p in self.positions if p.actor == owner],
            position.evidence,
            lambda p: p.stance,
            position.stance,
        )
        if same is None:
            self.positions.append(position.model_copy(update={"actor": owner}))
        else:
            same.evidence = _union([same.evidence, position.evidence])

    def add_dispute(self, part: int, dispute: Dispute) -> None:
        sides = []
        for side in dispute.sides:
            side_ids = self.remap(part, side.actors)
            if side_ids:
                sides.append(Side(actors=side_ids, claim=side.claim))
        if not sides:
            return
        same = _twin(self.disputes, dispute.evidence, lambda d: d.issue, dispute.issue)
        if same is None:
            self.disputes.append(dispute.model_copy(update={"sides": sides}))
            return
        same.evidence = _union([same.evidence, dispute.evidence])
        for side in sides:
            twin = next((s for s in same.sides if _similar(s.claim, side.claim)), None)
            if twin is not None:
                twin.actors = _extend(twin.actors, side.actors)
            elif len(same.sides) < 4:
                same.sides.append(side)

    def add_step(self, part: int, step: NextStep) -> None:
        step_ids = self.remap(part, step.actors)
        same = _twin(self.next_steps, step.evidence, lambda s: s.action, step.action)
        if same is None:
            self.next_steps.append(step.model_copy(update={"actors": step_ids}))
            return
        same.evidence = _union([same.evidence, step.evidence])
        same.actors = _extend(same.actors, step_ids)
        same.when = same.when or step.when


def merge(parts: Sequence[tuple[int, BriefContent]]) -> Merged:
    """Merge grounded partial briefs: dedupe actors and items, unite evidence, remap ids."""
    actors, ids = _merge_actors(parts)
    items = _Items(ids)
    for part, draft in parts:
        for position in draft.positions:
            items.add_position(part, position)
        for dispute in draft.disputes:
            items.add_dispute(part, dispute)
        for step in draft.next_steps:
            items.add_step(part, step)
    return Merged(actors, items.positions, items.disputes, items.next_steps, ids)
