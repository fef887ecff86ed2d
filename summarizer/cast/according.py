"""Who a sentence is "according to": its source (*According to the trust, ...*, *...,
according to Varga*, *According to her, ...*), whose report the rest of the sentence is."""

from __future__ import annotations

import re

from summarizer.cast.registry import ActorRegistry
from summarizer.cast.types import SegmentLike

__all__ = ["LEAD_ACCORDING_RE", "TRAILING_ACCORDING_RE", "according", "according_pronoun"]

_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+(?:the\s+)?")
LEAD_ACCORDING_RE = re.compile(r"\W*According to [^,\"“”]{1,80},")
TRAILING_ACCORDING_RE = re.compile(r",\s+according to [^,\"“”]{1,80}[.!?]?$")


def according_pronoun(ex: ActorRegistry, text: str) -> str | None:
    """The person (or body) an "according to her / him / them" stands for."""
    m = re.search(r"\b[Aa]ccording to (her|him|them)\b", text)
    if m is None:
        return None
    return ex.last_plural if m.group(1) == "them" else ex.last_person


def according(ex: ActorRegistry, seg: SegmentLike) -> list[str]:
    """'According to X, ...' / '..., according to X': X is a speaker of the segment."""
    out: list[str] = []
    for m in _ACCORDING_RE.finditer(seg.text):
        if sum(seg.text.count(q, 0, m.start()) for q in '"“”') % 2:
            continue
        after = [n for n in ex.art.names[seg.id] if n.start == m.end()]
        if after:
            key = ex.resolve_name(after[0].text)
            if key is not None:
                out.append(key)
            continue
        # "According to the trust": a description of a body already named
        described = re.match(r"(the\s+\w+(?:\s+\w+)?)\b", seg.text[m.start() :][13:])
        phrase = re.match(r"[Aa]ccording to\s+(the\s+[a-z]+)\b", seg.text[m.start() :])
        key = ex.resolve_description(phrase.group(1), seg.id) if phrase else None
        if key is not None and described is not None:
            out.append(key)
    return out
