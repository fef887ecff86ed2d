"""One article of a story as the digest assembles it (:class:`Member`): its row, its brief
(:class:`~summarizer.digest.lite.BriefLite` until the story is shown), the program's
reading of it, its date; and its headline (:func:`title_of`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.digest.lite import BriefLite
from summarizer.digest.models import DateSource
from summarizer.digest.text import clean_line, first_sentence, shorten
from summarizer.output.brief import Brief

if TYPE_CHECKING:
    from summarizer.digest.dedup import Shingles
    from summarizer.digest.reading import Reading
    from summarizer.digest.store import StoredArticle

__all__ = ["Member", "title_of"]


@dataclass
class Member:
    index: int
    row: StoredArticle
    lite: Brief | BriefLite
    reading: Reading
    date: str | None
    dated: DateSource
    fresh: bool  # not in the story's memory: news of this digest
    copy_of: str | None = None
    idmap: dict[str, str] = field(default_factory=dict)
    full: Brief | None = None
    text_of: Callable[[StoredArticle], str | None] | None = None
    _shingles: Shingles | None = None

    def text(self) -> str:
        if self.row.text is None and self.text_of is not None:
            return self.text_of(self.row) or ""
        return self.row.text or ""

    @property
    def brief(self) -> Brief:
        """The full brief (:meth:`Assembly.load` has loaded it)."""
        if self.full is None:
            if not isinstance(self.lite, Brief):
                raise RuntimeError(f"the brief of {self.row.uid} is not loaded")
            self.full = self.lite
        return self.full

    def shingles(self) -> Shingles:
        if self._shingles is None:
            from summarizer.digest.dedup import shingles

            self._shingles = shingles(self.text())
        return self._shingles


def title_of(m: Member) -> str:
    """The article's headline: its title, else its brief's headline (first sentence,
    cleaned, shortened)."""
    for text in (m.reading.title, m.lite.headline, m.row.title or ""):
        cleaned = clean_line(first_sentence(text or ""))
        if cleaned:
            return shorten(cleaned)
    return m.row.uid
