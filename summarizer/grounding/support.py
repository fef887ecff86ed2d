"""Does the evidence a brief item cites actually support what the item says?

:func:`check_support` is deterministic, offline and fast (each evidence string is analysed
once, by :mod:`summarizer.grounding.analysis`, and cached; word lists live in
:mod:`summarizer.grounding.lexicon`). It compares a claim with the quotes it cites and
fails it when any of these checks fails:

1. **Substance.** At least one quote must be able to carry a claim: a clause of four or
   more words, or a whole sentence (:func:`evidence_is_substantive`). A bare name supports
   only that an actor exists.
2. **Numbers.** Every number, amount, percentage and year in the claim must be in the
   evidence, compared by value: ``40%`` = ``40 percent``, ``3m`` = ``3 million``,
   ``1,200`` = ``1200``, ``nine`` = ``9`` (number words up to twenty, and the tens).
3. **Dates.** Weekdays, months (``Dec.`` = ``December``), and ``tomorrow``, ``yesterday``,
   ``tonight`` in the claim must be in the evidence.
4. **Names.** Capitalised words that do not open a sentence, and acronyms, must be in the
   evidence; demonyms and possessives match by a shared stem prefix (Russia/Russian,
   Norway/Norwegian), acronyms also by initials (EU = European Union).
5. **Negation.** A content word the claim negates must be negated somewhere in the evidence,
   and a word the evidence only ever negates must not be asserted by the claim. Negators are
   ``not``/``no``/``never``/``without``/``n't`` and negative verbs (deny, reject, refuse,
   fail, decline), each scoping over the next few content words of its clause. A claim word
   whose antonym is in the evidence (accept/reject, rise/fall, guilty/innocent, ...) fails
   unless the polarity compensates ("did not accept" = "rejected").
6. **Modality.** A content word the claim asserts must not occur in the evidence only under
   a hedge: proposed, offered, could, may, might, suspects, alleged, plans to, wants, urged,
   threatened, considering, expected, whether, if, ... ("proposed a ceasefire" does not
   support "agreed to a ceasefire"), and urging frames: press/push/urge/ask/call on/
   demand/want/encourage X to/for V ("pressing Moscow to agree" does not support "Moscow
   agreed"). A claim that hedges where the evidence is certain passes.
7. **Attribution** (``subject`` given, for positions): the evidence must attribute the
   stance to that actor: the actor is the named speaker, or is mentioned, or (when no other
   speaker is named) a pronoun or "the union"-style reference stands for it. A quote whose
   named speaker is someone else fails.
8. **Coverage.** After case folding, Snowball stemming, a short irregular-verb table, a
   small set of general news paraphrase classes (said/told/warned, plan/proposal,
   rise/increase, ...) and a shared-prefix rule, at least :data:`COVERAGE` of the claim's
   content words (not function words) must occur in the evidence; a short claim (four
   content words or fewer, not a role or stance) must cover every one that is not a name
   or a light, general word (make, take, people, part, ...).
9. **Near forms and qualifiers.** An uncovered claim word that the evidence has in a near
   form meaning something else fails: the evidence word is the claim word with a 2-3
   letter prefix (end/extend, agree/disagree) or differs by a letter or two (accept/
   except). An uncovered adverb in -ly (narrowly, immediately) fails. A number the claim
   bounds one way ("at least 8") must not be bounded the other way in the evidence ("up
   to 8").

Languages: stemming and function words for the Snowball languages (English, French,
German, Spanish, Italian, Portuguese, Dutch, Russian, Arabic, ...; function-word lists for
the most common of them); negators for a dozen languages; hedges only in English. Chinese,
Japanese, Korean and Thai are compared by character bigrams (coverage and numbers and a
crude negation check only). A language with no stemmer falls back to prefix matching.

What it cannot do: it does not parse, so it cannot tell who did what to whom when the same
words appear in both ("A sued B" vs "B sued A"); it does not resolve pronouns beyond the
attribution rule; a paraphrase built from words outside its small synonym classes fails
coverage ("walked off the job" for "went on strike"); arithmetic the claim does ("two
weeks" for "14 days", a total of two figures) fails; a claim that is supported by the
article but not by the quotes it cites fails (by design); an unsupported claim made only of
words the evidence uses (a recombination, a swapped relation between two covered actors)
can pass, and so can a single swapped word in a long claim when it is neither an antonym
nor a near form ("restored" for "suspended"). It is a guard against unfaithful briefs,
not a proof of entailment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.grounding.analysis import (
    CAP,
    DAY,
    KEY,
    STEM,
    TOKSTOP,
    Text,
    analyze,
    class_keys,
    word_count,
)
from summarizer.grounding.lexicon import (
    ACCORDING,
    BOUND_HIGH,
    BOUND_LOW,
    CERTAIN_AUX,
    CERTAIN_VALUES,
    CJK_NEG,
    LIGHT,
    NUMBER_WORDS,
    PRONOUNS,
    SPEAKER_AFTER,
    SPEAKER_APPOSITIVE,
    SPEAKER_BEFORE,
    STOP,
    TITLES,
)

__all__ = ["COVERAGE", "Support", "check_support", "evidence_is_substantive"]

COVERAGE = 0.7
"""Share of the claim's content words that the evidence must contain (measured on
``benchmarks/faithfulness.py``)."""

_CJK_COVERAGE = 0.5
_SHORT = 4  # a claim with this many content words or fewer must cover every heavy one
_NUMBER_TEXT = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(NUMBER_WORDS) + r")\b")

Occurrence = tuple[Text, int]  # a word of an analysed quote
Occurrences = list[tuple[Text, list[int]]]  # words of analysed quotes, quote by quote


@dataclass(frozen=True, slots=True)
class Support:
    """The verdict on one claim: ``supported`` and, when not, short reasons in English."""

    supported: bool
    reasons: tuple[str, ...] = ()


def _lang(language: str) -> str:
    return (language or "en").lower().replace("_", "-").split("-")[0]


def evidence_is_substantive(quote: str, language: str = "en") -> bool:
    """Whether a quote can carry a claim: four or more words, or a whole sentence of two or
    more words (ends with . ! ? or a closing quote after one). A bare name cannot."""
    words = word_count(quote, _lang(language))
    if words >= 4:
        return True
    stripped = quote.strip().rstrip("\"'”’»)")
    return words >= 2 and stripped[-1:] in (".", "!", "?", "。", "！", "？", "؟")


# --------------------------------------------------------------------------- matching


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(key: str, s: str, ev: Text, *, name: bool) -> list[int]:
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
        pre = _common_prefix(s, t)
        shorter = min(len(s), len(t))
        if (name and pre >= 4 and pre >= shorter - 3) or (pre >= 5 and pre >= shorter - 2):
            out.append(i)
    return out


def _has_initials(text: Text, acronym: str) -> bool:
    """Whether consecutive content words spell ``acronym`` (EU = European Union)."""
    content = [low[0] for low, p in zip(text.low, text.props, strict=True) if not p[TOKSTOP]]
    return acronym in "".join(content) and any(
        "".join(content[j : j + len(acronym)]) == acronym for j in range(len(content))
    )


def _is_name(c: Text, j: int, title_case: bool) -> bool:
    p = c.props[j]
    if p[TOKSTOP] or c.low[j] in TITLES or p[DAY] is not None:
        return False
    text = c.text[j]
    if len(text) >= 2 and text.isupper() and text.isalpha():
        return True  # an acronym
    return p[CAP] and j not in c.initial and not title_case


def _quoted(word: str) -> str:
    return f"'{word}'"


# --------------------------------------------------------------------------- attribution


def _speakers(raw: str) -> list[tuple[str, int]]:
    """Named speakers of reported speech in a quote, with the offset of their verb."""
    out: list[tuple[str, int]] = []
    for rx in (SPEAKER_BEFORE, SPEAKER_APPOSITIVE):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.end()))
    for rx in (SPEAKER_AFTER, ACCORDING):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.start()))
    return out


def _name_parts(name: str) -> set[str]:
    parts = set()
    for w in re.findall(r"[^\W\d_]+", name):
        low = w.lower()
        if len(low) >= 3 and low not in TITLES and low not in STOP["en"]:
            parts.add(low)
    return parts


def _attribution(subject: str, quotes: list[Text], *, role: bool) -> str | None:
    """None when the quotes attribute to ``subject``, else the reason they do not."""
    parts = _name_parts(subject)
    if not parts:
        return None
    named = weak = False
    other: str | None = None
    for q in quotes:
        mentions = bool(parts & q.lows)
        if role:
            named = named or mentions
            weak = weak or bool(q.lows & PRONOUNS)
            continue
        speakers = _speakers(q.raw)
        mine = [s for s in speakers if _name_parts(s[0]) & parts]
        theirs = [s for s in speakers if not _name_parts(s[0]) & parts and _name_parts(s[0])]
        if mine:
            named = True
        elif theirs:
            first_verb = min(pos for _, pos in theirs)
            reported = any(q.raw.lower().find(p, first_verb) >= 0 for p in parts)
            if reported:
                named = True
            else:
                other = other or theirs[0][0]
        elif mentions:
            named = True
        else:
            lows = q.lows
            if lows & PRONOUNS or any(f"the {p}" in q.raw.lower() for p in subject_words(subject)):
                weak = True
    if named:
        return None
    if other is not None:
        return f"the evidence attributes this to {_quoted(other)}, not to {_quoted(subject)}"
    if weak:
        return None
    return f"the evidence does not mention {_quoted(subject)}"


def subject_words(subject: str) -> list[str]:
    """Lower-case common nouns of an actor's name ("Allied Nurses Union" -> union, nurses)."""
    return [w.lower() for w in re.findall(r"[^\W\d_]{4,}", subject)]


