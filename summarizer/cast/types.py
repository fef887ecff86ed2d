"""The two types the cast shares with its users: an actor's kind and what a segment is."""

from __future__ import annotations

from typing import Literal, Protocol

__all__ = ["Kind", "SegmentLike"]

Kind = Literal["person", "organization", "government", "country", "group", "other"]


class SegmentLike(Protocol):
    """What the cast needs of a segment (``summarizer.grounding.segments.Segment``)."""

    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
