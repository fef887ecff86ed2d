"""A digest as text: Markdown, self-contained HTML, plain text and JSON (delivery is
deliver.py).

Every string that comes from an article or a model is escaped: Jinja2 autoescaping in
HTML (and only http(s) or file links), backslash escapes in Markdown. The plain text (the
``.txt`` file and the email's text part) is not escaped: it is never interpreted.

What a card shows, in order: the headline and its status; what changed (one to three
lines, the concrete change first); the summary; "also reported by" (re-written copies);
then, collapsed, the timeline (the story's articles, earlier days' too: the card's article
list, :func:`article_line` / the ``article_item`` macro), actors and positions, disputes,
next steps. An article's own sentence (``extractive``) is always shown in quotation marks;
a citation number is shown once per line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer.digest.models import (
    Digest,
    Quoted,
    Story,
    StoryChange,
    StoryNextStep,
    TimelineEntry,
)
from summarizer.render import markdown_escape as _md

__all__ = [
    "SECTION_TITLES", "SUFFIXES", "article_line", "change_line", "change_lines", "quoted",
    "render", "render_html", "render_json", "render_markdown", "render_text", "step_line",
]  # fmt: skip

SUFFIXES = {"markdown": "md", "html": "html", "json": "json", "text": "txt"}

SECTION_TITLES = {
    "developing": "Developing stories",
    "new": "New stories",
    "brief": "In brief",
    "unchanged": "Still open, nothing new",
}


# --- shared ---------------------------------------------------------------------------------


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"^(https?://|file:///)[^\s<>\"'`]+$", url, re.I):
        return url
    return None


_INNER = str.maketrans({"“": "‘", "”": "’"})


def quoted(text: str, extractive: bool) -> str:
    """An article's own sentence in quotation marks (the quotations inside it in single
    ones: “‘It is over,’ she said.”); a model's words as they are."""
    if not extractive:
        return text
    inner = re.sub(r'"([^"]*)"', "‘\\1’", text).translate(_INNER)
    return f"“{inner}”"


def numbers_of(quotes: list[Quoted], number: dict[str, int]) -> list[int]:
    """The citation numbers of ``quotes``, each once, at most three."""
    out: list[int] = []
    for q in quotes:
        n = number.get(q.article)
        if n is not None and n not in out:
            out.append(n)
    return out[:3]


_CHANGE_WORDS = {
    "new_position": "new position", "position_changed": "changed position",
    "dispute_opened": "dispute opened", "dispute_escalated": "dispute escalated",
    "dispute_eased": "dispute eased", "dispute_stalled": "dispute stalled",
    "dispute_closed": "dispute no longer reported", "step_new": "next",
    "step_due": "due now", "step_done": "was due", "new_article": "new article",
}  # fmt: skip


FIRST_CHARS = 220
SECONDARY_CHARS = 140


def change_line(change: StoryChange, title: dict[str, str], *, short: bool = False) -> str:
    """One line of "what changed", as plain text (the development line has no label), cut
    at a clause boundary near :data:`FIRST_CHARS` (``short``, for the lines after the
    first: :data:`SECONDARY_CHARS`); "…" marks a cut, the digest's JSON keeps the line."""
    from summarizer.digest.text import shorten

    body = shorten(change.text, SECONDARY_CHARS if short else FIRST_CHARS)
    if body == " ".join(change.text.split()).rstrip("."):
        body = change.text  # not cut: as written
    elif not body.endswith("…"):
        body += "…"
    text = quoted(body, change.extractive)
    if change.kind == "development":
        return text
    if change.kind == "new_article":
        return f"new article: {title.get(change.text, change.text)}"
    if change.actor:
        return f"{change.actor}, {_CHANGE_WORDS[change.kind]}: {text}"
    return f"{_CHANGE_WORDS[change.kind]}: {text}"


def change_lines(story: Story, title: dict[str, str]) -> list[str]:
    """What changed, one plain line each (the concrete change in full, the others short)."""
    return [change_line(c, title, short=i > 0) for i, c in enumerate(story.changes)]


def step_line(step: StoryNextStep) -> str:
    """A next step: who (when the step names nobody, the article's subject), what, when."""
    who = ", ".join(step.actors) or step.subject
    when = f", {step.when}" if step.when else ""
    day = f" ({step.date})" if step.date and step.when and step.date not in step.when else ""
    prefix = f"{who}: " if who else ""
    return f"{prefix}{quoted(step.action, step.extractive)} — {step.certainty}{when}{day}"


