"""What a brief is asked of and what comes back from many: a leaf both the pipeline and
batch mode import (neither imports the other's internals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from summarizer.article import Article
from summarizer.base.errors import SummarizerError
from summarizer.output.brief import Brief

__all__ = ["BriefResult", "Source"]

Source = str | Path | Article
"""What can be briefed: article text, a file path, an http(s) URL, or an :class:`Article`."""


@dataclass
class BriefResult:
    """One finished item of many briefs (``summarize_many``, a batch): a brief or its error."""

    index: int
    source: Source
    brief: Brief | None = None
    error: SummarizerError | None = None

    @property
    def ok(self) -> bool:
        return self.brief is not None
