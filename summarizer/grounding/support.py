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

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.cast.lexicon import TITLES as ROLE_TITLES
from summarizer.grounding import paraphrase
from summarizer.grounding.agents import agent_mismatch
from summarizer.grounding.analysis import Text, analyze, word_count
from summarizer.grounding.checks import (
    attribution,
    certainty_word,
    check_bounds,
    check_certainty,
    check_cjk,
    check_numbers_and_dates,
    name_parts,
    quoted,
)
from summarizer.grounding.context import Context, claim_speakers
from summarizer.grounding.lexicon import CERTAIN_VALUES, LIGHT, TITLES
from summarizer.grounding.paraphrase import broader, phrases, senses
from summarizer.grounding.words import CAP, CONTENT, DAY, KEY, STEM, TOKSTOP, class_keys

__all__ = ["COVERAGE", "Support", "check_support", "evidence_is_substantive"]

COVERAGE = 0.7
"""Share of the claim's content words that the evidence must contain (measured on
``benchmarks/faithfulness.py``)."""

UNRELATED = 0.5
"""Below this share of its content words covered, a claim is not about what it cites: it is
dropped, not shown as not established."""

_SHORT = 4  # a claim with this many content words or fewer must cover every heavy one

Occurrence = tuple[Text, int]  # a word of an analysed quote
Occurrences = list[tuple[Text, list[int]]]  # words of analysed quotes, quote by quote


@dataclass(frozen=True, slots=True)
class Support:
    """The verdict on one claim: ``supported`` and, when not, short reasons in English.

    A claim that is not supported is either *contradicted* (a hard mismatch: a number, a
    date, negation, modality, a near form, who says it) or *not established* (the evidence
    does not cover it: a word or a name it does not have).
    """

    supported: bool
    reasons: tuple[str, ...] = ()
    contradicted: bool = False

    @property
    def verdict(self) -> str:
        """``supported``, ``contradicted`` or ``not_established``."""
        if self.supported:
            return "supported"
        return "contradicted" if self.contradicted else "not_established"


def _verdict(hard: list[str], soft: list[str]) -> Support:
    if hard:
        return Support(False, tuple(dict.fromkeys(hard + soft)), contradicted=True)
    if soft:
        return Support(False, tuple(dict.fromkeys(soft)))
    return Support(True)


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


def _by_sense(ev: Text) -> dict[int, list[int]]:
    """Content words (and phrases, by their first word) of ``ev`` by the synsets they name
    or are kinds of (:mod:`.paraphrase`)."""
    if ev.by_sense is None:
        index: dict[int, list[int]] = {}
        multi = phrases()
        for i, p in enumerate(ev.props):
            keys = [ev.stem[i]] if not p[TOKSTOP] else []
            if i + 1 < len(ev.stem) and f"{ev.stem[i]} {ev.stem[i + 1]}" in multi:
                keys.append(f"{ev.stem[i]} {ev.stem[i + 1]}")
            for k in keys:
                for g in senses(k) | broader(k):
                    index.setdefault(g, []).append(i)
        ev.by_sense = index
    return ev.by_sense


def _synonyms(c: Text, j: int, ev: Text) -> list[int]:
    """Words of ``ev`` that say what claim word ``j`` says (or a phrase it opens: "put
    off"), by WordNet."""
    if not paraphrase.ENABLED:
        return []
    wanted = senses(c.stem[j])
    if j + 1 < len(c.stem) and f"{c.stem[j]} {c.stem[j + 1]}" in phrases():
        wanted = wanted | senses(f"{c.stem[j]} {c.stem[j + 1]}")
    if not wanted:
        return []
    index = _by_sense(ev)
    return sorted({i for g in wanted for i in index.get(g, ())})


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
        # a four-letter stem that opens a longer one names the same thing: fail/failure
        derived = pre == shorter == 4 and len(t) - len(s) in (1, 2, 3) and t.startswith(s)
        if (
            (name and pre >= 4 and pre >= shorter - 3)
            or (pre >= 5 and pre >= shorter - 2)
            or derived
        ):
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


