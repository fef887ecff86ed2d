"""What the grounding report says of each item, by the item's place in the brief as shown:
the ``--verify`` verdicts and the roles taken away.

Grounding and the verifying model name items by their place in a list that later lost
items; these functions map each name to the item's place in the final brief."""

from __future__ import annotations

from typing import Any

from summarizer.formats._review.common import item_path, one_line

__all__ = ["judge_map", "role_drops"]

_JUDGED = "the verifying model"


def judge_map(grounding: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``--verify`` verdicts by the path of the item in the final brief.

    The verdicts name items as they were before the verifying model removed the ones it
    judged not entailed; later items of the same list moved up by one for each removal."""
    verdicts = [v for v in grounding.get("verification") or [] if isinstance(v, dict)]
    removed: dict[str, list[int]] = {}
    for v in verdicts:
        p = item_path(str(v.get("path", "")))
        if p and v.get("verdict") == "not_entailed" and p[1] != "actors":
            removed.setdefault(p[1], []).append(p[2])
    out: dict[str, dict[str, Any]] = {}
    for v in verdicts:
        p = item_path(str(v.get("path", "")))
        if p is None or (v.get("verdict") == "not_entailed" and p[1] != "actors"):
            continue
        final = p[2] - sum(1 for i in removed.get(p[1], []) if i < p[2])
        out[f"{p[1]}[{final}]"] = v
    return out


def role_drops(dropped: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """Reasons a role was taken from an actor, by the actor's path in the final brief.

    Grounding names actors by their place in the model's answer (before dropped actors were
    removed); the verifying model by their place in the brief (it never removes an actor)."""
    gone = sorted(
        p[2]
        for d in dropped
        if d.get("kind") == "item" and (p := item_path(str(d.get("path", "")))) and not p[0]
        and p[1] == "actors"
    )  # fmt: skip
    out: dict[str, list[tuple[str, str]]] = {}
    for d in dropped:
        path = str(d.get("path", ""))
        p = item_path(path)
        if d.get("kind") != "claim" or p is None or p[0] or p[1] != "actors":
            continue
        reasons = [str(r) for r in d.get("reasons") or []]
        by_judge = any(r.startswith(_JUDGED) for r in reasons)
        final = p[2] if by_judge else p[2] - sum(1 for i in gone if i < p[2])
        what = f"role “{one_line(d['content'])}” dropped" if d.get("content") else "role dropped"
        notes = out.setdefault(f"actors[{final}]", [])
        notes += [("", what + ":"), *(("miss", r) for r in reasons)]
    return out
