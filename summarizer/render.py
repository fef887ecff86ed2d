"""Renderers for a brief: Markdown, plain text and HTML (JSON is the model's own dump).

Every item is followed by numbered citations; the quotes are listed once, at the end, with
their place in the article. Markdown uses footnotes (``[^1]``), HTML marks each citation so
that hovering shows the quote, text uses ``[1]``. An extractive item (the article's own
sentence standing as the item) is shown as a quotation, never as the model's words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from summarizer.brief import Brief, Citation
from summarizer.i18n import labels

__all__ = ["brief_to_html", "brief_to_markdown", "brief_to_text", "markdown_escape"]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def markdown_escape(text: str | None) -> str:
    """Article text inside Markdown: one line, no tags, links, emphasis or headings of its own."""
    if not text:
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("<", "&lt;").replace(">", "&gt;")


_md = markdown_escape


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


def _headline_unsure(brief: Brief) -> bool:
    return getattr(brief.grounding, "headline_support", "supported") == "not_established"


def _grounding_line(brief: Brief) -> str:
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


def _lines(
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


def brief_to_markdown(brief: Brief) -> str:
    notes = Citations()

    def cite(evidence: Sequence[Citation]) -> str:
        return "".join(f"[^{n}]" for n in notes.numbers(evidence))

    out = [f"# {_md(brief.headline)}", ""]
    if _headline_unsure(brief):
        out += [f"*({_md(labels(brief.language)['not_established'])})*", ""]
    src = brief.source
    title = src.title if src.title != brief.headline else None  # the headline may be the title
    meta = [x for x in (title, src.site, src.published, src.url) if x]
    if meta:
        out += ["*" + " · ".join(_md(m) for m in meta) + "*", ""]
    label = labels(brief.language)
    if brief.method != "abstractive":
        out += [f"*{label['quoted_note']}*", ""]
    for key, entries in _lines(brief, cite, _md).items():
        if entries:
            out += [f"## {label[key]}", "", *(f"- {e}" for e in entries), ""]
    out += [f"## {label['grounding']}", "", _grounding_line(brief) + "."]
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


def _plain(text: str) -> str:
    return " ".join(text.split())


def brief_to_text(brief: Brief) -> str:
    notes = Citations()

    def cite(evidence: Sequence[Citation]) -> str:
        return " " + "".join(f"[{n}]" for n in notes.numbers(evidence))

    label = labels(brief.language)
    out = [_plain(brief.headline), "=" * min(len(brief.headline), 78)]
    if _headline_unsure(brief):
        out += [f"({label['not_established']})"]
    for key, entries in _lines(brief, cite, _plain).items():
        if entries:
            out += ["", f"{label[key]}:", *(f"  - {e}" for e in entries)]
    out += ["", f"{label['grounding']}: " + _grounding_line(brief) + "."]
    if notes.order:
        out += ["", f"{label['sources']}:"]
        out += [f"  [{n}] “{_plain(c.quote)}”" for n, c in enumerate(notes.order, 1)]
    return "\n".join(out) + "\n"


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
            quote = esc(_plain(notes.order[n - 1].quote), quote=True)
            marks.append(f'<sup><a href="#c{n}" title="{quote}">[{n}]</a></sup>')
        return "".join(marks)

    label = labels(brief.language)
    sections = _lines(brief, cite, lambda t: esc(_plain(t)))
    body = [f"<h1>{esc(brief.headline)}</h1>"]
    if _headline_unsure(brief):
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
    body.append(f"<p><small>{esc(_grounding_line(brief))}.</small></p>")
    if notes.order:
        body.append(f'<h2>{esc(label["sources"])}</h2><ol class="sources">')
        body += [
            f'<li id="c{n}"><span class="q">“{esc(_plain(c.quote))}”</span> '
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
