"""Near-duplicate articles: the same story text reached as a file and as a web page.

Two copies of one article rarely hash alike (a ``.txt`` against the text trafilatura
extracts from the page: other whitespace, a title line, a caption or a byline more), so
the identity keys (URL, GUID, text hash) miss them. Here each text becomes its set of word
5-shingles (words folded: no case, accents or punctuation), each shingle a CRC-32. Two
texts are the same article when their shingle sets overlap by Jaccard >= 0.75, or when the
shorter one lies >= 0.9 inside the longer (an extraction that kept a sidebar).

Why shingles and not a library: ``datasketch`` brings numpy and scipy (~60 MB of
resident memory for one lookup per article); the store already is the index. Each
article keeps a bottom-k sketch (its 32 smallest shingle hashes) in ``article_sketches``;
an article sharing >= 8 of them with a stored one is a candidate, and candidates are
checked exactly on their texts. A pair at Jaccard 0.75 shares about 24 of 32 values on
average, so the candidate step misses none in practice, and the exact check admits no
false match that the thresholds would reject.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

__all__ = ["SKETCH_SIZE", "Shingles", "resemblance", "same_article", "shingles"]

SHINGLE_WORDS = 5
SKETCH_SIZE = 32
CANDIDATE_SHARED = 8
JACCARD = 0.75
CONTAINMENT = 0.9
MIN_SHINGLES = 20  # shorter texts: too little to tell (they still match by hash or URL)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Shingles:
    """A text's shingle hashes and its bottom-k sketch."""

    hashes: frozenset[int]
    sketch: tuple[int, ...]


def shingles(text: str) -> Shingles:
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = _WORD.findall(folded)
    grams = {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }
    return Shingles(frozenset(grams), tuple(sorted(grams)[:SKETCH_SIZE]))


def resemblance(a: Shingles, b: Shingles) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not a.hashes or not b.hashes:
        return 0.0, 0.0
    common = len(a.hashes & b.hashes)
    jaccard = common / (len(a.hashes) + len(b.hashes) - common)
    return jaccard, common / min(len(a.hashes), len(b.hashes))


def same_article(a: Shingles, b: Shingles) -> bool:
    if min(len(a.hashes), len(b.hashes)) < MIN_SHINGLES:
        return False
    jaccard, containment = resemblance(a, b)
    return jaccard >= JACCARD or containment >= CONTAINMENT
