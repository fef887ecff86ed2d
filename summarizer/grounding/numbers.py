"""Numbers by value, with what they count: digits, number words, ordinals and fractions.

:func:`numbers_of` reads every number of an English text as a :class:`Num`: its value, the
way it is written, its kind (a cardinal, an ordinal, a fraction) and its *unit*: the noun it
counts ("four **berths**", "the third **round**", "40 **percent**"). ``1,200`` = ``1200``,
``3m`` = ``3 million``, ``nine`` = ``9``, ``twenty-five`` = ``25``, ``the fifth`` = ``5th``,
``a quarter`` = ``0.25`` (and 25 percent), ``two-thirds`` = ``0.667``. Two numbers are the
same when their values are; a claim's number is *contradicted* when the evidence counts the
same unit with another number, and only *not established* when the evidence does not count
it at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

__all__ = ["Num", "numbers_of", "same_value"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "fiftieth": 50,
    "hundredth": 100,
}  # fmt: skip
_FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "tenth": 10, "tenths": 10,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_SKIP_UNIT = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "for", "from", "by",
        "with", "per", "cent", "than", "about", "around", "nearly", "almost", "some", "more",
        "less", "over", "under", "up", "its", "their", "his", "her", "who", "which", "that",
        "after", "before", "during", "since", "until", "when", "while", "if", "into", "out",
        "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would",
        "could", "this", "these", "those", "each", "between", "across", "within",
    }
)  # fmt: skip
_NUMBER_WORD = "|".join(sorted({*_UNITS, "hundred", "thousand", "million", "billion"}, key=len,
                               reverse=True))  # fmt: skip
_TOKEN = re.compile(
    r"(?P<digits>\d+(?:[.,]\d+)*)(?P<suffix>st|nd|rd|th|k|m|mn|bn|tn|b)?(?![A-Za-z0-9_])"
    r"|(?P<word>[A-Za-z]+(?:-[A-Za-z]+)?)"
    r"|(?P<pct>%)",
)


@dataclass(frozen=True, slots=True)
class Num:
    """One number of a text."""

    value: float
    text: str  # as written
    kind: str  # "card", "ord" or "frac"
    unit: str  # the word it counts, lower case ("" when none follows)
    percent: float | None = None  # a fraction as a percentage: a quarter is 25

    def matches(self, other: Num) -> bool:
        """The same number: equal values, or a fraction and its percentage (within half a
        point: "a third" is 33%)."""
        if same_value(self.value, other.value):
            return True
        mine = self.percent if self.percent is not None else self.value
        theirs = other.percent if other.percent is not None else other.value
        either = self.percent is not None or other.percent is not None
        return either and abs(mine - theirs) <= 0.5 + 1e-9


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b)) or round(a, 3) == round(b, 3)


def _digits(raw: str) -> float | None:
    if "," in raw and "." in raw:
        raw = raw.replace(",", "")
    elif "," in raw:
        parts = raw.split(",")
        raw = raw.replace(",", "") if all(len(p) == 3 for p in parts[1:]) else raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def _word_value(word: str) -> float | None:
    """'twenty-five' -> 25, 'nine' -> 9."""
    parts = word.lower().split("-")
    if all(p in _UNITS for p in parts):
        return float(sum(_UNITS[p] for p in parts))
    return None


@lru_cache(maxsize=8192)
def numbers_of(text: str) -> tuple[Num, ...]:
    """Every number of ``text`` (see the module docstring)."""
    tokens = [(m, m.group().lower()) for m in _TOKEN.finditer(text)]
    out: list[Num] = []
    i = 0
    while i < len(tokens):
        m, low = tokens[i]
        value: float | None = None
        hyphen_unit = ""
        kind = "card"
        start = m.start()
        j = i + 1
        if m.group("digits"):
            value = _digits(m.group("digits"))
            suffix = (m.group("suffix") or "").lower()
            if suffix in ("st", "nd", "rd", "th"):
                kind = "ord"
            elif suffix:
                value = None if value is None else value * _SCALES[suffix]
        elif m.group("word"):
            prev = tokens[i - 1][1] if i else ""
            nxt = _next(tokens, i)
            ratio = nxt == "in" and i + 2 < len(tokens) and _is_number(tokens[i + 2][1])
            pronoun = low == "one" and not ratio and (
                prev in ("no", "any", "each", "every", "this", "that") or nxt in _SKIP_UNIT
                or not nxt
            )  # fmt: skip
            if _word_value(low) is not None and not pronoun:
                value = _word_value(low)
            elif low == "a" and nxt in _SCALES and len(nxt) > 2:
                value = 1.0  # "a million homes"
            elif low in _ORDINALS and (low not in ("first", "second") or prev in _DET):
                value, kind = float(_ORDINALS[low]), "ord"
            shared = _next(tokens, i) in _AFTER_FRACTION or not _next(tokens, i)
            share = _UNITS.get(prev, 1) if prev not in ("a", "one") else 1
            proper = share < _FRACTIONS.get(low, 0)  # "six quarters" is a count
            if low in _FRACTIONS and prev in ("a", "one", *_UNITS) and shared and proper:
                value, kind = share / _FRACTIONS[low], "frac"
                start = tokens[i - 1][0].start()
                if out and out[-1].text.lower() == prev:  # "two thirds": not also a 2
                    out.pop()
            elif low == "half" and (prev in _HALF_AFTER or nxt in ("of", *_DET)):
                value, kind = 0.5, "frac"
            elif "-" in low and low.split("-")[1] in _FRACTIONS and low.split("-")[0] in _UNITS:
                num, den = low.split("-")
                value, kind = _UNITS[num] / _FRACTIONS[den], "frac"
            elif "-" in low and _word_value(low.split("-")[0]) is not None:
                head, _, rest = low.partition("-")
                if rest.isalpha() and _word_value(rest) is None and rest not in _NOT_UNITS:
                    value, hyphen_unit = _word_value(head), _stem(rest)  # "twelve-kilometre"
        if value is None:
            i += 1
            continue
        # "one in eight" is a share: 12.5 percent
        if (
            kind == "card"
            and _next(tokens, i) == "in"
            and i + 2 < len(tokens)
            and (_word_value(tokens[i + 2][1]) or _digits(tokens[i + 2][1]) or 0) > value
        ):
            whole = _word_value(tokens[i + 2][1]) or _digits(tokens[i + 2][1]) or 1.0
            written = text[start : tokens[i + 2][0].end()]
            out.append(
                Num(value / whole, written, "frac", "percent", round(100 * value / whole, 3))
            )
            i += 3
            continue
        # scale words after the number: "3 million", "two hundred thousand"
        while j < len(tokens) and tokens[j][1] in _SCALES and len(tokens[j][1]) > 2:
            value *= _SCALES[tokens[j][1]]
            j += 1
        unit = hyphen_unit or _unit(tokens, j)
        before = tokens[i - 1][1] if i else ""
        if kind == "card" and before in _MONTHS:  # "June 17" counts days of June too
            unit = _stem(before)
        written = text[start : tokens[j - 1][0].end()]
        percent = round(value * 100, 3) if kind == "frac" else None
        out.append(Num(value, written, kind, "percent" if percent is not None else unit, percent))
        i = max(j, i + 1)
    return tuple(_shared_units(text, out))


_RANGE_GAP = re.compile(r"\s*(?:[a-z]+\s+)?(?:to|and|or|-|–)\s*", re.IGNORECASE)


def _shared_units(text: str, nums: list[Num]) -> list[Num]:
    """A range counts one thing at both ends: "from twelve to thirteen hours" and "from
    twelve hours to thirteen" both count hours."""
    spans, cursor = [], 0
    for n in nums:
        at = text.find(n.text, cursor)
        if at < 0:
            return nums
        spans.append((at, at + len(n.text)))
        cursor = at + len(n.text)
    out = list(nums)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.kind != "card" or b.kind != "card" or bool(a.unit) == bool(b.unit):
            continue
        if _RANGE_GAP.fullmatch(text[spans[k][1] : spans[k + 1][0]]):
            unit = a.unit or b.unit
            out[k], out[k + 1] = replace(a, unit=unit), replace(b, unit=unit)
    return out


