"""Paraphrase by meaning: WordNet's synonyms, hypernyms and antonyms, as the check compares.

The table (``data/synonyms.txt``, built from WordNet 3.0 by ``scripts/build-lexicon``) maps
each word or phrase, as Snowball stems, to the synsets of its most frequent senses and to
their direct hypernyms. A claim word is *said* by an evidence word when they share a synset
("postponed" / "put off", "acquire" / "get") or the claim word names a synset the evidence
word is a kind of ("acquired" for "bought": saying less is faithful; "bought" for
"acquired" is not). ``data/antonyms.txt`` holds the pairs WordNet marks as opposites in
those senses ("accept" / "refuse"), which the negation check adds to its own list.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["ENABLED", "antonym_pairs", "broader", "phrases", "related", "senses"]

_EMPTY: frozenset[int] = frozenset()

ENABLED = True
"""Whether the check uses the table (``benchmarks/faithfulness.py --no-wordnet`` measures
what it adds)."""


def _lines(name: str) -> list[str]:
    text = resources.files("summarizer.grounding").joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]], frozenset[str]]:
    groups: dict[str, frozenset[int]] = {}
    wider: dict[str, frozenset[int]] = {}
    for line in _lines("synonyms.txt"):
        key, _, rest = line.partition("\t")
        own, _, hyper = rest.partition("\t")
        groups[key] = frozenset(map(int, own.split())) if own else _EMPTY
        if hyper:
            wider[key] = frozenset(map(int, hyper.split()))
    multi = frozenset(k for k in groups if " " in k)
    return groups, wider, multi


def senses(key: str) -> frozenset[int]:
    """The synsets of a stem's (or a phrase's) most frequent senses."""
    return _table()[0].get(key, _EMPTY)


def broader(key: str) -> frozenset[int]:
    """The synsets its senses are kinds of (their direct hypernyms)."""
    return _table()[1].get(key, _EMPTY)


@lru_cache(maxsize=65536)
def related(key: str) -> frozenset[int]:
    """Its senses and what they are kinds of: what an evidence word can stand for."""
    return senses(key) | broader(key)


def phrases() -> frozenset[str]:
    """The keys of more than one word ("put off", "take place")."""
    return _table()[2]


@lru_cache(maxsize=1)
def antonym_pairs() -> tuple[tuple[str, str], ...]:
    """Stem pairs WordNet marks as antonyms in their frequent senses."""
    out = []
    for line in _lines("antonyms.txt"):
        a, _, b = line.partition("\t")
        if " " not in a and " " not in b:
            out.append((a, b))
    return tuple(out)
