"""Position candidates: segments of reported speech whose speaker resolves to an actor,
each with the salient words it is about.
"""

from __future__ import annotations

from collections import Counter

from summarizer.cast.lexicon import ACTION, QUOTES, SPEECH, STOP, WORD_RE
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.data import PositionCandidate
from summarizer.extract.lexicon import NOT_TOPICS, stem_word

__all__ = ["position_candidates", "topics_of"]

_FIRM_VERBS = ("rejected", "demanded", "urged", "warned", "insisted")


def topics_of(
    text: str, salience: Counter[str], exclude: set[str], title_words: frozenset[str] = frozenset()
) -> list[str]:
    """Salient lower-case content words of a segment, best first (the article's forms)."""
    seen: dict[str, tuple[float, int, str]] = {}
    for i, m in enumerate(WORD_RE.finditer(text)):
        w = m.group()
        low = w.lower()
        if (
            not w.islower()
            or low in STOP
            or low in SPEECH
            or low in ACTION
            or len(w) < 4
            or stem_word(w) in exclude
        ):
            continue
        stem = stem_word(w)
        if low.endswith("ly") or low in NOT_TOPICS or "'" in w or "’" in w:
            continue
        score = salience.get(stem, 0) + 0.1 * len(w) / 10
        if stem in title_words:
            score += 3
        if stem not in seen or seen[stem][0] < score:
            seen[stem] = (score, i, w)
    ranked = sorted(seen.values(), key=lambda t: (-t[0], t[1]))
    return [w for _, _, w in ranked]


def position_candidates(
    ex: ActorRegistry, ids: dict[str, str], salience: Counter[str], title_words: frozenset[str]
) -> list[PositionCandidate]:
    """One position per body segment (its first attributed speaker), ranked best first."""
    positions: list[PositionCandidate] = []
    for seg in ex.art.body:
        for key, attribution, verb in ex.speech.get(seg.id, []):
            if key not in ids or len(seg.text.split()) < 7:
                continue
            actor = ex.actors[key]
            exclude = {stem_word(w) for w in actor.name.split()} | {
                stem_word(w) for w in actor.role.split()
            }
            topics = topics_of(seg.text, salience, exclude, title_words)
            if not topics:
                continue
            quoted = any(q in seg.text for q in QUOTES)
            score = 1.0 + (1.0 if quoted else 0.0) + 0.1 * min(len(seg.text.split()), 30) / 3
            score += 0.5 if verb in _FIRM_VERBS else 0
            positions.append(
                PositionCandidate(
                    segment=seg.id,
                    actor=ids[key],
                    topic=topics[0],
                    topics=tuple(topics[:4]),
                    attribution=attribution,
                    score=round(score, 3),
                )
            )
            break  # one position per segment: its first attributed speaker
    positions.sort(key=lambda p: (-p.score, p.segment))
    return positions
