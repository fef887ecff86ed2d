"""A file: one article (text, Markdown or HTML), read to learn its identity (its text hash)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from summarizer.article import load_article
from summarizer.digest.sources import Candidate, SourceReader, SourceSpec, SourceType

__all__ = ["SOURCE", "FileSource", "file_candidate"]


class FileOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str


def file_candidate(path: Path, origin: str, reader: SourceReader) -> Candidate:
    """The article in ``path``: read to learn its identity (nothing to skip early)."""
    limits = reader.limits
    return Candidate(keys=[], label=str(path), origin=origin,
                     load=lambda: load_article(path, limits=limits))  # fmt: skip


class FileSource(SourceType):
    kind = "file"
    rank = 50  # any existing file that no other type claimed
    Options: ClassVar[type[BaseModel]] = FileOptions
    location_field = "path"

    def claims(self, spec: str) -> str | None:
        path = Path(spec).expanduser()
        return str(path) if path.is_file() else None

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        yield file_candidate(Path(source.location).expanduser(), source.spec, reader)


SOURCE = FileSource()
