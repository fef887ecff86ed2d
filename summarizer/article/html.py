"""HTML to an article: sniffing, and extraction of the main text with trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from summarizer.base.errors import InputError
from summarizer.base.fileio import one_line

__all__ = ["Page", "extract_html", "normalize_newlines", "sniff_html"]

_HTML_SNIFF_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


def sniff_html(text: str) -> bool:
    """Whether ``text`` looks like an HTML page (a doctype, html, head or body tag up front)."""
    head = text[:2048].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_SNIFF_RE.search(head) is not None


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n``, without a leading BOM."""
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


@dataclass(frozen=True)
class Page:
    """What trafilatura found in a page."""

    text: str
    title: str | None
    published: str | None
    site: str | None


def extract_html(html: str, *, origin: str, url: str | None) -> Page:
    """The main text of a page, with its title, publication date and site name."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False
        )
    except Exception as exc:  # lxml and trafilatura raise many types on malformed pages
        raise InputError(f"cannot parse the HTML: {one_line(exc)}", source=origin) from exc
    text = normalize_newlines(str(getattr(doc, "text", None) or "")).strip() if doc else ""
    if not text:
        raise InputError("no article text found in the HTML", source=origin)
    return Page(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        published=_clean(getattr(doc, "date", None)),
        site=_clean(getattr(doc, "sitename", None)) or _clean(getattr(doc, "hostname", None)),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None
