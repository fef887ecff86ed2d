"""Plain text: ``[1]`` citations, the quotes listed at the end; nothing is escaped (it is
never interpreted)."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.base.i18n import labels
from summarizer.formats import Format
from summarizer.formats._shared import (
    Citations,
    grounding_line,
    headline_unsure,
    plain,
    section_lines,
)
from summarizer.output.brief import Brief, Citation

__all__ = ["FORMAT", "brief_to_text"]


def brief_to_text(brief: Brief) -> str:
    notes = Citations()

    def cite(evidence: Sequence[Citation]) -> str:
        return " " + "".join(f"[{n}]" for n in notes.numbers(evidence))

    label = labels(brief.language)
    out = [plain(brief.headline), "=" * min(len(brief.headline), 78)]
    if headline_unsure(brief):
        out += [f"({label['not_established']})"]
    for key, entries in section_lines(brief, cite, plain).items():
        if entries:
            out += ["", f"{label[key]}:", *(f"  - {e}" for e in entries)]
    out += ["", f"{label['grounding']}: " + grounding_line(brief) + "."]
    if notes.order:
        out += ["", f"{label['sources']}:"]
        out += [f"  [{n}] “{plain(c.quote)}”" for n, c in enumerate(notes.order, 1)]
    return "\n".join(out) + "\n"


FORMAT = Format(
    name="text",
    suffix="txt",
    media_type="text/plain",
    render=brief_to_text,
    join="\n\n".join,
)
