"""Settings and their precedence: flag > environment > config file > default.

Environment variables are ``SUMMARIZER_<NAME>`` (plus the SDK's own ``OPENAI_API_KEY``
and ``OPENAI_BASE_URL``, read by backend resolution). The config file is TOML:
``config.toml`` in the user config dir, or the path in ``SUMMARIZER_CONFIG``.
``SUMMARIZER_HOME`` moves every user file (config, cache, data) under one folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypedDict
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summarizer.base.errors import ConfigurationError

__all__ = [
    "BackendProfile",
    "Settings",
    "SettingsOptions",
    "base_url_problem",
    "cache_dir",
    "check_base_url",
    "config_path",
    "data_dir",
    "load_settings",
    "settings_with",
]

APP = "summarizer"


def base_url_problem(url: str) -> str | None:
    """What is wrong with a model endpoint's base URL (scheme, host, port), or None."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme and "://" in url else "no scheme"
        return f"must start with http:// or https:// (has {shown})"
    if not parts.hostname:
        return "has no host"
    return None


def check_base_url(url: str, *, origin: str | None = None) -> str:
    """``url`` if it can be a model endpoint, else a ConfigurationError (exit 2, no call)."""
    from summarizer.base.redact import redact

    problem = base_url_problem(url)
    if problem is not None:
        where = f" ({origin})" if origin else ""
        raise ConfigurationError(f"base_url {redact(url)}{where}: {problem}")
    return url


def _valid_base_url(value: str | None) -> str | None:
    if value is not None:
        problem = base_url_problem(value)
        if problem is not None:
            raise ValueError(problem)
    return value


class BackendProfile(BaseModel):
    """A named backend from the config file: ``[backends.NAME]``."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    model: str | None = None
    mode: str | None = None
    api_key_env: str | None = None
    context_window: int | None = None

    _base_url = field_validator("base_url")(_valid_base_url)


class Settings(BaseModel):
    """Every setting with its default; ``sources`` says where each value came from."""

    model_config = ConfigDict(extra="forbid")

    backend: str | None = None
    base_url: str | None = None
    model: str | None = None
    mode: str | None = None
    api_key_env: str | None = None
    local_model: Path | None = None
    prompts_dir: Path | None = None
    max_reasks: int = Field(default=2, ge=0, le=10)
    strict: bool = False
    timeout_s: float = Field(default=120.0, gt=0)
    transport_attempts: int = Field(default=4, ge=1, le=20)
    retry_max_wait_s: float = Field(default=30.0, ge=0)
    max_tokens: int | Literal["auto"] = "auto"  # auto: sized to the window (longform/budget.py)
    temperature: float = 0.0
    seed: int | None = 0
    max_input_bytes: int = Field(default=5_000_000, ge=1)
    # Long articles (summarizer/longform/, docs/long-articles.md); None: derived from the
    # backend.
    context_window: int | None = Field(default=None, ge=512)
    max_input_tokens: int | None = Field(default=None, ge=16)
    chunk_tokens: int | None = Field(default=None, ge=16)
    chunk_overlap: int | None = Field(default=None, ge=0)
    chunk_concurrency: int = Field(default=4, ge=1, le=64)
    # Long articles: a plan that could send more HTTP requests than this is refused at once;
    # None (auto): the plan's own worst case, refused only when it is a runaway one
    # (summarizer/engine/plan.py).
    max_requests_per_brief: int | None = Field(default=None, ge=1)
    cache: bool = True
    db: Path | None = None
    # How the model is used: "write" (it writes the brief, citing sentences), "choose" (it
    # picks among sentences and actors the program proposes: small models), "auto" (choose
    # for the embedded model, write otherwise).
    strategy: Literal["auto", "write", "choose"] = "auto"
    verify: bool = False
    language: str | None = None
    # Money: a job whose estimate is above this (USD) is refused; one that reaches it stops.
    max_cost: float | None = Field(default=None, ge=0)
    # Price the model as this genai-prices provider (e.g. "openai") when it is served from
    # an address the price list does not know (a proxy, a gateway): see docs/cost.md.
    price_provider: str | None = None
    backends: dict[str, BackendProfile] = Field(default_factory=dict)

    sources: dict[str, str] = Field(default_factory=dict, exclude=True)

    _base_url = field_validator("base_url")(_valid_base_url)

    def source_of(self, name: str) -> str:
        return self.sources.get(name, "default")

    @classmethod
    def names(cls) -> frozenset[str]:
        """Every setting's name (``sources`` is the provenance of the others)."""
        return frozenset(cls.model_fields) - {"sources"}