# --------------------------------------------------------------------------- the check


def _certainty_word(c: Text, j: int) -> str:
    for i in range(j - 1, -1, -1):
        if c.low[i] in CERTAIN_AUX:
            return f"{c.text[i]} {c.text[j]}" if i == j - 1 else c.text[i]
        if not c.props[i][TOKSTOP]:
            break
    return c.text[j]


def _check_certainty(claim: str, quotes: list[Text]) -> list[str]:
    value = claim.strip().lower()
    if value not in CERTAIN_VALUES:
        return []
    for q in quotes:
        if True in q.is_hedge:
            said = _quoted(q.text[q.is_hedge.index(True)])
            return [f"{_quoted(claim.strip())} is not supported: the evidence says {said}"]
    return []


def _check_cjk(claim: Text, quotes: list[Text]) -> list[str]:
    reasons: list[str] = []
    ev_bigrams: set[str] = set()
    for q in quotes:
        ev_bigrams |= q.bigrams
    if claim.bigrams:
        covered = len(claim.bigrams & ev_bigrams) / len(claim.bigrams)
        if covered < _CJK_COVERAGE:
            reasons.append(f"only {covered:.0%} of the claim's text is covered by the evidence")
    claim_neg = bool(CJK_NEG.search(claim.raw))
    ev_neg = any(CJK_NEG.search(q.raw) for q in quotes)
    if claim_neg != ev_neg:
        reasons.append("negation differs between the claim and the evidence")
    return reasons


