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
    CONDITIONALS,
    DETERMINERS,
    FOLD,
    HEDGES_BEFORE_TO,
    NEGATORS,
    NUMBER_WORDS,
    SCALES,
    TOKEN,
    URGING_REACH,
)
from summarizer.grounding.words import (
    CAP,
    CLAIMHEDGE,
    CLAUSE,
    CONTENT,
    CTRIG,
    DAY,
    HEDGE,
    HEDGE_TO,
    KEY,
    KEYS,
    LOW,
    NEGVERB,
    NEGVERB_TO,
    NOUNHEDGE,
    PROPS,
    RARE,
    SPECIAL,
    SPLIT,
    STEM,
    SYNTACTIC,
    TRIG,
    URGE,
    Props,
    num_value,
    split_word,
    word_props,
)

SCOPE = 4  # content words a negator or hedge governs, within its clause

_EN_NEGATORS = NEGATORS["en"]
_OPENERS = frozenset('.!?:"“”(«') | {"--"}
_QUOTE_MARKS = frozenset('"“”«»')
# "not yet", "has yet to", "neither has yet agreed": "yet" goes on with the clause
_NOT_A_BREAK_BEFORE_YET = NEGATORS["en"] | {"has", "have", "had", "is", "are", "was", "were"}
# Words and numbers only (the items of TOKEN that are not punctuation), for counting.
_COUNT = re.compile(
    r"(\d+(?:[.,]\d+)*)(?:st|nd|rd|th|[a-zA-Z]{1,2}\b)?|([^\W\d_]+(?:['’][^\W\d_]+)*)"
)


class Text:
    """An analysed claim or quote. Word ``i`` is ``text[i]`` as written; ``props[i]`` holds
    its context-free properties (see :func:`_props`); the other lists are per word too."""

    __slots__ = (
        "raw", "lang", "text", "props", "low", "stem", "initial", "neg", "negcue",
        "syntactic", "hedge", "hedge_rank", "is_hedge", "negator", "keys", "lows", "numbers",
        "number_text", "days", "day_text", "bigrams", "cjk", "by_prefix", "by_length",
        "by_sense",
    )  # fmt: skip

    def __init__(self, raw: str, lang: str, cjk: bool) -> None:
        self.raw = raw
        self.lang = lang
        self.cjk = cjk
        self.text: list[str] = []
        self.props: list[Props] = []
        self.initial: set[int] = set()  # words that open a sentence (or a quotation)
        self.low: list[str] = []
        self.stem: list[str] = []
        self.neg: list[int] = []  # rank in a negator's scope: 1 for its head word, 0 if none
        self.negcue: list[str] = []  # the negator governing the word
        self.syntactic: list[bool] = []  # governed by not/no/never/without (meaningful if neg)
        self.hedge: list[str] = []  # the hedge governing the word ('' when none)
        self.hedge_rank: list[int] = []  # 1 for the first content word a hedge governs
        self.is_hedge: list[bool] = []
        self.negator: list[bool] = []
        self.keys: dict[str, list[int]] = {}
        self.lows: frozenset[str] = frozenset()
        self.numbers: frozenset[float] = frozenset()
        self.number_text: list[tuple[float, str]] = []
        self.days: frozenset[str] = frozenset()
        self.day_text: list[tuple[str, str]] = []
        self.bigrams: frozenset[str] = frozenset()
        # Built on first use by the matching code: content words by the first four letters
        # of their stem, and words that can be near forms by length.
        self.by_prefix: dict[str, list[int]] | None = None
        self.by_length: dict[int, list[int]] | None = None
        self.by_sense: dict[int, list[int]] | None = None  # content words by WordNet synset


class _Items:
    """Items (words, numbers, punctuation) of a text in order, as plain lists."""

    __slots__ = (
        "low", "num_text", "word", "possessive", "triggers", "specials", "numbers", "classed",
    )  # fmt: skip

    def __init__(self) -> None:
        self.low: list[str] = []  # lower case, for look-ahead
        self.num_text: dict[int, str] = {}  # numbers as written
        self.word: list[int] = []  # word index, -1 for a number or punctuation
        self.possessive: set[int] = set()  # items written with 's
        self.triggers: list[int] = []  # items that may open a negation or hedge scope
        self.specials: list[int] = []  # number and scale words
        self.numbers: list[tuple[float, str]] = []
        self.classed: list[int] = []  # words whose key is a paraphrase class


def _rare_word(out: Text, it: _Items, word: str, props: Props, initial: bool, claim: bool) -> None:
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


