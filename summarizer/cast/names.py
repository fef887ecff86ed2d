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

from summarizer.article.meta import dateline_match
from summarizer.cast.lexicon import (
    ABBREVS,
    CAP_TITLES,
    CAPITALS,
    CONNECTORS,
    COUNTRIES,
    COUNTRY_NAMES,
    GOV_CUES,
    LOCATIVE,
    NAME_HEADS,
    NOT_NAMES,
    ORG_CUES,
    PLACE_FIRST,
    PLACE_WORDS,
    QUOTES,
    SENTENCE_ENDS,
    WORD_RE,
    demonym_forms,
    has_cue,
    normalize,
    text_length,
)
from summarizer.cast.types import SegmentLike

__all__ = [
    "CAP_WORD",
    "NAME_RE",
    "ArticleView",
    "NameSpan",
    "after_locative",
    "head_after",
    "is_place",
    "strip_dateline",
]

# one reading per word: two ways to read "A" made "A A A ..." backtrack exponentially
CAP_WORD = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’\-]*\.?)"
NAME_RE = re.compile(
    rf"(?<![\w'’-]){CAP_WORD}(?:\s+(?:(?:of|for|on|de|del|der|des|di|van|von|bin|al|da|du|la|le)"
    rf"(?:\s+the)?\s+|&\s+)?{CAP_WORD})*"
)


def strip_dateline(text: str) -> int:
    """Length of a leading dateline ("HALDEN, 3 March: ", "TROMSØ: "), or 0."""
    m = dateline_match(text)
    return m.end() if m else 0