_NEGATIVE_PREFIXES = ("dis", "un", "non", "in", "im", "il", "ir", "mis", "de")


def _uncovered_word(c: Text, j: int, quotes: list[Text]) -> tuple[str, bool] | None:
    """A reason when an uncovered claim word is a near form of an evidence word or an added
    qualifier, and whether it contradicts (a negative prefix: agree/disagree) or only is
    not established (end/extend, pay/repay, an added "narrowly")."""
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
                longer, shorter = (other, low) if len(other) > n else (low, other)
                negative = longer.removesuffix(shorter) in _NEGATIVE_PREFIXES
                why = f"{quoted(text)} is not supported: the evidence says {quoted(q.text[i])}"
                return why, negative
    if low.endswith("ly") and len(low) > 5 and not c.props[j][CAP]:
        return f"{quoted(text)} is not supported: the evidence does not say so", False
    return None


class _Tally:
    """What the word-by-word pass has found so far."""

    __slots__ = (
        "reasons", "hard", "uncovered", "heavy", "acts", "covered", "flagged", "context",
        "forms", "anywhere",
    )  # fmt: skip

    def __init__(self, reasons: list[str], hard: list[str], context: Context | None) -> None:
        self.reasons = reasons  # not established
        self.hard = hard  # contradicted
        self.context = context
        self.uncovered: list[str] = []
        self.heavy: list[str] = []  # uncovered words that are not light/general
        self.acts: list[str] = []  # of those, verbs in the past tense
        self.forms: frozenset[str] = frozenset()  # the words of the actor a role is about
        self.anywhere = False  # a name may come from anywhere in the article (an issue)
        self.covered = 0
        self.flagged = False

    def flag(self, reason: str) -> None:
        self.hard.append(reason)
        self.flagged = True


def _past(word: str) -> bool:
    low = word.lower()
    return len(low) >= 5 and low.endswith("ed") and not low.endswith(("eed", "need"))


def _named_thing(c: Text, j: int, quotes: list[Text], context: Context) -> bool:
    """Whether claim word ``j`` is part of a proper name ("Ostra Accord", "Skerry Bank wind
    farm") that the article writes in full and the evidence calls by its head noun ("the
    accord", "the wind farm")."""
    k = j
    while k + 1 < len(c.text) and c.props[k + 1][CAP] and not c.props[k + 1][TOKSTOP]:
        k += 1
    start = j
    while start > 0 and c.props[start - 1][CAP] and not c.props[start - 1][TOKSTOP]:
        start -= 1
    name = " ".join(c.text[start : k + 1])
    heads = [c.low[k]] if c.props[k][CAP] else []
    heads += [c.low[x] for x in range(k + 1, min(k + 3, len(c.low))) if not c.props[x][TOKSTOP]]
    for head in heads:
        if not any(head in q.lows for q in quotes):
            continue
        written = f"{name} {head}" if head != c.low[k] else name
        if context.in_article(written) or context.in_article(name):
            return True
    return False


