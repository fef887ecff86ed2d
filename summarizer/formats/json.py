"""JSON: the brief as its schema says (``summarizer schema brief``); several briefs are one
JSON array."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.formats import Format
from summarizer.output.brief import Brief

__all__ = ["FORMAT"]


def _one(brief: Brief) -> str:
    return brief.model_dump_json(indent=2)


def _array(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return "[\n" + ",\n".join(parts) + "\n]"


FORMAT = Format(name="json", suffix="json", media_type="application/json", render=_one,
                join=_array)  # fmt: skip