class SettingsOptions(TypedDict, total=False):
    """Every setting as a keyword (``None``: unset), for ``Summarizer(**options)``.

    The same names and types as :class:`Settings` (``tests/test_settings_schema.py`` checks
    them against it), but for ``cache``: a Summarizer's ``cache`` keyword is the brief cache
    itself (a :class:`~summarizer.engine.cache.BriefCache`), the setting says whether the commands
    open one. The digest's ``[summarizer]`` table is derived from :class:`Settings` and the
    command-line flags are checked against it by the same test.
    """

    backend: str | None
    base_url: str | None
    model: str | None
    mode: str | None
    api_key_env: str | None
    local_model: Path | None
    prompts_dir: Path | None
    max_reasks: int | None
    strict: bool | None
    timeout_s: float | None
    transport_attempts: int | None
    retry_max_wait_s: float | None
    max_tokens: int | Literal["auto"] | None
    temperature: float | None
    seed: int | None
    max_input_bytes: int | None
    context_window: int | None
    max_input_tokens: int | None
    chunk_tokens: int | None
    chunk_overlap: int | None
    chunk_concurrency: int | None
    max_requests_per_brief: int | None
    db: Path | None
    strategy: Literal["auto", "write", "choose"] | None
    verify: bool | None
    language: str | None
    max_cost: float | None
    price_provider: str | None
    backends: dict[str, BackendProfile] | None


def _home(env: Mapping[str, str]) -> Path | None:
    home = env.get("SUMMARIZER_HOME")
    return Path(home) if home else None


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SUMMARIZER_CONFIG"):
        return Path(env["SUMMARIZER_CONFIG"])
    home = _home(env)
    if home:
        return home / "config.toml"
    from platformdirs import user_config_path

    return user_config_path(APP) / "config.toml"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = _home(env)
    if home:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP)


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = _home(env)
    if home:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP)


_ENV_SKIP = {"backends", "sources"}


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    path: Path | None = None,
    flags_origin: str = "flag",
) -> Settings:
    """Merge defaults, the config file, the environment and flags (``None`` flags are unset).

    ``flags_origin`` names where the flags came from in errors and provenance (the digest
    passes its config file's ``[summarizer]`` table as flags).
    """
    env = os.environ if env is None else env
    path = path or config_path(env)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"config file {path}: {exc}") from exc
        for key, value in data.items():
            values[key] = value
            sources[key] = f"config file {path}"
    elif env.get("SUMMARIZER_CONFIG"):
        raise ConfigurationError(f"config file {path} (from SUMMARIZER_CONFIG) does not exist")

    for name in Settings.model_fields:
        if name in _ENV_SKIP:
            continue
        var = f"SUMMARIZER_{name.upper()}"
        if env.get(var, "") != "":
            values[name] = env[var]
            sources[name] = f"environment {var}"

    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = value
            sources[name] = flags_origin

    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        origin = sources.get(str(first["loc"][0]), "default") if first["loc"] else "settings"
        raise ConfigurationError(f"setting {where} ({origin}): {first['msg']}") from exc
    settings.sources = sources
    return settings


def settings_with(settings: Settings | None, flags: Mapping[str, Any]) -> Settings:
    """``settings`` with ``flags`` over them (``None`` flags are unset); without
    ``settings``, the settings from the environment and the config file under ``flags``."""
    given = {name: value for name, value in flags.items() if value is not None}
    if settings is None:
        return load_settings(given)
    if not given:
        return settings
    try:
        merged = Settings.model_validate({**settings.model_dump(), **given})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigurationError(f"setting {where} (flag): {first['msg']}") from exc
    merged.sources = {**settings.sources, **dict.fromkeys(given, "flag")}
    return merged