def _tokenize(out: Text, raw: str, claim: bool) -> _Items:
    """Items of ``raw`` into ``out`` (words) and the returned :class:`_Items`.

    No item spans whitespace, so the text is split on it first and only the pieces that are
    not a plain word (with punctuation, digits or an apostrophe) go through :data:`TOKEN`.
    """
    lang = out.lang
    table = PROPS.setdefault(lang, {})
    it = _Items()
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
    out: Text, it: _Items, found: list[tuple[str, str, str, str]], initial: bool, claim: bool
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


def _word_numbers(text: Text, it: _Items, english: bool) -> list[tuple[float, str]]:
    """Numbers written in words: "nine", "3 million", "twelve thousand"."""
    found: list[tuple[float, str]] = []
    for i in it.specials:
        low, txt = it.low[i], text.text[it.word[i]]
        if english and low in NUMBER_WORDS:
            found.append((float(NUMBER_WORDS[low]), txt))
        if low in SCALES and len(low) > 2 and i > 0:
            w = it.word[i - 1]
            prev = text.text[w] if w >= 0 else it.num_text.get(i - 1, it.low[i - 1])
            prev_value: float | None = None
            if it.word[i - 1] == -1:
                prev_value = num_value(prev)
            elif prev.lower() in NUMBER_WORDS:
                prev_value = float(NUMBER_WORDS[prev.lower()])
            if prev_value is not None:
                found.append((prev_value * SCALES[low], prev + " " + txt))
    return found


def _scopes(out: Text, it: _Items, claim: bool) -> None:
    """Negation and hedge scopes, run from each possible negator or hedge for as long as a
    scope is open (elsewhere no word is negated or hedged)."""
    n = len(out.text)
    out.neg, out.negcue, out.syntactic = [0] * n, [""] * n, [False] * n
    out.hedge, out.is_hedge, out.negator = [""] * n, [False] * n, [False] * n
    out.hedge_rank = [0] * n
    claim_hedged = ""
    done = 0
    lows = it.low + ["", "", "", ""]  # room to look four items ahead
    triggers = it.triggers
    if "rather" in it.low or "instead" in it.low or "yet" in it.low:
        # "rather than X", "instead of X" negate X; "has yet to X" denies X
        pairs = (("rather", "than"), ("instead", "of"), ("has", "yet"), ("have", "yet"))
        extra = [i for i in range(1, len(it.low)) if (it.low[i - 1], it.low[i]) in pairs]
        triggers = sorted({*triggers, *extra})
    for start in triggers:
        if start >= done:
            done, hedged = _scope_run(out, it, lows, start, claim)
            claim_hedged = hedged or claim_hedged
    if claim and claim_hedged:
        # A clause of a claim that hedges ("a deal is possible", "may") asserts none of its
        # words; its other clauses still do ("plans to write and will call her").
        clause, clauses = 0, [0] * n
        by_clause: dict[int, str] = {}
        for i, j in enumerate(it.word):
            low = it.low[i]
            if j < 0:
                clause += it.low[i] in ",;:"
                continue
            if low in ("and", "but", "while", "whereas") or out.props[j][CLAUSE]:
                clause += 1
            clauses[j] = clause
            if out.is_hedge[j] and low not in CONDITIONALS:
                by_clause.setdefault(clause, out.text[j])
        out.hedge = [h or by_clause.get(clauses[j], "") for j, h in enumerate(out.hedge)]