def _near_form(a: str, b: str) -> bool:
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


def _near_candidates(q: Text, length: int) -> list[int]:
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


def _uncovered_word(c: Text, j: int, quotes: list[Text]) -> str | None:
    """A reason when an uncovered claim word is contradicted or is an added qualifier."""
    low, stem, text = c.low[j], c.stem[j], c.text[j]
    n = len(low)
    for q in quotes:
        for i in _near_candidates(q, n):
            other = q.low[i]
            if len(other) == n:
                if n < 5 or (other[0] != low[0] and other[1] != low[1] and other[-1] != low[-1]):
                    continue  # too short, or three letters differ: not a near form
            elif not (other.endswith(low) if len(other) > n else low.endswith(other)):
                continue
            if _near_form(low, other) and _near_form(stem, q.stem[i]):
                return f"{_quoted(text)} is not supported: the evidence says {_quoted(q.text[i])}"
    if low.endswith("ly") and len(low) > 5 and not c.props[j][CAP]:
        return f"{_quoted(text)} is not supported: the evidence does not say so"
    return None


def _bound(raw: str, at: int) -> int:
    """+1 when a lower-bound phrase ("at least", "more than") ends just before ``at``, -1
    for an upper bound ("up to", "fewer than"), 0 otherwise."""
    before = raw[max(0, at - 20) : at].lower().rstrip(" $£€")
    if before.endswith(BOUND_LOW):
        return 1
    if before.endswith(BOUND_HIGH):
        return -1
    return 0


