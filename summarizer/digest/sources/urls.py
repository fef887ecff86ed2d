"""A URL list: a ``.urls`` / ``.list`` file, or a text file holding only http(s) URLs, one
per line (``#`` comments and blank lines skipped); each URL is a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from summarizer.base.errors import InputError
from summarizer.digest.sources import Candidate, SourceReader, SourceSpec, SourceType
from summarizer.digest.sources._web import check_scheme

__all__ = ["SOURCE", "UrlListSource"]

URL_LIST_SUFFIXES = frozenset({".urls", ".list"})
_URL_RE = re.compile(r"^https?://\S+$", re.I)


class UrlListOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str


def _is_url_list(path: Path) -> bool:
    if path.suffix.lower() in URL_LIST_SUFFIXES:
        return True
    if path.suffix.lower() not in (".txt", ""):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = [line.strip() for line in head.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    return bool(lines) and all(_URL_RE.match(line) for line in lines)


def _url_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the URL list: {exc}", source=str(path)) from exc
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        check_scheme(line, f"{path}: {line}")
        urls.append(line)
    return urls


class UrlListSource(SourceType):
    kind = "urls"
    rank = 40  # before "file": a text file of URLs is a list, not an article
    Options: ClassVar[type[BaseModel]] = UrlListOptions
    location_field = "path"

    def claims(self, spec: str) -> str | None:
        path = Path(spec).expanduser()
        return str(path) if path.is_file() and _is_url_list(path) else None

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        for url in _url_lines(Path(source.location).expanduser()):
            yield reader.page(url, source.spec, reader.limits)


SOURCE = UrlListSource()
