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
from summarizer.grounding.polarity import DETERMINERS, hedged, polarity
from summarizer.grounding.tally import Tally
from summarizer.grounding.text import Text
from summarizer.grounding.words import CAP, DAY, KEY, STEM, TOKSTOP, class_keys

__all__ = ["COVERAGE", "UNRELATED", "Tally", "check_words", "hedged"]

COVERAGE = 0.7
"""Share of the claim's content words that the evidence must contain (measured on
``benchmarks/faithfulness.py``)."""

UNRELATED = 0.5
"""Below this share of its content words covered, a claim is not about what it cites: it is
dropped, not shown as not established."""

_SHORT = 4  # a claim with this many content words or fewer must cover every heavy one


def _past(word: str) -> bool:
    low = word.lower()
    return len(low) >= 5 and low.endswith("ed") and not low.endswith(("eed", "need"))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DECIDED = _words(
    """approve approved approves agree agreed agrees adopt adopted adopts pass passed passes
    sign signed signs decide decided decides confirm confirmed confirms order ordered orders
    accept accepted accepts endorse endorsed endorses ratify ratified enact enacted award
    awarded settle settled settles"""
)
_PROPOSED = _words(
    """propose proposed proposes proposal plan plans planned consider considers considering
    want wants wanted seek seeks sought urge urged urges suggest suggested suggests"""
)


def _proposed_instead(c: Text, j: int, quotes: list[Text]) -> str:
    """A decision the claim states ("approved", "agreed") where the cited sentences only
    propose it ("has proposed cutting 14 routes"): a proposal is not a decision."""
    if c.low[j] not in _DECIDED or c.hedge[j] or c.neg[j]:
        return ""
    for q in quotes:
        said = next((q.text[i] for i, low in enumerate(q.low) if low in _PROPOSED), None)
        if said and not any(low in _DECIDED for low in q.low):
            return f"{quoted(c.text[j])} is not supported: the evidence says {quoted(said)}"
    return ""


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
                polarity(c, j, occ, tally)

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
        extra = list(dict.fromkeys(w for w in tally.uncovered if not w[:1].isupper()))
        if len(extra) >= 2:
            # a role is a few words of description: two the evidence does not have are a
            # detail of its own ("former deputy finance minister" for "former economist")
            listed = ", ".join(quoted(w) for w in extra)
            reasons.append(f"content words not covered by the evidence: {listed}")
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


def _about_else(c: Text, j: int, quotes: list[Text], opposite: tuple[Text, int]) -> bool:
    """Whether the evidence's antonym is about another thing than the claim's word: what
    follows the claim's word (its object: "raise prices") is in the evidence, but not next
    to the antonym ("reducing the number of national networks"; "keep emergency
    departments open" is next to it)."""
    end = min(j + 5, len(c.text))
    after = [c.props[k][KEY] for k in range(j + 1, end) if not c.props[k][TOKSTOP]][:2]
    if not after:
        return False
    q, i = opposite
    window = {q.props[k][KEY] for k in range(max(0, i - 4), min(i + 9, len(q.text))) if k != i}
    elsewhere = any(key in other.keys for key in after for other in quotes)
    return elsewhere and not any(key in window for key in after)


def _uncovered(c: Text, j: int, quotes: list[Text], is_name: bool, tally: Tally) -> None:
    """A claim word the evidence does not have: an antonym, a missing name, a near form."""
    # An antonym in the evidence: contradiction unless the polarity compensates.
    opposite: Occurrence | None = None
    for q in quotes:
        for k in class_keys()[1].get(c.props[j][KEY], ()):
            for i in q.keys.get(k, ()):
                opposite = (q, i)
    if opposite is not None and _about_else(c, j, quotes, opposite):
        opposite = None  # "raise prices" / "reducing the number of networks": another thing
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
        proposal = _proposed_instead(c, j, quotes)
        if proposal:
            tally.flag(proposal)
        elif found and found[1]:
            tally.flag(found[0])
        elif found:
            tally.reasons.append(found[0])
    tally.uncovered.append(text)
    cap = c.props[j][CAP]
    if not is_name and not cap and low not in LIGHT and c.props[j][KEY] not in LIGHT:
        tally.heavy.append(text)
        adjective = j > 0 and c.low[j - 1] in DETERMINERS  # "the disputed penalty"
        if _past(text) and not adjective:
            tally.acts.append(text)  # a verb the evidence does not use


_GENERIC_TITLES = frozenset({"member", "members", "representative"})
_ROLE_WORDS = frozenset(
    {"senior", "junior", "deputy", "acting", "interim", "former", "assistant", "associate",
     "vice", "executive", "principal", "lead", "founding", "co-founder", "founder"}
)  # fmt: skip
