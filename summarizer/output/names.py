"""Who is the same actor, and which quote is which: the identity keys briefs are matched by.

One normaliser for the two places that match actors across briefs: merging the partial
briefs of one long article's chunks (:mod:`summarizer.longform.merge`) and grouping the
briefs of many articles into digest stories (:mod:`summarizer.digest.stories`). Both call
:func:`aliases`, so a chunk merge and a story never disagree about who is the same actor.

The rules: names are compared folded (no case, accents, punctuation or possessive ``'s``)
and without leading titles ("Minister", "Dr", "the"); a one-word name is the longer name
it is the surname of (both persons) or, written in capitals, the acronym of, but only when
exactly one such longer name is known ("Smith" stays apart from Anna and John Smith).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeAlias

from summarizer.output.brief import Citation

__all__ = [
    "Evidence",
    "acronym",
    "aliases",
    "fold",
    "name_key",
    "name_tokens",
    "quote_of",
    "surname",
]

Evidence: TypeAlias = Citation
"""One entry of a brief's ``evidence`` list: a citation (quote and character offsets)."""


def quote_of(evidence: Evidence) -> str:
    """The quoted text of one evidence entry: the one place that knows the entry's shape."""
    return evidence.quote


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    "the mr mrs ms miss dr prof sir dame lord lady president vice prime minister senator "
    "sen rep gov governor mayor judge justice gen general col colonel capt captain "
    "chancellor secretary chief ceo chair chairman chairwoman king queen prince princess "
    "pope rev st saint"
)
"""Words dropped from the front of a name ("Minister Maria Okafor" is "maria okafor")."""

ACRONYM_STOP = _words("of the and for in on at to a an de la le")
"""Words an acronym skips ("Bank of England" is "be")."""

PERSONISH = frozenset({"person", "other"})
"""Actor kinds a lone surname may stand for."""

_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"['’]s\b")


def fold(text: str) -> str:
    """Lower case, no accents, no possessive ``'s``, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def name_tokens(name: str) -> list[str]:
    """The words of a name, folded, leading titles dropped (one word always stays)."""
    tokens = fold(name).split() or [name.casefold().strip() or "?"]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return tokens


def name_key(name: str) -> str:
    """The key actors are matched by: ``" ".join(name_tokens(name))``."""
    return " ".join(name_tokens(name))


def surname(key: str) -> str:
    """The last word of a name key."""
    return key.rsplit(" ", 1)[-1]


def acronym(key: str) -> str:
    """The initials of a name key's words, small words skipped."""
    return "".join(t[0] for t in key.split() if t not in ACRONYM_STOP)


def _best(mentions: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """For each key, its fullest mention ``(name, kind)``: most words, then longest name."""
    best: dict[str, tuple[str, str]] = {}
    for name, kind in mentions:
        key = name_key(name)
        held = best.get(key)
        if held is None or (len(name_tokens(name)), len(name)) > (
            len(name_tokens(held[0])),
            len(held[0]),
        ):
            best[key] = (name, kind)
    return best


def aliases(mentions: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each one-word key to the one longer key it stands for.

    ``mentions`` are ``(name, kind)`` pairs in the order met; a key's kind is that of its
    fullest mention. Keys that stand for nobody else, or for more than one, are left out.
    """
    best = _best(mentions)
    longer = [k for k in best if " " in k]
    out: dict[str, str] = {}
    for key, (name, kind) in best.items():
        if " " in key:
            continue
        matches: list[str] = []
        if kind in PERSONISH:
            matches = [k for k in longer if best[k][1] in PERSONISH and surname(k) == key]
        raw = name.strip()
        if not matches and raw.isupper() and len(raw) >= 2:
            matches = [k for k in longer if acronym(k) == key]
        if len(matches) == 1:
            out[key] = matches[0]
    return out
