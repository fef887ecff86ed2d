"""Output formats of a brief: one module per format in this package, found by its name.

A format module (``markdown.py``, ``text.py``, ``html.py``, ``json.py``, ``jsonl.py``,
``review.py``) defines ``FORMAT``, a :class:`Format`: its name (the module's), the file
suffix, the media type, how to render one brief and how to join many rendered briefs into
one output. A format that shows a brief beside the article it was made from (``review``)
renders with the article (``beside``) and makes one file per brief (``join`` is None).
``summarize --format``, ``batch collect`` and the digest's delivery (file suffixes) read
this registry; adding a format is adding one module here (and its tests): see
docs/architecture.md. The names are listed without importing the modules, so
``summarizer --help`` stays fast; helpers shared by the renderers are in ``_shared.py``,
the review page's parts in ``_review/`` (a name that starts with ``_`` is not a format).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from summarizer.article import Article
    from summarizer.formats._shared import markdown_escape
    from summarizer.output.brief import Brief

__all__ = ["Format", "get", "markdown_escape", "names", "render", "render_many"]


@dataclass(frozen=True)
class Format:
    """One output format: how to render a brief, and how to join several."""

    name: str
    suffix: str  # a file's suffix, without the dot
    media_type: str
    render: Callable[[Brief], str]
    join: Callable[[Sequence[str]], str] | None  # None: one file per brief, never joined
    terminal: bool = False  # printed through rich when stdout is a terminal (Markdown)
    beside: Callable[[Brief, Article | str | Path], str] | None = None
    """Set by a format that shows the brief beside the article it was made from (a brief
    holds its quotes and offsets, not the text): it renders with the article instead
    (``render`` then says so)."""


@cache
def names() -> tuple[str, ...]:
    """Every format's name, sorted (the modules of this package; none is imported)."""
    found = (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return tuple(sorted(found))


def get(name: str) -> Format:
    """The format called ``name`` (ValueError naming the known ones when there is none)."""
    if name not in names():
        raise ValueError(f"unknown format {name!r}: use one of {', '.join(names())}")
    found = import_module(f"{__name__}.{name}").FORMAT
    assert isinstance(found, Format) and found.name == name, name
    return found


def render(
    brief: Brief, fmt: str = "markdown", *, article: Article | str | Path | None = None
) -> str:
    """``brief`` as text in the format ``fmt`` (markdown, text, html, json, review, ...).

    ``article``: the article the brief was made from (an :class:`~summarizer.article.Article`,
    its text, or a ``Path``), for a format that shows it (``review``); the others ignore it."""
    chosen = get(fmt)
    if chosen.beside is not None and article is not None:
        return chosen.beside(brief, article)
    return chosen.render(brief)


def render_many(
    briefs: Sequence[Brief],
    fmt: str,
    *,
    articles: Sequence[Article | str | Path] | None = None,
) -> str:
    """Several briefs as one output in the format ``fmt`` (a JSON array, pages in a row).

    ``articles``: each brief's article, in the same order (see :func:`render`). A format
    that makes one file per brief (``join`` None: ``review``) renders one brief only."""
    chosen = get(fmt)
    if articles is not None and len(articles) != len(briefs):
        raise ValueError(f"{len(briefs)} briefs but {len(articles)} articles")
    pages = [render(b, fmt, article=None if articles is None else articles[i])
             for i, b in enumerate(briefs)]  # fmt: skip
    if chosen.join is None:
        if len(pages) != 1:
            raise ValueError(f"the {fmt} format makes one file per brief: render each alone")
        return pages[0]
    return chosen.join(pages)


def __getattr__(name: str) -> Any:
    if name == "markdown_escape":  # the digest's renderer escapes Markdown the same way
        from summarizer.formats._shared import markdown_escape

        return markdown_escape
    raise AttributeError(name)
