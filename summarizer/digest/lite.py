"""What a digest keeps of every brief while it assembles: :class:`BriefLite`."""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.output.brief import Brief, SourceInfo

__all__ = ["BriefLite"]


@dataclass(frozen=True)
class BriefLite:
    """What a digest keeps of every brief while it assembles (about 1 KB; the brief itself,
    about 20 KB as objects, stays in the cache and is loaded for the stories shown)."""

    key: str
    headline: str
    source: SourceInfo
    method: str
    names: tuple[str, ...]  # the actors' names
    positions: int
    disputes: int
    next_steps: int

    @classmethod
    def of(cls, brief: Brief, key: str) -> BriefLite:
        return cls(key, brief.headline, brief.source, brief.method,
                   tuple(a.name for a in brief.actors), len(brief.positions),
                   len(brief.disputes), len(brief.next_steps))  # fmt: skip
