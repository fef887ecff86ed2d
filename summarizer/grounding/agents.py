"""Who does what: the agent of each of a claim's verbs against the agent in the evidence.

A claim can use only words its evidence uses and still say the opposite of it: "the
occupiers refused to meet Whitlock" for "Whitlock refused to meet the occupiers", or "Nair
called for the board to appear" when the sentence cited says Adeyemi did. For each verb of
the claim that the evidence also has (the same stem, or a WordNet synonym), the claim's
*agent* is the actor named just before it in the same clause (through auxiliaries and
catenatives: "has not yet agreed to", "plans to"), or after "by" in a passive; the
evidence's agent is found the same way among the cast's mentions of the cited segments,
pronouns and descriptions resolved. When the evidence gives that verb only to other
actors, the claim is contradicted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.cast.lexicon import GROUP_HEADS, ORG_HEADS, TITLES
from summarizer.grounding.context import Context
from summarizer.grounding.paraphrase import senses

__all__ = ["agent_mismatch"]

_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
_NAME = re.compile(
    r"(?<![\w'’-])[A-Z][\w'’\-]*(?:\s+(?:(?:of|for|de|van|von)\s+(?:the\s+)?)?[A-Z][\w'’\-]*)*"
)
# Words that may stand between a subject and its verb: auxiliaries, negation, adverbs and
# the catenatives that carry a stance ("refused to", "plans to", "has yet to").


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BRIDGE = _words(
    """has have had will would could may might must shall should can is are was were be been
    being do does did not never also still yet already now then later again to n't just
    formally publicly jointly reportedly previously repeatedly so far plans plan planned
    wants want wanted refused refuses declined declines agreed agrees hopes hoped expects
    expected intends intended threatened threatens promised promises vowed vows tried
    tries sought seeks failed fails offered offers says said"""
)
_BREAKS = _words(
    "and but or that which who whom whose while whereas although though because after "
    "before when where if unless since"
)
_PASSIVE = _words("is are was were be been being")
_STOP = _words(
    """the a an of to in on at for from by with as and or but that this these those it its
    their his her they he she we i you be is are was were been being has have had will
    would could may might must shall should can do does did not no said says say told
    also than then there here who which what when where"""
)
_DESCRIPTION = re.compile(r"\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s+(?:[\w'’\-]+\s+){0,2}?[\w\-]+\b")


@dataclass(frozen=True)
class _Token:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _stem(word: str) -> str:
    from summarizer.grounding.words import STEM, word_props

    return str(word_props("en", word.lower())[STEM])


def _between_ok(text: str, tokens: list[_Token], a: int, b: int) -> bool:
    """Whether the words between token ``a`` (exclusive) and ``b`` bridge a subject to its
    verb, with no clause break (punctuation other than an apostrophe) in between."""
    if b - a - 1 > 5:
        return False
    gap = text[tokens[a].end : tokens[b].start]
    if any(c in gap for c in ',;:()"“”—–'):
        return False
    return all(t.low in _BRIDGE or t.low.endswith("ly") for t in tokens[a + 1 : b])


def _agent_before(
    text: str, tokens: list[_Token], v: int, spans: list[tuple[int, int, str]]
) -> str | None:
    """The actor of the span that ends right before verb token ``v``, through bridge words;
    or, for a passive verb, the first actor after "by"."""
    if v >= 1 and tokens[v - 1].low in _PASSIVE or (v >= 2 and tokens[v - 2].low in _PASSIVE):
        for k in range(v + 1, min(v + 3, len(tokens))):
            if tokens[k].low == "by":
                after = [s for s in spans if s[0] >= tokens[k].end]
                if after and after[0][0] - tokens[k].end <= 60:
                    return after[0][2]
                return None
    best: str | None = None
    for _start, end, key in spans:
        if end > tokens[v].start:
            break
        # the token that ends the span
        last = max((i for i, t in enumerate(tokens) if t.end <= end), default=-1)
        if last >= 0 and _between_ok(text, tokens, last, v):
            best = key
    return best


def _claim_spans(claim: str, context: Context) -> list[tuple[int, int, str]]:
    out = []
    for m in _DESCRIPTION.finditer(claim):
        key = context.cast.describe(m.group())
        if key is not None:
            out.append((m.start(), m.end(), key))
    for m in _NAME.finditer(claim):
        name = m.group()
        words = name.split()
        # a sentence-initial common word is not part of the name ("The union")
        while words and words[0].lower() in _STOP:
            name = name[len(words[0]) :].lstrip()
            words = words[1:]
        if not words:
            continue
        key = context.resolve(name)
        if key is None and len(words) > 1:
            key = context.resolve(words[-1])
        if key is not None:
            start = m.end() - len(name)
            if not any(a <= start < b for a, b, _ in out):
                out.append((start, m.end(), key))
    return sorted(out)


def _verbs(tokens: list[_Token], spans: list[tuple[int, int, str]]) -> list[int]:
    """The claim's words that may be verbs: lower-case content words that are not a title or
    a body's head noun ("barrister Richard Osei", "the union")."""
    inside = {i for i, t in enumerate(tokens) for s, e, _ in spans if s <= t.start < e}
    return [
        i for i, t in enumerate(tokens)
        if i not in inside and t.low not in _STOP and t.low not in _BRIDGE and t.text.islower()
        and len(t.low) > 2 and t.low not in TITLES and t.low not in ORG_HEADS
        and t.low not in GROUP_HEADS
    ]  # fmt: skip


