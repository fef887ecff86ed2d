"""The ``review`` format: the article beside its brief, every citation highlighted, every
verdict shown.

One self-contained HTML file (inline CSS and one small inline script, both allowed by their
SHA-256 in a strict Content-Security-Policy; no network, no fonts, no external anything):

- the article exactly as the program read it (the text whose SHA-256 the brief records),
  split into its sentences as the brief was made (:class:`~summarizer.grounding.ArticleIndex`);
  every cited span is highlighted and numbered, and its number links to every item that cites
  it; a sentence no item cites is shown in grey, so a reader sees what the brief left out;
- each item of the brief beside it (above it on a narrow screen), labelled S1, A1, P1, D1, N1,
  with links to the spans it cites; its verdict in place: supported items plain, items whose
  claims were not established or that ``--verify`` flagged marked as such, items dropped by
  grounding listed (X1, ...) with their reasons and their spans marked differently;
  extractive items shown in quotation marks, as the article's own sentences;
- a long article in parts (sections with a contents list), each part rendered lazily by the
  browser (``content-visibility``), so a 30,000-word article opens in well under a second.

Links are plain ``#fragment`` anchors and work without script; the script only adds the
highlighting of an item's spans (and a span's items) on hover, focus and navigation.

Any brief that ``summarizer verify`` accepts can be reviewed: a dict of the same shape from
another tool (evidence as ``{quote, start, end}``, quoted strings or sentence numbers) has
its quotes located and its claims checked by :func:`summarizer.verify`. When the article is
not the text the brief was made from (its SHA-256 differs), quotes are located by their
words, as ``verify`` does, and the page says so (:attr:`Review.warnings`).

Unlike the other formats, a review page needs the article the brief was made from (a brief
holds its quotes and offsets, not the text): the registry renders it with
``render(brief, "review", article=...)``, one page per brief (``FORMAT.join`` is None).
The page's parts are in ``_review/``: ``items`` (each item, its words and the spans it
cites), ``verdicts`` (the grounding report by item), ``article`` (the text as flat marked
pieces, in parts), ``page`` (the header, the brief's column, the footer), ``style``.

Design note: langextract's viewer (google/langextract, ``visualization.py``) nests
highlight spans and drives them with inline event handlers; here overlapping and crossing
citations are cut into flat pieces (every piece carries the numbers of the citations that
cover it), so any overlap renders and the DOM text of a citation's pieces is its quote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.formats import Format
from summarizer.formats._review.article import LONG_CHARS, PART_CHARS, article_html, cut_parts
from summarizer.formats._review.common import esc, one_line
from summarizer.formats._review.page import Page
from summarizer.formats._review.style import CSP, CSS, SCRIPT

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.output.brief import Brief

__all__ = ["FORMAT", "Review", "review_page"]


@dataclass
class Review:
    """A rendered review page and what the reader (and the command line) should know."""

    html: str
    article_matches: bool | None
    """Whether the article's SHA-256 is the brief's ``content_hash`` (None: it names none)."""
    warnings: list[str] = field(default_factory=list)
    citations: int = 0
    located: int = 0
    sentences: int = 0
    uncited: int = 0
    items: int = 0
    dropped: int = 0
    parts: int = 1


def _read(brief: Brief | dict[str, Any] | str | Path) -> tuple[dict[str, Any], Brief | None]:
    """The brief as a dict, and as this project's model when it is one (given as a model, or
    JSON that is one); None for another tool's brief or an older schema."""
    from pydantic import ValidationError

    from summarizer.engine.verification import load_brief
    from summarizer.output.brief import Brief

    if isinstance(brief, Brief):
        return brief.model_dump(mode="json"), brief
    data = load_brief(brief)
    try:
        return data, Brief.model_validate(data)
    except ValidationError:
        return data, None


def review_page(
    brief: Brief | dict[str, Any] | str | Path,
    article: str | Path | Article,
    *,
    title: str | None = None,
) -> Review:
    """The review page of ``brief`` beside ``article``.

    ``brief``: a :class:`~summarizer.output.brief.Brief`, a dict of the same shape (this project's
    JSON, or another tool's that ``summarizer verify`` accepts), or the path of a JSON file.
    ``article``: the text itself (a ``str``), a ``Path``, or an
    :class:`~summarizer.article.Article`, as :func:`summarizer.summarize` takes it.
    """
    from summarizer.article import Article, load_article

    art = article if isinstance(article, Article) else load_article(article)
    page = Page(*_read(brief), art)
    page.collect()
    # Citations are numbered in the order of the article; items link to them by number.
    ordered = sorted(page.b.cites.values(), key=lambda c: (c.start, -c.end))
    for n, c in enumerate(ordered, 1):
        c.number = n
    text = page.text
    parts_n = page.chunks if page.chunks > 1 else (
        math.ceil(len(text) / PART_CHARS) if len(text) > LONG_CHARS else 1
    )  # fmt: skip
    cuts = cut_parts(text, parts_n, page.index)
    body, parts, uncited = article_html(text, page.index, ordered, cuts, page.article_lang)
    headline = one_line(page.data.get("headline") or art.fallback_headline or "Review")
    html_text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title or 'Review: ' + headline)}</title><style>{CSS}</style></head>"
        '<body><a class="skip" href="#article">Skip to the article</a><div class="wrap">'
        f"<header>{page.header(headline, len(ordered), uncited)}</header>"
        f'<aside aria-label="The brief">{page.aside()}</aside>'
        '<main id="article" aria-label="The article" tabindex="-1"><h2>The article</h2>'
        f"{page.contents(parts)}{body}</main>"
        f'<footer class="meta">{esc(page.footer())}</footer></div>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
    return Review(
        html=html_text,
        article_matches=page.matches,
        warnings=page.warnings,
        citations=len(ordered),
        located=page.b.evidence_found,
        sentences=len(page.index.segments),
        uncited=uncited,
        items=len(page.b.items),
        dropped=len(page.b.dropped),
        parts=len(parts),
    )


def _page(brief: Brief, article: str | Path | Article) -> str:
    return review_page(brief, article).html


def _needs_the_article(brief: Brief) -> str:
    raise ValueError(
        "the review format shows a brief beside its article: render(brief, 'review', article=...)"
    )


FORMAT = Format(
    name="review",
    suffix="html",
    media_type="text/html",
    render=_needs_the_article,
    join=None,
    beside=_page,
)