def article_line(entry: TimelineEntry) -> str:
    """A timeline entry as plain text: date (or the day first read), outlet, title."""
    day = (entry.date or "")[:10] or "undated"
    if entry.dated == "seen":
        day += " (first seen; no date of its own)"
    site = f" · {entry.site}" if entry.site else ""
    copy = " · re-write, no new facts" if entry.copy_of else ""
    return f"{day}{site} · {entry.title}{copy}"


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


def _card_meta(story: Story) -> str:
    earlier = sum(not t.new for t in story.timeline)
    sites = {t.site or t.article for t in story.timeline}
    parts = [f"{len(story.timeline)} article{'s' if len(story.timeline) != 1 else ''}"]
    if len(sites) > 1:
        parts.append(f"{len(sites)} sources")
    if earlier:
        first = min((t.date or "" for t in story.timeline), default="")[:10]
        if first:
            parts.append(f"since {first}")
    return " · ".join(parts)


def _also(story: Story) -> str | None:
    if not story.also_reported:
        return None
    who = [a.site or a.title for a in story.also_reported]
    return "Also reported by " + ", ".join(dict.fromkeys(who)) + " (a re-write: no new facts)."


def _status_word(story: Story) -> str:
    return {"new": "NEW", "updated": "UPDATED", "unchanged": "unchanged"}[story.status]


def _sections(digest: Digest) -> list[tuple[str, list[tuple[int, Story]]]]:
    out: dict[str, list[tuple[int, Story]]] = {}
    for i, s in enumerate(digest.stories, 1):
        out.setdefault(s.section, []).append((i, s))
    return [(SECTION_TITLES[k], v) for k, v in out.items()]


# --- Markdown and plain text ----------------------------------------------------------------


def _text_digest(digest: Digest, esc: Callable[[str], str], markdown: bool) -> str:
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    title = {a.id: a.title or a.headline for a in digest.articles}
    c = digest.counts

    def cite(quotes: list[Quoted]) -> str:
        return "".join(f" [{n}]" for n in numbers_of(quotes, number))

    h1, h2, h3 = ("# ", "## ", "### ") if markdown else ("", "", "")
    rule = (lambda t: t) if markdown else (lambda t: f"{t}\n{'=' * min(len(t), 72)}")
    out = [
        f"{h1}{esc(digest.title)} — {digest.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{c.stories} stories ({c.updated_stories} developing, {c.new_stories} new) from "
        f"{c.briefed} articles"
        + (f"; {len(digest.failed)} could not be briefed" if digest.failed else "")
        + ".",
        "",
        f"{h2}Contents",
        "",
    ]
    for section, stories in _sections(digest):
        out.append(f"{section}:")
        out += [f"{i}. {esc(s.headline)} ({_card_meta(s)})" for i, s in stories]
        out.append("")
    for section, stories in _sections(digest):
        out += [rule(f"{h2}{section}"), ""]
        for i, s in stories:
            out += [f"{h3}{i}. {esc(s.headline)} [{_status_word(s)}]", f"{_card_meta(s)}", ""]
            if s.changes:
                out += ["**What changed**" if markdown else "What changed:", ""]
                out += [f"- {esc(change_line(x, title, short=j > 0))}{cite_of(x, number)}"
                        for j, x in enumerate(s.changes)]  # fmt: skip
                out.append("")
            out += [f"{esc(quoted(x.text, x.extractive))}{cite(x.evidence)}" for x in s.summary]
            out.append("")
            also = _also(s)
            if also:
                out += [esc(also), ""]
            out += ["Timeline:", ""]
            for t in s.timeline:
                link = _safe_url(t.link)
                out.append(f"- {esc(article_line(t))}" + (f" <{link}>" if link else ""))
            out.append("")
            for d in s.disputes:
                sides = "; ".join(
                    f"{', '.join(side.actors) or '—'}: {quoted(side.claim, side.extractive)}"
                    for side in d.sides
                )
                issue = quoted(d.issue, d.extractive)
                out.append(f"- Dispute ({d.status}): {esc(issue)} — {esc(sides)}{cite(d.evidence)}")
            for n in s.next_steps:
                out.append(f"- Next: {esc(step_line(n))}{cite(n.evidence)}")
            if s.disputes or s.next_steps:
                out.append("")
    if digest.more:
        out += [rule(f"{h2}More stories"), ""]
        for m in digest.more:
            link = _safe_url(m.link)
            out.append(f"- {esc(m.headline)} ({m.status})" + (f" <{link}>" if link else ""))
        out.append("")
    if digest.articles:
        out += [rule(f"{h2}Sources"), ""]
        for i, a in enumerate(digest.articles, 1):
            link = _safe_url(a.link)
            site = f" — {esc(a.site)}" if a.site else ""
            out.append(f"{i}. {esc(a.title or a.headline)}{site}" + (f" <{link}>" if link else ""))
        out.append("")
    if digest.failed:
        out += [rule(f"{h2}Could not be briefed"), "", "Retried on the next run.", ""]
        out += [f"- {esc(f.label)}: {esc(f.error)}" for f in digest.failed]
        out.append("")
    out += [rule(f"{h2}This run") if markdown else "This run:", ""]
    out += [f"- {esc(line)}" for line in run_lines(digest)]
    out.append("")
    return "\n".join(out)


