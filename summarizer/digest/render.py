"""A digest as text: Markdown, self-contained HTML and JSON (delivery is deliver.py).

Every string that comes from an article or a model is escaped: Jinja2 autoescaping in
HTML (and only http(s) or file links), backslash escapes in Markdown. The plain text (the
email's text part) is not escaped: it is never interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer.digest.models import Digest, DigestArticle, Quoted, Story
from summarizer.formats import markdown_escape as _md

__all__ = [
    "render", "render_html", "render_json", "render_markdown", "render_text", "review_name",
]  # fmt: skip


# --- shared ---------------------------------------------------------------------------------


def review_name(article: DigestArticle) -> str:
    """Where an article's review page is (issue 22), relative to the digest files: in the
    ``reviews`` folder beside them, named by the article and its text."""
    return f"reviews/{article.id}-{article.content_hash[:10]}.html"


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"^(https?://|file:///)[^\s<>\"'`]+$", url, re.I):
        return url
    return None


_CHANGE_WORDS = {
    "new_article": "new article", "new_position": "new position",
    "dispute_opened": "dispute opened", "dispute_escalated": "dispute escalated",
    "dispute_eased": "dispute eased", "dispute_stalled": "dispute stalled",
    "dispute_closed": "dispute no longer reported", "step_new": "next step",
    "step_due": "due now", "step_done": "was due",
}  # fmt: skip


def change_lines(story: Story, title: dict[str, str]) -> list[str]:
    """What changed, one plain line each (new articles by title, not by id)."""
    lines = []
    for change in story.changes:
        text = title.get(change.text, change.text) if change.kind == "new_article" else change.text
        lines.append(f"{_CHANGE_WORDS[change.kind]}: {text}")
    return lines


def run_lines(digest: Digest) -> list[str]:
    """The footer: what the run's briefs cost, and what waits for a later digest."""
    lines = [f"Usage: {digest.usage.describe()}."]
    lines += [
        f"{w.articles} article(s) wait in batch {w.batch} ({w.state}): in a later digest."
        for w in digest.waiting
    ]
    if digest.counts.deferred:
        lines.append(
            f"{digest.counts.deferred} article(s) not started (the spend reached max_cost): "
            "in the next digest."
        )
    return lines


def _contents_note(story: Story) -> str:
    n = len(story.sources)
    return f"{story.status} · {n} article{'s' if n != 1 else ''}"


def _status_word(story: Story) -> str:
    return {"new": "NEW", "updated": "UPDATED", "unchanged": "unchanged"}[story.status]


# --- Markdown and plain text ----------------------------------------------------------------


def _text_digest(digest: Digest, esc: Callable[[str], str], markdown: bool) -> str:
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    title = {a.id: a.title or a.headline for a in digest.articles}
    c = digest.counts

    def cite(quotes: list[Quoted]) -> str:
        return "".join(f" [{number[q.article]}]" for q in quotes[:3] if q.article in number)

    h1, h2, h3 = ("# ", "## ", "### ") if markdown else ("", "", "")
    out = [
        f"{h1}{esc(digest.title)} — {digest.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{c.stories} stories ({c.new_stories} new, {c.updated_stories} updated) from "
        f"{c.briefed} articles"
        + (f"; {len(digest.failed)} could not be briefed" if digest.failed else "")
        + ".",
        "",
        f"{h2}Contents",
        "",
    ]
    for i, s in enumerate(digest.stories, 1):
        out.append(f"{i}. {esc(s.headline)} ({_contents_note(s)})")
    out.append("")
    for i, s in enumerate(digest.stories, 1):
        out += [f"{h2}{i}. {esc(s.headline)} [{_status_word(s)}]", ""]
        changes = change_lines(s, title)
        if changes:
            out += ["What changed:" if not markdown else "**What changed**", ""]
            out += [f"- {esc(line)}" for line in changes]
            out.append("")
        out += [f"{esc(x.text)}{cite(x.evidence)}" for x in s.summary]
        out.append("")
        out += [f"{h3}Timeline" if markdown else "Timeline:", ""]
        for t in s.timeline:
            link = _safe_url(t.link)
            where = f" <{link}>" if link else ""
            site = f" · {esc(t.site)}" if t.site else ""
            day = (t.date or "")[:10] or "undated"
            out.append(f"- {day}{site} · {esc(t.title)}{where}")
        out.append("")
        for d in s.disputes:
            sides = "; ".join(f"{', '.join(side.actors) or '—'}: {side.claim}" for side in d.sides)
            out.append(f"- Dispute ({d.status}): {esc(d.issue)} — {esc(sides)}{cite(d.evidence)}")
        for n in s.next_steps:
            when = f", {n.when}" if n.when else ""
            out.append(f"- Next ({n.certainty}{esc(when)}): {esc(n.action)}{cite(n.evidence)}")
        if s.disputes or s.next_steps:
            out.append("")
    if digest.more:
        out += [f"{h2}More stories", ""]
        for m in digest.more:
            link = _safe_url(m.link)
            out.append(f"- {esc(m.headline)} ({m.status})" + (f" <{link}>" if link else ""))
        out.append("")
    if digest.articles:
        out += [f"{h2}Sources", ""]
        for i, a in enumerate(digest.articles, 1):
            link = _safe_url(a.link)
            site = f" — {esc(a.site)}" if a.site else ""
            out.append(f"{i}. {esc(a.title or a.headline)}{site}" + (f" <{link}>" if link else ""))
        out.append("")
    if digest.failed:
        out += [f"{h2}Could not be briefed", "", "Retried on the next run.", ""]
        out += [f"- {esc(f.label)}: {esc(f.error)}" for f in digest.failed]
        out.append("")
    out += [f"{h2}This run" if markdown else "This run:", ""]
    out += [f"- {esc(line)}" for line in run_lines(digest)]
    out.append("")
    return "\n".join(out)


