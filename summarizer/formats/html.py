"""A self-contained HTML page per brief: no script (a Content-Security-Policy says so), each
citation's quote shown when hovered."""

from __future__ import annotations

import html
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

__all__ = ["FORMAT", "brief_to_html"]


_CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem}
sup a{text-decoration:none}ol.sources{font-size:.9em;color:#333}
.q{font-style:italic}:target{background:#ffe9a8}"""


def brief_to_html(brief: Brief) -> str:
    """A self-contained page: no script; each citation's quote shows when hovered."""
    notes = Citations()
    esc = html.escape

    def cite(evidence: Sequence[Citation]) -> str:
        marks = []
        for n in notes.numbers(evidence):
            quote = esc(plain(notes.order[n - 1].quote), quote=True)
            marks.append(f'<sup><a href="#c{n}" title="{quote}">[{n}]</a></sup>')
        return "".join(marks)

    label = labels(brief.language)
    sections = section_lines(brief, cite, lambda t: esc(plain(t)))
    body = [f"<h1>{esc(brief.headline)}</h1>"]
    if headline_unsure(brief):
        body.append(f"<p><em>({esc(label['not_established'])})</em></p>")
    src = brief.source
    meta = [esc(x) for x in (src.site, src.published) if x]
    if src.url:
        meta.append(f'<a href="{esc(src.url, quote=True)}" rel="noopener">{esc(src.url)}</a>')
    if meta:
        body.append(f"<p><small>{' · '.join(meta)}</small></p>")
    if brief.method != "abstractive":
        body.append(f"<p><em>{esc(label['quoted_note'])}</em></p>")
    for key, entries in sections.items():
        if entries:
            body.append(
                f"<h2>{esc(label[key])}</h2><ul>"
                + "".join(f"<li>{e}</li>" for e in entries)
                + "</ul>"
            )
    body.append(f"<p><small>{esc(grounding_line(brief))}.</small></p>")
    if notes.order:
        body.append(f'<h2>{esc(label["sources"])}</h2><ol class="sources">')
        body += [
            f'<li id="c{n}"><span class="q">“{esc(plain(c.quote))}”</span> '
            f"<small>(characters {c.start}–{c.end})</small></li>"
            for n, c in enumerate(notes.order, 1)
        ]
        body.append("</ol>")
    lang = brief.language or "en"
    rtl = ' dir="rtl"' if lang.split("-")[0] in ("ar", "he", "fa", "ur") else ""
    return (
        f'<!doctype html><html lang="{esc(lang)}"{rtl}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">'
        f"<title>{esc(brief.headline)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


FORMAT = Format(
    name="html",
    suffix="html",
    media_type="text/html",
    render=brief_to_html,
    join="\n".join,
)