def _check_words(
    c: Text,
    quotes: list[Text],
    kind: str,
    reasons: list[str],
    hard: list[str],
    context: Context | None = None,
    context_forms: frozenset[str] | None = None,
) -> None:
    """Word by word: names, negation, modality, coverage."""
    words = [
        j for j, p in enumerate(c.props) if not p[TOKSTOP] and not c.negator[j] and p[DAY] is None
    ]
    caps = [j for j in words if c.props[j][CAP] and len(c.low[j]) > 3]
    title_case = kind == "headline" or (len(words) >= 4 and len(caps) / len(words) > 0.6)
    tally = _Tally(reasons, hard, context)
    tally.forms = context_forms or frozenset()
    tally.anywhere = kind in ("issue", "headline")
    for j in words:
        is_name = _is_name(c, j, title_case)
        key, stem = c.props[j][KEY], c.props[j][STEM]
        occ: Occurrences = []
        for q in quotes:
            found = _occurrences(key, stem, q, name=is_name)
            if found:
                occ.append((q, found))
        if not occ and not is_name and not c.props[j][CAP]:
            for q in quotes:
                found = _synonyms(c, j, q)
                if found:
                    occ.append((q, found))
            near = _uncovered_word(c, j, quotes) if occ else None
            if near and not near[0].endswith("does not say so"):
                # a synonym elsewhere, and a near form here ("end" for "extend"): the
                # near form is what the claim changed
                tally.reasons.append(near[0])
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
    if kind == "role" and not tally.flagged:
        known = context_forms or frozenset()
        titles = [
            w for w in dict.fromkeys(tally.uncovered)
            if (w.lower() in ROLE_TITLES or w.lower() in _ROLE_WORDS)
            and w.lower() not in known and w.lower() not in _GENERIC_TITLES
        ]  # fmt: skip
        if titles:
            listed = ", ".join(quoted(w) for w in titles)
            known_titles = sorted(w for w in known if w in ROLE_TITLES)
            if known_titles:  # the article gives this actor another title
                said = ", ".join(quoted(w) for w in known_titles)
                hard.append(f"the title {listed} is not supported: the article says {said}")
            else:
                reasons.append(f"the evidence does not give the title {listed}")
            return
    if kind not in ("role", "issue", "headline") and not tally.flagged:
        # an uncovered verb in the past tense carries a claim of its own ("acknowledged",
        # "ordered" where the evidence says "rejected", "proposed")
        acts = list(dict.fromkeys(tally.acts))
        if acts:
            listed = ", ".join(quoted(w) for w in acts)
            reasons.append(f"the evidence does not say {listed}")
    if (
        kind == "headline"
        and not tally.flagged
        and len(set(tally.heavy)) >= 2
        and tally.covered < 0.75 * total
    ):
        # a headline is a few words: two it does not share with the summary's sentences are
        # what it says ("strike ends as union accepts")
        listed = ", ".join(quoted(w) for w in dict.fromkeys(tally.heavy))
        reasons.append(f"content words not covered by the evidence: {listed}")
        return
    if kind == "issue":
        # what a dispute is about is the writer's synthesis of its sides (which are checked
        # on their own): half its words are enough
        if total and tally.covered / total < UNRELATED:
            listed = ", ".join(quoted(w) for w in dict.fromkeys(tally.uncovered))
            reasons.append(f"content words not covered by the evidence: {listed}")
        return
    if tally.heavy and total <= _SHORT and not tally.flagged and kind not in ("role", "stance"):
        # A short claim has no slack: each of its few content words carries meaning.
        listed = ", ".join(quoted(w) for w in dict.fromkeys(tally.heavy))
        reasons.append(f"content words not covered by the evidence: {listed}")
    elif total and tally.covered / total < COVERAGE:
        listed = ", ".join(quoted(w) for w in dict.fromkeys(tally.uncovered))
        # most of the claim is elsewhere: the cited sentences do not state it at all
        unrelated = tally.covered / total < UNRELATED and kind != "role"
        where = hard if unrelated else reasons
        where.append(f"content words not covered by the evidence: {listed}")


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
                    f"{quoted(certainty_word(c, j))} is not supported: "
                    f"the evidence says {quoted(q.text[i])}"
                )
        else:
            tally.covered += 1
        return
    text, low = c.text[j], c.low[j]
    context = tally.context
    if context is not None and (low in context.words or low in tally.forms):
        # a word for an actor the cited sentences refer to ("Governor Ana Ruiz" for "she",
        # "the university" for the body "its vice-chancellor" speaks for)
        tally.covered += 1
        return
    if is_name and context is not None and tally.anywhere and context.in_article(text):
        tally.covered += 1  # what a dispute is about may be named elsewhere in the article
        return
    if is_name and context is not None and _named_thing(c, j, quotes, context):
        tally.covered += 1  # "the Ostra Accord" where the evidence says "the accord"
        return
    if is_name:
        tally.reasons.append(f"name {quoted(text)} is not in the evidence")
    elif not tally.flagged:
        found = _uncovered_word(c, j, quotes)
        if found and found[1]:
            tally.flag(found[0])
        elif found:
            tally.reasons.append(found[0])
    tally.uncovered.append(text)
    cap = c.props[j][CAP]
    if not is_name and not cap and low not in LIGHT and c.props[j][KEY] not in LIGHT:
        tally.heavy.append(text)
        if _past(text) and (j + 1 >= len(c.props) or c.props[j + 1][TOKSTOP]):
            tally.acts.append(text)  # a verb, not "the disputed penalty"


