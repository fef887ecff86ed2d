"""The digest's configuration: ``digest.toml``, overridden by flags.

:class:`DigestConfig` is everything one run needs; its ``[summarizer]`` table is
:class:`SummarizerTable`, every summarizer setting (derived from
:class:`~summarizer.base.config.Settings`, so it cannot fall behind; validated in full by
:func:`summarizer.base.config.load_settings` at the flag level).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from summarizer.base.config import Settings
from summarizer.base.errors import ConfigurationError

__all__ = [
    "ALL_FORMATS",
    "DigestConfig",
    "EmailConfig",
    "OutputFormat",
    "SummarizerTable",
    "load_digest_config",
    "parse_as_of",
    "parse_duration",
]

OutputFormat = Literal["markdown", "html", "json", "text"]
ALL_FORMATS: tuple[OutputFormat, ...] = ("markdown", "html", "json", "text")

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 time (UTC when it has no zone): the clock of a replayed digest."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigurationError(
            f"bad time {text!r}: use ISO 8601, e.g. 2025-03-04T07:00"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_duration(text: str) -> timedelta:
    """``90s``, ``15m``, ``6h``, ``1d``, ``2w`` as a timedelta."""
    match = _DURATION_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigurationError(f"bad duration {text!r}: use a number and s, m, h, d or w")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


class EmailConfig(BaseModel):
    """``[email]``: send the digest over SMTP (stdlib ``smtplib``)."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = Field(default=587, ge=1, le=65535)
    sender: str
    to: list[str] = Field(min_length=1)
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password_env: str | None = Field(
        default=None, description="Environment variable holding the SMTP password."
    )
    timeout_s: float = Field(default=30.0, gt=0, le=3600)


class _Table(BaseModel):
    """``[summarizer]``: summarizer settings for the run, at the flag level (unset: ``None``)."""

    model_config = ConfigDict(extra="forbid")

    def flags(self) -> dict[str, Any]:
        """The settings given, as ``load_settings`` takes flags."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def _optional_settings() -> dict[str, Any]:
    """Every field of :class:`~summarizer.base.config.Settings` (but its provenance), optional."""
    return {
        name: (Optional[info.annotation], None)  # noqa: UP045 - a runtime type, not a hint
        for name, info in Settings.model_fields.items()
        if name != "sources"
    }


if TYPE_CHECKING:

    class SummarizerTable(_Table):
        """Every setting of :class:`~summarizer.base.config.Settings`, optional."""

else:  # derived from Settings: a new setting is a [summarizer] key at once
    SummarizerTable = create_model(
        "SummarizerTable", __base__=_Table, __doc__=_Table.__doc__, **_optional_settings()
    )


class DigestConfig(BaseModel):
    """Everything one digest run needs; the ``digest.toml`` file has the same keys."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str | dict[str, Any]] = Field(
        default_factory=list,
        description="Digest sources: folders, files, URLs, feed:URLs, or tables with a type "
        'and its options ({type = "feed", url = "..."}; summarizer/digest/sources/).',
    )
    out: Path | None = Field(default=None, description="Output folder [data dir/digests].")
    formats: list[OutputFormat] = Field(default_factory=lambda: list(ALL_FORMATS))
    concurrency: int = Field(default=8, ge=1, le=256)
    since: timedelta | None = Field(
        default=None, description="Also include articles first seen in this window."
    )
    db: Path | None = None
    title: str = "News digest"
    max_stories: int = Field(default=15, ge=1, le=500, description="Stories shown in full.")
    max_story_articles: int = Field(
        default=12, ge=2, le=200, description="Articles one story may hold (its boundary)."
    )
    section_cap: int = Field(
        default=8,
        ge=1,
        le=500,
        description="Stories shown in full per section (developing, new, brief, unchanged).",
    )
    story_window: timedelta = Field(
        default=timedelta(days=7),
        description="A story a digest showed this recently is still open: a later article "
        "joins it and it keeps its id (a story that skips a day or two comes back as itself).",
    )
    webhook: str | None = Field(
        default=None, description="An http(s) URL the digest is POSTed to (checked on load)."
    )
    webhook_timeout_s: float = Field(default=20.0, gt=0, le=3600)
    delivery_attempts: int = Field(
        default=4, ge=1, le=20, description="Tries per webhook or email delivery within a run."
    )
    delivery_backoff_s: float = Field(
        default=2.0, ge=0, le=600, description="First wait between delivery tries (doubling)."
    )
    email: EmailConfig | None = None
    allow_private: bool = Field(
        default=False, description="Fetch feed links that point at loopback or private hosts."
    )
    fetch_timeout_s: float = Field(default=20.0, gt=0, le=3600)
    batch: bool = Field(
        default=False,
        description="Queue the articles as one provider batch (half price, within 24 h) "
        "instead of briefing them live; a later run collects it and delivers.",
    )
    batch_wait: bool = Field(
        default=False, description="With batch: wait for the batch, then deliver in this run."
    )
    batch_poll_s: float = Field(
        default=30.0, gt=0, le=3600, description="With batch_wait: seconds between polls."
    )
    summarizer: SummarizerTable = Field(
        default_factory=SummarizerTable,
        description="Summarizer settings (model, base_url, backend, mode, ...): flag level.",
    )

    @model_validator(mode="before")
    @classmethod
    def _price_provider(cls, data: Any) -> Any:
        """A top-level ``price_provider`` (written before it was a setting) is the
        ``[summarizer]`` table's: one route for every setting."""
        if isinstance(data, dict) and "price_provider" in data:
            data = dict(data)
            table = dict(data.get("summarizer") or {})
            table.setdefault("price_provider", data.pop("price_provider"))
            data["summarizer"] = table
        return data

    @field_validator("sources")
    @classmethod
    def _tables(cls, sources: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
        """A source given as a table is checked now (its type and options); a string is
        read at each run (a folder or a feed may come and go)."""
        from summarizer.base.errors import InputError
        from summarizer.digest.sources import parse_source

        for source in sources:
            if isinstance(source, dict):
                try:
                    parse_source(source)
                except InputError as exc:
                    raise ValueError(exc.message) from exc
        return sources

    @field_validator("since", "story_window", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("webhook")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        """An http(s) URL with a host, found wrong when the config is read (exit 2), not at
        delivery after the briefs were paid for."""
        if value is None:
            return None
        from urllib.parse import urlsplit

        from summarizer.base.redact import sanitize

        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise ValueError(f"{sanitize(value, limit=80)} is not a valid URL ({exc})") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"{sanitize(value, limit=80)} must be an http:// or https:// URL with a host"
            )
        return value.strip()


def load_digest_config(
    path: Path | None = None,
    *,
    add_sources: Sequence[str | dict[str, Any]] | None = None,
    **overrides: Any,
) -> DigestConfig:
    """The config file at ``path`` (if any) with ``overrides`` (``None`` values ignored);
    ``add_sources`` are added to the file's sources (the CLI's ``--source``)."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"digest config {path}: {exc}") from exc
    if add_sources:
        data["sources"] = [*data.get("sources", []), *add_sources]
    for key, value in overrides.items():
        if value is None or value == [] or value == {}:
            continue
        if key == "summarizer":
            data["summarizer"] = {**data.get("summarizer", {}), **value}
        else:
            data[key] = value
    try:
        return DigestConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise ConfigurationError(f"digest config: {where}: {first['msg']}") from exc
