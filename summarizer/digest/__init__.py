"""The scheduled digest job: sources, ingestion, the store, stories, rendering and delivery.

``run_digest(config)`` is the entry point; see docs/digest.md and docs/architecture.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["DigestConfig", "load_digest_config", "run_digest"]

_HOMES = {
    "DigestConfig": "summarizer.digest.config",
    "load_digest_config": "summarizer.digest.config",
    "run_digest": "summarizer.digest.run",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a submodule (summarizer.digest.store) does not load the job.
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'summarizer.digest' has no attribute {name!r}")
