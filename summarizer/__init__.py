"""summarizer: structured, grounded briefs of news articles.

Public names are imported on first use (PEP 562), so that ``import summarizer.cli.app`` for
``summarizer --help`` does not pay for pydantic models, HTTP clients or the OpenAI SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.base.config import Settings, SettingsOptions
    from summarizer.base.errors import (
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
    from summarizer.batch.collect import BatchJob
    from summarizer.engine.cache import BriefCache
    from summarizer.engine.plan import BriefPlan
    from summarizer.engine.results import BriefResult, Source
    from summarizer.engine.spend import Estimate
    from summarizer.engine.verification import Verification, VerifiedItem, verify
    from summarizer.formats import render, render_many
    from summarizer.output.brief import SCHEMA_VERSION, Brief, BriefDraft, Citation, GroundingReport
    from summarizer.pipeline import Summarizer, SummarizerOptions, asummarize, summarize

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
    "SCHEMA_VERSION": "summarizer.output.brief",
    "Brief": "summarizer.output.brief",
    "BriefDraft": "summarizer.output.brief",
    "Citation": "summarizer.output.brief",
    "BriefCache": "summarizer.engine.cache",
    "GroundingReport": "summarizer.output.brief",
    "Settings": "summarizer.base.config",
    "SettingsOptions": "summarizer.base.config",
    "BackendError": "summarizer.base.errors",
    "BriefValidationError": "summarizer.base.errors",
    "BudgetExceededError": "summarizer.base.errors",
    "BudgetReachedError": "summarizer.base.errors",
    "ConfigurationError": "summarizer.base.errors",
    "DeliveryError": "summarizer.base.errors",
    "render": "summarizer.formats",
    "render_many": "summarizer.formats",
    "InputError": "summarizer.base.errors",
    "RefusalError": "summarizer.base.errors",
    "SummarizerError": "summarizer.base.errors",
    "TruncatedOutputError": "summarizer.base.errors",
    "BriefPlan": "summarizer.engine.plan",
    "BriefResult": "summarizer.engine.results",
    "Source": "summarizer.engine.results",
    "Estimate": "summarizer.engine.spend",
    "Summarizer": "summarizer.pipeline",
    "SummarizerOptions": "summarizer.pipeline",
    "asummarize": "summarizer.pipeline",
    "summarize": "summarizer.pipeline",
    # summarizer.engine.verification, not summarizer.verify: a submodule named like the function
    # would rebind the package attribute (see docs/architecture.md on pipeline.py)
    "Verification": "summarizer.engine.verification",
    "VerifiedItem": "summarizer.engine.verification",
    "verify": "summarizer.engine.verification",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