def _polarity(c: Text, j: int, occ: Occurrences, tally: _Tally) -> None:
    """Negation and modality of a covered claim word against its occurrences."""
    # Negation: the claim's negated head word must be negated in the evidence; a word the
    # evidence only ever negates (not, no, never, without) must not be asserted.
    q0, i0 = occ[0][0], occ[0][1][0]
    if c.neg[j] == 1 and not any(q.neg[i] or q.negator[i] for q, found in occ for i in found):
        why = (
            f"{quoted(c.negcue[j] + ' ' + c.text[j])} is not supported: "
            f"the evidence says {quoted(q0.text[i0])}"
        )
        if c.syntactic[j]:
            tally.flag(why)  # "did not agree" for "agreed"
        else:
            tally.reasons.append(why)  # "rejects the demand": the evidence may say so otherwise
    elif _modal_contrast(c, j, occ):
        tally.flag(_modal_contrast(c, j, occ))
    elif (
        not c.neg[j]
        and not _negated_after(c, j)
        and all(_only_negated(c, j, q, i) for q, found in occ for i in found)
    ):
        tally.flag(
            f"{quoted(certainty_word(c, j))} is not supported: "
            f"the evidence says {quoted(q0.negcue[i0] + ' ' + q0.text[i0])}"
        )
    # Modality: asserted in the claim, only hedged in the evidence, where the hedge governs
    # it (the verb after "could", and its object; not every word of the clause).
    elif not c.hedge[j] and all(_hedged(q, i) for q, found in occ for i in found):
        tally.flag(
            f"{quoted(certainty_word(c, j))} is not supported: "
            f"the evidence says {quoted(q0.hedge[i0])}"
        )


_DETERMINER_NEGATORS = frozenset({"no", "without", "none", "nobody", "nothing", "neither"})
_HEAD_NEGATORS = frozenset({"not", "n't", "never", "cannot", "no", "without", "than", "of"})
_LIGHT_VERBS = frozenset(
    {"give", "gave", "given", "make", "made", "take", "took", "offer", "offered", "provide",
     "provided", "reach", "reached", "grant", "granted", "issue", "issued", "set"}
)  # fmt: skip
_GENERIC_TITLES = frozenset({"member", "members", "official", "representative", "leader"})
_ROLE_WORDS = frozenset(
    {"senior", "junior", "deputy", "acting", "interim", "former", "assistant", "associate",
     "vice", "executive", "principal", "lead", "founding", "co-founder", "founder"}
)  # fmt: skip


def _only_negated(c: Text, j: int, q: Text, i: int) -> bool:
    """Whether evidence word ``i`` is negated in a way the claim's asserted word ``j``
    contradicts: the head a negator governs ("did not sign" for "signed"; only the verb
    after "declined to"), not a noun that "no" merely counts ("no jobs would be lost" does
    not deny the "job guarantee" a claim speaks of)."""
    if not (0 < q.neg[i] <= 2 and q.syntactic[i]):
        return False
    cue = q.negcue[i].lower()
    light_before = any(q.neg[k] == 1 and q.low[k] in _LIGHT_VERBS for k in range(max(0, i - 2), i))
    if cue not in _HEAD_NEGATORS and q.neg[i] > 1 and not light_before:
        # "declined to meet the occupiers": only "meet" is denied; but "declined to give
        # that guarantee" denies the guarantee
        return False
    # not when the claim's word modifies the next one ("job guarantee")
    return not (cue in _DETERMINER_NEGATORS and j + 1 < len(c.props) and c.props[j + 1][CONTENT])


