"""A digest as text: Markdown, self-contained HTML and JSON (delivery is deliver.py).

Every string that comes from an article or a model is escaped: Jinja2 autoescaping in
HTML (and only http(s) links), backslash escapes in Markdown.
"""

from __future__ import annotations

import re

from summarizer.digest.models import Digest, Quoted, Story
from summarizer.render import markdown_escape as _md

__all__ = ["SUFFIXES", "render", "render_html", "render_json", "render_markdown"]

SUFFIXES = {"markdown": "md", "html": "html", "json": "json"}


# --- Markdown ------------------------------------------------------------------------------


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"^https?://[^\s<>\"'`]+$", url, re.I):
        return url
    return None


def _cite(quotes: list[Quoted], number: dict[str, int]) -> str:
    return " ".join(f"“{_md(q.text)}” [{number.get(q.article, '?')}]" for q in quotes[:3])


def _markdown_story(story: Story, number: dict[str, int]) -> list[str]:
    new = " 🆕" if story.new else ""
    out = [f"## {_md(story.headline)}{new}", ""]
    out += [f"{_md(s.text)} {_cite(s.evidence, number)}" for s in story.summary]
    out.append("")
    if story.actors:
        out += ["### Actors", ""]
        for actor in story.actors:
            roles = "; ".join(_md(r) for r in actor.roles)
            out.append(f"- **{_md(actor.name)}** ({actor.kind}): {roles}")
            for p in actor.positions:
                refs = ", ".join(f"[{number.get(s, '?')}]" for s in p.sources)
                out.append(
                    f"  - {_md(p.topic)}: {_md(p.stance)} {refs} — {_cite(p.evidence, number)}"
                )
        out.append("")
    if story.disputes:
        out += ["### Open disputes", ""]
        for d in story.disputes:
            flag = " (new)" if d.new else ""
            out.append(f"- **{_md(d.issue)}** — {d.status}{flag}")
            for side in d.sides:
                who = ", ".join(_md(a) for a in side.actors) or "—"
                out.append(f"  - {who}: {_md(side.claim)}")
            out.append(f"  - evidence: {_cite(d.evidence, number)}")
        out.append("")
    if story.next_steps:
        out += ["### Next steps", ""]
        for n in story.next_steps:
            flag = " (new)" if n.new else ""
            when = f" — {_md(n.when)}" if n.when else ""
            out.append(
                f"- {_md(n.action)} ({n.certainty}{when}){flag} — {_cite(n.evidence, number)}"
            )
        out.append("")
    refs = ", ".join(f"[{number[s]}]" for s in story.sources if s in number)
    return [*out, f"Sources: {refs}", ""]


def render_markdown(digest: Digest) -> str:
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    c = digest.counts
    out = [
        f"# {_md(digest.title)} — {digest.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{c.stories} stories ({c.new_stories} new) from {c.briefed} articles"
        + (f"; {len(digest.failed)} could not be briefed" if digest.failed else "")
        + ".",
        "",
    ]
    for story in digest.stories:
        out += _markdown_story(story, number)
    if digest.articles:
        out += ["## Sources", ""]
        for i, a in enumerate(digest.articles, 1):
            name = _md(a.title or a.headline)
            url = _safe_url(a.url)
            link = f"[{name}](<{url}>)" if url else name
            site = f" — {_md(a.site)}" if a.site else ""
            out.append(f"{i}. {link}{site}")
        out.append("")
    if digest.failed:
        out += ["## Could not be briefed", "", "Retried on the next run.", ""]
        out += [f"- {_md(f.label)}: {_md(f.error)}" for f in digest.failed]
        out.append("")
    return "\n".join(out)


# --- HTML ----------------------------------------------------------------------------------

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ d.title }} — {{ d.created_at.strftime("%Y-%m-%d") }}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
body{color:#222}h1{font-size:1.6rem}
h2{font-size:1.3rem;margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}
h3{font-size:1rem;text-transform:uppercase;letter-spacing:.05em;color:#555}
q{font-style:italic;color:#444}.ref{font-size:.8em;vertical-align:super}
.new{background:#e6f4ea;color:#137333;border-radius:3px;padding:0 .3em;font-size:.8em}
.failed{color:#a50e0e}.meta{color:#666}
</style></head><body>
<h1>{{ d.title }}</h1>
<p class="meta">{{ d.created_at.strftime("%Y-%m-%d %H:%M") }} UTC ·
{{ d.counts.stories }} stories ({{ d.counts.new_stories }} new)
from {{ d.counts.briefed }} articles
{% if d.failed %} · <span class="failed">{{ d.failed|length }} could not be briefed</span>
{% endif %}</p>
{% macro new(flag) %}{% if flag %} <span class="new">new</span>{% endif %}{% endmacro %}
{% macro cite(quotes) %}
{% for q in quotes[:3] %} <q>{{ q.text }}</q>
<a class="ref" href="#a{{ num[q.article] }}">[{{ num[q.article] }}]</a>
{% endfor %}
{% endmacro %}
{% for s in d.stories %}
<section id="{{ s.id }}"><h2>{{ s.headline }}{{ new(s.new) }}</h2>
{% for x in s.summary %}<p>{{ x.text }}{{ cite(x.evidence) }}</p>{% endfor %}
{% if s.actors %}<h3>Actors</h3><ul>
{% for a in s.actors %}<li><b>{{ a.name }}</b> ({{ a.kind }}): {{ a.roles|join("; ") }}
{% if a.positions %}<ul>
{% for p in a.positions %}<li>{{ p.topic }}: {{ p.stance }}{{ cite(p.evidence) }}</li>
{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul>{% endif %}
{% if s.disputes %}<h3>Open disputes</h3><ul>
{% for x in s.disputes %}<li><b>{{ x.issue }}</b> — {{ x.status }}{{ new(x.new) }}<ul>
{% for side in x.sides %}<li>{{ side.actors|join(", ") or "—" }}: {{ side.claim }}</li>
{% endfor %}</ul>{{ cite(x.evidence) }}</li>
{% endfor %}</ul>{% endif %}
{% if s.next_steps %}<h3>Next steps</h3><ul>
{% for n in s.next_steps %}<li>{{ n.action }}
({{ n.certainty }}{% if n.when %} — {{ n.when }}{% endif %}){{ new(n.new) }}
{{ cite(n.evidence) }}</li>
{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
{% if d.articles %}<h2>Sources</h2><ol>
{% for a in d.articles %}<li id="a{{ loop.index }}">
{% if safe_url(a.url) %}<a href="{{ safe_url(a.url) }}" rel="noopener noreferrer">
{{ a.title or a.headline }}</a>{% else %}{{ a.title or a.headline }}{% endif %}
{% if a.site %} — {{ a.site }}{% endif %}</li>
{% endfor %}</ol>{% endif %}
{% if d.failed %}<h2 class="failed">Could not be briefed</h2><p>Retried on the next run.</p><ul>
{% for f in d.failed %}<li>{{ f.label }}: {{ f.error }}</li>{% endfor %}</ul>{% endif %}
</body></html>
"""


def render_html(digest: Digest) -> str:
    """One self-contained page (inline CSS, no scripts); all text autoescaped."""
    from jinja2 import Environment

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    return env.from_string(_HTML).render(d=digest, num=number, safe_url=_safe_url)


def render_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2) + "\n"


def render(digest: Digest, fmt: str) -> str:
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest)
    raise ValueError(f"unknown format {fmt!r}")