def _check_bounds(claim: str, quotes: list[str]) -> list[str]:
    """A number the claim bounds one way ("at least 8") must not be bounded the other way
    in the evidence ("up to 8")."""
    out: list[str] = []
    for m in _NUMBER_TEXT.finditer(claim):
        cb = _bound(claim, m.start())
        if not cb:
            continue
        for q in quotes:
            i = q.find(m.group())
            while i >= 0:
                eb = _bound(q, i)
                if eb and eb != cb:
                    out.append(f"{_quoted(m.group())} is bounded the other way in the evidence")
                    return out
                i = q.find(m.group(), i + 1)
    return out


def _check_numbers_and_dates(c: Text, quotes: list[Text]) -> list[str]:
    reasons: list[str] = []
    ev_numbers: set[float] = set()
    for q in quotes:
        ev_numbers |= q.numbers
    seen: set[float] = set()
    for value, text in c.number_text:
        if value not in ev_numbers and value not in seen:
            seen.add(value)
            reasons.append(f"number {_quoted(text)} does not appear in the evidence")
    ev_days: set[str] = set()
    for q in quotes:
        ev_days |= q.days
    for key, text in c.day_text:
        if key not in ev_days:
            reasons.append(f"{_quoted(text)} does not appear in the evidence")
    return reasons


class _Tally:
    """What the word-by-word pass has found so far."""

    __slots__ = ("reasons", "uncovered", "heavy", "covered", "flagged")

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        self.uncovered: list[str] = []
        self.heavy: list[str] = []  # uncovered words that are not light/general
        self.covered = 0
        self.flagged = False

    def flag(self, reason: str) -> None:
        self.reasons.append(reason)
        self.flagged = True


def _check_words(c: Text, quotes: list[Text], kind: str, reasons: list[str]) -> None:
    """Word by word: names, negation, modality, coverage."""
    words = [
        j for j, p in enumerate(c.props) if not p[TOKSTOP] and not c.negator[j] and p[DAY] is None
    ]
    caps = [j for j in words if c.props[j][CAP] and len(c.low[j]) > 3]
    title_case = kind == "headline" or (len(words) >= 4 and len(caps) / len(words) > 0.6)
    tally = _Tally(reasons)
    for j in words:
        is_name = _is_name(c, j, title_case)
        key, stem = c.props[j][KEY], c.props[j][STEM]
        occ: Occurrences = []
        for q in quotes:
            found = _occurrences(key, stem, q, name=is_name)
            if found:
                occ.append((q, found))
        if (
            not occ
            and is_name
            and c.text[j].isupper()
            and any(_has_initials(q, c.low[j]) for q in quotes)
        ):
            tally.covered += 1
        elif not occ:
            _uncovered(c, j, quotes, is_name, tally)
        else:
            tally.covered += 1
            if not (is_name or c.props[j][CAP] or tally.flagged):
                _polarity(c, j, occ, tally)

    total = tally.covered + len(tally.uncovered)
    if tally.heavy and total <= _SHORT and not tally.flagged and kind not in ("role", "stance"):
        # A short claim has no slack: each of its few content words carries meaning.
        listed = ", ".join(_quoted(w) for w in dict.fromkeys(tally.heavy))
        reasons.append(f"content words not covered by the evidence: {listed}")
    elif total and tally.covered / total < COVERAGE:
        listed = ", ".join(_quoted(w) for w in dict.fromkeys(tally.uncovered))
        reasons.append(f"content words not covered by the evidence: {listed}")