def _scope_run(out: Text, it: _Items, lows: list[str], i: int, claim: bool) -> tuple[int, str]:
    """Run the scope state from item ``i`` (a trigger) until no scope is open; return the
    next item and the last claim-side hedge seen."""
    iword, props, initial = it.word, out.props, out.initial
    neg_left = neg_rank = hedge_left = hedge_rank = 0
    negcue = hedge = claim_hedged = ""
    neg_syntactic = neg_clause = urging = False  # urging: a hedge that opens at "to"/"for"
    end = len(it.low)
    while i < end:
        j = iword[i]
        if j < 0:
            if j == -2 and not (neg_left and neg_rank == 0 and it.low[i] in _QUOTE_MARKS):
                # a quotation is its own unit, unless it opens right after its negator:
                # 'but not "under pressure"'
                neg_left = hedge_left = 0
                neg_clause = urging = False
            i += 1
            if not (neg_left or hedge_left or neg_clause or urging):
                break
            continue
        p = props[j]
        low = p[LOW]
        if p[CLAUSE] and not (low == "yet" and i > 0 and lows[i - 1] in _NOT_A_BREAK_BEFORE_YET):
            neg_left = hedge_left = 0
            neg_clause = urging = False
        elif neg_clause and (low == "or" or low == "nor"):
            neg_left, neg_rank = SCOPE, 0  # "not pass a budget or raise fares"
        nxt = lows[i + 1]
        prev = lows[i - 1] if i else ""
        contrast = (low == "than" and prev == "rather") or (low == "of" and prev == "instead")
        to_follows = bool(p[NEGVERB_TO]) and "to" in lows[i + 1 : i + 5]  # "little on its own to"
        to_follows = to_follows or (low == "yet" and nxt == "to")  # "has yet to reply"
        is_negator = p[SYNTACTIC] or p[NEGVERB] or to_follows or contrast
        is_hedge = _is_hedge(p, lows, i, it.possessive, claim)
        content = p[CONTENT] and not is_negator
        counts = content and not (p[CAP] and j not in initial)
        if neg_left > 0:
            out.neg[j] = neg_rank + 1 if counts else 0
            out.negcue[j] = negcue
            out.syntactic[j] = neg_syntactic
        if hedge_left > 0:
            out.hedge[j] = hedge
            out.hedge_rank[j] = hedge_rank + 1 if content else 0
        out.is_hedge[j] = is_hedge
        out.negator[j] = is_negator
        if counts and neg_left > 0:
            neg_left -= 1
            neg_rank += 1
        if content and hedge_left > 0 and not is_hedge:
            hedge_left -= 1
            hedge_rank += 1
        if is_negator and nxt == "by":
            is_negator = False  # "a claim rejected by the airport": the claim is denied
        if is_negator:
            # A double negation ("not deny", "never failed to") cancels out.
            neg_left = 0 if (neg_left > 0 and neg_rank == 0) else SCOPE
            neg_rank = 0
            negcue = out.text[j]
            # "declined to suspend", "did little to ease": the verb itself is negated
            neg_syntactic = p[SYNTACTIC] or contrast or to_follows
            neg_clause = True
        if urging and low in ("to", "for"):
            urging, hedge_left, hedge_rank = False, SCOPE + 1, 0  # "asked the agency to step in"
        if is_hedge:
            hedge = out.text[j] if low not in HEDGES_BEFORE_TO else f"{out.text[j]} {nxt}"
            if p[URGE] and not p[HEDGE]:
                urging = True  # what is urged is hedged, not whom: it opens at "to"/"for"
            else:
                hedge_left, hedge_rank = SCOPE + 1, 0
            if claim and low not in CONDITIONALS:
                claim_hedged = hedge
        i += 1
        if not (neg_left or hedge_left or neg_clause or urging):
            break
    return i, claim_hedged


def _urged(window: list[str]) -> bool:
    """Whether "to"/"for" follows an urging verb as what it urges ("told the union to
    accept"), not after a reported clause ("told MPs that Westline had failed to")."""
    for w in window:
        if w in ("that", "whether", "if", "how", "why", "what"):
            return False
        if w in ("to", "for"):
            return True
    return False


def _is_hedge(p: Props, lows: list[str], i: int, possessive: set[int], claim: bool) -> bool:
    """Whether the word at item ``i`` (properties ``p``) is a hedge in its context."""
    urging, hedge_word, hedge_to = p[URGE], p[HEDGE], p[HEDGE_TO]
    claim_hedge = claim and p[CLAIMHEDGE]
    if not (hedge_word or hedge_to or urging or claim_hedge):
        return False
    nxt, nxt2 = lows[i + 1], lows[i + 2]
    after_determiner = i > 0 and (lows[i - 1] in DETERMINERS or (i - 1) in possessive)
    return bool(
        (urging and _urged(lows[i + 1 : i + 1 + URGING_REACH]))
        or (hedge_word and not (p[NOUNHEDGE] and after_determiner
                                and nxt not in ("to", "for", "that")))
        or (hedge_to and "to" in (nxt, nxt2))
        or (claim_hedge and not after_determiner)
        # a claim's "Halcyon's offer of compensation": the compensation is offered, not given
        or (claim_hedge and p[NOUNHEDGE] and nxt in ("of", "to", "for"))
    )  # fmt: skip


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
    _scopes(out, it, claim_side)
    numbers = it.numbers + _word_numbers(out, it, lang == "en") if it.specials else it.numbers
    out.numbers = frozenset(round(v, 6) for v, _ in numbers)
    out.number_text = [(round(v, 6), s) for v, s in numbers]
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