_SURE = frozenset({"will", "shall"})
_MAYBE = frozenset({"could", "may", "might"})


def _modal_contrast(c: Text, j: int, occ: Occurrences) -> str:
    """A verb the claim says will happen ("will call her") where every occurrence in the
    evidence is modal ("could call her"); "" when not."""
    if j == 0 or c.low[j - 1] not in _SURE or c.hedge[j]:
        return ""
    said = [(q, i) for q, found in occ for i in found]
    if said and all(i > 0 and q.low[i - 1] in _MAYBE for q, i in said):
        q, i = said[0]
        return (
            f"{quoted(c.text[j - 1] + ' ' + c.text[j])} is not supported: the evidence says "
            + quoted(q.text[i - 1] + " " + q.text[i])
        )
    return ""


def _hedged(q: Text, i: int) -> bool:
    return bool(q.hedge[i]) and (q.is_hedge[i] or 0 < q.hedge_rank[i] <= _HEDGE_REACH)


_HEDGE_REACH = 2


def _negated_after(c: Text, j: int) -> bool:
    """A claim word negated by what follows it: "taking nothing", "said none"."""
    return j + 1 < len(c.low) and c.low[j + 1] in ("nothing", "none", "nobody")


def check_support(
    claim: str,
    evidence: Sequence[str],
    *,
    kind: str = "claim",
    language: str = "en",
    subject: str | None = None,
    context: Context | None = None,
) -> Support:
    """Whether ``evidence`` (the quotes or segments an item cites) supports ``claim``.

    ``kind`` names what the claim is: ``claim``/``summary`` (a sentence), ``headline``
    (title case is not read as names), ``role``, ``stance`` (with ``subject``), ``issue``,
    ``side``, ``action``, ``when``, ``certainty`` (a one-word value such as "scheduled",
    checked only against hedges in the evidence), or ``name`` (a bare actor name: a quote
    that contains it is enough). ``subject`` is the actor a stance is attributed to (for a
    ``role``, the actor the role describes). See the module docstring for the checks and
    their limits. ``context`` (the article's cast and the cited segments) resolves who the
    cited sentences refer to and who says them, for names and attribution.
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
        parts = name_parts(claim) or {claim.strip().lower()}
        if any(parts & q.lows for q in quotes):
            return Support(True)
        return Support(False, (f"name {quoted(claim.strip())} is not in the evidence",))

    if not any(evidence_is_substantive(q, lang) for q in quotes_raw):
        return Support(
            False,
            ("evidence is too thin (a bare name supports only that an actor exists)",),
            contradicted=True,
        )

    if kind == "certainty":
        return _verdict(_certainty(claim, subject or "", quotes, lang), [])

    hard: list[str] = []
    reasons: list[str] = []
    check_numbers_and_dates(c, quotes, hard, reasons)
    hard += check_bounds(c.raw, [q.raw for q in quotes])

    if c.cjk:
        hard += check_cjk(c, quotes)
        return _verdict(hard, reasons)

    if subject and subject.strip() and kind in ("stance", "position", "role", "side"):
        _attribution(subject.strip(), quotes, kind, context, hard, reasons)
    if context is not None and kind not in ("role", "when", "name"):
        _claim_speakers(claim, context, hard, reasons)
        swapped = agent_mismatch(claim, context)
        if swapped:
            hard.append(swapped)

    forms: frozenset[str] | None = None
    if kind == "role" and context is not None and subject:
        forms = context.forms_of_subject(subject)
    _check_words(c, quotes, kind, reasons, hard, context, forms)
    return _verdict(hard, reasons)


def _attribution(
    subject: str,
    quotes: list[Text],
    kind: str,
    context: Context | None,
    hard: list[str],
    reasons: list[str],
) -> None:
    """Whether the cited sentences give the claim to ``subject`` (one actor, or for a
    dispute side its actors one per line; see :mod:`.context`): it speaks or acts in them,
    or is what a speaker there reports on. Contradicted when the sentences do not refer to
    it at all and someone else speaks; not established when they mention it but do not
    give it the claim. Without the article's cast, by the speakers the quotes name."""
    names = [n.strip() for n in subject.split("\n") if n.strip()]
    keys = [context.resolve(n) for n in names] if context is not None else []
    known = [k for k in keys if k is not None]
    if context is None or not known:
        if kind == "side":
            return
        why = attribution(names[0], quotes, role=kind == "role")
        if why:
            (hard if why.startswith("the evidence attributes") else reasons).append(why)
        return
    assert context is not None
    name = context.name_of(known[0])
    mentioned = any(k in context.refers for k in known) or any(
        name_parts(n) & q.lows for n in names for q in quotes
    )
    if kind == "role":
        if not mentioned:
            reasons.append(f"the evidence does not mention {quoted(name)}")
        return
    if any(context.attributes_to(k) for k in known):
        return
    others = [o for o in context.speakers if not any(context.linked(k, o) for k in known)]
    if others and not mentioned:
        who = context.name_of(others[0])
        hard.append(f"the evidence attributes this to {quoted(who)}, not to {quoted(name)}")
    elif others:
        who = context.name_of(others[0])
        reasons.append(f"the evidence gives this to {quoted(who)}, not clearly to {quoted(name)}")
    else:
        reasons.append(f"the evidence does not attribute this to {quoted(name)}")


