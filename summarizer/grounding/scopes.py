"""Negation and hedge scopes: which words of a text a negator or a hedge governs, run only
from each possible negator or hedge for as long as a scope is open (see :mod:`.analysis`)."""

from __future__ import annotations

from summarizer.grounding.lexicon import (
    ATTRIBUTIVE_HEDGES,
    CONDITIONALS,
    DETERMINERS,
    HEDGES_BEFORE_TO,
    NEGATORS,
    URGING_REACH,
)
from summarizer.grounding.text import Items, Text
from summarizer.grounding.words import (
    CAP,
    CLAIMHEDGE,
    CLAUSE,
    CONTENT,
    HEDGE,
    HEDGE_TO,
    LOW,
    NEGVERB,
    NEGVERB_TO,
    NOUNHEDGE,
    SYNTACTIC,
    URGE,
    Props,
)

__all__ = ["SCOPE", "scopes"]

SCOPE = 4  # content words a negator or hedge governs, within its clause

_EN_NEGATORS = NEGATORS["en"]
_QUOTE_MARKS = frozenset('"“”«»')
# "not yet", "has yet to", "neither has yet agreed": "yet" goes on with the clause
_NOT_A_BREAK_BEFORE_YET = NEGATORS["en"] | {"has", "have", "had", "is", "are", "was", "were"}


def scopes(out: Text, it: Items, claim: bool) -> None:
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
    if any(w in it.low for w in ("rather", "instead", "yet", "few", "out", "short")):
        # "rather than X", "instead of X" negate X; "has yet to X" denies X
        pairs = (
            ("rather", "than"), ("instead", "of"), ("has", "yet"), ("have", "yet"),
            ("rule", "out"), ("rules", "out"), ("ruled", "out"), ("ruling", "out"),
            ("short", "of"),
        )  # fmt: skip
        extra = [i for i in range(1, len(it.low)) if (it.low[i - 1], it.low[i]) in pairs]
        extra += [i for i, low in enumerate(it.low) if low == "few"]
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
            urges = out.props[j][URGE] and not out.props[j][HEDGE]
            if out.is_hedge[j] and low not in CONDITIONALS and not urges:
                by_clause.setdefault(clause, out.text[j])
        out.hedge = [h or by_clause.get(clauses[j], "") for j, h in enumerate(out.hedge)]


def _scope_run(out: Text, it: Items, lows: list[str], i: int, claim: bool) -> tuple[int, str]:
    """Run the scope state from item ``i`` (a trigger) until no scope is open; return the
    next item and the last claim-side hedge seen."""
    iword, props, initial = it.word, out.props, out.initial
    neg_left = neg_rank = hedge_left = hedge_rank = 0
    negcue = hedge = claim_hedged = ""
    neg_syntactic = neg_clause = urging = False  # urging: a hedge that opens at "to"/"for"
    aside_open = False  # a comma right after a negator opened an aside
    subject = False  # in the subject of a denied "that" clause
    end = len(it.low)
    while i < end:
        j = iword[i]
        if j < 0:
            # a comma right after the negator keeps it open ("denied, however, that"), unless
            # a participle follows: "rejected, saying ...", "denied it, arguing ..." is new
            after_negator = i > 0 and iword[i - 1] >= 0 and out.negator[iword[i - 1]]
            participle = after_negator and lows[i + 1].endswith("ing")  # "rejected, saying"
            # an aside right after the negator ("ruled out, for now, using"), closed once
            # ... or after a name: "National Track, not Westline, was responsible"
            named = i > 1 and iword[i - 1] >= 0 and props[iword[i - 1]][CAP] and neg_rank == 0
            comma = it.low[i] == "," and (after_negator or aside_open or named) and not participle
            aside_open = comma and after_negator
            opening = it.low[i] in _QUOTE_MARKS or comma
            if j == -2 and not (neg_left and neg_rank == 0 and opening):
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
        aside = low in _ASIDES and lows[i - 1] == "," and lows[i + 1] == "," and neg_rank == 0
        if (
            p[CLAUSE]
            and not (low == "yet" and i > 0 and lows[i - 1] in _NOT_A_BREAK_BEFORE_YET)
            and not (aside and neg_left)  # "He denied, however, that the company had tried"
        ):
            neg_left = hedge_left = 0
            neg_clause = urging = False
        elif neg_clause and (low == "or" or low == "nor"):
            neg_left, neg_rank = SCOPE, 0  # "not pass a budget or raise fares"
        elif low == "and" and neg_rank >= 1:
            neg_left = 0  # "was not independent and the average ... has not changed"
        nxt = lows[i + 1]
        prev = lows[i - 1] if i else ""
        contrast = (low == "than" and prev == "rather") or (low == "of" and prev == "instead")
        # "stopped short of rating the ward unsafe", "fell short of a majority"
        contrast = contrast or (low == "of" and prev == "short" and lows[i - 2] in _SHORT_OF)
        to_follows = bool(p[NEGVERB_TO]) and "to" in lows[i + 1 : i + 5]  # "little on its own to"
        to_follows = to_follows or (low == "yet" and nxt == "to" and prev in _HAS)  # has yet to
        few = (
            low in ("little", "few")
            and i + 1 < len(iword)
            and iword[i + 1] >= 0
            and bool(props[iword[i + 1]][CONTENT])
        )  # "little encouragement", "few details": none to speak of
        ruled_out = low == "out" and prev in ("rule", "rules", "ruled", "ruling")
        is_negator = p[SYNTACTIC] or p[NEGVERB] or to_follows or contrast or few or ruled_out
        is_hedge = _is_hedge(p, lows, i, it.possessive, claim)
        content = p[CONTENT] and not is_negator
        counts = content and not (p[CAP] and j not in initial) and not aside
        if subject and (
            p[CAP]
            or low in DETERMINERS
            or low in _ASIDES
            or lows[i - 1] in DETERMINERS
            or (i - 1) in it.possessive
        ):
            counts = False  # "denied that the board was ...": the clause's subject is not denied
        else:
            subject = False
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
        if is_negator and p[NEGVERB] and not to_follows and _passive(lows, i):
            is_negator = False  # "ballots were wrongly rejected because of ...": an act
        if is_negator:
            # A double negation ("not deny", "never failed to") cancels out.
            neg_left = 0 if (neg_left > 0 and neg_rank == 0) else SCOPE
            before = iword[i - 1] if i > 0 else -1
            verb_before = before >= 0 and (bool(props[before][CONTENT]) or prev in _DO)
            if low in _OBJECT_NEGATORS and verb_before and nxt != "to":
                neg_left = 0  # "owes nothing and has agreed": it denies what comes before
            neg_rank = 0
            negcue = out.text[j]
            # "declined to suspend", "did little to ease": the verb itself is negated
            neg_syntactic = p[SYNTACTIC] or contrast or to_follows or few or ruled_out
            # "denied that the company had tried": the clause itself is denied
            clause_denied = bool(p[NEGVERB]) and _that_clause(lows, i)
            neg_syntactic = neg_syntactic or clause_denied
            subject = clause_denied
            neg_clause = True
        if urging and low in ("to", "for"):
            urging, hedge_left, hedge_rank = False, SCOPE + 1, 0  # "asked the agency to step in"
        if is_hedge:
            hedge = out.text[j] if low not in HEDGES_BEFORE_TO else f"{out.text[j]} {nxt}"
            if p[URGE] and not p[HEDGE]:
                urging = True  # what is urged is hedged, not whom: it opens at "to"/"for"
            elif low in ATTRIBUTIVE_HEDGES and i > 0 and lows[i - 1] in DETERMINERS:
                hedge_left, hedge_rank = 1, 0  # "the proposed pipeline": the pipeline only
            elif low in _PREDICATIVE and i > 0 and lows[i - 1] in _BE and nxt != "to":
                hedge_left = 0  # "whether a cut was likely at the next meeting": the cut
            else:
                hedge_left, hedge_rank = SCOPE + 1, 0
            if claim and low not in CONDITIONALS:
                claim_hedged = hedge
        i += 1
        if not (neg_left or hedge_left or neg_clause or urging):
            break
    return i, claim_hedged