def render_markdown(digest: Digest) -> str:
    return _text_digest(digest, _md, markdown=True)


def render_text(digest: Digest) -> str:
    """Plain text that reads as text (the email's text part): no Markdown, no escapes."""
    return _text_digest(digest, lambda text: text, markdown=False)


# --- HTML ----------------------------------------------------------------------------------

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'"

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ d.title }} — {{ d.created_at.strftime("%Y-%m-%d") }}</title>
<style>
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#222}
body{overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:0 0 .4rem}
a{color:#1a4fa0}.meta{color:#666;font-size:.9rem}
nav ol{padding-left:1.4rem}nav li{margin:.2rem 0}
.story{border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.badge{font-size:.75rem;border-radius:3px;padding:0 .35em;margin-left:.3em;white-space:nowrap}
.new{background:#e6f4ea;color:#137333}.updated{background:#e8f0fe;color:#1a4fa0}
.unchanged{background:#eee;color:#555}
.changes{margin:.3rem 0 .6rem;padding-left:1.2rem;font-size:.95rem}
.changes b{font-weight:600}
sup a{text-decoration:none}
details{margin:.3rem 0}summary{cursor:pointer;color:#444}
details ul,details ol{padding-left:1.2rem;margin:.3rem 0}
.tl time{color:#555;font-variant-numeric:tabular-nums}
.failed{color:#a50e0e}
@media print{
 body{max-width:none;font-size:11pt}.story{break-inside:avoid;border-color:#999}
 details::details-content{content-visibility:visible;display:block}
 summary{list-style:none;font-weight:600}a{color:inherit}
}
</style></head><body>
<header><h1>{{ d.title }}</h1>
<p class="meta">{{ d.created_at.strftime("%Y-%m-%d %H:%M") }} UTC ·
{{ d.counts.stories }} stories ({{ d.counts.new_stories }} new,
{{ d.counts.updated_stories }} updated) from {{ d.counts.briefed }} articles
{% if d.failed %} · <span class="failed">{{ d.failed|length }} could not be briefed</span>
{% endif %}</p></header>
{% macro badge(s) %}<span class="badge {{ s.status }}">{{ s.status }}</span>{% endmacro %}
{% macro cite(quotes) %}{% for q in quotes[:3] if q.article in num %}<sup><a
 href="#a{{ num[q.article] }}" title="{{ q.text }}">[{{ num[q.article] }}]</a></sup>{% endfor %}
{% endmacro %}
{% if d.stories %}<nav id="contents" aria-label="Contents"><h2>Contents</h2><ol>
{% for s in d.stories %}<li><a href="#{{ s.id }}">{{ s.headline }}</a>{{ badge(s) }}
<span class="meta">{{ s.sources|length }} article{{ "s" if s.sources|length != 1 }}</span></li>
{% endfor %}</ol>
{% if d.more %}<p class="meta"><a href="#more">{{ d.more|length }} more stories</a></p>{% endif %}
</nav>{% endif %}
<main>
{% for s in d.stories %}
<article class="story" id="{{ s.id }}"><h2>{{ s.headline }}{{ badge(s) }}</h2>
{% set changes = change_lines(s, titles) %}
{% if changes %}<ul class="changes">
{% for line in changes %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{% for x in s.summary %}<p>{{ x.text }}{{ cite(x.evidence) }}</p>{% endfor %}
{% set checked = s.sources|select("in", reviews)|list %}
{% if checked %}<p class="meta">Each brief beside its article:
{% for uid in checked %}<a href="{{ review_name(arts[uid]) }}">{{ (arts[uid].title or
 arts[uid].headline)|truncate(70) }}</a>{{ " · " if not loop.last }}{% endfor %}</p>{% endif %}
<details class="tl"><summary>Timeline ({{ s.timeline|length }})</summary><ol>
{% for t in s.timeline %}<li><time>{{ (t.date or "")[:10] or "undated" }}</time>
{% if t.site %} · {{ t.site }}{% endif %} ·
{% if safe_url(t.link) %}<a href="{{ safe_url(t.link) }}"
 rel="noopener noreferrer">{{ t.title }}</a>{% else %}{{ t.title }}{% endif %}
{% if t.new %} <span class="badge new">new</span>{% endif %}</li>
{% endfor %}</ol></details>
{% if s.actors %}<details><summary>Actors and positions ({{ s.actors|length }})</summary><ul>
{% for a in s.actors %}<li><b>{{ a.name }}</b> ({{ a.kind }}): {{ a.roles|join("; ") }}
{% if a.positions %}<ul>
{% for p in a.positions %}<li>{{ p.topic }}: {{ p.stance }}{{ cite(p.evidence) }}</li>
{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul></details>{% endif %}
{% if s.disputes %}<details><summary>Disputes ({{ s.disputes|length }})</summary><ul>
{% for x in s.disputes %}<li><b>{{ x.issue }}</b> — {{ x.status }}<ul>
{% for side in x.sides %}<li>{{ side.actors|join(", ") or "—" }}: {{ side.claim }}</li>
{% endfor %}</ul>{{ cite(x.evidence) }}</li>
{% endfor %}</ul></details>{% endif %}
{% if s.next_steps %}<details><summary>Next steps ({{ s.next_steps|length }})</summary><ul>
{% for n in s.next_steps %}<li>{{ n.action }}
({{ n.certainty }}{% if n.when %} — {{ n.when }}{% endif %}){{ cite(n.evidence) }}</li>
{% endfor %}</ul></details>{% endif %}
</article>
{% endfor %}
{% if d.more %}<section id="more"><h2>More stories</h2><ul>
{% for m in d.more %}<li>{% if safe_url(m.link) %}<a href="{{ safe_url(m.link) }}"
 rel="noopener noreferrer">{{ m.headline }}</a>{% else %}{{ m.headline }}{% endif %}
<span class="badge {{ m.status }}">{{ m.status }}</span></li>
{% endfor %}</ul></section>{% endif %}
</main>
{% if d.articles %}<details id="sources"><summary>Sources ({{ d.articles|length }})</summary><ol>
{% for a in d.articles %}<li id="a{{ loop.index }}">
{% if safe_url(a.link) %}<a href="{{ safe_url(a.link) }}" rel="noopener noreferrer">
{{ a.title or a.headline }}</a>{% else %}{{ a.title or a.headline }}{% endif %}
{% if a.site %} — {{ a.site }}{% endif %}</li>
{% endfor %}</ol></details>{% endif %}
{% if d.failed %}<h2 class="failed">Could not be briefed</h2><p>Retried on the next run.</p><ul>
{% for f in d.failed %}<li>{{ f.label }}: {{ f.error }}</li>{% endfor %}</ul>{% endif %}
<section class="meta" id="run">{% for line in run_lines(d) %}<p>{{ line }}</p>{% endfor %}
</section>
</body></html>
"""


def render_html(digest: Digest, reviews: frozenset[str] = frozenset()) -> str:
    """One self-contained page (inline CSS, no scripts, a CSP that forbids them); every
    string autoescaped. ``reviews``: the ids of the articles whose review page is written
    beside this file (each story card links to them)."""
    from jinja2 import Environment

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    titles = {a.id: a.title or a.headline for a in digest.articles}
    return env.from_string(_HTML).render(
        d=digest, num=number, titles=titles, safe_url=_safe_url, change_lines=change_lines,
        run_lines=run_lines, csp=_CSP, reviews=reviews, review_name=review_name,
        arts={a.id: a for a in digest.articles},
    )  # fmt: skip


def render_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2) + "\n"


def render(digest: Digest, fmt: str, reviews: frozenset[str] = frozenset()) -> str:
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest, reviews)
    if fmt == "json":
        return render_json(digest)
    raise ValueError(f"unknown format {fmt!r}")