@dataclass
class NameSpan:
    start: int  # offset in the segment
    end: int
    text: str
    title: str  # leading capitalized title words split off ("Prime Minister")
    title_start: int = -1  # where the title began (== start when there is none)
    head: str = ""  # a lowercase body noun right after the name ("United Transit Workers union")
    place: bool = False  # written as a place: after "in", "at", "from"...; "Stanley Road"


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
        self.capitalized = {
            w for seg in self.segments for w in WORD_RE.findall(seg.text) if w[:1].isupper()
        }
        for seg in self.segments:
            skip = strip_dateline(seg.text)
            for m in WORD_RE.finditer(seg.text):
                w = m.group()
                if w[0].isupper():
                    before = seg.text[skip : m.start()].rstrip()
                    if before and before[-1] not in QUOTES + ":":
                        self.midcaps.add(w)
                        self.midcaps.add(re.sub(r"['’]s$", "", w))  # "Okoye's" names Okoye
                else:
                    self.lower_words.add(w.lower())
        text = self.text
        # Subheads inside the body ("'Restore trust'"): a short line of its own without a
        # sentence's end; its capitalized words are headline style, not names.
        self.subheads = {
            seg.id
            for seg in self.body[1:]
            if text_length(seg.text) <= 10
            and not seg.text.rstrip().rstrip("’'\"”").endswith((".", "!", "?", ":", ","))
            and text[: seg.start].rstrip(" \t").endswith("\n")
            and text[seg.end :].lstrip(" \t")[:1] in ("\n", "")
        }
        self.names = {
            seg.id: [] if seg.id in self.subheads else self._names(seg.text)
            for seg in self.segments
        }

    def _countryish(self, word: str) -> bool:
        """A country, a capital or another name of one, or a word whose demonym the article
        writes ("Tarmenia" when "Tarmenian" occurs): a name even first in a sentence."""
        if word in COUNTRIES or word in CAPITALS or word in COUNTRY_NAMES:
            return True
        return bool(demonym_forms(word) & self.capitalized)

    @staticmethod
    def _runs(text: str) -> list[tuple[int, str]]:
        """Runs of capitalized words, split at an inner possessive ("Meridian Space
        Agency's Kestrel-2" is two names)."""
        out: list[tuple[int, str]] = []
        for m in NAME_RE.finditer(text):
            start, span = m.start(), m.group()
            pieces = [(p.start(), p.group()) for p in re.finditer(r"\S.*?(?:['’]s(?=\s)|$)", span)]
            merged: list[tuple[int, str]] = []
            for at, piece in pieces:
                if merged and " " not in piece and piece.rstrip(".") in ORG_CUES:
                    # "St. Anne's Hospital": a name that holds a possessive
                    first_at, first = merged.pop()
                    piece = span[first_at : at + len(piece)]
                    at = first_at
                merged.append((at, piece))
            out += [(start + at, piece) for at, piece in merged]
        return out

    def _names(self, text: str) -> list[NameSpan]:
        names: list[NameSpan] = []
        dateline = strip_dateline(text)
        for start, span in self._runs(text):
            if start < dateline:
                continue
            words = span.split()
            before = text[dateline:start].rstrip()
            initial = not before or before[-1] in QUOTES + ":(‘'" or before.endswith(("—", "–"))
            # Leading function words and sentence-initial common words are not names.
            while words and (
                words[0] in NOT_NAMES
                or words[0].lower() in CONNECTORS
                or (
                    initial
                    and words[0] not in self.midcaps
                    and not self._countryish(words[0])
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
            elif span.endswith(("s'", "s’")) and len(words) > 1:  # "Westline Trains' parent"
                span = span[:-1]
                words = span.split()
            if not words:
                continue
            # "Okafor and Brandt" is two names; "Bank of England" is one.
            for part_start, part in self._split_connected(start, span):
                for name in self._split_title(part_start, part):
                    before = text[: name.title_start if name.title_start >= 0 else name.start]
                    name.place = after_locative(before) or is_place(name.text.split())
                    name.head, extra = head_after(text[name.end :])
                    if extra and " " not in name.text:
                        # "Rotterdam district court", "Tarvanian parliament": the body's name
                        name.end += extra
                        name.text = text[name.start : name.end]
                    names.append(name)
        return names

    @staticmethod
    def _split_connected(start: int, span: str) -> list[tuple[int, str]]:
        """'Okafor and Brandt' is two names, 'Ana Ruiz of the Harbour Trust' too; 'Bank of
        England', 'Secretary of State' and 'Friends of the Earth' are one."""
        pieces = re.split(r"(\s+(?:and|&|of|for|on|the)\s+(?:the\s+)?)", span)
        if len(pieces) == 1:
            return [(start, span)]
        out: list[tuple[int, str]] = []
        offset = start
        current, current_start = "", start
        for i, piece in enumerate(pieces):
            if i % 2 == 1:  # a joiner
                joiner = piece.split()[0]
                left = current.split()
                keep = joiner == "&" or (
                    joiner != "and"
                    and (
                        has_cue(left, ORG_CUES | GOV_CUES)
                        or any(w in CAP_TITLES or w in PLACE_FIRST for w in left[-1:])
                        or left[:1] == ["Friends"]
                    )
                )
                if keep:
                    current += piece
                else:
                    out.append((current_start, current))
                    current, current_start = "", offset + len(piece)
            elif not current:
                current, current_start = piece, offset
            else:
                current += piece
            offset += len(piece)
        if current:
            out.append((current_start, current))
        return [(o, p) for o, p in out if p.strip()]

    @staticmethod
    def _split_title(start: int, span: str) -> list[NameSpan]:
        """Leading title words split off: 'US President Donald Trump' is 'Donald Trump' with
        the title 'US President'; 'Russian Foreign Minister Sergei Lavrov' is 'Sergei Lavrov'.
        A name that is a body ('Bank of England', 'Hong Kong Executive Council') is kept."""
        words = span.split()
        cut = _title_end(words)
        if cut == 0:
            return [NameSpan(start, start + len(span), span, "")]
        offset = span.index(words[cut], len(" ".join(words[:cut])))
        title = span[:offset].strip()
        rest = span[offset:]
        return [NameSpan(start + offset, start + len(span), rest, title, start)]


def _title_end(words: list[str]) -> int:
    """How many leading words of a capitalized run are a title (0: none): the run up to its
    last title word, when what follows is one to four words of a name, not a body."""

    def titled(w: str) -> bool:
        return w in CAP_TITLES or any(p in CAP_TITLES for p in w.split("-") if p)

    for i in range(len(words) - 2, -1, -1):
        if not titled(words[i]) or words[i] == "of":
            continue
        rest = words[i + 1 :]
        if any(titled(w) for w in rest) or has_cue(rest, ORG_CUES | GOV_CUES):
            return 0
        if not 1 <= len(rest) <= 4 or rest[0].lower() in CONNECTORS:
            return 0
        return i + 1
    return 0


def is_place(words: list[str]) -> bool:
    """A name written as a place: 'Stanley Road', 'Black Sea', 'Saint Petersburg'."""
    return bool(words) and (words[-1] in PLACE_WORDS or words[0] in PLACE_FIRST)


def after_locative(before: str) -> bool:
    """Whether the text before a name ends in a preposition of place ('talks in', 'at the')."""
    words = before.split()[-3:]
    while words and words[-1].lower() in ("the", "a", "an", "its", "their", "his", "her"):
        words.pop()
    return bool(words) and words[-1].lower() in LOCATIVE


def head_after(after: str) -> tuple[str, int]:
    """A lowercase body noun right after a name, perhaps after one modifier ('union' in
    '... Workers union said', 'court' in 'Rotterdam district court'), and how many
    characters reach it; ('', 0) when none does (or a name follows: 'the daily Glas')."""
    m = re.match(r"(\s+(?:([a-z]+)\s+)?([a-z]+))\b(?!\s+[A-Z])", after)
    if m is None or m.group(3) not in NAME_HEADS:
        return "", 0
    if m.group(2) and (m.group(2) in NAME_HEADS or not m.group(2).isalpha()):
        return "", 0
    return m.group(3), len(m.group(1))
