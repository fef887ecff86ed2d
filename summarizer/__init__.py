"""summarizer: structured, grounded briefs of news articles.

Public names are imported on first use (PEP 562), so that ``import summarizer.cli.app`` for
``summarizer --help`` does not pay for pydantic models, HTTP clients or the OpenAI SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.batch.collect import BatchJob
    from summarizer.brief import SCHEMA_VERSION, Brief, BriefDraft, Citation, GroundingReport
    from summarizer.cache import BriefCache
    from summarizer.config import Settings, SettingsOptions
    from summarizer.errors import (
        BackendError,
        BriefValidationError,
        BudgetExceededError,
        BudgetReachedError,
        ConfigurationError,
        DeliveryError,
        InputError,
        RefusalError,
        SummarizerError,
        TruncatedOutputError,
    )
    from summarizer.formats import render, render_many
    from summarizer.pipeline import Summarizer, SummarizerOptions, asummarize, summarize
    from summarizer.plan import BriefPlan
    from summarizer.results import BriefResult, Source
    from summarizer.spend import Estimate
    from summarizer.verification import Verification, VerifiedItem, verify

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "BackendError",
    "BatchJob",
    "Brief",
    "BriefCache",
    "BriefDraft",
    "BriefPlan",
    "BriefResult",
    "BriefValidationError",
    "BudgetExceededError",
    "BudgetReachedError",
    "Citation",
    "ConfigurationError",
    "DeliveryError",
    "Estimate",
    "GroundingReport",
    "InputError",
    "RefusalError",
    "Settings",
    "SettingsOptions",
    "Source",
    "Summarizer",
    "SummarizerError",
    "SummarizerOptions",
    "TruncatedOutputError",
    "Verification",
    "VerifiedItem",
    "__version__",
    "asummarize",
    "render",
    "render_many",
    "summarize",
    "verify",
]

_WHERE = {
    "Article": "summarizer.article",
    "BatchJob": "summarizer.batch.collect",
    "SCHEMA_VERSION": "summarizer.brief",
    "Brief": "summarizer.brief",
    "BriefDraft": "summarizer.brief",
    "Citation": "summarizer.brief",
    "BriefCache": "summarizer.cache",
    "GroundingReport": "summarizer.brief",
    "Settings": "summarizer.config",
    "SettingsOptions": "summarizer.config",
    "BackendError": "summarizer.errors",
    "BriefValidationError": "summarizer.errors",
    "BudgetExceededError": "summarizer.errors",
    "BudgetReachedError": "summarizer.errors",
    "ConfigurationError": "summarizer.errors",
    "DeliveryError": "summarizer.errors",
    "render": "summarizer.formats",
    "render_many": "summarizer.formats",
    "InputError": "summarizer.errors",
    "RefusalError": "summarizer.errors",
    "SummarizerError": "summarizer.errors",
    "TruncatedOutputError": "summarizer.errors",
    "BriefPlan": "summarizer.plan",
    "BriefResult": "summarizer.results",
    "Source": "summarizer.results",
    "Estimate": "summarizer.spend",
    "Summarizer": "summarizer.pipeline",
    "SummarizerOptions": "summarizer.pipeline",
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
