"""Merging partial briefs of one article's chunks into one draft (the reduce step's data part).

Actors are deduplicated by normalized name, a lone surname and an acronym; positions,
disputes and next steps by shared evidence or near-identical text; ids are remapped.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from summarizer.brief import (
    Actor,
    BriefDraft,
    Dispute,
    NextStep,
    Position,
    Side,
)

__all__ = ["Merged", "merge"]

log = logging.getLogger(__name__)

# --- merging --------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = _words(
    "the mr mrs ms miss dr prof sir dame lord lady president vice prime minister senator "
    "sen rep gov governor mayor judge justice gen general col colonel capt captain "
    "chancellor secretary chief ceo chair chairman chairwoman king queen prince princess "
    "pope rev st saint"
)
_STOP = _words("of the and for in on at to a an de la le")
_PERSONISH = frozenset({"person", "other"})
MAX_EVIDENCE = 3
SIMILAR = 0.85


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _name_tokens(name: str) -> list[str]:
    tokens = _fold(name).split() or [name.casefold().strip() or "?"]
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens = tokens[1:]
    return tokens


def _acronym(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t not in _STOP)


def _similar(a: str, b: str) -> bool:
    fa, fb = _fold(a), _fold(b)
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= SIMILAR


class _Evidenced(Protocol):
    evidence: list[str]


_T = TypeVar("_T", bound=_Evidenced)


def _twin(
    items: list[_T], evidence: list[str], text_of: Callable[[_T], str], text: str
) -> _T | None:
    """The item of ``items`` that shares a quote with ``evidence`` or says nearly ``text``."""
    quotes = set(evidence)
    return next((i for i in items if quotes & set(i.evidence) or _similar(text_of(i), text)), None)


def _union(lists: Iterable[Sequence[str]], cap: int = MAX_EVIDENCE) -> list[str]:
    """Round-robin union (so each source keeps a quote), without repeats, capped."""
    pools = [list(q) for q in lists]
    out: list[str] = []
    for depth in range(max((len(p) for p in pools), default=0)):
        for pool in pools:
            if depth < len(pool) and pool[depth] not in out:
                out.append(pool[depth])
    return out[:cap]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")[:40] or "actor"


@dataclass
class _Group:
    members: list[tuple[int, Actor]]

    @property
    def best(self) -> Actor:
        return max(
            (a for _, a in self.members), key=lambda a: (len(_name_tokens(a.name)), len(a.name))
        )

    @property
    def tokens(self) -> list[str]:
        return _name_tokens(self.best.name)


def _group_actors(parts: Sequence[tuple[int, BriefDraft]]) -> list[_Group]:
    """Actors of all parts grouped: same normalized name, then surname, then acronym."""
    groups: list[_Group] = []
    by_key: dict[str, _Group] = {}
    for part, draft in parts:
        for actor in draft.actors:
            key = " ".join(_name_tokens(actor.name))
            if key in by_key:
                by_key[key].members.append((part, actor))
            else:
                by_key[key] = _Group([(part, actor)])
                groups.append(by_key[key])
    merged: list[_Group] = []
    singles: list[_Group] = []
    for group in groups:
        (singles if len(group.tokens) == 1 else merged).append(group)
    for single in singles:
        word = single.tokens[0]
        kind = single.best.kind
        raw = single.best.name.strip()
        if kind in _PERSONISH:
            matches = [g for g in merged if g.best.kind in _PERSONISH and g.tokens[-1] == word]
        else:
            matches = []
        if not matches and raw.isupper() and len(raw) >= 2:
            matches = [g for g in merged if len(g.tokens) > 1 and _acronym(g.tokens) == word]
        if len(matches) == 1:  # "Okafor" is Maria Okafor only when no other Okafor is named
            matches[0].members.extend(single.members)
        else:
            merged.append(single)
    first = {id(g): (min(p for p, _ in g.members), groups.index(g)) for g in merged}
    return sorted(merged, key=lambda g: first[id(g)])


@dataclass
class Merged:
    """The program's merge of the partial briefs (the reduce call adds headline and summary)."""

    actors: list[Actor]
    positions: list[Position]
    disputes: list[Dispute]
    next_steps: list[NextStep]
    ids: dict[tuple[int, str], str]  # (part, the part's actor id) -> id in the merged brief


def merge(parts: Sequence[tuple[int, BriefDraft]]) -> Merged:
    """Merge grounded partial briefs: dedupe actors and items, unite evidence, remap ids."""
    ids: dict[tuple[int, str], str] = {}
    actors: list[Actor] = []
    used: set[str] = set()
    for group in _group_actors(parts):
        best = group.best
        new_id = best.id if re.fullmatch(r"[\w.-]{1,40}", best.id) else _slug(best.name)
        base, n = new_id, 2
        while new_id in used:
            new_id = f"{base[:36]}-{n}"
            n += 1
        used.add(new_id)
        kinds = Counter(a.kind for _, a in group.members)
        first = group.members[0][1]
        actors.append(
            Actor(
                id=new_id,
                name=best.name,
                kind=kinds.most_common(1)[0][0],
                role=first.role,
                evidence=_union(a.evidence for _, a in group.members),
            )
        )
        for part, actor in group.members:
            ids.setdefault((part, actor.id), new_id)

    def remap(part: int, refs: Iterable[str]) -> list[str]:
        out: list[str] = []
        for ref in refs:
            new = ids.get((part, ref))
            if new is not None and new not in out:
                out.append(new)
        return out

    positions: list[Position] = []
    disputes: list[Dispute] = []
    next_steps: list[NextStep] = []
    for part, draft in parts:
        for position in draft.positions:
            owner = ids.get((part, position.actor))
            if owner is None:
                continue
            same = _twin(
                [p for p in positions if p.actor == owner],
                position.evidence,
                lambda p: p.stance,
                position.stance,
            )
            if same is None:
                positions.append(position.model_copy(update={"actor": owner}))
            else:
                same.evidence = _union([same.evidence, position.evidence])
        for dispute in draft.disputes:
            sides = []
            for side in dispute.sides:
                side_ids = remap(part, side.actors)
                if side_ids:
                    sides.append(Side(actors=side_ids, claim=side.claim))
            if not sides:
                continue
            same_d = _twin(disputes, dispute.evidence, lambda d: d.issue, dispute.issue)
            if same_d is None:
                disputes.append(dispute.model_copy(update={"sides": sides}))
                continue
            same_d.evidence = _union([same_d.evidence, dispute.evidence])
            for side in sides:
                twin = next((s for s in same_d.sides if _similar(s.claim, side.claim)), None)
                if twin is not None:
                    twin.actors = (twin.actors + [a for a in side.actors if a not in twin.actors])[
                        :8
                    ]
                elif len(same_d.sides) < 4:
                    same_d.sides.append(side)
        for step in draft.next_steps:
            step_ids = remap(part, step.actors)
            same_s = _twin(next_steps, step.evidence, lambda s: s.action, step.action)
            if same_s is None:
                next_steps.append(step.model_copy(update={"actors": step_ids}))
                continue
            same_s.evidence = _union([same_s.evidence, step.evidence])
            same_s.actors = (same_s.actors + [a for a in step_ids if a not in same_s.actors])[:8]
            same_s.when = same_s.when or step.when
    return Merged(actors, positions, disputes, next_steps, ids)
