"""Name spans: the article prepared once, with the capitalized names in every segment.

A name is a run of capitalized words (with *of*, *de*, *van*... inside), minus sentence-
initial common words, leading function words and a trailing possessive; *Okafor and
Brandt* is two names, *Bank of England* one; leading capitalized titles are split off
(*Prime Minister* | *Jonas Lund*) and kept, with where they began.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.cast.lexicon import (
    ABBREVS,
    CAP_TITLES,
    CONNECTORS,
    COUNTRIES,
    GOV_CUES,
    NOT_NAMES,
    ORG_CUES,
    QUOTES,
    SENTENCE_ENDS,
    WORD_RE,
    has_cue,
    normalize,
    text_length,
)
from summarizer.cast.types import SegmentLike

__all__ = ["CAP_WORD", "NAME_RE", "ArticleView", "NameSpan", "strip_dateline"]

CAP_WORD = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’\-]*\.?|[A-Z])"
NAME_RE = re.compile(
    rf"(?<![\w'’-]){CAP_WORD}(?:\s+(?:(?:of|for|on|de|del|der|van|von|bin|al|da|du|la|le)"
    rf"(?:\s+the)?\s+|&\s+)?{CAP_WORD})*"
)
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .'\-]{2,40}(?:\([^)]*\))?(?:,[^:—–]{0,40})?\s*[:—–]\s+")


def strip_dateline(text: str) -> int:
    """Length of a leading dateline ("HALDEN, 3 March: "), or 0."""
    m = _DATELINE_RE.match(text)
    return m.end() if m else 0


@dataclass
class NameSpan:
    start: int  # offset in the segment
    end: int
    text: str
    title: str  # leading capitalized title words split off ("Prime Minister")
    title_start: int = -1  # where the title began (== start when there is none)


class ArticleView:
    """The article prepared once: segments, capitalized-word statistics, names per segment."""

    def __init__(self, text: str, segments: Sequence[SegmentLike], title: str | None) -> None:
        self.text = text
        self.title = title
        self.segments = list(segments)
        self.texts = {s.id: s.text for s in self.segments}
        title_norm = normalize(title) if title else None
        self.body: list[SegmentLike] = []
        for i, seg in enumerate(self.segments):
            is_title_line = title_norm is not None and normalize(seg.text) == title_norm
            # A first line without final punctuation is a headline, not body.
            looks_headline = (
                i == 0
                and not seg.text.rstrip().endswith(SENTENCE_ENDS)
                and text_length(seg.text) <= 20
                and len(self.segments) > 2
            )
            if is_title_line or looks_headline:
                continue
            self.body.append(seg)
        # Capitalized words seen somewhere other than a sentence start: real names.
        self.midcaps: set[str] = set()
        self.lower_words: set[str] = set()
        for seg in self.segments:
            skip = strip_dateline(seg.text)
            for m in WORD_RE.finditer(seg.text):
                w = m.group()
                if w[0].isupper():
                    before = seg.text[skip : m.start()].rstrip()
                    if before and before[-1] not in QUOTES + ":":
                        self.midcaps.add(w)
                else:
                    self.lower_words.add(w.lower())
        self.names = {seg.id: self._names(seg.text) for seg in self.segments}

    def _names(self, text: str) -> list[NameSpan]:
        names: list[NameSpan] = []
        dateline = strip_dateline(text)
        for m in NAME_RE.finditer(text):
            if m.start() < dateline:
                continue
            start, span = m.start(), m.group()
            words = span.split()
            before = text[dateline:start].rstrip()
            initial = not before or before[-1] in QUOTES + ":(" or before.endswith(("—", "–"))
            # Leading function words and sentence-initial common words are not names.
            while words and (
                words[0] in NOT_NAMES
                or words[0].lower() in CONNECTORS
                or (
                    initial
                    and words[0] not in self.midcaps
                    and words[0] not in COUNTRIES
                    and (len(words) == 1 or words[0].lower() in self.lower_words)
                )
            ):
                cut = span.index(words[0]) + len(words[0])
                start += cut + (len(span[cut:]) - len(span[cut:].lstrip()))
                span = span[cut:].lstrip()
                words = span.split()
                initial = False
            while words and (words[-1] in NOT_NAMES or words[-1].lower() in CONNECTORS):
                span = span[: span.rindex(words[-1])].rstrip()
                words = span.split()
            if span.endswith(".") and len(words[-1]) > 2 and words[-1][:-1] not in ABBREVS:
                span = span[:-1]
                words = span.split()
            if span.endswith(("'s", "’s")):
                span = span[:-2]
                words = span.split()
            if not words:
                continue
            # "Okafor and Brandt" is two names; "Bank of England" is one.
            for part_start, part in self._split_connected(start, span):
                names.extend(self._split_title(part_start, part))
        return names

    @staticmethod
    def _split_connected(start: int, span: str) -> list[tuple[int, str]]:
        pieces = re.split(r"(\s+(?:and|&|of|for|on|the)\s+(?:the\s+)?)", span)
        if len(pieces) == 1:
            return [(start, span)]
        words = span.split()
        if has_cue(words, ORG_CUES | GOV_CUES) or " of State" in span:
            return [(start, span)]
        out: list[tuple[int, str]] = []
        offset = start
        for piece in pieces:
            if piece and not piece.isspace() and not re.fullmatch(r"\s+\S+\s+(?:the\s+)?", piece):
                out.append((offset, piece))
            offset += len(piece)
        return out

    @staticmethod
    def _split_title(start: int, span: str) -> list[NameSpan]:
        words = span.split()
        if has_cue(words, ORG_CUES | GOV_CUES) and not any(
            w in ("President", "Minister", "Secretary", "Chancellor") for w in words[-3:]
        ):
            return [NameSpan(start, start + len(span), span, "")]
        k = 0
        while k < len(words) - 1 and words[k] in CAP_TITLES:
            k += 1
        if k == 0:
            return [NameSpan(start, start + len(span), span, "")]
        rest = " ".join(words[k:])
        offset = span.index(words[k], len(" ".join(words[:k])))
        title = span[:offset].strip()
        return [NameSpan(start + offset, start + len(span), rest, title, start)]
