"""Tokenising and per-text analysis for the claim-support check.

:func:`analyze` turns a claim or a quote into a :class:`Text`: its word tokens in plain
parallel lists (as written, its context-free properties, lower case, stem), the words that
open a sentence, the negation and hedge scope of each word, its numbers and dates, and an
index from key and stem to word positions. Everything about a word that does not depend on
its context is computed once per distinct word (:func:`summarizer.grounding.words.word_props`);
negation and hedge scopes are run only from a possible negator or hedge for as long as a
scope is open, since every other word has none. :func:`word_count` counts words without
analysing (enough to tell whether a quote is substantive). Results are cached per text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from summarizer.grounding.lexicon import (
    BIGRAM_LANGS,
    CJK_CHAR,
    FOLD,
    NEGATORS,
    SCALES,
    TOKEN,
)
from summarizer.grounding.scopes import scopes
from summarizer.grounding.text import Items, Text
from summarizer.grounding.words import (
    CAP,
    CTRIG,
    DAY,
    KEY,
    KEYS,
    LOW,
    PROPS,
    RARE,
    SPECIAL,
    SPLIT,
    STEM,
    TRIG,
    Props,
    num_value,
    split_word,
    word_props,
)

_EN_NEGATORS = NEGATORS["en"]
_OPENERS = frozenset('.!?:"“”(«') | {"--"}
_QUOTE_MARKS = frozenset('"“”«»')
# "not yet", "has yet to", "neither has yet agreed": "yet" goes on with the clause
_NOT_A_BREAK_BEFORE_YET = NEGATORS["en"] | {"has", "have", "had", "is", "are", "was", "were"}
# Words and numbers only (the items of TOKEN that are not punctuation), for counting.
_COUNT = re.compile(
    r"(\d+(?:[.,]\d+)*)(?:st|nd|rd|th|[a-zA-Z]{1,2}\b)?|([^\W\d_]+(?:['’][^\W\d_]+)*)"
)


def _rare_word(out: Text, it: Items, word: str, props: Props, initial: bool, claim: bool) -> None:
    """Add a word that needs more than the common path: a contraction or possessive, a
    possible negator or hedge, a number or scale word, a date word."""
    lang = out.lang
    parts = [word]
    if props[SPLIT]:
        parts, possessive = split_word(word, lang == "en")
        if possessive:
            it.possessive.add(len(it.low))
    for part in parts:
        p = props if part is word else word_props(lang, part)
        if p[CTRIG] if claim else p[TRIG]:
            it.triggers.append(len(it.low))
        if p[SPECIAL]:
            it.specials.append(len(it.low))
        if len(p[KEYS]) > 1:
            it.classed.append(len(out.text))
        it.word.append(len(out.text))
        it.low.append(p[LOW])
        if initial:
            out.initial.add(len(out.text))
        out.text.append(part)
        out.props.append(p)
        if p[DAY] is not None:
            _add_day(out, len(out.text) - 1, p)
        initial = False


def _tokenize(out: Text, raw: str, claim: bool) -> Items:
    """Items of ``raw`` into ``out`` (words) and the returned :class:`Items`.

    No item spans whitespace, so the text is split on it first and only the pieces that are
    not a plain word (with punctuation, digits or an apostrophe) go through :data:`TOKEN`.
    """
    lang = out.lang
    table = PROPS.setdefault(lang, {})
    it = Items()
    ilow, iword = it.low, it.word
    texts, props, initials = out.text, out.props, out.initial
    initial = True
    for chunk in raw.split():
        if not chunk.isalpha():
            initial = _add_matches(out, it, TOKEN.findall(chunk), initial, claim)
            continue
        p = table.get(chunk) or word_props(lang, chunk)
        if p[RARE]:
            _rare_word(out, it, chunk, p, initial, claim)
        else:
            if initial:
                initials.add(len(texts))
            iword.append(len(texts))
            ilow.append(p[0])
            texts.append(chunk)
            props.append(p)
        initial = False
    return it


def _add_matches(
    out: Text, it: Items, found: list[tuple[str, str, str, str]], initial: bool, claim: bool
) -> bool:
    """Add the items :data:`TOKEN` found in a piece of text; return whether the next word
    opens a sentence."""
    lang = out.lang
    table = PROPS[lang]
    for num, suffix, word, punct in found:
        if word:
            p = table.get(word) or word_props(lang, word)
            if p[RARE]:
                _rare_word(out, it, word, p, initial, claim)
            else:
                if initial:
                    out.initial.add(len(out.text))
                it.word.append(len(out.text))
                it.low.append(p[0])
                out.text.append(word)
                out.props.append(p)
            initial = False
        elif punct:
            it.word.append(-2)
            it.low.append(punct)
            if punct in _OPENERS:
                initial = True
        else:
            value = num_value(num)
            if value is None:
                continue
            scale = SCALES.get(suffix.lower())
            if scale is not None:
                value *= scale
            full = num + suffix
            it.word.append(-1)
            it.num_text[len(it.low)] = full
            it.low.append(full.lower())
            it.numbers.append((value, full))
            initial = False
    return initial


def _fold(text: str) -> tuple[str, int]:
    """NFKC-normalised text with curly quotes folded, and its number of CJK characters."""
    if text.isascii():
        return text, 0  # NFKC and the folding leave ASCII as it is
    raw = unicodedata.normalize("NFKC", text).translate(FOLD)
    return raw, len(CJK_CHAR.findall(raw))


@lru_cache(maxsize=4096)
def analyze(text: str, lang: str, claim_side: bool) -> Text:
    """The analysis of a claim (``claim_side``) or a quote, cached per text."""
    raw, cjk_count = _fold(text)
    out = Text(raw, lang, lang in BIGRAM_LANGS or cjk_count > len(raw) / 4)
    it = _tokenize(out, raw, claim_side)
    scopes(out, it, claim_side)
    out.low = [p[LOW] for p in out.props]
    out.stem = [p[STEM] for p in out.props]
    out.lows = frozenset(out.low)
    if not claim_side:  # only quotes are looked up
        out.keys = _index(out.props, it.classed)
    out.days = frozenset(k for k, _ in out.day_text)
    if out.cjk:
        chars = "".join(ch for ch in raw if ch.isalnum())
        out.bigrams = frozenset(chars[j : j + 2] for j in range(max(len(chars) - 1, 1)))
    return out


def _index(props: list[Props], classed: list[int]) -> dict[str, list[int]]:
    """Word positions by key, and by stem for a word whose key is a paraphrase class (a
    class key starts with "=", so the two kinds of entry never share a list)."""
    keys: dict[str, list[int]] = {}
    for j, p in enumerate(props):
        found = keys.get(p[KEY])
        if found is None:
            keys[p[KEY]] = [j]
        else:
            found.append(j)
    for j in classed:
        keys.setdefault(props[j][STEM], []).append(j)
    return keys


def _add_day(out: Text, j: int, p: Props) -> None:
    low, cap = p[LOW], p[CAP]
    if low == "may" and (not cap or j in out.initial):
        return
    if low == "march" and not cap:
        return
    out.day_text.append((p[DAY], out.text[j]))


@lru_cache(maxsize=8192)
def word_count(text: str, lang: str) -> int:
    """The number of words and numbers of a text as :func:`analyze` counts them, counted
    only up to four (enough to tell whether a quote is substantive)."""
    raw, cjk_count = _fold(text)
    n = cjk_count // 2
    english = lang == "en"
    for chunk in raw.split():
        if n >= 4:
            return 4
        if chunk.isalpha() and not (english and chunk.lower() == "cannot"):
            n += 1
            continue
        for num, word in _COUNT.findall(chunk):
            if num:
                n += num_value(num) is not None
            else:
                n += len(split_word(word, english)[0]) if english else 1
    return min(n, 4)


def clear_caches() -> None:
    """Forget analysed texts (per-word properties stay)."""
    analyze.cache_clear()
    word_count.cache_clear()
