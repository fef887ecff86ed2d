"""An http(s) URL: a page, or a feed when what it serves says so. A page already stored is
not fetched again (pages do not change their story)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from summarizer.article import SCHEME_RE
from summarizer.digest.sources import Candidate, SourceReader, SourceSpec, SourceType
from summarizer.digest.sources._identity import identity_keys
from summarizer.digest.sources._web import check_scheme, fetch, is_feed, page_of, read_feed

__all__ = ["SOURCE", "UrlSource"]


class UrlOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str


class UrlSource(SourceType):
    kind = "url"
    rank = 20
    Options: ClassVar[type[BaseModel]] = UrlOptions
    location_field = "url"

    def claims(self, spec: str) -> str | None:
        if not SCHEME_RE.match(spec):
            return None
        check_scheme(spec, spec)
        return spec

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        check_scheme(source.location, source.spec)
        if reader.known(identity_keys(url=source.location)):
            reader.known_pages += 1
            return
        source_id, result = fetch(source, reader)
        if result is None:
            return
        if is_feed(result):
            yield from read_feed(source, reader, source_id, result)
            return
        reader.checked(source_id, status=result.status, state={})
        yield page_of(source, result)


SOURCE = UrlSource()
