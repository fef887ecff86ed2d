"""The brief draft of chosen candidates: every item the text of the segment it cites.

Sans-I/O, shared by :mod:`.select` (one choice) and its long-article merge (choices part
by part): :func:`fill` tops the model's picks up from the program's ranking, and
:func:`draft` turns the chosen segments, stances, steps and actors into the v2 draft (each
item ``"extractive": true``, quoted, with its evidence).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from summarizer.extract.data import Candidates, PositionCandidate, SegmentLike

__all__ = ["draft", "fill"]


def fill(chosen: list[Any], ranked: Sequence[Any], lo: int, hi: int, avoid: set[Any]) -> list[Any]:
    """The model's choices, topped up from the ranking to ``lo``, capped at ``hi``."""
    out = list(chosen)[:hi]
    for pool in ([r for r in ranked if r not in avoid], list(ranked)):
        for r in pool:
            if len(out) >= lo:
                return out
            if r not in out:
                out.append(r)
    return out


def _actor_items(candidates: Candidates, actor_ids: list[str]) -> list[dict[str, Any]]:
    actors = []
    for actor_id in actor_ids:
        a = candidates.actor(actor_id)
        if a is None:
            continue
        actors.append(
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "role": a.role,
                "evidence": list(a.evidence[:1]),
            }
        )
    return actors


def _position_items(
    chosen: list[PositionCandidate], texts: Mapping[int, str]
) -> list[dict[str, Any]]:
    positions = []
    for p in sorted(chosen, key=lambda p: p.segment):
        evidence = [p.segment] + ([p.attribution] if p.attribution != p.segment else [])
        positions.append(
            {
                "actor": p.actor,
                "topic": p.topic,
                "stance": texts[p.segment],
                "evidence": evidence,
                "extractive": True,
            }
        )
    return positions


def _dispute_items(
    candidates: Candidates, texts: Mapping[int, str], cap: int
) -> list[dict[str, Any]]:
    """The program's disputes, best first: each side the sentence of one actor."""
    out = []
    for d in candidates.disputes[:cap]:
        evidence: list[int] = []
        for p in d.sides:  # each side's sentence, then a segment that names a pronoun's actor
            if p.segment not in evidence:
                evidence.append(p.segment)
        for p in d.sides:
            if p.attribution not in evidence and len(evidence) < 3:
                evidence.append(p.attribution)
        out.append(
            {
                "issue": d.issue,
                "sides": [{"actors": [p.actor], "claim": texts[p.segment]} for p in d.sides],
                "status": "open",
                "evidence": evidence,
            }
        )
    return out


def _next_step_items(
    candidates: Candidates, next_ids: list[int], known: set[str], texts: Mapping[int, str]
) -> list[dict[str, Any]]:
    next_by_segment = {n.segment: n for n in candidates.next_steps}
    next_steps = []
    for seg in sorted(next_ids):
        n = next_by_segment[seg]
        next_steps.append(
            {
                "action": texts[n.segment],
                "actors": [a for a in n.actors if a in known],
                "when": n.when,
                "certainty": n.certainty,
                "evidence": [n.segment],
                "extractive": True,
            }
        )
    return next_steps


def draft(
    candidates: Candidates,
    segments: Sequence[SegmentLike],
    summary_ids: list[int],
    chosen_positions: list[PositionCandidate],
    next_ids: list[int],
    actor_ids: list[str],
    caps: Mapping[str, int],
) -> dict[str, Any]:
    """The draft of the chosen items: every actor a position or a dispute names joins the
    chosen actors, and the ranking fills the actors up to their cap."""
    texts = {**candidates.texts, **{s.id: s.text for s in segments}}
    disputes = _dispute_items(candidates, texts, caps["disputes"])
    ranked_actors = [a.id for a in candidates.actors]
    actor_ids = list(actor_ids)
    needed = [p.actor for p in chosen_positions]
    needed += [x for d in disputes for side in d["sides"] for x in side["actors"]]
    for actor_id in needed:
        if actor_id not in actor_ids:
            actor_ids.append(actor_id)
    actor_ids = fill(actor_ids, ranked_actors, caps["actors"], caps["actors"], set())
    return {
        "headline": candidates.headline,
        "summary": [
            {"text": texts[i], "evidence": [i], "extractive": True}
            for i in sorted(summary_ids)
            if i in texts
        ],
        "actors": _actor_items(candidates, actor_ids),
        "positions": _position_items(chosen_positions, texts),
        "disputes": disputes,
        "next_steps": _next_step_items(candidates, next_ids, set(actor_ids), texts),
    }
