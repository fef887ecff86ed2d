"""Actor candidates: every actor the cast found (people and bodies that speak, act or are
acted on, countries that are not just places), each offered with the segment that states its
name (and role), ranked by how much it does and how early it comes.
"""

from __future__ import annotations

import re

from summarizer.cast import read_view
from summarizer.cast.names import ArticleView
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.data import ActorCandidate, SegmentLike
from summarizer.extract.lexicon import slug

__all__ = ["actor_candidates", "actor_ids", "find_actors", "mentioned_actors"]


def find_actors(art: ArticleView) -> ActorRegistry:
    """Every actor of the article, as the cast reads them (:func:`summarizer.cast.read_view`)."""
    return read_view(art).registry


def actor_candidates(ex: ActorRegistry) -> list[ActorCandidate]:
    """The actors that act or have a role, with evidence, ranked best first."""
    out: list[ActorCandidate] = []
    used: set[str] = set()
    lead = ex.art.body[0].text.lower() if ex.art.body else ""
    for actor in ex.actors.values():
        if actor.kind == "other" and not actor.acts:
            continue
        name_low = actor.name.lower()
        named = re.compile(rf"(?<![\w-]){re.escape(actor.name)}(?![\w-])")
        # evidence: the role's segment when it names the actor, else the first that does
        evidence: list[int] = []
        if actor.role_segment is not None and named.search(ex.art.texts[actor.role_segment]):
            evidence.append(actor.role_segment)
        else:
            ordered = [s for s in ex.art.body if s.id in actor.acts]
            for seg in [*ordered, *ex.art.body]:
                if named.search(seg.text):
                    evidence.append(seg.id)
                    break
        if not evidence:
            continue
        role = actor.role
        if actor.role_segment is not None and actor.role_segment not in evidence:
            role = ""
        score = 2.0 * len(actor.speaks) + len(actor.acts) + 0.5 * actor.mentions
        score += 1.0 if role else 0.0
        # leaders named once in the lead are what the story is about
        score += 1.5 if re.search(rf"\b{re.escape(name_low)}\b", lead) else 0.0
        score += 1.0 / (1 + actor.first)
        ident = slug(actor.name)
        while ident in used:
            ident = f"{ident[:37]}-{len(used)}"
        used.add(ident)
        out.append(
            ActorCandidate(
                id=ident,
                name=actor.name,
                kind=actor.kind,
                role=role,
                evidence=tuple(evidence),
                acts=tuple(sorted(set(actor.acts))),
                score=round(score, 3),
            )
        )
    out.sort(key=lambda a: (-a.score, a.evidence[0]))
    return out


def actor_ids(ex: ActorRegistry, actors: list[ActorCandidate]) -> dict[str, str]:
    """Registry key -> candidate id, for the actors that became candidates."""
    return {key: a.id for a in actors for key, act in ex.actors.items() if act.name == a.name}


def mentioned_actors(ex: ActorRegistry, seg: SegmentLike, ids: dict[str, str]) -> list[str]:
    """The candidate ids of the actors a segment names or hears speak."""
    low = seg.text.lower()
    found: list[str] = []
    for key, actor in ex.actors.items():
        if key not in ids:
            continue
        forms = {actor.name.lower(), *actor.aliases}
        if actor.kind == "person":
            forms.add(actor.name.split()[-1].lower())
        if any(re.search(rf"\b{re.escape(f)}\b", low) for f in forms):
            found.append(ids[key])
    for key, _, _ in ex.speech.get(seg.id, []):
        if key in ids and ids[key] not in found:
            found.append(ids[key])
    return found
