"""Digest sources: one module per source type in this package (``folder``, ``file``,
``urls``, ``url``, ``feed``), found by name.

A source type (a :class:`SourceType`, the module's ``SOURCE``) says which source strings it
reads (:meth:`SourceType.claims`; the types are asked in ``rank`` order), which options a
source of it takes from a config table (``sources = [{type = "feed", url = "..."}]``,
validated by its ``Options`` model), and lists what a source offers as :class:`Candidate`
items; its state between runs (a feed's ETag and Last-Modified) is a JSON object it owns,
kept in the store. :func:`summarizer.digest.ingest.ingest` stores the candidates. Adding a
source type (an IMAP mailbox, say) is adding one module here and its tests: see
docs/architecture.md.

Each article gets identity keys (``url:`` its normalized URL, ``guid:`` its feed entry id,
``hash:`` its text hash); an article already known under any key is not fetched again, and
the same article reached from two sources is stored once. A failing source or page is
recorded with its error and never stops the others; a page that could not be fetched is
retried on the next run. Links found in feeds are fetched with ``allow_private=False`` (no
loopback or private hosts) unless the digest config allows it.
"""

from __future__ import annotations

import dataclasses
import json
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from summarizer.article import Article, Limits, load_article
from summarizer.base.errors import InputError
from summarizer.digest.sources._identity import identity_keys, normalize_url, strip_tracking

if TYPE_CHECKING:
    from summarizer.digest.store import Store

__all__ = [
    "Candidate",
    "SourceReader",
    "SourceSpec",
    "SourceType",
    "identity_keys",
    "normalize_url",
    "parse_source",
    "source_types",
    "strip_tracking",
]


@dataclass(frozen=True)
class SourceSpec:
    """A source as given (``spec``: the string, or the table as canonical JSON), its type,
    where it is, and the options of a source given as a table."""

    spec: str
    kind: str
    location: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Candidate:
    """An item a source offers: identity keys known before loading it, and how to load it."""

    keys: list[str]
    label: str
    origin: str
    load: Callable[[], Article]
    url: str | None = None
    guid: str | None = None
    published: str | None = None


class NoOptions(BaseModel):
    """A source type that takes no options beyond its location."""

    model_config = ConfigDict(extra="forbid")


class SourceType:
    """One kind of digest source. Subclass it in a module of this package and set ``SOURCE``
    to an instance; ``kind`` is the module's name."""

    kind: ClassVar[str]
    rank: ClassVar[int] = 100  # the order in which types are asked to claim a string
    # The options of a source given as a table (``{type = "<kind>", ...}``); the field
    # named by ``location_field`` says where it is.
    Options: ClassVar[type[BaseModel]] = NoOptions
    location_field: ClassVar[str | None] = None

    def claims(self, spec: str) -> str | None:
        """Where the source string ``spec`` is, when this type reads it (else None; an
        InputError when it is this type's but unusable)."""
        return None

    def candidates(self, source: SourceSpec, reader: SourceReader) -> Iterator[Candidate]:
        """What ``source`` offers now (network and file I/O; state through ``reader``)."""
        raise NotImplementedError


@cache
def source_types() -> dict[str, SourceType]:
    """Every source type, by kind, in ``rank`` order (the modules of this package)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            made = import_module(f"{__name__}.{module.name}").SOURCE
            assert isinstance(made, SourceType) and made.kind == module.name, module.name
            found.append(made)
    return {t.kind: t for t in sorted(found, key=lambda t: (t.rank, t.kind))}


def parse_source(spec: str | Mapping[str, Any]) -> SourceSpec:
    """A source as given: a string (``feed:URL``, an http(s) URL, a folder, a URL list or a
    file: the first type that claims it), or a table with its ``type`` and options."""
    if not isinstance(spec, str):
        return _from_table(spec)
    text = spec.strip()
    for source_type in source_types().values():
        location = source_type.claims(text)
        if location is not None:
            return SourceSpec(spec, source_type.kind, location)
    raise InputError("no such file, folder or URL", source=spec)


def _from_table(table: Mapping[str, Any]) -> SourceSpec:
    options = dict(table)
    kind = options.pop("type", None)
    known = source_types()
    label = json.dumps(dict(table), sort_keys=True, default=str)
    if kind not in known:
        raise InputError(f"unknown source type {kind!r}: use one of {', '.join(known)}",
                         source=label)  # fmt: skip
    source_type = known[str(kind)]
    try:
        valid = source_type.Options.model_validate(options).model_dump(mode="json")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or kind
        raise InputError(f"{kind} source: {where}: {first['msg']}", source=label) from exc
    where = str(valid.get(source_type.location_field or "", "") or "")
    text = f"{kind}:{json.dumps(valid, sort_keys=True)}"
    return SourceSpec(text, source_type.kind, where, valid)


class SourceReader:
    """What a source type reads with: the limits, the store (known articles, its own state)
    and the counters :func:`~summarizer.digest.ingest.ingest` reports. The only store
    writes are each source's check (status, error, state)."""

    def __init__(self, store: Store, *, limits: Limits, allow_private: bool) -> None:
        self.store = store
        self.limits = limits
        self.feed_limits = dataclasses.replace(limits, allow_private=allow_private)
        self.not_modified = 0
        self.known_pages = 0

    def candidates(self, source: SourceSpec) -> Iterator[Candidate]:
        return source_types()[source.kind].candidates(source, self)

    def known(self, keys: list[str]) -> bool:
        """Whether an article is stored under any of ``keys``."""
        return self.store.find_article(keys) is not None

    def state(self, source: SourceSpec) -> tuple[int, dict[str, Any]]:
        """The source's id in the store (created if new) and the state it saved last."""
        return self.store.source_state(source.spec, source.kind)

    def checked(
        self,
        source_id: int,
        *,
        status: int | None,
        error: str | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> None:
        """Record a check of a source; ``state`` (JSON) replaces the saved one (None: kept)."""
        self.store.source_checked(source_id, status=status, error=error, state=state)

    def page(self, url: str, origin: str, limits: Limits | None = None, **extra: Any) -> Candidate:
        """A page to fetch at ``url`` (with the feed links' limits unless ``limits``)."""
        chosen = limits or self.feed_limits
        return Candidate(
            keys=identity_keys(url=url, guid=extra.get("guid")),
            label=url,
            origin=origin,
            load=lambda: load_article(url, limits=chosen),
            url=url,
            **extra,
        )
