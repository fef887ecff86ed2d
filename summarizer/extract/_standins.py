"""Stand-ins for ``summarizer.grounding.segments`` and ``summarizer.grounding.support``.

Used only while those modules cannot be imported (they are being written, or a dependency
of theirs is missing). Same names, same shapes, simpler rules: a sentence splitter on
final punctuation and line breaks, and a support check that wants the claim's numbers,
names and most of its content words in the evidence.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Segment", "Support", "check_support", "resolve", "segment"]


@dataclass(frozen=True, slots=True)
class Segment:
    id: int
    start: int
    end: int
    text: str


_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)"
    r"[.!?]['\"’”)]*(?=\s+['\"‘“(]?[A-Z0-9])"
)


def segment(text: str, language: str | None = None) -> list[Segment]:
    """Sentences and punctuation-less lines, numbered from 1, ``text[start:end] == text``."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _SENTENCE_END.finditer(line.group()):
            spans.append((start, line.start() + m.end()))
            start = line.start() + m.end()
        spans.append((start, line.end()))
    out: list[Segment] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append(Segment(len(out) + 1, s, e, text[s:e]))
    return out


@dataclass(frozen=True)
class Support:
    supported: bool
    reasons: list[str] = field(default_factory=list)


_WORD = re.compile(r"[^\W_][\w'’\-]*")
_STOP = frozenset(
    re.findall(
        r"\S+",
        """a an the and or but of in on at to for from by with as that this it its is are was were
    be been has have had will would not no said says""",
    )
)


def _stem(word: str) -> str:
    w = word.lower().strip("'’-.")
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 3:
            return w[: -len(suffix)]
    return w


def check_support(
    claim: str,
    evidence: str | Sequence[str],
    *,
    kind: str = "claim",
    language: str = "en",
    subject: str | None = None,
) -> Support:
    """Whether ``evidence`` supports ``claim`` (a deliberately simple stand-in)."""
    texts = [evidence] if isinstance(evidence, str) else list(evidence)
    joined = " ".join(texts)
    low = joined.lower()
    reasons: list[str] = []
    if not claim.strip():
        return Support(True, []) if kind == "role" else Support(False, ["empty claim"])
    for number in re.findall(r"\d[\d,.]*", claim):
        if number.strip(".,") not in joined:
            reasons.append(f"number {number!r} not in the evidence")
    words = _WORD.findall(claim)
    for i, w in enumerate(words):
        if i and w[0].isupper() and w.lower() not in low:
            reasons.append(f"name {w!r} not in the evidence")
    content = {_stem(w) for w in words if w.lower() not in _STOP and len(w) > 2}
    have = {_stem(w) for w in _WORD.findall(joined)}
    missing = sorted(content - have)
    if content and len(missing) > 0.25 * len(content):
        reasons.append(f"words not in the evidence: {', '.join(missing[:6])}")
    if subject:
        parts = [p for p in re.split(r"\s+", subject.lower()) if p not in _STOP and len(p) > 1]
        if parts and not any(re.search(rf"\b{re.escape(p)}\b", low) for p in parts):
            reasons.append(f"the evidence does not name {subject!r}")
    return Support(not reasons, reasons)


SegmentFn = Callable[[str], Sequence[Any]]
SupportFn = Callable[..., Any]


def resolve() -> tuple[SegmentFn, SupportFn]:
    """The project's ``segment`` and ``check_support`` when importable, else these."""
    seg: SegmentFn = segment
    sup: SupportFn = check_support
    with contextlib.suppress(ImportError):
        seg = importlib.import_module("summarizer.grounding.segments").segment
    with contextlib.suppress(ImportError):
        sup = importlib.import_module("summarizer.grounding.support").check_support
    return seg, sup
