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

from collections.abc import Callable

from summarizer.digest.lines import (
    also_line,
    article_line,
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
from summarizer.digest.models import Digest, Quoted, Story, StoryChange
from summarizer.formats import markdown_escape as _md

__all__ = [
    "render", "render_html", "render_json", "render_markdown", "render_text", "review_name",
]  # fmt: skip


def _status_word(story: Story) -> str:
    return {"new": "NEW", "updated": "UPDATED", "unchanged": "unchanged"}[story.status]


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
    for section, stories in sections_of(digest):
        out.append(f"{section}:")
        out += [f"{i}. {esc(s.headline)} ({card_meta(s)})" for i, s in stories]
        out.append("")
    for section, stories in sections_of(digest):
        out += [rule(f"{h2}{section}"), ""]
        for i, s in stories:
            out += [f"{h3}{i}. {esc(s.headline)} [{_status_word(s)}]", f"{card_meta(s)}", ""]
            if s.changes:
                out += ["**What changed**" if markdown else "What changed:", ""]
                out += [f"- {esc(change_line(x, title, short=j > 0))}{cite_of(x, number)}"
                        for j, x in enumerate(s.changes)]  # fmt: skip
                out.append("")
            out += [f"{esc(quoted(x.text, x.extractive))}{cite(x.evidence)}" for x in s.summary]
            out.append("")
            also = also_line(s)
            if also:
                out += [esc(also), ""]
            out += ["Timeline:", ""]
            for t in s.timeline:
                link = safe_url(t.link)
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
            link = safe_url(m.link)
            out.append(f"- {esc(m.headline)} ({m.status})" + (f" <{link}>" if link else ""))
        out.append("")
    if digest.articles:
        out += [rule(f"{h2}Sources"), ""]
        for i, a in enumerate(digest.articles, 1):
            link = safe_url(a.link)
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


def render_html(digest: Digest, reviews: frozenset[str] = frozenset()) -> str:
    """One self-contained page (:mod:`summarizer.digest.page`). ``reviews``: the ids of the
    articles whose review page is written beside this file (each card links to them)."""
    from summarizer.digest.page import html_page

    return html_page(digest, reviews)


def render_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2) + "\n"


def render(digest: Digest, fmt: str, reviews: frozenset[str] = frozenset()) -> str:
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest, reviews)
    if fmt == "json":
        return render_json(digest)
    if fmt == "text":
        return render_text(digest)
    raise ValueError(f"unknown format {fmt!r}")