def _uncovered(c: Text, j: int, quotes: list[Text], is_name: bool, tally: _Tally) -> None:
    """A claim word the evidence does not have: an antonym, a missing name, a near form."""
    # An antonym in the evidence: contradiction unless the polarity compensates.
    opposite: Occurrence | None = None
    for q in quotes:
        for k in class_keys()[1].get(c.props[j][KEY], ()):
            for i in q.keys.get(k, ()):
                opposite = (q, i)
    if opposite is not None:
        q, i = opposite
        # Same polarity on both sides means the two say opposite things.
        if bool(c.neg[j]) == bool(q.neg[i]):
            if not tally.flagged:
                tally.flag(
                    f"{_quoted(_certainty_word(c, j))} is not supported: "
                    f"the evidence says {_quoted(q.text[i])}"
                )
        else:
            tally.covered += 1
        return
    text, low = c.text[j], c.low[j]
    if is_name:
        tally.reasons.append(f"name {_quoted(text)} is not in the evidence")
    elif not tally.flagged:
        why = _uncovered_word(c, j, quotes)
        if why:
            tally.flag(why)
    tally.uncovered.append(text)
    cap = c.props[j][CAP]
    if not is_name and not cap and low not in LIGHT and c.props[j][KEY] not in LIGHT:
        tally.heavy.append(text)


def _polarity(c: Text, j: int, occ: Occurrences, tally: _Tally) -> None:
    """Negation and modality of a covered claim word against its occurrences."""
    # Negation: the claim's negated head word must be negated in the evidence; a word the
    # evidence only ever negates (not, no, never, without) must not be asserted.
    q0, i0 = occ[0][0], occ[0][1][0]
    if c.neg[j] == 1 and not any(q.neg[i] or q.negator[i] for q, found in occ for i in found):
        tally.flag(
            f"{_quoted(c.negcue[j] + ' ' + c.text[j])} is not supported: "
            f"the evidence says {_quoted(q0.text[i0])}"
        )
    elif not c.neg[j] and all(
        0 < q.neg[i] <= 2 and q.syntactic[i] for q, found in occ for i in found
    ):
        tally.flag(
            f"{_quoted(_certainty_word(c, j))} is not supported: "
            f"the evidence says {_quoted(q0.negcue[i0] + ' ' + q0.text[i0])}"
        )
    # Modality: asserted in the claim, only hedged in the evidence.
    elif not c.hedge[j] and all(q.hedge[i] for q, found in occ for i in found):
        tally.flag(
            f"{_quoted(_certainty_word(c, j))} is not supported: "
            f"the evidence says {_quoted(q0.hedge[i0])}"
        )


def check_support(
    claim: str,
    evidence: Sequence[str],
    *,
    kind: str = "claim",
    language: str = "en",
    subject: str | None = None,
) -> Support:
    """Whether ``evidence`` (the quotes or segments an item cites) supports ``claim``.

    ``kind`` names what the claim is: ``claim``/``summary`` (a sentence), ``headline``
    (title case is not read as names), ``role``, ``stance`` (with ``subject``), ``issue``,
    ``side``, ``action``, ``when``, ``certainty`` (a one-word value such as "scheduled",
    checked only against hedges in the evidence), or ``name`` (a bare actor name: a quote
    that contains it is enough). ``subject`` is the actor a stance is attributed to (for a
    ``role``, the actor the role describes). See the module docstring for the checks and
    their limits.
    """
    lang = _lang(language)
    quotes_raw = [q for q in evidence if q and q.strip()]
    if not claim.strip():
        return Support(False, ("the claim is empty",))
    if not quotes_raw:
        return Support(False, ("no evidence is cited",))
    quotes = [analyze(q, lang, False) for q in quotes_raw]
    c = analyze(claim, lang, True)

    if kind == "name":
        parts = _name_parts(claim) or {claim.strip().lower()}
        if any(parts & q.lows for q in quotes):
            return Support(True)
        return Support(False, (f"name {_quoted(claim.strip())} is not in the evidence",))

    if not any(evidence_is_substantive(q, lang) for q in quotes_raw):
        return Support(
            False, ("evidence is too thin (a bare name supports only that an actor exists)",)
        )

    if kind == "certainty":
        reasons = _check_certainty(claim, quotes)
        return Support(not reasons, tuple(reasons))

    reasons = _check_numbers_and_dates(c, quotes)
    reasons += _check_bounds(c.raw, [q.raw for q in quotes])

    if c.cjk:
        reasons += _check_cjk(c, quotes)
        return Support(not reasons, tuple(reasons))

    if subject and subject.strip() and kind in ("stance", "position", "role"):
        why = _attribution(subject.strip(), quotes, role=kind == "role")
        if why:
            reasons.append(why)

    _check_words(c, quotes, kind, reasons)
    return Support(not reasons, tuple(dict.fromkeys(reasons)))
