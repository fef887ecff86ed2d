"""Locating evidence in the article: segment numbers and quotes, as character intervals.

The article is indexed once (:class:`ArticleIndex`): its segments (sentences, numbered from
1 as the model sees them) and, on first need, normalized forms with a map back to the
article's own characters. A quote that matches only after normalization (Unicode NFKC,
curly and straight quotes, dashes, whitespace, then case as a last resort) is *repaired*:
replaced by the article's exact span. Every citation carries ``start``/``end`` such that
``article.text[start:end] == quote``.
"""

from __future__ import annotations

import unicodedata
from functools import cached_property

from summarizer.cast import Cast, read_cast
from summarizer.grounding.segments import (
    Segment,
    detect_script_language,
    segment,
    segment_at,
    segments_in,
)
from summarizer.output.brief import Citation

__all__ = ["MIN_QUOTE_CHARS", "ArticleIndex"]

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
_EDGE = "\"' \t\n.,;:…"
MIN_QUOTE_CHARS = 3


def _normalize(text: str, *, lower: bool) -> tuple[str, list[int]]:
    """Normalized text and, for each of its characters, the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        # NFKC is the identity on ASCII: skip the call for the common case.
        for c in ch if ch.isascii() else unicodedata.normalize("NFKC", ch):
            c = _FOLD.get(c, c)
            if c.isspace():
                if not out or out[-1] == " ":
                    continue
                c = " "
            elif c == "-" and out and out[-1] == "-":
                continue  # "--" and an em dash are the same dash
            for piece in c.lower() if lower else c:
                out.append(piece)
                where.append(i)
    return "".join(out), where


class ArticleIndex:
    """An article prepared for citations: made once per article, shared by its re-asks."""

    def __init__(self, text: str, *, language: str | None = None) -> None:
        self.text = text
        self.language = language or detect_script_language(text)
        self._forms: dict[bool, tuple[str, list[int]]] = {}

    @cached_property
    def segments(self) -> list[Segment]:
        """The article's segments, numbered from 1 (what the prompt shows as ``[n]``)."""
        return segment(self.text, self.language)

    @cached_property
    def cast(self) -> Cast:
        """Who is who and who says what in the article (read once, on first need)."""
        return read_cast(self.text, self.segments)

    def segment(self, number: int) -> Segment | None:
        """Segment ``number`` (1-based), or None when there is no such segment."""
        if 1 <= number <= len(self.segments):
            return self.segments[number - 1]
        return None

    def cite_segment(self, number: int) -> Citation | None:
        """The whole of segment ``number`` as a citation, or None."""
        seg = self.segment(number)
        if seg is None:
            return None
        return Citation(quote=seg.text, start=seg.start, end=seg.end, segment=seg.id)

    def holding(self, citation: Citation) -> list[Segment]:
        """The segments that a citation's interval overlaps (usually one)."""
        return segments_in(self.segments, citation.start, citation.end)

    def _form(self, lower: bool) -> tuple[str, list[int]]:
        # Built on first need: a segment number or a verbatim quote never pays for it.
        if lower not in self._forms:
            self._forms[lower] = _normalize(self.text, lower=lower)
        return self._forms[lower]

    def locate(self, quote: str) -> tuple[int, int, bool] | None:
        """``(start, end, verbatim)`` of ``quote`` in the article, or None when absent."""
        if len(quote.strip()) >= MIN_QUOTE_CHARS:
            pos = self.text.find(quote)
            if pos >= 0:
                return pos, pos + len(quote), True
        candidates = [quote, quote.strip(_EDGE)]
        for lower in (False, True):
            norm, where = self._form(lower)
            for cand in candidates:
                needle, _ = _normalize(cand, lower=lower)
                needle = needle.strip()
                if len(needle) < MIN_QUOTE_CHARS:
                    continue
                pos = norm.find(needle)
                if pos >= 0:
                    start, end = where[pos], where[pos + len(needle) - 1] + 1
                    return start, end, self.text[start:end] == quote
        return None

    def find(self, quote: str) -> tuple[str, bool] | None:
        """The article's exact span for ``quote`` and whether it was verbatim, or None."""
        found = self.locate(quote)
        if found is None:
            return None
        start, end, verbatim = found
        return self.text[start:end], verbatim

    def cite_quote(self, quote: str) -> tuple[Citation, bool] | None:
        """``quote`` located (and repaired) as a citation, and whether it was verbatim."""
        found = self.locate(quote)
        if found is None:
            return None
        start, end, verbatim = found
        seg = segment_at(self.segments, start)
        number = seg.id if seg is not None else None
        return Citation(quote=self.text[start:end], start=start, end=end, segment=number), verbatim
