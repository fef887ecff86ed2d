"""Sentence segments of an article, with exact character offsets.

The article is shown to the model as numbered segments and the model cites segment ids, so
the program, not the model, supplies every quote. A segment is one sentence, or one line
that carries no final punctuation (a headline, a dateline, a list item): :func:`segment`
never lets a segment span a line break that starts a new paragraph or line, nor a blank
line, and strips surrounding whitespace, so ``text[s.start:s.end] == s.text`` always holds.

Sentence boundaries inside a line come from ``sentencex`` (Wikimedia's segmenter: about
300 languages, abbreviation lists per language, closing quotes and CJK/Arabic sentence
marks handled, written in Rust, ~0.05 ms for a 1,000-word article). ``pysbd`` was also
measured: about 9 ms for 300 words, it split a Chinese closing quote off its sentence, and
it has had no release since 2021.

What it cannot do: a wrapped line of prose whose next line starts with a capital letter is
split there (text extracted from web pages keeps one paragraph per line, so this is rare);
an abbreviation the library does not know may end a segment early (a following segment
that starts in lower case is joined back, one that starts with a capital is not).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sentencex  # type: ignore[import-untyped,import-not-found,unused-ignore]  # no hints

__all__ = ["Segment", "detect_script_language", "segment", "segment_at", "segments_in"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence (or punctuation-less line) of an article: ``article[start:end] == text``."""

    id: int
    start: int
    end: int
    text: str


_LINE = re.compile(r"[^\n]*(?:\n|$)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_script_language(text: str) -> str:
    """A language code good enough to pick segmentation rules when none is given.

    Counts letters of a sample by script: mostly CJK gives ``zh`` (or ``ja`` when kana are
    present), Cyrillic ``ru``, Arabic ``ar``, anything else ``en``.
    """
    sample = text[:4000]
    counts = {
        "cjk": len(_CJK.findall(sample)),
        "ru": len(_CYRILLIC.findall(sample)),
        "ar": len(_ARABIC.findall(sample)),
        "latin": len(_LATIN.findall(sample)),
    }
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0 or best == "latin":
        return "en"
    if best == "cjk":
        return "ja" if re.search(r"[\u3040-\u30ff]", sample) else "zh"
    return best


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of lines to segment separately: a line break ends a block unless the next line
    starts in lower case (a wrapped sentence); a blank line always ends one."""
    blocks: list[tuple[int, int]] = []
    cur_start = -1
    cur_end = -1
    for m in _LINE.finditer(text):
        line = m.group()
        if not line:
            break
        body = line.rstrip("\n")
        stripped = body.strip()
        if not stripped:
            if cur_start >= 0:
                blocks.append((cur_start, cur_end))
                cur_start = -1
            continue
        lead = len(body) - len(body.lstrip())
        first = stripped[0]
        if cur_start >= 0 and not first.islower():
            blocks.append((cur_start, cur_end))
            cur_start = -1
        if cur_start < 0:
            cur_start = m.start() + lead
        cur_end = m.start() + len(body.rstrip())
    if cur_start >= 0:
        blocks.append((cur_start, cur_end))
    return blocks


_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_DAY_START = re.compile(
    r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d|"
    r"(?:ET|GMT|UTC|CET|PT|local time)\b"
)


def _clock_then_day(block: str, prev_end: int, start: int) -> bool:
    """'at 7 p.m. Thursday': the clock abbreviation is not a sentence end."""
    return bool(_CLOCK_END.search(block, 0, prev_end)) and bool(_DAY_START.match(block, start))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=64)
def _segment_cached(text: str, language: str) -> tuple[Segment, ...]:
    spans: list[tuple[int, int]] = []
    for b_start, b_end in _blocks(text):
        block = text[b_start:b_end]
        pieces: list[tuple[int, int]] = []
        for bound in sentencex.get_sentence_boundaries(language, block):
            s, e = int(bound["start_index"]), int(bound["end_index"])
            if block[s:e] != bound["text"]:  # offsets in other units: find the text instead
                found = block.find(str(bound["text"]), pieces[-1][1] if pieces else 0)
                if found < 0:
                    continue
                s, e = found, found + len(str(bound["text"]))
            s, e = _strip(block, s, e)
            if s >= e:
                continue
            if pieces and (block[s].islower() or _clock_then_day(block, pieces[-1][1], s)):
                pieces[-1] = (pieces[-1][0], e)  # an abbreviation ended the sentence early
            else:
                pieces.append((s, e))
        if not pieces:
            s, e = _strip(block, 0, len(block))
            if s < e:
                pieces.append((s, e))
        spans.extend((b_start + s, b_start + e) for s, e in pieces)
    return tuple(Segment(i, s, e, text[s:e]) for i, (s, e) in enumerate(spans, start=1))


def segment(text: str, language: str | None = None) -> list[Segment]:
    """Split ``text`` into sentence segments numbered from 1, with exact offsets.

    ``language`` is an ISO 639 code (``en``, ``zh``, ``ru``, ``ar``, ...); when None it is
    guessed from the script. Results are cached per (text, language), so segmenting the
    same article again is free.
    """
    lang = (language or detect_script_language(text)).lower().split("-")[0]
    return list(_segment_cached(text, lang))


def segment_at(segments: Sequence[Segment], offset: int) -> Segment | None:
    """The segment that contains character ``offset`` (``start <= offset < end``), or None."""
    starts = [s.start for s in segments]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and segments[i].start <= offset < segments[i].end:
        return segments[i]
    return None


def segments_in(segments: Sequence[Segment], start: int, end: int) -> list[Segment]:
    """Every segment that overlaps the span ``[start, end)``, in order."""
    return [s for s in segments if s.start < end and start < s.end]
