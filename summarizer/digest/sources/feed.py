"""An RSS, Atom or JSON feed (``feed:URL``): its entries, fetched with the saved ETag and
Last-Modified (an unchanged feed costs one 304)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from summarizer.digest.sources import Candidate, SourceReader, SourceSpec, SourceType
from summarizer.digest.sources._web import check_scheme, fetch, read_feed

__all__ = ["SOURCE", "FeedSource"]


class FeedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str


class FeedSource(SourceType):
    kind = "feed"
    rank = 10  # the explicit prefix first
    Options: ClassVar[type[BaseModel]] = FeedOptions
    location_field = "url"

    def claims(self, spec: str) -> str | None:
        lower = spec.lower()
        if not lower.startswith("feed:") or lower.startswith("feed://"):
            return None
        url = spec[5:].strip()
        check_scheme(url, spec)
        return url

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        check_scheme(source.location, source.spec)
        source_id, result = fetch(source, reader)
        if result is not None:
            yield from read_feed(source, reader, source_id, result)


SOURCE = FeedSource()