_ASIDES = frozenset({"however", "though"})


def _that_clause(lows: list[str], i: int) -> bool:
    """Whether a "that" clause follows the verb at ``i`` ("denied that the company ...",
    "denied, however, that it ..."), not "that" as a determiner ("rejected that estimate")."""
    nxt = lows[i + 1 : i + 6]
    if nxt[:3] == [",", nxt[1], ","] and nxt[1] in _ASIDES:
        nxt = nxt[3:]
    return nxt[:1] == ["that"] and len(nxt) > 1 and nxt[1] in _CLAUSE_OPENERS


_CLAUSE_OPENERS = frozenset(
    {"the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "its", "his", "her",
     "their", "this", "these", "those", "there", "any", "no", "some", "all"}
)  # fmt: skip


def _passive(lows: list[str], i: int) -> bool:
    """Whether the verb at ``i`` is a passive participle ("were rejected", "had been
    wrongly rejected"): what follows it is not what was denied."""
    before = lows[i - 1] if i else ""
    if before.endswith("ly") and i > 1:
        before = lows[i - 2]
    return before in _BE


_SHORT_OF = frozenset(
    {"stop", "stops", "stopped", "stopping", "fell", "fall", "falls", "falling", "fallen"}
)
_OBJECT_NEGATORS = frozenset({"nothing", "none", "nobody", "noone"})
_HAS = frozenset({"has", "have", "had", "is", "are", "was", "were"})
_DO = frozenset({"do", "does", "did", "doing", "done"})
_PREDICATIVE = frozenset({"likely", "unlikely", "possible", "expected", "probable"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "seems", "seemed"})
_NOT_URGED = frozenset(
    {"that", "whether", "if", "how", "why", "what", "he", "she", "they", "we", "i", "it",
     "would", "will", "could", "should", "had", "has", "was", "were"}
)  # fmt: skip
_OPENING = frozenset({".", "!", "?", ":", '"', "“", "”", "(", "--"})


def _urged(window: list[str]) -> bool:
    """Whether "to"/"for" follows an urging verb as what it urges ("told the union to
    accept"), not after a reported clause ("told MPs that Westline had failed to")."""
    for k, w in enumerate(window):
        if w in _NOT_URGED:
            return False  # "told reporters she would not try to": a report, not an order
        if w == "for" or (w == "to" and (window[k + 1 : k + 2] or [""])[0] not in DETERMINERS):
            return True  # "asked them to meet", not "called both sides to a first session"
    return False


def _is_hedge(p: Props, lows: list[str], i: int, possessive: set[int], claim: bool) -> bool:
    """Whether the word at item ``i`` (properties ``p``) is a hedge in its context."""
    urging, hedge_word, hedge_to = p[URGE], p[HEDGE], p[HEDGE_TO]
    claim_hedge = claim and p[CLAIMHEDGE]
    if not (hedge_word or hedge_to or urging or claim_hedge):
        return False
    if p[LOW] == "may" and p[CAP] and i > 0 and lows[i - 1] not in _OPENING:
        return False  # "in May", "on 5 May": the month
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
