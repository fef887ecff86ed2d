"""Which words of the evidence count as a claim's word: stems, paraphrase classes, shared
prefixes, acronyms, WordNet synonyms and phrases; and the near forms that look alike while
meaning something else (end/extend, accept/except)."""

from __future__ import annotations

from summarizer.grounding import paraphrase
from summarizer.grounding.checks import quoted
from summarizer.grounding.lexicon import TITLES
from summarizer.grounding.paraphrase import phrases, related, senses
from summarizer.grounding.text import Text
from summarizer.grounding.words import CAP, DAY, STEM, TOKSTOP

__all__ = [
    "Occurrence", "Occurrences", "has_initials", "is_name", "near_candidates",
    "near_form", "occurrences", "synonyms", "uncovered_word",
]  # fmt: skip

Occurrence = tuple[Text, int]  # a word of an analysed quote
Occurrences = list[tuple[Text, list[int]]]  # words of analysed quotes, quote by quote


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _keyed(ev: Text) -> list[tuple[int, str]]:
    """``ev``'s content words and phrases ("put off", by their first word) as table keys,
    built once per analysed text."""
    if ev.by_sense is None:
        multi = phrases()
        keyed: list[tuple[int, str]] = []
        stems = ev.stem
        for i, p in enumerate(ev.props):
            if not p[TOKSTOP]:
                keyed.append((i, stems[i]))
            if i + 1 < len(stems) and f"{stems[i]} {stems[i + 1]}" in multi:
                keyed.append((i, f"{stems[i]} {stems[i + 1]}"))
        ev.by_sense = keyed
    return ev.by_sense


def synonyms(c: Text, j: int, ev: Text) -> list[int]:
    """Words of ``ev`` that say what claim word ``j`` says (or a phrase it opens: "put
    off"), by WordNet: they share one of its synsets, or are kinds of one."""
    if not paraphrase.ENABLED:
        return []
    wanted = senses(c.stem[j])
    if j + 1 < len(c.stem) and f"{c.stem[j]} {c.stem[j + 1]}" in phrases():
        wanted = wanted | senses(f"{c.stem[j]} {c.stem[j + 1]}")
    if not wanted:
        return []
    return sorted({i for i, key in _keyed(ev) if not related(key).isdisjoint(wanted)})


def occurrences(key: str, s: str, ev: Text, *, name: bool) -> list[int]:
    """Words of ``ev`` that count as the same word as a claim word (``key``, stem ``s``)."""
    found = ev.keys.get(key) or ev.keys.get(s)
    if found:
        return found
    if len(s) < 4:
        return []  # a shared prefix must be four letters or more
    if ev.by_prefix is None:
        ev.by_prefix = {}
        for i, q in enumerate(ev.props):
            if not q[TOKSTOP] and len(q[STEM]) >= 4:
                ev.by_prefix.setdefault(q[STEM][:4], []).append(i)
    out: list[int] = []
    for i in ev.by_prefix.get(s[:4], ()):
        t = ev.stem[i]
        pre = common_prefix(s, t)
        shorter = min(len(s), len(t))
        # a four-letter stem that opens a longer one names the same thing: fail/failure
        derived = pre == shorter == 4 and len(t) - len(s) in (1, 2, 3) and t.startswith(s)
        if (
            (name and pre >= 4 and pre >= shorter - 3)
            or (pre >= 5 and pre >= shorter - 2)
            or derived
        ):
            out.append(i)
    return out


def has_initials(text: Text, acronym: str) -> bool:
    """Whether consecutive content words spell ``acronym`` (EU = European Union)."""
    content = [low[0] for low, p in zip(text.low, text.props, strict=True) if not p[TOKSTOP]]
    return acronym in "".join(content) and any(
        "".join(content[j : j + len(acronym)]) == acronym for j in range(len(content))
    )


def is_name(c: Text, j: int, title_case: bool) -> bool:
    p = c.props[j]
    if p[TOKSTOP] or c.low[j] in TITLES or p[DAY] is not None:
        return False
    text = c.text[j]
    if len(text) >= 2 and text.isupper() and text.isalpha():
        return True  # an acronym
    return p[CAP] and j not in c.initial and not title_case


def near_form(a: str, b: str) -> bool:
    """Whether two different words look alike enough to be confused for each other while
    meaning something else: one is the other with a prefix (end/extend, agree/disagree,
    stored/restored) or they differ by one or two letters in place (accept/except)."""
    if a == b or min(len(a), len(b)) < 3:
        return False
    long, short = (a, b) if len(a) >= len(b) else (b, a)
    if long.endswith(short) and 2 <= len(long) - len(short) <= 3:
        return True
    if len(a) == len(b) and len(a) >= 5:
        diff = sum(x != y for x, y in zip(a, b, strict=True))
        return diff <= 2 and a[2:] != b[2:] or (diff <= 2 and a[:2] != b[:2])
    return False


def near_candidates(q: Text, length: int) -> list[int]:
    """Words of ``q`` that may be near forms of a word of ``length`` letters, in order:
    content words, not capitalised, of the same length or 2-3 letters longer or shorter."""
    if q.by_length is None:
        q.by_length = {}
        for i, p in enumerate(q.props):
            if not p[TOKSTOP] and not p[CAP]:
                q.by_length.setdefault(len(q.low[i]), []).append(i)
    found: list[int] = []
    for n in (length, length - 3, length - 2, length + 2, length + 3):
        found += q.by_length.get(n, ())
    return sorted(found)


_NEGATIVE_PREFIXES = ("dis", "un", "non", "in", "im", "il", "ir", "mis", "de")


def uncovered_word(c: Text, j: int, quotes: list[Text]) -> tuple[str, bool] | None:
    """A reason when an uncovered claim word is a near form of an evidence word or an added
    qualifier, and whether it contradicts (a negative prefix: agree/disagree) or only is
    not established (end/extend, pay/repay, an added "narrowly")."""
    low, stem, text = c.low[j], c.stem[j], c.text[j]
    n = len(low)
    if low in _NOT_NEAR:
        return None  # "after" is no form of "offer": a preposition is not a verb's variant
    for q in quotes:
        for i in near_candidates(q, n):
            other = q.low[i]
            if len(other) == n:
                if n < 5 or (other[0] != low[0] and other[1] != low[1] and other[-1] != low[-1]):
                    continue  # too short, or three letters differ: not a near form
            elif not (other.endswith(low) if len(other) > n else low.endswith(other)):
                continue
            if near_form(low, other) and near_form(stem, q.stem[i]):
                longer, shorter = (other, low) if len(other) > n else (low, other)
                negative = longer.removesuffix(shorter) in _NEGATIVE_PREFIXES
                why = f"{quoted(text)} is not supported: the evidence says {quoted(q.text[i])}"
                return why, negative
    if low.endswith("ly") and len(low) > 5 and not c.props[j][CAP]:
        return f"{quoted(text)} is not supported: the evidence does not say so", False
    return None


_NOT_NEAR = frozenset(
    {"after", "before", "under", "over", "into", "onto", "upon", "until", "since", "while",
     "though", "although"}
)  # fmt: skip
