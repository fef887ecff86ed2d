"""An analysed claim or quote (:class:`Text`) and the items of its tokenisation: the data
:mod:`.analysis` fills and :mod:`.scopes` marks with negation and hedge scopes."""

from __future__ import annotations

from summarizer.grounding.words import Props

__all__ = ["Items", "Text"]


class Text:
    """An analysed claim or quote. Word ``i`` is ``text[i]`` as written; ``props[i]`` holds
    its context-free properties (see :func:`_props`); the other lists are per word too."""

    __slots__ = (
        "raw", "lang", "text", "props", "low", "stem", "initial", "neg", "negcue",
        "syntactic", "hedge", "hedge_rank", "is_hedge", "negator", "keys", "lows",
        "days", "day_text", "bigrams", "cjk", "by_prefix", "by_length",
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
        self.days: frozenset[str] = frozenset()
        self.day_text: list[tuple[str, str]] = []
        self.bigrams: frozenset[str] = frozenset()
        # Built on first use by the matching code: content words by the first four letters
        # of their stem, and words that can be near forms by length.
        self.by_prefix: dict[str, list[int]] | None = None
        self.by_length: dict[int, list[int]] | None = None
        self.by_sense: list[tuple[int, str]] | None = None  # content words as WordNet keys


class Items:
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
