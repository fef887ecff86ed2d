"""The article on a review page: flat pieces of text (uncited sentences in grey, cited pieces
marked with the numbers of every citation that covers them, a marker before each citation
linking to the items that cite it), in parts for a long article.

Overlapping and crossing citations are cut into flat pieces (every piece carries the
numbers of the citations that cover it), so any overlap renders and the DOM text of a
citation's pieces is its quote.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from summarizer.formats._review.common import esc

if TYPE_CHECKING:
    from summarizer.formats._review.items import Cite
    from summarizer.grounding import ArticleIndex
    from summarizer.grounding.segments import Segment

__all__ = ["LONG_CHARS", "PART_CHARS", "article_html", "cut_parts"]

PART_CHARS = 12_000
"""Characters per part when an article over :data:`LONG_CHARS` is split for reading."""
LONG_CHARS = 20_000


def cut_parts(text: str, n: int, index: ArticleIndex) -> list[int]:
    """Offsets that cut ``text`` into ``n`` parts of about equal size at paragraph breaks
    (else line breaks, else sentence starts), never inside a sentence."""
    if n <= 1 or not text:
        return []
    breaks = [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]
    if len(breaks) < n - 1:
        breaks = [m.end() for m in re.finditer(r"\n\s*", text)]
    if len(breaks) < n - 1:
        breaks = [s.start for s in index.segments[1:]]
    starts = [s.start for s in index.segments]
    cuts: list[int] = []
    for k in range(1, n):
        target = len(text) * k / n
        i = bisect.bisect_left(breaks, target)
        near = [b for b in breaks[max(0, i - 1) : i + 1] if 0 < b < len(text)]
        if not near:
            continue
        cut = min(near, key=lambda b: abs(b - target))
        j = bisect.bisect_right(starts, cut) - 1  # never inside a sentence
        if j >= 0 and index.segments[j].start < cut < index.segments[j].end:
            cut = index.segments[j].start
        if cut > (cuts[-1] if cuts else 0):
            cuts.append(cut)
    return cuts


def _covered(segments: list[Segment], starts: list[int], cites: list[Cite]) -> list[bool]:
    """For each segment, whether any citation overlaps it."""
    covered = [False] * len(segments)
    for c in cites:
        for j in range(max(0, bisect.bisect_right(starts, c.start) - 1), len(segments)):
            if segments[j].start >= c.end:
                break
            if segments[j].end > c.start:
                covered[j] = True
    return covered


def _marker(c: Cite) -> str:
    """A citation's number, and links to every item that cites it (before its span)."""
    links = " ".join(
        f'<a href="#i-{x}" class="{"x" if x.startswith("X") else "k"}" '
        f'aria-label="citation {c.number}: item {x}">{x}</a>'
        for x in [*c.kept, *c.dropped]
    )
    return f'<sup class="cm" id="c{c.number}"><span class="n">{c.number}</span> {links}</sup>'


def _mark(active: list[Cite], piece: str) -> str:
    """A piece of text inside the citations ``active``: kept (k), only by items not plainly
    supported (w), only by dropped items (x); with the numbers of all of them."""
    numbers = " ".join(str(c.number) for c in sorted(active, key=lambda c: c.number))
    if any(c.kept for c in active):
        doubt = all(set(c.kept) <= set(c.doubtful) for c in active if c.kept)
        kind = "w" if doubt else "k"
    else:
        kind = "x"
    return f'<mark class="{kind}" data-c="{numbers}">{piece}</mark>'


def article_html(
    text: str, index: ArticleIndex, cites: list[Cite], cuts: list[int], lang: str
) -> tuple[str, list[tuple[int, int, int]], int]:
    """The article as flat pieces: uncited sentences, cited pieces (``<mark>`` with the
    numbers of every citation covering them), citation markers; in parts.

    Returns the HTML, each part's ``(start, end, citations)`` and the uncited count."""
    segments = index.segments
    bounds = {0, len(text), *cuts}
    for s in segments:
        bounds.update((s.start, s.end))
    for c in cites:
        bounds.update((c.start, c.end))
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    starting: dict[int, list[Cite]] = {}
    for c in cites:
        starting.setdefault(c.start, []).append(c)
    seg_starts = [s.start for s in segments]
    covered = _covered(segments, seg_starts, cites)
    cut_set = set(cuts)
    parts: list[tuple[int, int, int]] = []
    out: list[str] = []
    active: list[Cite] = []
    part_start, part_cites = 0, 0

    def open_part(k: int) -> None:
        out.append(
            f'<section class="part" id="part-{k}" aria-labelledby="h-part-{k}">'
            f'<h3 id="h-part-{k}">Part {k} of {len(cuts) + 1}</h3>'
            f'<div class="text"{lang}>'
            if cuts
            else f'<div class="text"{lang}>'
        )

    def close_part(end: int) -> None:
        out.append("</div></section>" if cuts else "</div>")
        parts.append((part_start, end, part_cites))

    open_part(1)
    for a, b in zip(points, points[1:], strict=False):
        if a in cut_set:
            close_part(a)
            part_start, part_cites = a, 0
            open_part(len(parts) + 1)
        active = [c for c in active if c.end > a]
        for c in sorted(starting.get(a, []), key=lambda c: c.number):
            active.append(c)
            part_cites += 1
            out.append(_marker(c))
        piece = esc(text[a:b])
        j = bisect.bisect_right(seg_starts, a) - 1
        in_seg = j >= 0 and segments[j].start <= a < segments[j].end
        if active:
            out.append(_mark(active, piece))
        elif in_seg and not covered[j]:
            out.append(f'<span class="u" data-s="{segments[j].id}">{piece}</span>')
        else:
            out.append(piece)
    close_part(len(text))
    return "".join(out), parts, covered.count(False)
