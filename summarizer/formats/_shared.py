"""What the brief's renderers share: escaping, citation numbers, each section's lines.

Every item is followed by numbered citations; the quotes are listed once, at the end, with
their place in the article. Markdown uses footnotes (``[^1]``), HTML marks each citation so
that hovering shows the quote, text uses ``[1]``. An extractive item (the article's own
sentence standing as the item) is shown as a quotation, never as the model's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from summarizer.base.i18n import labels
from summarizer.output.brief import Brief, Citation

__all__ = [
    "Citations",
    "grounding_line",
    "headline_unsure",
    "markdown_escape",
    "plain",
    "section_lines",
]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def markdown_escape(text: str | None) -> str:
    """Article text inside Markdown: one line, no tags, links, emphasis or headings of its own."""
    if not text:
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("<", "&lt;").replace(">", "&gt;")


class Citations:
    """Numbers citations in order of first use; the same interval keeps its number."""

    def __init__(self) -> None:
        self.order: list[Citation] = []
        self._numbers: dict[tuple[int, int], int] = {}

    def numbers(self, evidence: Sequence[Citation]) -> list[int]:
        out = []
        for c in evidence:
            key = (c.start, c.end)
            if key not in self._numbers:
                self.order.append(c)
                self._numbers[key] = len(self.order)
            if self._numbers[key] not in out:
                out.append(self._numbers[key])
        return out


def _quoted(text: str, extractive: bool) -> str:
    return f"“{text}”" if extractive else text


def _names(brief: Brief) -> dict[str, str]:
    return {a.id: a.name for a in brief.actors}


def headline_unsure(brief: Brief) -> bool:
    """Whether the summary's sentences do not establish the headline (it is then marked)."""
    return brief.grounding.headline_support == "not_established"


def grounding_line(brief: Brief) -> str:
    g = brief.grounding
    unsure = (
        f"{g.claims_not_established} not established (shown marked); "
        if g.claims_not_established
        else ""
    )
    return (
        f"{g.claims_supported} of {g.claims_checked} claims supported by their evidence; "
        f"{unsure}{g.quotes_checked} citations checked ({g.quotes_dropped} not found); "
        f"{g.items_dropped} item(s) dropped"
    )


def section_lines(
    brief: Brief, cite: Callable[[Sequence[Citation]], str], esc: Callable[[str], str]
) -> dict[str, list[str]]:
    """Each section's entries as one line of text with its citation marks."""
    names = _names(brief)
    label = labels(brief.language)

    def who(ids: list[str]) -> str:
        return ", ".join(esc(names.get(i, i)) for i in ids) or "—"

    def mark(item: object) -> str:
        """An item the check could not establish says so, right after its citations."""
        unsure = getattr(item, "support", "supported") == "not_established"
        return f" ({esc(label['not_established'])})" if unsure else ""

    sections: dict[str, list[str]] = {}
    sections["summary"] = [
        f"{esc(_quoted(s.text, s.extractive))}{cite(s.evidence)}{mark(s)}" for s in brief.summary
    ]
    sections["actors"] = [
        f"{esc(a.name)} ({label[a.kind]}){': ' + esc(a.role) if a.role else ''}"
        f"{cite(a.evidence)}{mark(a)}"
        for a in brief.actors
    ]
    sections["positions"] = [  # an extractive stance speaks for itself: its topic is only
        # a salient word the program picked, not worth a reader's trust as a label
        f"{who([p.actor])}{'' if p.extractive else ' on ' + esc(p.topic)}: "
        f"{esc(_quoted(p.stance, p.extractive))}{cite(p.evidence)}{mark(p)}"
        for p in brief.positions
    ]
    sections["open_disputes"] = [
        f"{esc(d.issue)} ({d.status}) — "
        + "; ".join(f"{who(s.actors)}: {esc(s.claim)}" for s in d.sides)
        + cite(d.evidence)
        + mark(d)
        for d in brief.disputes
    ]
    sections["next_steps"] = [
        f"{esc(_quoted(n.action, n.extractive))} ({label[n.certainty]}"
        f"{', ' + esc(n.when) if n.when else ''}; {who(n.actors)}){cite(n.evidence)}{mark(n)}"
        for n in brief.next_steps
    ]
    return sections


def plain(text: str) -> str:
    return " ".join(text.split())
