"""Output formats of a brief: one module per format in this package, found by its name.

A format module (``markdown.py``, ``text.py``, ``html.py``, ``json.py``, ``jsonl.py``)
defines ``FORMAT``, a :class:`Format`: its name (the module's), the file suffix, the media
type, how to render one brief and how to join many rendered briefs into one output.
``summarize --format``, ``batch collect`` and the digest's delivery (file suffixes) read
this registry; adding a format is adding one module here (and its tests): see
docs/architecture.md. The names are listed without importing the modules, so
``summarizer --help`` stays fast; helpers shared by the renderers are in ``_shared.py``
(a module whose name starts with ``_`` is not a format).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.brief import Brief
    from summarizer.formats._shared import markdown_escape

__all__ = ["Format", "get", "markdown_escape", "names", "render", "render_many"]


@dataclass(frozen=True)
class Format:
    """One output format: how to render a brief, and how to join several."""

    name: str
    suffix: str  # a file's suffix, without the dot
    media_type: str
    render: Callable[[Brief], str]
    join: Callable[[Sequence[str]], str]
    terminal: bool = False  # printed through rich when stdout is a terminal (Markdown)


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


def render(brief: Brief, fmt: str = "markdown") -> str:
    """``brief`` as text in the format ``fmt`` (markdown, text, html, json, ...)."""
    return get(fmt).render(brief)


def render_many(briefs: Sequence[Brief], fmt: str) -> str:
    """Several briefs as one output in the format ``fmt`` (a JSON array, pages in a row)."""
    chosen = get(fmt)
    return chosen.join([chosen.render(b) for b in briefs])


def __getattr__(name: str) -> Any:
    if name == "markdown_escape":  # the digest's renderer escapes Markdown the same way
        from summarizer.formats._shared import markdown_escape

        return markdown_escape
    raise AttributeError(name)
