"""Position candidates: every stance the article attributes, one per (segment, speaker).

A position is a body segment in which an actor speaks or takes a stance, as the cast reads
it (:class:`summarizer.cast.Cast`: subjects of speech and stance verbs, pronouns and
descriptions resolved, quotations that run on): *the union is demanding*, *the company has
offered*, *Putin last month rejected*, *"...," she said*. A sentence with two speakers
(*The Kremlin denied the claim, while Beijing warned...*) gives a position to each. Each
comes with the salient words it is about, and a score: firm stances and quoted words first.
"""

from __future__ import annotations

from collections import Counter

from summarizer.cast.lexicon import ACTION, QUOTES, SPEECH, STANCE, STOP, WORD_RE
from summarizer.cast.registry import ActorRegistry
from summarizer.extract.data import PositionCandidate
from summarizer.extract.lexicon import NOT_TOPICS, stem_word


def _words(text: str) -> list[str]:
    return text.split()


__all__ = ["FIRM_VERBS", "position_candidates", "topics_of"]

# Verbs of a firm stance: what an actor demands, refuses, accuses or denies.
FIRM_VERBS = frozenset(
    _words(
        """rejected rejects demanded demands demanding urged urges warned warns insisted insists
    accused accuses denied denies refused refuses wants want offered offers proposed
    suspect suspects pressing pushed called threatened vowed condemned criticised
    criticized dismissed disputed opposed backed"""
    )
)
_MIN_WORDS = 4  # "Kemp denied the charge." is a position


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
            or low in STANCE
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
    ex: ActorRegistry,
    ids: dict[str, str],
    salience: Counter[str],
    title_words: frozenset[str],
    speech: dict[int, list[tuple[str, int, str]]] | None = None,
) -> list[PositionCandidate]:
    """Every (segment, speaker) of the body that states a stance, ranked best first.

    ``speech`` is who speaks in each segment (the cast's, with quotations that run on);
    by default the registry's own subjects of speech.
    """
    said = ex.speech if speech is None else speech
    positions: list[PositionCandidate] = []
    for seg in ex.art.body:
        if seg.id in ex.art.subheads or len(seg.text.split()) < _MIN_WORDS:
            continue
        quoted = any(q in seg.text for q in QUOTES)
        speakers: dict[str, tuple[int, str]] = {}
        for k, a, v in said.get(seg.id, []):
            if k in ids and k not in speakers:
                speakers[k] = (a, v)
        for rank, (key, (attribution, verb)) in enumerate(speakers.items()):
            actor = ex.actors[key]
            exclude = {stem_word(w) for w in actor.name.split()} | {
                stem_word(w) for w in actor.role.split()
            }
            topics = topics_of(seg.text, salience, exclude, title_words)
            if not topics and verb in FIRM_VERBS:
                topics = [verb]  # "Pryce rejected that.": a stance on what was said before
            if not topics:
                continue
            score = 1.0 + (1.0 if quoted else 0.0) + 0.1 * min(len(seg.text.split()), 30) / 3
            score += 0.7 if verb in FIRM_VERBS else 0.0
            score -= 0.3 * rank  # the second speaker of a sentence after the first
            positions.append(
                PositionCandidate(
                    segment=seg.id,
                    actor=ids[key],
                    topic=topics[0],
                    topics=tuple(topics[:4]),
                    attribution=attribution,
                    score=round(score, 3),
                    verb=verb,
                )
            )
    positions.sort(key=lambda p: (-p.score, p.segment))
    return positions
