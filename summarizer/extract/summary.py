"""Summary candidates and the headline: the lead and the segments most central to the
article (by how widely their content words recur), ranked.

Works in every script: lengths are counted in words where words are spaced and in
characters where they are not (:func:`.lexicon.text_length`), and Chinese and Japanese
content is counted as character bigrams (:func:`.lexicon.content_words`).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from summarizer.article.meta import shorten_headline
from summarizer.cast.lexicon import QUOTES, text_length
from summarizer.cast.names import ArticleView
from summarizer.extract.data import SENTENCE_CHARS, SegmentLike
from summarizer.extract.lexicon import content_words

__all__ = ["headline_of", "salience_of", "summary_ranking"]

_SPACES_RE = re.compile(r"[^\S\u3000]+")
HEADLINE_CHARS = 200  # the draft headline's limit (brief.BriefDraft)


def salience_of(art: ArticleView) -> Counter[str]:
    """How many body segments use each content word (a word of the title adds 2)."""
    counts: Counter[str] = Counter()
    for seg in art.body:
        counts.update(set(content_words(seg.text)))
    if art.title:
        counts.update({w: 2 for w in set(content_words(art.title))})
    return counts


def summary_ranking(art: ArticleView, salience: Counter[str]) -> list[int]:
    """Body segments ranked for the summary: lead first, then the most central.

    Segments under six words are left out, unless nothing else is left: an article of
    short lines still has a summary (its lines, lead first), and so does one whose body is
    empty but for a headline-like line.
    """
    ranked = _ranked(art.body, salience, min_words=6)
    return ranked or _ranked(art.body or art.segments, salience, min_words=0)


def _ranked(segments: list[SegmentLike], salience: Counter[str], *, min_words: int) -> list[int]:
    scored: list[tuple[float, int]] = []
    for rank, seg in enumerate(segments):
        words = content_words(seg.text)
        if text_length(seg.text) < min_words or len(seg.text) > SENTENCE_CHARS:
            continue  # too short to tell the news, or too long for a draft item
        central = sum(salience.get(w, 0) - 1 for w in set(words)) / math.sqrt(len(words) + 1)
        lead = 3.0 / (1 + rank)
        quoted = seg.text.lstrip()[:1] in QUOTES
        score = central + lead - (1.5 if quoted else 0.0)
        scored.append((score, seg.id))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [seg_id for _, seg_id in scored]


def headline_of(art: ArticleView, title: str | None, summary: list[int]) -> str:
    """The title, else a headline line above the body, else the best summary segment
    shortened at a clause boundary; the first of them that fits a headline's 200
    characters, else none (the grounding then stands in the article's own fallback)."""
    first = art.segments[0].text if art.segments else ""
    options = [
        title or "",
        first if first and art.body and first != art.body[0].text else "",
        # no title: the lead sentence, shortened at a clause boundary (never mid-word)
        shorten_headline(art.texts[summary[0]]) if summary else "",
    ]
    for option in options:
        # runs of spaces and line breaks become one space; an ideographic space (between
        # a Chinese or Japanese title's two halves) stays, so the title is kept as written
        headline = _SPACES_RE.sub(" ", option).strip()
        if headline and len(headline) <= HEADLINE_CHARS:
            return headline
    return ""
