"""Candidates for a brief, proposed by the program from the article's own words.

A tiny model cannot write faithful prose, but it can choose among numbered options. This
package proposes the options: pure, deterministic, no I/O. Every candidate points at the
segments (sentences) it came from, and every string in it is the article's own words.

Who is who and who says what is the cast's reading (:mod:`summarizer.cast`, read once):

- **actors** (:mod:`.actors`): every person, organization, government, country and group
  the cast found speaking, acting or acted on (titles such as *US President* split off,
  appositives, capitals and demonyms for countries; places are not actors), with a kind and
  a role in the article's words, ranked by how much they do and whether the lead names them;
- **positions** (:mod:`.positions`): every (sentence, speaker) the cast reads a stance in
  (speech and stance verbs; a name, a surname, *he/she*, *the union*, *the company*;
  quotations that run on);
- **disputes** (:mod:`.disputes`): pairs of positions of two sides that oppose, each side
  its own sentence, the issue in the words of one of them;
- **next steps** (:mod:`.steps`): segments with a future cue (*will, is due to, plans to,
  next week, on Thursday*), with the step's own time and a certainty read from the wording;
- **summary** (:mod:`.summary`): the lead and the segments most central to the article,
  ranked.

The heuristics are generic English news conventions (:mod:`.lexicon`), not tuned to any one
article. Other languages get the summary (counted in characters where words are not spaced)
and, in a cased script, names as runs of capitals (:mod:`.cased`); docs/languages.md.
:func:`baseline_draft` is the obvious no-model baseline, kept for comparison.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from summarizer.cast import read_view
from summarizer.cast.lexicon import NOT_NAMES
from summarizer.cast.names import ArticleView
from summarizer.extract.actors import actor_candidates, actor_ids
from summarizer.extract.cased import cased_actors
from summarizer.extract.data import (
    SENTENCE_CHARS,
    ActorCandidate,
    Candidates,
    NextStepCandidate,
    PositionCandidate,
    SegmentLike,
)
from summarizer.extract.disputes import dispute_candidates
from summarizer.extract.lexicon import content_words, looks_english, slug
from summarizer.extract.positions import position_candidates
from summarizer.extract.steps import next_step_candidates
from summarizer.extract.summary import headline_of, salience_of, summary_ranking

__all__ = [
    "ActorCandidate",
    "Candidates",
    "NextStepCandidate",
    "PositionCandidate",
    "SegmentLike",
    "baseline_draft",
    "propose",
]


def propose(text: str, segments: Sequence[SegmentLike], *, title: str | None = None) -> Candidates:
    """Candidates for a brief of ``text`` (split into ``segments``), each list ranked.

    The summary works in every language. Actors, positions and next steps read English
    cues, so they are proposed from English articles only; another language gets the
    names its script shows (:mod:`.cased`) and no positions or next steps, rather than
    English word lists misreading it (German *will* is "wants").
    """
    art = ArticleView(text, segments, title)
    salience = salience_of(art)
    # a segment longer than a draft sentence may be (brief.Sentence) cannot be an item
    fits = {s.id for s in art.segments if len(s.text) <= SENTENCE_CHARS}
    summary = summary_ranking(art, salience)
    base = Candidates(
        headline=headline_of(art, title, summary),
        title=title,
        body=tuple(s.id for s in art.body),
        summary=tuple(summary),
        actors=(),
        positions=(),
        next_steps=(),
        texts=dict(art.texts),
    )
    if not looks_english(text):
        return replace(base, actors=tuple(cased_actors(art)))
    cast = read_view(art)
    ex = cast.registry
    actors = actor_candidates(ex)
    ids = actor_ids(ex, actors)
    title_words = frozenset(content_words(title or ""))
    speech = {
        seg: [(s.actor, s.attribution, s.verb) for s in said] for seg, said in cast.speech.items()
    }
    positions = [
        p for p in position_candidates(ex, ids, salience, title_words, speech) if p.segment in fits
    ]
    keys = {ident: key for key, ident in ids.items()}
    refers = {seg.id: cast.refers(seg.id) for seg in art.segments}
    return replace(
        base,
        actors=tuple(actors),
        positions=tuple(positions),
        next_steps=tuple(n for n in next_step_candidates(ex, ids) if n.segment in fits),
        disputes=tuple(dispute_candidates(ex, positions, keys, refers)),
    )


_BASELINE_RE = re.compile(
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3})\s+(?:said|says|told|warned|wrote|"
    r"urged|announced|accused|denied|added)\b"
    r"|(?:said|says|told|warned|added)\s+(?P<after>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3})"
)


def baseline_draft(
    text: str, segments: Sequence[SegmentLike], *, title: str | None = None
) -> dict[str, Any]:
    """The obvious brief without a model: the lead sentences as the summary and the names
    that stand as subjects of speech verbs as the actors (same v2 draft shape)."""
    art = ArticleView(text, segments, title)
    lead = [s for s in art.body if len(s.text.split()) >= 6][:3]
    actors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for seg in art.body:
        for m in _BASELINE_RE.finditer(seg.text):
            name = m.group("name") or m.group("after")
            words = name.split()
            while words and words[0] in NOT_NAMES:
                words.pop(0)
            if not words:
                continue
            name = " ".join(words)
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            actors.append(
                {
                    "id": slug(name),
                    "name": name,
                    "kind": "other",
                    "role": "",
                    "evidence": [seg.id],
                }
            )
    headline = (title or (lead[0].text if lead else "")).strip()
    return {
        "headline": headline,
        "summary": [{"text": s.text, "evidence": [s.id], "extractive": True} for s in lead],
        "actors": actors,
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }
