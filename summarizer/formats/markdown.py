"""Markdown: footnoted citations (``[^1]``), the quotes listed at the end; several briefs
are separated by rules. Shown through rich when stdout is a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.base.i18n import labels
from summarizer.formats import Format
from summarizer.formats._shared import Citations, grounding_line, headline_unsure, section_lines
from summarizer.formats._shared import markdown_escape as _md
from summarizer.output.brief import Brief, Citation

__all__ = ["FORMAT", "brief_to_markdown"]


def brief_to_markdown(brief: Brief) -> str:
    notes = Citations()

    def cite(evidence: Sequence[Citation]) -> str:
        return "".join(f"[^{n}]" for n in notes.numbers(evidence))

    out = [f"# {_md(brief.headline)}", ""]
    if headline_unsure(brief):
        out += [f"*({_md(labels(brief.language)['not_established'])})*", ""]
    src = brief.source
    title = src.title if src.title != brief.headline else None  # the headline may be the title
    meta = [x for x in (title, src.site, src.published, src.url) if x]
    if meta:
        out += ["*" + " · ".join(_md(m) for m in meta) + "*", ""]
    label = labels(brief.language)
    if brief.method != "abstractive":
        out += [f"*{label['quoted_note']}*", ""]
    for key, entries in section_lines(brief, cite, _md).items():
        if entries:
            out += [f"## {label[key]}", "", *(f"- {e}" for e in entries), ""]
    out += [f"## {label['grounding']}", "", grounding_line(brief) + "."]
    out += [
        f"- dropped {d.kind} `{d.path}`: {_md('; '.join(d.reasons))}"
        for d in brief.grounding.dropped
    ]
    out += [
        "",
        f"<sub>{_md(brief.model)} via {_md(brief.backend)} · {brief.method} · prompts "
        f"{brief.prompt_version} · {brief.usage.total_tokens} tokens in "
        f"{brief.usage.requests} request(s) · {brief.attempts} answer(s) · "
        f"{brief.latency_s:.1f}s</sub>",
        "",
    ]
    out += [
        f"[^{n}]: “{_md(c.quote)}” (sentence {c.segment}, characters {c.start}–{c.end})"
        if c.segment is not None
        else f"[^{n}]: “{_md(c.quote)}” (characters {c.start}–{c.end})"
        for n, c in enumerate(notes.order, 1)
    ]
    return "\n".join(out) + "\n"


FORMAT = Format(
    name="markdown",
    suffix="md",
    media_type="text/markdown",
    render=brief_to_markdown,
    join="\n---\n\n".join,
    terminal=True,
)
