"""A folder: every article file in it and below (hidden files and folders skipped), however
old: ``since`` chooses what a digest shows, never what is stored (an outage longer than the
window must lose nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from summarizer.digest.sources import Candidate, SourceReader, SourceSpec, SourceType
from summarizer.digest.sources.file import file_candidate

__all__ = ["ARTICLE_SUFFIXES", "SOURCE", "FolderSource"]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


class FolderOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str


class FolderSource(SourceType):
    kind = "folder"
    rank = 30
    Options: ClassVar[type[BaseModel]] = FolderOptions
    location_field = "path"

    def claims(self, spec: str) -> str | None:
        path = Path(spec).expanduser()
        return str(path) if path.is_dir() else None

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        root = Path(source.location).expanduser()
        files = sorted(
            p for p in root.rglob("*")
            if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )  # fmt: skip
        for path in files:
            yield file_candidate(path, source.spec, reader)


SOURCE = FolderSource()
