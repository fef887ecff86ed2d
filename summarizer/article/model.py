"""What an article is: :class:`Article`, the :class:`Limits` on reading one, a :class:`FetchResult`.

Everything derived from an article passes through :class:`Article`, so this is the one
place where C0 and C1 control characters (terminal escape sequences among them) are taken
out: an article can never put ``ESC[2J`` on a terminal or into a digest file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from summarizer.article.meta import MAX_TITLE_CHARS, headline_of_text

__all__ = ["DEFAULT_LIMITS", "Article", "FetchResult", "Limits", "clean_text"]

# C0 controls and DEL and C1 controls go, but tab and newline; the ones that end a line
# (CR, VT, FF, NEL) become a newline so that words on either side stay apart.
_LINE_ENDS = {0x0B: "\n", 0x0C: "\n", 0x0D: "\n", 0x85: "\n"}
_CONTROLS: dict[int, str | None] = {
    code: _LINE_ENDS.get(code)
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]
    if code not in (0x09, 0x0A)
}
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` without C0/C1 control characters (tab and newline stay; CR, VT, FF and NEL
    become newlines, a CRLF one newline)."""
    if _CONTROL_RE.search(text) is None:
        return text
    return text.replace("\r\n", "\n").translate(_CONTROLS)


@dataclass(frozen=True)
class Article:
    """The text of one article and what is known about its origin.

    ``encoding`` says how the bytes were decoded (``utf-8``, ``cp1252``, ``utf-16``, …;
    ``utf-8 (N invalid bytes replaced)`` for mostly-UTF-8 input); ``None`` for text given
    as a string. ``dateline`` is the place (and date) line a file's lead opened with
    (``MOSCOW``), taken off the text with the other metadata (:mod:`.meta`). Control
    characters are removed from every text field on creation.
    """

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    origin: str | None = field(default=None, compare=False)
    encoding: str | None = field(default=None, compare=False)
    dateline: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("text", "title", "url", "published", "site", "origin", "dateline"):
            value = getattr(self, name)
            if isinstance(value, str):
                cleaned = clean_text(value)
                if cleaned is not value:
                    object.__setattr__(self, name, cleaned)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def fallback_headline(self) -> str:
        """A headline taken from the article itself: its title, else its lead sentence,
        shortened at a clause boundary (never cut inside a word)."""
        if self.title and len(" ".join(self.title.split())) <= MAX_TITLE_CHARS:
            return " ".join(self.title.split())
        return headline_of_text(self.text)

    @property
    def label(self) -> str:
        """How errors and logs name this article."""
        return self.origin or self.url or self.title or f"text:{self.content_hash[:12]}"


@dataclass(frozen=True)
class Limits:
    """Bounds on reading one source; ``allow_private=False`` is for URLs taken from feeds.

    ``timeout_s`` bounds every network wait and the whole fetch, redirects included.
    """

    max_bytes: int = 5_000_000
    timeout_s: float = 20.0
    max_redirects: int = 5
    allow_private: bool = True


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FetchResult:
    """One HTTP response after redirects: 2xx with its body, or 304 with an empty body."""

    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes
    content_type: str | None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type header, if any."""
        return charset_param(self.headers.get("content-type"))


def media_type(content_type: str | None) -> str | None:
    """``text/html`` from ``text/html; charset=utf-8``, lower-cased; None when absent."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def charset_param(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, if any."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
