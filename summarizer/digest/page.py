"""The digest as one self-contained HTML page (the template and its rendering).

Inline CSS, no script and a CSP that forbids scripts; every string from an article or a
model autoescaped; links only http(s) or file. A story card: headline and status, what
changed, the summary, "also reported by", then collapsed: the timeline (the card's
article list: the ``article_item`` macro, one ``<li>`` per article, with a link to the
article's review page when it is written beside the digest), actors and positions,
disputes, next steps.
"""

from __future__ import annotations

from summarizer.digest.lines import (
    also_line,
    card_meta,
    change_line,
    numbers_of,
    quoted,
    review_name,
    run_lines,
    safe_url,
    sections_of,
    step_line,
)
from summarizer.digest.models import Digest, Quoted

__all__ = ["CSP", "html_page"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'"

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
{% if t.new %} <span class="badge new">new</span>{% endif %}
{% if t.article in reviews %} · <a class="review" href="{{ review_name(arts[t.article]) }}"
 title="the brief beside its article: every citation and verdict">brief beside the
 article</a>{% endif %}</li>
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
<section class="summary">
{% for x in s.summary %}<p>{{ quoted(x.text, x.extractive) }}{{ cite(x.evidence) }}</p>{% endfor %}
</section>
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


def html_page(digest: Digest, reviews: frozenset[str] = frozenset()) -> str:
    """One self-contained page (inline CSS, no scripts, a CSP that forbids them); every
    string autoescaped. ``reviews``: the ids of the articles whose review page is written
    beside this file (a relative link: the email's HTML has none)."""
    from jinja2 import Environment

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    number = {a.id: i for i, a in enumerate(digest.articles, 1)}
    titles = {a.id: a.title or a.headline for a in digest.articles}

    def first_quote(quotes: list[Quoted], n: int) -> str:
        return next((q.text for q in quotes if number.get(q.article) == n), "")

    return env.from_string(_HTML).render(
        d=digest, num=number, titles=titles, safe_url=safe_url, change_line=change_line,
        run_lines=run_lines, csp=CSP, quoted=quoted, numbers_of=numbers_of,
        first_quote=first_quote, step_line=step_line, card_meta=card_meta, also=also_line,
        sections=sections_of(digest), quote_text={}, reviews=reviews,
        review_name=review_name, arts={a.id: a for a in digest.articles},
    )  # fmt: skip
