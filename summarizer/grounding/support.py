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

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.grounding.agents import agent_mismatch
from summarizer.grounding.analysis import analyze, word_count
from summarizer.grounding.attribution import attribution_of, certainty, claim_sources
from summarizer.grounding.checks import (
    check_bounds,
    check_cjk,
    check_numbers_and_dates,
    name_parts,
    quoted,
)
from summarizer.grounding.context import Context
from summarizer.grounding.coverage import COVERAGE, check_words

__all__ = ["COVERAGE", "Support", "check_support", "evidence_is_substantive"]


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
        return _verdict(certainty(claim, subject or "", quotes, lang), [])

    hard: list[str] = []
    reasons: list[str] = []
    check_numbers_and_dates(c, quotes, hard, reasons)
    hard += check_bounds(c.raw, [q.raw for q in quotes])

    if c.cjk:
        hard += check_cjk(c, quotes)
        return _verdict(hard, reasons)

    if subject and subject.strip() and kind in ("stance", "position", "role", "side"):
        attribution_of(subject.strip(), claim, quotes, kind, context, hard, reasons)
    if context is not None and kind not in ("role", "when", "name"):
        claim_sources(claim, context, hard, reasons)
        swapped = agent_mismatch(claim, context)
        if swapped:
            hard.append(swapped)

    forms: frozenset[str] | None = None
    if kind == "role" and context is not None and subject:
        forms = context.forms_of_subject(subject)
    check_words(c, quotes, kind, reasons, hard, context, forms)
    return _verdict(hard, reasons)
