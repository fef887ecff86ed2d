"""summarizer: structured, grounded briefs of news articles.

Public names are imported on first use (PEP 562), so that ``import summarizer.cli.app`` for
``summarizer --help`` does not pay for pydantic models, HTTP clients or the OpenAI SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from summarizer.pipeline import BriefResult, Summarizer, asummarize, summarize
    from summarizer.verification import Verification, VerifiedItem, verify

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
    "Verification",
    "VerifiedItem",
    "__version__",
    "asummarize",
    "summarize",
    "verify",
]

_WHERE = {
    "Article": "summarizer.article",
    "SCHEMA_VERSION": "summarizer.brief",
    "Brief": "summarizer.brief",
    "BriefDraft": "summarizer.brief",
    "GroundingReport": "summarizer.brief",
    "BackendError": "summarizer.errors",
    "BriefValidationError": "summarizer.errors",
    "ConfigurationError": "summarizer.errors",
    "InputError": "summarizer.errors",
    "RefusalError": "summarizer.errors",
    "SummarizerError": "summarizer.errors",
    "TruncatedOutputError": "summarizer.errors",
    "BriefResult": "summarizer.pipeline",
    "Summarizer": "summarizer.pipeline",
    "asummarize": "summarizer.pipeline",
    "summarize": "summarizer.pipeline",
    # summarizer.verification, not summarizer.verify: a submodule named like the function
    # would rebind the package attribute (see docs/architecture.md on pipeline.py)
    "Verification": "summarizer.verification",
    "VerifiedItem": "summarizer.verification",
    "verify": "summarizer.verification",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