def agent_mismatch(claim: str, context: Context) -> str | None:
    """Why the claim gives one of its verbs to another actor than the evidence does, or
    None."""
    c_tokens = _tokens(claim)
    c_spans = _claim_spans(claim, context)
    if not c_spans:
        return None
    for v in _verbs(c_tokens, c_spans):
        if _compound(claim, c_tokens, v, c_spans):
            continue
        agent = _agent_before(claim, c_tokens, v, c_spans)
        if agent is None:
            swapped = _object_swap(claim, c_tokens, v, c_spans, context)
            if swapped:
                return swapped
            continue
        found = _evidence_agents(c_tokens[v].low, context)
        known = [a for a in found if a is not None]
        if not known or any(context.linked(agent, a) for a in known):
            continue
        if None in found:
            continue  # an occurrence whose agent the evidence leaves unclear
        verb = c_tokens[v].text
        return (
            f"{verb!r}: the evidence says {context.name_of(known[0])!r} did, "
            f"not {context.name_of(agent)!r}"
        )
    return None


def _compound(claim: str, tokens: list[_Token], v: int, spans: list[tuple[int, int, str]]) -> bool:
    """A noun in a name's compound ("the Skerry Bank wind farm"), not a verb: right after the
    name, in its base form, before another noun (a verb after a name would be "winds")."""
    after_name = any(
        e <= tokens[v].start and claim[e : tokens[v].start] == " " for _, e, _ in spans
    )
    nxt = tokens[v + 1] if v + 1 < len(tokens) else None
    base = not tokens[v].low.endswith(("s", "ed", "ing"))
    return after_name and base and nxt is not None and nxt.text.islower() and nxt.low not in _STOP


def _object_swap(
    claim: str,
    tokens: list[_Token],
    v: int,
    spans: list[tuple[int, int, str]],
    context: Context,
) -> str | None:
    """A verb whose agent the claim does not name but whose object is the one the evidence
    gives the verb to ("the occupiers declined to meet Whitlock" for "Whitlock declined to
    meet the occupiers")."""
    after = [s for s in spans if s[0] >= tokens[v].end]
    if not after or after[0][0] - tokens[v].end > 6:
        return None  # "meet Whitlock": the object right after the verb
    obj = after[0][2]
    found = _evidence_agents(tokens[v].low, context)
    known = [a for a in found if a is not None]
    if not found or len(known) < len(found) or not all(context.linked(obj, a) for a in known):
        return None
    verb = tokens[v].text
    return (
        f"{verb!r}: the evidence says {context.name_of(obj)!r} did it, not that it was done to them"
    )


def _evidence_agents(verb: str, context: Context) -> list[str | None]:
    """The agent of each occurrence of ``verb`` (or a WordNet synonym) in the cited
    segments; None where none is found."""
    stem = _stem(verb)
    wanted = senses(stem)
    out: list[str | None] = []
    for seg in context.segments:
        text = context.cast.view.texts.get(seg, "")
        tokens = _tokens(text)
        # names only: the reading of a pronoun or a description ("the company", "the
        # regulator") is too uncertain to contradict by; it stands as an unclear agent
        mentions = [m for m in context.cast.mentions.get(seg, []) if m.how != "pronoun"]
        same = context.cast.same_as
        spans = [
            (m.start, m.end, "" if m.how == "description" else same.get(m.actor, m.actor))
            for m in mentions
        ]
        for i, t in enumerate(tokens):
            s = _stem(t.low)
            if s != stem and not (wanted and senses(s) & wanted):
                continue
            if any(a <= t.start < b for a, b, _ in spans):
                continue
            out.append(_agent_before(text, tokens, i, spans) or None)
    return out
