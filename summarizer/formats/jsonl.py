"""JSON lines: one compact brief per line (``batch collect``'s output, ready for ``jq``)."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.formats import Format
from summarizer.output.brief import Brief

__all__ = ["FORMAT"]


def _line(brief: Brief) -> str:
    return brief.model_dump_json()


def _lines(parts: Sequence[str]) -> str:
    return "".join(part + "\n" for part in parts)


FORMAT = Format(name="jsonl", suffix="jsonl", media_type="application/jsonl", render=_line,
                join=_lines)  # fmt: skip
