"""Negation and modality of a claim word the evidence has: the claim's polarity against
the evidence's, hedges where they govern (see :mod:`.coverage`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.grounding.checks import certainty_word, quoted
from summarizer.grounding.lexicon import CONDITIONALS
from summarizer.grounding.matching import Occurrences
from summarizer.grounding.text import Text
from summarizer.grounding.words import CONTENT

if TYPE_CHECKING:
    from summarizer.grounding.tally import Tally

__all__ = ["BE", "DETERMINERS", "REPORTING", "hedged", "negated_after", "polarity"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def polarity(c: Text, j: int, occ: Occurrences, tally: Tally) -> None:
    """Negation and modality of a covered claim word against its occurrences."""
    # Negation: the claim's negated head word must be negated in the evidence; a word the
    # evidence only ever negates (not, no, never, without) must not be asserted.
    q0, i0 = occ[0][0], occ[0][1][0]
    if c.neg[j] == 1 and not any(q.neg[i] or q.negator[i] for q, found in occ for i in found):
        why = (
            f"{quoted(c.negcue[j] + ' ' + c.text[j])} is not supported: "
            f"the evidence says {quoted(q0.text[i0])}"
        )
        determiner = c.negcue[j].lower() in ("no", "none", "nobody", "neither")
        if determiner and any(True in q.negator for q, _ in occ):
            pass  # "no pilot has been forced" is "pilots have not been forced"
        elif c.syntactic[j]:
            tally.flag(why)  # "did not agree" for "agreed"
        else:
            tally.reasons.append(why)  # "rejects the demand": the evidence may say so otherwise
    elif _modal_contrast(c, j, occ):
        tally.flag(_modal_contrast(c, j, occ))
    elif tally.action and "will" not in c.low and "shall" not in c.low:
        return  # a step the item itself calls proposed or possible: its words need no "will"
    elif (
        not c.neg[j]
        and not negated_after(c, j)
        and all(_only_negated(c, j, q, i) for q, found in occ for i in found)
    ):
        tally.flag(
            f"{quoted(certainty_word(c, j))} is not supported: "
            f"the evidence says {quoted(q0.negcue[i0] + ' ' + q0.text[i0])}"
        )
    # Modality: asserted in the claim, only hedged in the evidence, where the hedge governs
    # it (the verb after "could", and its object; not every word of the clause).
    elif (
        not c.hedge[j]
        and not _gerund(c, j)
        and all(hedged(q, i) for q, found in occ for i in found)
        and not (tally.stance and all(_stance_hedge(q, i) for q, found in occ for i in found))
        and not (_reported(c, j) and all(_belief(q, i) for q, found in occ for i in found))
        and not _thing_for_act(c, j, occ)
        and not _same_condition(c, occ)
    ):
        # held until the pass ends: one hedged word is not established, more contradict
        tally.hedged.append(
            f"{quoted(certainty_word(c, j))} is not supported: "
            f"the evidence says {quoted(q0.hedge[i0])}"
        )


def _same_condition(c: Text, occ: list[tuple[Text, list[int]]]) -> bool:
    """Whether every occurrence is hedged by a condition ("If members back a walkout") the
    claim states too ("... if members back a walkout"): the claim is as conditional."""
    conditions = {w for w in c.low if w in CONDITIONALS}
    return bool(conditions) and all(
        q.hedge[i].lower() in conditions for q, found in occ for i in found
    )


_DETERMINER_NEGATORS = frozenset({"no", "without", "none", "nobody", "nothing", "neither"})
_HEAD_NEGATORS = frozenset({"not", "n't", "never", "cannot", "no", "without", "than", "of"})
_LIGHT_VERBS = frozenset(
    {"give", "gave", "given", "make", "made", "take", "took", "offer", "offered", "provide",
     "provided", "reach", "reached", "grant", "granted", "issue", "issued", "set"}
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
    if cue in _VERB_NEGATORS and q.neg[i] > 1 and not light_before and _verb_before(q, i):
        # "would not intervene in the dispute" denies intervening, not that a dispute exists
        return False
    # not when the claim's word modifies the next one ("job guarantee")
    return not (cue in _DETERMINER_NEGATORS and j + 1 < len(c.props) and c.props[j + 1][CONTENT])


_VERB_NEGATORS = frozenset({"not", "n't", "never", "cannot"})


def _verb_before(q: Text, i: int) -> bool:
    """Whether ``i`` is the object of a preposition after the verb the negator denies
    ("would not intervene in the dispute"); a direct object stays denied ("would not back a
    strike")."""
    heads = [k for k in range(max(0, i - 4), i) if q.neg[k] == 1 and q.props[k][CONTENT]]
    if not heads or q.low[heads[0]].endswith("ly"):
        return False
    return any(q.low[k] in _PREPOSITIONS for k in range(heads[0] + 1, i))


_PREPOSITIONS = frozenset({"in", "on", "into", "over", "about", "with", "at", "from", "for"})


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


BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that", "these"})


# What a position or a dispute side *is*: a demand, a want, a proposal, a belief. Under these
# the evidence states the stance, not a fact the stance would need ("the pilots' union is
# demanding a 9 percent raise" states the side "a 9 percent raise").
_STANCE_HEDGES = _words(
    """want wants wanted wanting demand demands demanded demanding seek seeks sought seeking
    propose proposes proposed proposing urge urges urged urging call calls called ask asks
    asked offer offers offered offering believe believes believed hope hopes hoped expect
    expects expected fear fears feared pledge pledges pledged promise promises promised
    plan plans planned planning insist insists insisted argue argues argued say says
    said suggest suggests suggested accuse accuses accused allege alleges alleged suspect
    suspects suspected think thinks thought claim claims claimed"""
)
# What a claim that reports someone's words ("says the decision ignores ...") may rest on.
_BELIEF = _words(
    """believe believes believed think thinks thought allege alleges alleged claim claims
    claimed suspect suspects suspected accuse accuses accused argue argues argued insist
    insists insisted fear fears feared"""
)
REPORTING = _words(
    """saying arguing claiming insisting warning adding maintaining accusing
    says said say argues argued claims claimed believes believed insists insisted
    maintains maintained contends contended alleges alleged accuses accused warns warned
    thinks thought"""
)


def _hedge_word(q: Text, i: int) -> str:
    return (q.hedge[i] or "").split()[0].lower() if q.hedge[i] else ""


def _stance_hedge(q: Text, i: int) -> bool:
    return _hedge_word(q, i) in _STANCE_HEDGES


def _belief(q: Text, i: int) -> bool:
    return _hedge_word(q, i) in _BELIEF


def _reported(c: Text, j: int) -> bool:
    """Whether the claim reports this word as someone's words ("X says ... ")."""
    return any(c.low[k] in REPORTING for k in range(j))


def _gerund(c: Text, j: int) -> bool:
    """A claim word in -ing that no form of "be" makes a verb, or its object: it names an
    act, asserts none ("says taking the case to court would only delay a solution")."""
    for k in range(max(0, j - 3), j + 1):
        # a gerund that opens its clause or follows a verb of saying ("says taking the case
        # to court ..."), not the object of a deed ("approved cutting 14 routes")
        opens = k == 0 or c.low[k - 1] in REPORTING or c.text[k - 1] in (",", ";", ":")
        if c.low[k].endswith("ing") and len(c.low[k]) > 4 and opens:
            return True
    return False


def _thing_for_act(c: Text, j: int, occ: Occurrences) -> bool:
    """A claim's noun ("half of the cost") where the evidence hedges the verb ("expected to
    cost £18.6 million"): the claim asserts no act."""
    nominal = j > 0 and c.low[j - 1] in DETERMINERS
    return nominal and all(i > 0 and q.low[i - 1] == "to" for q, found in occ for i in found)


def hedged(q: Text, i: int) -> bool:
    return bool(q.hedge[i]) and (q.is_hedge[i] or 0 < q.hedge_rank[i] <= _HEDGE_REACH)


_HEDGE_REACH = 2


def negated_after(c: Text, j: int) -> bool:
    """A claim word negated by what follows it: "taking nothing", "said none"."""
    return j + 1 < len(c.low) and c.low[j + 1] in ("nothing", "none", "nobody")