def _certainty(value: str, action: str, quotes: list[Text], lang: str) -> list[str]:
    """``scheduled`` against the evidence: contradicted when the words that state the
    action are hedged there ("is expected to", "could", "proposed"); a hedge elsewhere in
    the sentence ("the audit, expected to take ten weeks, will be carried out") does not
    count. Without the action, any hedge in the evidence counts."""
    if not action.strip():
        return check_certainty(value, quotes)
    c = analyze(action, lang, True)
    hedged = asserted = 0
    said = ""
    for j, p in enumerate(c.props):
        if p[TOKSTOP] or p[CAP] or c.negator[j] or p[DAY] is not None:
            continue
        occ = [(q, i) for q in quotes for i in _occurrences(p[KEY], p[STEM], q, name=False)]
        if not occ or c.hedge[j] or c.is_hedge[j]:
            continue  # the claim hedges this word itself ("the proposed landing site")
        if all(_hedged(q, i) for q, i in occ):
            hedged += 1
            said = said or occ[0][0].hedge[occ[0][1]]
        else:
            asserted += 1
    if value.strip().lower() in CERTAIN_VALUES and hedged and hedged >= asserted:
        return [f"{quoted(value.strip())} is not supported: the evidence says {quoted(said)}"]
    return []


def _claim_speakers(claim: str, context: Context, hard: list[str], soft: list[str]) -> None:
    """A claim that names its source ("Okafor says ...") against the cited sentences'
    speakers."""
    if not context.speakers:
        return
    for written in claim_speakers(claim):
        key = context.resolve(written)
        if key is None or context.attributes_to(key):
            continue
        who = context.name_of(context.speakers[0])
        if key in context.refers:  # named there, but not as the one who says it
            soft.append(
                f"the evidence gives this to {quoted(who)}, not clearly to {quoted(written)}"
            )
        else:
            hard.append(f"the evidence attributes this to {quoted(who)}, not to {quoted(written)}")
        return
