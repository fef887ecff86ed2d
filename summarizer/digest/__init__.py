"""The scheduled digest job: sources, ingestion, the store, stories, rendering and delivery.

``run_digest(config)`` is the entry point; see docs/digest.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DigestConfig", "load_digest_config", "run_digest"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a submodule (summarizer.digest.store) does not load the job.
    if name in __all__:
        from summarizer.digest import run

        return getattr(run, name)
    raise AttributeError(f"module 'summarizer.digest' has no attribute {name!r}")
