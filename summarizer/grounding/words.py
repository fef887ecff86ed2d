"""Per-word properties for the claim-support check: everything about a word as written
that does not depend on its context (lower case, Snowball stem, paraphrase-class key,
function word, negator, hedge, date key, ...), computed once per language and word and kept
for the life of the process; and the parsing of written numbers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped,import-not-found,unused-ignore]

from summarizer.grounding.lexicon import (
    ANTONYMS,
    CLAIM_HEDGES,
    CLASSES,
    CLAUSE_BREAK,
    DAY_WORDS,
    HEDGES,
    HEDGES_BEFORE_TO,
    IRREGULAR,
    MONTH_WORDS,
    NEG_VERBS,
    NEG_VERBS_BEFORE_TO,
    NEGATORS,
    NOUN_HEDGES,
    NUMBER_WORDS,
    RELATIVE_DAYS,
    SCALES,
    STEMMERS,
    STOP,
    URGING,
)
from summarizer.grounding.paraphrase import antonym_pairs

Props = tuple[Any, ...]
"""A word's context-free properties; fields by the index constants below."""
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}


@lru_cache(maxsize=64)
def _stemmer(lang: str) -> snowballstemmer.stemmer | None:
    # snowballstemmer hands out PyStemmer's C implementation when it is installed (a
    # dependency of this package): ~1.5 us a word instead of ~90 us in pure Python.
    name = STEMMERS.get(lang)
    return snowballstemmer.stemmer(name) if name else None


_WORDNET_PAIRS = frozenset(antonym_pairs())


@lru_cache(maxsize=1)
def class_keys() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Stem -> paraphrase-class key, and key -> the keys of its antonyms."""
    en = _stemmer("en")
    assert en is not None
    keys: dict[str, str] = {}
    for line in CLASSES:
        words = line.split()
        key = "=" + words[0]
        for w in words:
            keys.setdefault(en.stemWord(w), key)
    antonyms: dict[str, set[str]] = {}
    pairs = [*ANTONYMS, *antonym_pairs()]
    for a, b in pairs:
        if a == b:
            continue
        if (a, b) in _WORDNET_PAIRS:  # already stems
            ka, kb = keys.get(a, a), keys.get(b, b)
        else:
            sa, sb = en.stemWord(a), en.stemWord(b)
            ka, kb = keys.get(sa, sa), keys.get(sb, sb)
        if ka == kb:
            continue
        antonyms.setdefault(ka, set()).add(kb)
        antonyms.setdefault(kb, set()).add(ka)
    return keys, {k: frozenset(v) for k, v in antonyms.items()}


def day_key(low: str) -> str | None:
    """The date key of a weekday, month or relative-day word."""
    if low in DAY_WORDS:
        return "day:" + low[:3]
    if low in MONTH_WORDS:
        return "month:" + low[:3]
    if low in RELATIVE_DAYS:
        return "rel:" + low
    return None


def num_value(raw: str) -> float | None:
    """The value of a written number ("1,200" = 1200, "4,5" = 4.5), None when malformed."""
    if "," in raw and "." in raw:
        raw = raw.replace(",", "")
    elif "," in raw:
        parts = raw.split(",")
        raw = raw.replace(",", "") if all(len(p) == 3 for p in parts[1:]) else raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


# Fields of a word's context-free properties (_props).
LOW, STEM, KEY, CAP, STOPW, TOKSTOP, CONTENT, SYNTACTIC, NEGVERB, NEGVERB_TO = range(10)
CLAUSE, HEDGE, NOUNHEDGE, HEDGE_TO, CLAIMHEDGE, URGE, DAY, TRIG, CTRIG, SPECIAL = range(10, 20)
KEYS, SPLIT, RARE = 20, 21, 22

PROPS: dict[str, dict[str, Props]] = {}
"""Per language: word as written -> its properties (see :func:`word_props`)."""


def word_props(lang: str, word: str) -> Props:
    """Everything about a word as written that does not depend on its context, computed
    once per language and word (fields: the constants above)."""
    table = PROPS.setdefault(lang, {})
    found = table.get(word)
    if found is not None:
        return found
    english = lang == "en"
    low = word.lower()
    stemmer = _stemmer(lang)
    base = IRREGULAR.get(low, low) if english else low
    st = stemmer.stemWord(base) if stemmer else base
    key = class_keys()[0].get(st, st) if english else st
    is_stop = low in STOP.get(lang, frozenset())
    syntactic = low in NEGATORS.get(lang, frozenset())
    neg_verb, neg_verb_to = english and st in NEG_VERBS, english and st in NEG_VERBS_BEFORE_TO
    hedge, hedge_to, urge = english and low in HEDGES, english and low in HEDGES_BEFORE_TO, False
    urge = english and low in URGING
    claim_hedge = english and low in CLAIM_HEDGES
    trig = syntactic or neg_verb or neg_verb_to or hedge or hedge_to or urge
    special = (english and low in NUMBER_WORDS) or (low in SCALES and len(low) > 2)
    split = "'" in word or (english and low == "cannot")
    day = day_key(low)
    props = (
        low, st, key, word[:1].isupper(), is_stop,
        is_stop or low in SCALES or (english and low in NUMBER_WORDS),
        not is_stop and low not in SCALES, syntactic, neg_verb, neg_verb_to,
        low in CLAUSE_BREAK, hedge, low in NOUN_HEDGES, hedge_to, claim_hedge, urge,
        day, trig, trig or claim_hedge, special, (key,) if st == key else (key, st), split,
        trig or claim_hedge or special or split or day is not None or st != key,
    )  # fmt: skip
    table[word] = props
    return props


def split_word(word: str, english: bool) -> tuple[list[str], bool]:
    """The items a word written with an apostrophe (or "cannot") stands for, and whether
    it was a possessive: "union's" -> union; "can't" -> can not."""
    low = word.lower()
    possessive = False
    if low.endswith("'s"):
        word, low, possessive = word[:-2], low[:-2], True
    if english and low.endswith("n't"):
        return [_CONTRACTED.get(low[:-3], low[:-3]), "not"], possessive
    if english and low == "cannot":
        return ["can", "not"], possessive
    return [word], possessive
