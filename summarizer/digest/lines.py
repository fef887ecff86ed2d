"""The lines a digest card is made of, as plain text: shared by the Markdown and text
renderers (:mod:`summarizer.digest.render`) and the HTML page (:mod:`summarizer.digest.page`).

An article's own sentence (``extractive``) is always shown in quotation marks
(:func:`quoted`); a citation number is shown once per line (:func:`numbers_of`).
"""

from __future__ import annotations

import re

from summarizer.digest.models import (
    Digest,
    DigestArticle,
    Quoted,
    Story,
    StoryChange,
    StoryNextStep,
    TimelineEntry,
)

__all__ = [
    "FIRST_CHARS", "SECONDARY_CHARS", "SECTION_TITLES", "also_line", "article_line",
    "card_meta", "change_line", "change_lines", "numbers_of", "quoted", "review_name",
    "run_lines", "safe_url", "sections_of", "step_line",
]  # fmt: skip

SECTION_TITLES = {
    "developing": "Developing stories",
    "new": "New stories",
    "brief": "In brief",
    "unchanged": "Still open, nothing new",
}


def review_name(article: DigestArticle) -> str:
    """Where an article's review page is (issue 22), relative to the digest files: in the
    ``reviews`` folder beside them, named by the article and its text."""
    return f"reviews/{article.id}-{article.content_hash[:10]}.html"


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


def sections_of(digest: Digest) -> list[tuple[str, list[tuple[int, Story]]]]:
    out: dict[str, list[tuple[int, Story]]] = {}
    for i, s in enumerate(digest.stories, 1):
        out.setdefault(s.section, []).append((i, s))
    return [(SECTION_TITLES[k], v) for k, v in out.items()]