def cite_of(change: StoryChange, number: dict[str, int]) -> str:
    n = number.get(change.article or "")
    return f" [{n}]" if n is not None else ""


def render_markdown(digest: Digest) -> str:
    return _text_digest(digest, _md, markdown=True)


def render_text(digest: Digest) -> str:
    """Plain text that reads as text (the .txt file, the email's text part): no Markdown,
    no escapes."""
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
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:0 0 .2rem}
h2.section{font-size:.85rem;text-transform:uppercase;letter-spacing:.06em;color:#555;
 margin:1.6rem 0 .3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
a{color:#1a4fa0}.meta{color:#666;font-size:.88rem;margin:0 0 .4rem}
nav ol{padding-left:1.4rem;margin:.2rem 0 .6rem}nav li{margin:.15rem 0}
nav h3{font-size:.85rem;color:#555;margin:.5rem 0 0;font-weight:600}
.story{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;margin:.8rem 0}
.badge{font-size:.72rem;border-radius:3px;padding:0 .35em;margin-left:.35em;white-space:nowrap;
 vertical-align:middle;font-weight:500}
.new{background:#e6f4ea;color:#137333}.updated{background:#e8f0fe;color:#1a4fa0}
.unchanged{background:#eee;color:#555}
.changes{margin:.3rem 0 .5rem;padding:.4rem .6rem .4rem 1.6rem;background:#f6f8fc;
 border-left:3px solid #1a4fa0;font-size:.95rem}
.changes li:first-child{font-weight:600}
.summary p{margin:.3rem 0}
.also{font-size:.9rem;color:#444;margin:.3rem 0}
sup a{text-decoration:none}
details{margin:.25rem 0}summary{cursor:pointer;color:#444;font-size:.92rem}
details ul,details ol{padding-left:1.2rem;margin:.3rem 0}
.tl time{color:#555;font-variant-numeric:tabular-nums}
.seen{color:#8a6d00;font-size:.85rem}
.failed{color:#a50e0e}
@media print{
 body{max-width:none;font-size:11pt}.story{break-inside:avoid;border-color:#999}
 details::details-content{content-visibility:visible;display:block}
 summary{list-style:none;font-weight:600}a{color:inherit}
}
</style></head><body>
<header><h1>{{ d.title }}</h1>
<p class="meta">{{ d.created_at.strftime("%Y-%m-%d %H:%M") }} UTC ·
{{ d.counts.stories }} stories ({{ d.counts.updated_stories }} developing,
{{ d.counts.new_stories }} new) from {{ d.counts.briefed }} articles
{% if d.failed %} · <span class="failed">{{ d.failed|length }} could not be briefed</span>
{% endif %}</p></header>
{% macro badge(s) %}<span class="badge {{ s.status }}">{{ s.status }}</span>{% endmacro %}
{% macro cite(quotes) %}{% for n in numbers_of(quotes, num) %}<sup><a
 href="#a{{ n }}" title="{{ first_quote(quotes, n) }}">[{{ n }}]</a></sup>{% endfor %}
{% endmacro %}
{% macro article_item(t) %}<li><time>{{ (t.date or "")[:10] or "undated" }}</time>
{% if t.dated == "seen" %}<span class="seen" title="no date of its own: the day it was first
 read">(first seen)</span>{% endif %}
{% if t.site %} · {{ t.site }}{% endif %} ·
{% if safe_url(t.link) %}<a href="{{ safe_url(t.link) }}"
 rel="noopener noreferrer">{{ t.title }}</a>{% else %}{{ t.title }}{% endif %}
{% if t.copy_of %} <span class="meta">(re-write, no new facts)</span>{% endif %}
{% if t.new %} <span class="badge new">new</span>{% endif %}</li>
{% endmacro %}
{% if d.stories %}<nav id="contents" aria-label="Contents"><h2>Contents</h2>
{% for section, stories in sections %}<h3>{{ section }}</h3><ol>
{% for i, s in stories %}<li value="{{ i }}"><a href="#{{ s.id }}">{{ s.headline }}</a>
{{ badge(s) }} <span class="meta">{{ card_meta(s) }}</span></li>
{% endfor %}</ol>{% endfor %}
{% if d.more %}<p class="meta"><a href="#more">{{ d.more|length }} more stories</a></p>{% endif %}
</nav>{% endif %}
<main>
{% for section, stories in sections %}
<h2 class="section">{{ section }}</h2>
{% for i, s in stories %}
<article class="story" id="{{ s.id }}"><h2>{{ s.headline }}{{ badge(s) }}</h2>
<p class="meta">{{ card_meta(s) }}</p>
{% if s.changes %}<ul class="changes" aria-label="What changed">
{% for x in s.changes %}<li>{{ change_line(x, titles, short=not loop.first) }}
{%- if x.article in num %}<sup><a href="#a{{ num[x.article] }}">[{{ num[x.article] }}]</a>
</sup>{% endif %}</li>
{% endfor %}</ul>{% endif %}
<div class="summary">
{% for x in s.summary %}<p>{{ quoted(x.text, x.extractive) }}{{ cite(x.evidence) }}</p>{% endfor %}
</div>
{% if also(s) %}<p class="also">{{ also(s) }}</p>{% endif %}
<details class="tl"><summary>Timeline and articles ({{ s.timeline|length }})</summary><ol>
{% for t in s.timeline %}{{ article_item(t) }}{% endfor %}</ol></details>
{% if s.actors %}<details><summary>Actors and positions ({{ s.actors|length }})</summary><ul>
{% for a in s.actors %}<li><b>{{ a.name }}</b> ({{ a.kind }}){% if a.roles %}:
{{ a.roles|join("; ") }}{% endif %}
{% if a.positions %}<ul>
{% for p in a.positions %}<li>{{ p.topic }}: {{ quoted(p.stance, p.extractive) }}
{{- cite(p.evidence) }}</li>
{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul></details>{% endif %}
{% if s.disputes %}<details><summary>Disputes ({{ s.disputes|length }})</summary><ul>
{% for x in s.disputes %}<li><b>{{ quoted(x.issue, x.extractive) }}</b> — {{ x.status }}<ul>
{% for side in x.sides %}<li>{{ side.actors|join(", ") or "—" }}:
{{ quoted(side.claim, side.extractive) }}</li>
{% endfor %}</ul>{{ cite(x.evidence) }}</li>
{% endfor %}</ul></details>{% endif %}
{% if s.next_steps %}<details><summary>Next steps ({{ s.next_steps|length }})</summary><ul>
{% for n in s.next_steps %}<li>{{ step_line(n) }}{{ cite(n.evidence) }}</li>
{% endfor %}</ul></details>{% endif %}
</article>
{% endfor %}
{% endfor %}
{% if d.more %}<section id="more"><h2 class="section">More stories</h2><ul>
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


def render_html(digest: Digest) -> str:
    """One self-contained page (inline CSS, no scripts, a CSP that forbids them); every
    string autoescaped."""
    from jinja2 import Environment

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    titles = {a.id: a.title or a.headline for a in digest.articles}

    def first_quote(quotes: list[Quoted], n: int) -> str:
        return next((q.text for q in quotes if number.get(q.article) == n), "")

    return env.from_string(_HTML).render(
        d=digest, num=number, titles=titles, safe_url=_safe_url, change_line=change_line,
        run_lines=run_lines, csp=_CSP, quoted=quoted, numbers_of=numbers_of,
        first_quote=first_quote, step_line=step_line, card_meta=_card_meta, also=_also,
        sections=_sections(digest), quote_text={},
    )  # fmt: skip


def render_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2) + "\n"


def render(digest: Digest, fmt: str) -> str:
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest)
    if fmt == "text":
        return render_text(digest)
    raise ValueError(f"unknown format {fmt!r}")
