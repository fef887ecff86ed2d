"""Summary candidates and the headline: the lead and the segments most central to the
article (by how widely their content words recur), ranked.
"""

from __future__ import annotations

import math
from collections import Counter

from summarizer.extract.lexicon import QUOTES, content_words
from summarizer.extract.names import ArticleView

__all__ = ["headline_of", "salience_of", "summary_ranking"]


def salience_of(art: ArticleView) -> Counter[str]:
    """How many body segments use each content word (a word of the title adds 2)."""
    counts: Counter[str] = Counter()
    for seg in art.body:
        counts.update(set(content_words(seg.text)))
    if art.title:
        counts.update({w: 2 for w in set(content_words(art.title))})
    return counts


def summary_ranking(art: ArticleView, salience: Counter[str]) -> list[int]:
    """Body segments ranked for the summary: lead first, then the most central."""
    scored: list[tuple[float, int]] = []
    for rank, seg in enumerate(art.body):
        words = content_words(seg.text)
        if len(seg.text.split()) < 6:
            continue
        central = sum(salience.get(w, 0) - 1 for w in set(words)) / math.sqrt(len(words) + 1)
        lead = 3.0 / (1 + rank)
        quoted = seg.text.lstrip()[:1] in QUOTES
        score = central + lead - (1.5 if quoted else 0.0)
        scored.append((score, seg.id))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [seg_id for _, seg_id in scored]


def headline_of(art: ArticleView, title: str | None, summary: list[int]) -> str:
    """The title, else a headline line above the body, else the best summary segment."""
    headline = (title or "").strip()
    if not headline:
        first = art.segments[0].text if art.segments else ""
        headline = first if first and art.body and first != art.body[0].text else ""
    if not headline and summary:
        headline = art.texts[summary[0]]
    return " ".join(headline.split())
