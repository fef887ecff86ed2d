"""Renderers for a brief: Markdown and plain text (JSON is the model's own dump)."""

from __future__ import annotations

import re

from summarizer.brief import Brief

__all__ = ["brief_to_markdown", "brief_to_text", "markdown_escape"]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def markdown_escape(text: str | None) -> str:
    """Article text inside Markdown: one line, no tags, links, emphasis or headings of its own."""
    if not text:
        return ""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("<", "&lt;").replace(">", "&gt;")


_md = markdown_escape


def _quotes(evidence: list[str]) -> str:
    return " ".join(f"“{_md(q)}”" for q in evidence)


def _names(brief: Brief) -> dict[str, str]:
    return {a.id: a.name for a in brief.actors}


def brief_to_markdown(brief: Brief) -> str:
    names = _names(brief)

    def who(ids: list[str]) -> str:
        return ", ".join(_md(names.get(i, i)) for i in ids) or "—"

    out = [f"# {_md(brief.headline)}", ""]
    src = brief.source
    title = src.title if src.title != brief.headline else None  # the headline may be the title
    meta = [x for x in (title, src.site, src.published, src.url) if x]
    if meta:
        out += ["*" + " · ".join(_md(m) for m in meta) + "*", ""]
    if brief.summary:
        out += ["## Summary", ""]
        out += [f"- {_md(s.text)}  \n  <sub>{_quotes(s.evidence)}</sub>" for s in brief.summary]
        out.append("")
    if brief.actors:
        out += ["## Actors", "", "| Actor | Kind | Role |", "| --- | --- | --- |"]
        out += [f"| {_md(a.name)} | {a.kind} | {_md(a.role)} |" for a in brief.actors]
        out.append("")
    if brief.positions:
        out += ["## Positions", ""]
        for p in brief.positions:
            out.append(f"- **{who([p.actor])}** on *{_md(p.topic)}*: {_md(p.stance)}")
            out.append(f"  > {_quotes(p.evidence)}")
        out.append("")
    if brief.disputes:
        out += ["## Open disputes", ""]
        for d in brief.disputes:
            out.append(f"- **{_md(d.issue)}** ({d.status})")
            out += [f"  - {who(side.actors)}: {_md(side.claim)}" for side in d.sides]
            out.append(f"  > {_quotes(d.evidence)}")
        out.append("")
    if brief.next_steps:
        out += ["## Next steps", ""]
        for n in brief.next_steps:
            when = f", {_md(n.when)}" if n.when else ""
            out.append(f"- {_md(n.action)} ({n.certainty}{when}; {who(n.actors)})")
            out.append(f"  > {_quotes(n.evidence)}")
        out.append("")
    g = brief.grounding
    out += [
        "## Grounding",
        "",
        f"{g.quotes_checked} quotes checked: {g.quotes_verified} verbatim, "
        f"{g.quotes_repaired} repaired, {g.quotes_dropped} not found; "
        f"{g.items_dropped} item(s) dropped.",
    ]
    for item in g.dropped:
        out.append(f"- dropped {item.kind} `{item.path}`: {_md('; '.join(item.reasons))}")
    out += [
        "",
        f"<sub>{_md(brief.model)} via {_md(brief.backend)} · prompts {brief.prompt_version} · "
        f"{brief.usage.total_tokens} tokens in {brief.usage.requests} request(s) · "
        f"{brief.attempts} answer(s) · {brief.latency_s:.1f}s</sub>",
        "",
    ]
    return "\n".join(out)


def brief_to_text(brief: Brief) -> str:
    names = _names(brief)

    def who(ids: list[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "-"

    out = [brief.headline, "=" * min(len(brief.headline), 78), ""]
    out += [s.text for s in brief.summary]
    if brief.actors:
        out += ["", "Actors:"] + [f"  {a.name} ({a.kind}): {a.role}" for a in brief.actors]
    if brief.positions:
        out += ["", "Positions:"]
        out += [f"  {who([p.actor])} on {p.topic}: {p.stance}" for p in brief.positions]
    if brief.disputes:
        out += ["", "Open disputes:"]
        for d in brief.disputes:
            out.append(f"  {d.issue} [{d.status}]")
            out += [f"    {who(s.actors)}: {s.claim}" for s in d.sides]
    if brief.next_steps:
        out += ["", "Next steps:"]
        for n in brief.next_steps:
            when = f", {n.when}" if n.when else ""
            out.append(f"  {n.action} [{n.certainty}{when}] ({who(n.actors)})")
    g = brief.grounding
    out += ["", f"Grounding: {g.quotes_checked} quotes checked, {g.items_dropped} item(s) dropped."]
    return "\n".join(out) + "\n"
