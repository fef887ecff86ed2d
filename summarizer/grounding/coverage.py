"""The word-by-word pass of the claim-support check: names, negation, modality and coverage
of each content word of a claim against the evidence (see :mod:`.support`)."""

from __future__ import annotations

from summarizer.cast.lexicon import TITLES as ROLE_TITLES
from summarizer.grounding.analysis import analyze
from summarizer.grounding.checks import certainty_word, quoted
from summarizer.grounding.context import Context
from summarizer.grounding.lexicon import LIGHT
from summarizer.grounding.matching import (
    Occurrence,
    Occurrences,
    has_initials,
    is_name,
    occurrences,
    synonyms,
    uncovered_word,
)
from summarizer.grounding.text import Text
from summarizer.grounding.words import CAP, CONTENT, DAY, KEY, STEM, TOKSTOP, class_keys

__all__ = ["COVERAGE", "UNRELATED", "check_words", "hedged"]

COVERAGE = 0.7
"""Share of the claim's content words that the evidence must contain (measured on
``benchmarks/faithfulness.py``)."""

UNRELATED = 0.5
"""Below this share of its content words covered, a claim is not about what it cites: it is
dropped, not shown as not established."""

_SHORT = 4  # a claim with this many content words or fewer must cover every heavy one


class Tally:
    """What the word-by-word pass has found so far."""

    __slots__ = (
        "reasons", "hard", "uncovered", "heavy", "acts", "covered", "flagged", "context",
        "forms", "anywhere", "stance", "issue", "action", "hedged", "role",
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
        self.stance = False  # the claim is a position's stance or a dispute side's claim
        self.issue = False  # the claim is what a dispute is about
        self.action = False  # the claim is a next step's action
        self.hedged: list[str] = []  # claim words the evidence only hedges
        self.role = False  # the claim is an actor's role
        self.covered = 0
        self.flagged = False

    def flag(self, reason: str) -> None:
        self.hard.append(reason)
        self.flagged = True


def _past(word: str) -> bool:
    low = word.lower()
    return len(low) >= 5 and low.endswith("ed") and not low.endswith(("eed", "need"))


def _said_nearby(c: Text, j: int, context: Context) -> bool:
    key, stem = c.props[j][KEY], c.props[j][STEM]
    for raw in context.nearby:
        near = analyze(raw, "en", False)
        if occurrences(key, stem, near, name=False):
            return True
    return False


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


def check_words(
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
    tally = Tally(reasons, hard, context)
    tally.forms = context_forms or frozenset()
    tally.anywhere = kind in ("issue", "headline")
    tally.stance = kind in ("stance", "side", "position")
    tally.issue = kind == "issue"
    tally.action = kind == "hedged_action"
    tally.role = kind == "role"
    for j in words:
        name = is_name(c, j, title_case)
        key, stem = c.props[j][KEY], c.props[j][STEM]
        occ: Occurrences = []
        for q in quotes:
            found = occurrences(key, stem, q, name=name)
            if found:
                occ.append((q, found))
        if not occ and not name and not c.props[j][CAP]:
            for q in quotes:
                found = synonyms(c, j, q)
                if found:
                    occ.append((q, found))
            near = uncovered_word(c, j, quotes) if occ else None
            if near and not near[0].endswith("does not say so"):
                # a synonym elsewhere, and a near form here ("end" for "extend"): the
                # near form is what the claim changed
                tally.reasons.append(near[0])
        if (
            not occ
            and name
            and c.text[j].isupper()
            and any(has_initials(q, c.low[j]) for q in quotes)
        ):
            tally.covered += 1
        elif not occ:
            _uncovered(c, j, quotes, name, tally)
        else:
            tally.covered += 1
            # what a dispute is about asserts neither side: no polarity to check there
            if not (name or c.props[j][CAP] or tally.flagged or tally.issue):
                _polarity(c, j, occ, tally)

    if tally.hedged and not tally.flagged:
        # A claim that asserts what the evidence only proposes: two or more of its words
        # hedged there (or a third of what it covers) is a contradiction; a single one may
        # be a word the hedge does not really govern, so it is only not established.
        if len(tally.hedged) >= 2 or 3 * len(tally.hedged) >= max(tally.covered, 1):
            tally.flag(tally.hedged[0])
        else:
            reasons.append(tally.hedged[0])
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


def _uncovered(c: Text, j: int, quotes: list[Text], is_name: bool, tally: Tally) -> None:
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
        denied = (
            bool(q.neg[i])
            or (i + 1 < len(q.low) and q.low[i + 1] in ("no", "none"))
            or any(q.negator[k] for k in range(max(0, i - 2), i))  # "not have" ("have": stop)
        )
        if bool(c.neg[j]) == denied:  # "lack" is "have no"
            if not tally.flagged and not tally.issue:
                tally.flag(
                    f"{quoted(certainty_word(c, j))} is not supported: "
                    f"the evidence says {quoted(q.text[i])}"
                )
        else:
            tally.covered += 1
        return
    text, low = c.text[j], c.low[j]
    context = tally.context
    if not is_name and not c.props[j][CAP] and context is not None and _said_nearby(c, j, context):
        tally.covered += 1  # a word of the sentence next to the cited one, same paragraph
        return
    others = context is not None and not tally.role and low in context.words
    if others or low in tally.forms:
        # a word for an actor the cited sentences refer to ("Governor Ana Ruiz" for "she",
        # "the university" for the body "its vice-chancellor" speaks for); a role may use
        # only its own actor's words (not the title of another person in the sentence)
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
        found = uncovered_word(c, j, quotes)
        if found and found[1]:
            tally.flag(found[0])
        elif found:
            tally.reasons.append(found[0])
    tally.uncovered.append(text)
    cap = c.props[j][CAP]
    if not is_name and not cap and low not in LIGHT and c.props[j][KEY] not in LIGHT:
        tally.heavy.append(text)
        adjective = j > 0 and c.low[j - 1] in _DETERMINERS  # "the disputed penalty"
        if _past(text) and not adjective:
            tally.acts.append(text)  # a verb the evidence does not use


def _polarity(c: Text, j: int, occ: Occurrences, tally: Tally) -> None:
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
        and not _negated_after(c, j)
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
    ):
        # held until the pass ends: one hedged word is not established, more contradict
        tally.hedged.append(
            f"{quoted(certainty_word(c, j))} is not supported: "
            f"the evidence says {quoted(q0.hedge[i0])}"
        )


_DETERMINER_NEGATORS = frozenset({"no", "without", "none", "nobody", "nothing", "neither"})
_HEAD_NEGATORS = frozenset({"not", "n't", "never", "cannot", "no", "without", "than", "of"})
_LIGHT_VERBS = frozenset(
    {"give", "gave", "given", "make", "made", "take", "took", "offer", "offered", "provide",
     "provided", "reach", "reached", "grant", "granted", "issue", "issued", "set"}
)  # fmt: skip
_GENERIC_TITLES = frozenset({"member", "members", "representative"})
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


_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that", "these"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
_REPORTING = _words(
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
    return any(c.low[k] in _REPORTING for k in range(j))


def _gerund(c: Text, j: int) -> bool:
    """A claim word in -ing that no form of "be" makes a verb, or its object: it names an
    act, asserts none ("says taking the case to court would only delay a solution")."""
    for k in range(max(0, j - 3), j + 1):
        # a gerund that opens its clause or follows a verb of saying ("says taking the case
        # to court ..."), not the object of a deed ("approved cutting 14 routes")
        opens = k == 0 or c.low[k - 1] in _REPORTING or c.text[k - 1] in (",", ";", ":")
        if c.low[k].endswith("ing") and len(c.low[k]) > 4 and opens:
            return True
    return False


def hedged(q: Text, i: int) -> bool:
    return bool(q.hedge[i]) and (q.is_hedge[i] or 0 < q.hedge_rank[i] <= _HEDGE_REACH)


_HEDGE_REACH = 2


def _negated_after(c: Text, j: int) -> bool:
    """A claim word negated by what follows it: "taking nothing", "said none"."""
    return j + 1 < len(c.low) and c.low[j + 1] in ("nothing", "none", "nobody")