# "one-off", "two-way", "one-sided": a word, not a count of anything
_NOT_UNITS = frozenset({"off", "way", "sided", "time", "on", "party", "hundred", "thousand",
                        "million", "billion"})  # fmt: skip
_HALF_AFTER = frozenset({"a", "one", "by", "than", "in", ""})
# What follows a fraction ("a third of", "a third fewer"); before a noun it is an ordinal
# ("a third day") or a count ("six quarters").
_AFTER_FRACTION = frozenset(
    {"of", "fewer", "more", "less", "lower", "higher", "smaller", "larger", "bigger",
     "cheaper", "%", "percent", "the", "to", "than", "and", "or", "in", "since", "from",
     "during", "over", "across", "on", "at", "by", "within", "under", "per", "between",
     "after", "before", "compared", "last", "this", "next", "each", "a", "an", "its", "their"}
)  # fmt: skip
_DET = frozenset({"the", "a", "its", "their", "his", "her", "for", "this", "that"})


def _next(tokens: list[tuple[re.Match[str], str]], i: int) -> str:
    return tokens[i + 1][1] if i + 1 < len(tokens) else ""


def _unit(tokens: list[tuple[re.Match[str], str]], j: int) -> str:
    """The noun a number counts: the next content word ("four berths" -> berths), or
    "percent" for %, percent and per cent."""
    if j < len(tokens):
        low = tokens[j][1]
        if low == "%" or low == "percent":
            return "percent"
        if low == "per" and j + 1 < len(tokens) and tokens[j + 1][1] == "cent":
            return "percent"
    k = j
    while k < len(tokens) and k < j + 3:
        low = tokens[k][1]
        if low in _SKIP_UNIT and low not in _DETERMINERS and low not in ("than", "about"):
            return ""  # a preposition or a verb: the number counts nothing named here
        if tokens[k][0].group("word") and low not in _SKIP_UNIT and not low.endswith("ly"):
            if _word_value(low) is not None or low in _SCALES:
                return ""
            return _stem(low)
        if tokens[k][0].group("digits"):
            return ""
        k += 1
    return ""


def _stem(word: str) -> str:
    from summarizer.grounding.words import STEM, word_props

    return str(word_props("en", word)[STEM])


def _is_number(word: str) -> bool:
    return _word_value(word) is not None or _digits(word) is not None


_MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
     "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "of", "some", "more"})
