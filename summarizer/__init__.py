"""summarizer: structured, grounded briefs of news articles."""

from __future__ import annotations

from summarizer.article import Article
from summarizer.brief import SCHEMA_VERSION, Brief, BriefDraft, GroundingReport
from summarizer.errors import (
    BackendError,
    BriefValidationError,
    ConfigurationError,
    InputError,
    RefusalError,
    SummarizerError,
    TruncatedOutputError,
)
from summarizer.summarize import BriefResult, Summarizer, asummarize, summarize

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "BackendError",
    "Brief",
    "BriefDraft",
    "BriefResult",
    "BriefValidationError",
    "ConfigurationError",
    "GroundingReport",
    "InputError",
    "RefusalError",
    "Summarizer",
    "SummarizerError",
    "TruncatedOutputError",
    "__version__",
    "asummarize",
    "summarize",
]
