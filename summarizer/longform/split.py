"""Splitting a long article into chunks: pure functions, no I/O, no model.

A chunk ends at a paragraph boundary when that keeps it at least half full, else at a
sentence boundary (else between words). Chunks are exact slices of the text, so a quote
found in a chunk occurs in the article. The token counts come from a ``count`` callable
(:func:`estimate_tokens` unless the server's tokenizer is known; see budget.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Chunk", "estimate_tokens", "sentence_count", "split"]


def estimate_tokens(text: str) -> int:
    """A conservative token count without a tokenizer: ``max(utf8_bytes / 3, words * 1.5)``.

    BPE tokenizers give about 4 characters (0.75 words) per token for English prose, so
    this over-counts prose by a third; a byte count keeps non-Latin scripts safe too.
    """
    if not text:
        return 0
    return max(math.ceil(len(text.encode("utf-8")) / 3), math.ceil(len(text.split()) * 1.5))


def sentence_count(text: str) -> int:
    """About how many sentences ``text`` has (the prompt numbers each one: budget.py)."""
    return len(_SENTENCE_END.findall(text)) + len(_PARAGRAPH.findall(text)) + 1


@dataclass(frozen=True)
class Chunk:
    """One part of an article: ``article.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    tokens: int


_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_WORD = re.compile(r"\S+\s*")


@dataclass
class _Unit:
    start: int
    end: int
    cost: int
    paragraph_start: bool


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut after each match of ``pattern`` (the match stays in front)."""
    out, at = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() < end:
            out.append((at, m.end()))
            at = m.end()
    out.append((at, end))
    return out


def _units(text: str, budget: int, cost: Callable[[str], int]) -> list[_Unit]:
    units: list[_Unit] = []
    at = 0
    paragraphs = []
    for m in _PARAGRAPH.finditer(text):
        paragraphs.append((at, m.start()))
        at = m.end()
    paragraphs.append((at, len(text)))
    for p_start, p_end in paragraphs:
        if p_start >= p_end:
            continue
        first = True
        for s_start, s_end in _spans(_SENTENCE_END, text, p_start, p_end):
            pieces = [(s_start, s_end)]
            if cost(text[s_start:s_end]) > budget:
                pieces = _hard_split(text, s_start, s_end, budget, cost)
            for a, b in pieces:
                units.append(_Unit(a, b, cost(text[a:b]), first))
                first = False
    return units


def _hard_split(
    text: str, start: int, end: int, budget: int, cost: Callable[[str], int]
) -> list[tuple[int, int]]:
    """A sentence longer than a chunk: cut between words, or inside a word as a last resort.

    Each run is the longest that fits, found by galloping over the word ends (``cost`` grows
    with the run): a run costs a few counts of about a chunk's text, not one per word, so 1 MB
    on one line is cut in a second, not minutes."""
    ends = [m.end() for m in _WORD.finditer(text, start, end)]
    out: list[tuple[int, int]] = []
    at, i = start, 0
    while i < len(ends):
        j = _first_over(text, at, ends, i, budget, cost)  # words i..j-1 fit after ``at``
        if j == len(ends):
            break  # the rest fits: the last run, below
        if j > i:
            out.append((at, ends[j - 1]))
            at, i = ends[j - 1], j
            continue
        # One "word" longer than a chunk (a URL, a table row): cut by characters.
        step = max(1, budget * 2)
        while cost(text[at : min(at + step, ends[i])]) > budget and step > 1:
            step //= 2
        while at < ends[i]:
            piece_end = min(at + step, ends[i])
            out.append((at, piece_end))
            at = piece_end
        i += 1
    if at < end:
        out.append((at, end))
    return out


def _first_over(
    text: str, at: int, ends: list[int], i: int, budget: int, cost: Callable[[str], int]
) -> int:
    """The first ``j >= i`` whose run ``text[at:ends[j]]`` costs more than ``budget``
    (``len(ends)``: none does)."""
    n = len(ends)
    fits, step = i - 1, 1  # the last index known to fit (i - 1: none yet)
    while fits + step < n and cost(text[at : ends[fits + step]]) <= budget:
        fits += step
        step *= 2
    over = min(fits + step, n)  # known to cost too much (or past the end)
    while over - fits > 1:
        mid = (fits + over) // 2
        if cost(text[at : ends[mid]]) <= budget:
            fits = mid
        else:
            over = mid
    return over


def split(
    text: str,
    *,
    chunk_tokens: int,
    overlap: int,
    count: Callable[[str], int] = estimate_tokens,
) -> list[Chunk]:
    """Cut ``text`` into chunks of at most ``chunk_tokens`` (as ``count`` sees them).

    A chunk ends at a paragraph boundary when that keeps it at least half full, else at a
    sentence boundary (else between words). Each chunk after the first starts with the last
    sentences of the one before, up to ``overlap`` tokens. Chunks are exact slices of
    ``text``, so a quote found in a chunk occurs in the text.
    """
    if chunk_tokens < 1:
        raise ValueError("chunk_tokens must be positive")
    units = _units(text, chunk_tokens, count)
    chunks: list[Chunk] = []
    i, n = 0, len(units)
    while i < n:
        j, total, cut, cut_total = i, 0, None, 0
        while j < n and total + units[j].cost <= chunk_tokens:
            total += units[j].cost
            j += 1
            if j < n and units[j].paragraph_start:
                cut, cut_total = j, total
        if j == i:  # cannot happen (units fit a chunk), but never loop forever
            j, total = i + 1, units[i].cost
        if (
            j < n
            and not units[j].paragraph_start
            and cut is not None
            and cut_total * 2 >= chunk_tokens
        ):
            j, total = cut, cut_total
        start, end = units[i].start, units[j - 1].end
        piece = text[start:end].rstrip()
        chunks.append(Chunk(len(chunks), start, start + len(piece), piece, total))
        if j >= n:
            break
        k, carried = j, 0
        while (
            k - 1 > i
            and carried + units[k - 1].cost <= overlap
            and carried + units[k - 1].cost + units[j].cost <= chunk_tokens
        ):
            k -= 1
            carried += units[k].cost
        i = k
    return chunks
