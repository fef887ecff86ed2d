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
    "SECTION_TITLES", "SUFFIXES", "also_line", "article_line", "card_meta", "change_line",
    "change_lines", "numbers_of", "quoted", "render", "render_html", "render_json",
    "render_markdown", "render_text", "run_lines", "safe_url", "sections_of", "step_line",
]  # fmt: skip

SUFFIXES = {"markdown": "md", "html": "html", "json": "json", "text": "txt"}

SECTION_TITLES = {
    "developing": "Developing stories",
    "new": "New stories",
    "brief": "In brief",
    "unchanged": "Still open, nothing new",
}


# --- shared ---------------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
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


def card_meta(story: Story) -> str:
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


def also_line(story: Story) -> str | None:
    if not story.also_reported:
        return None
    who = [a.site or a.title for a in story.also_reported]
    return "Also reported by " + ", ".join(dict.fromkeys(who)) + " (a re-write: no new facts)."


def _status_word(story: Story) -> str:
    return {"new": "NEW", "updated": "UPDATED", "unchanged": "unchanged"}[story.status]


def sections_of(digest: Digest) -> list[tuple[str, list[tuple[int, Story]]]]:
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


def render_html(digest: Digest) -> str:
    """One self-contained page (:mod:`summarizer.digest.page`)."""
    from summarizer.digest.page import html_page

    return html_page(digest)


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
