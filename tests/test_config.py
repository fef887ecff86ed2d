"""Settings precedence: flag > environment > config file > default, with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import ConfigurationError
from summarizer.base.config import config_path, load_settings
from summarizer.model.backends import resolve_backend


def write_config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text)
    return path


def test_defaults(isolated: Path) -> None:
    s = load_settings()
    assert s.max_reasks == 2
    assert s.strict is False
    assert s.source_of("max_reasks") == "default"
    assert config_path() == isolated / "config.toml"


def test_config_file_then_env_then_flag(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(isolated, 'model = "from-file"\nmax_reasks = 1\ntimeout_s = 9\n')
    s = load_settings()
    assert (s.model, s.max_reasks, s.timeout_s) == ("from-file", 1, 9.0)
    assert s.source_of("model").startswith("config file ")

    monkeypatch.setenv("SUMMARIZER_MODEL", "from-env")
    monkeypatch.setenv("SUMMARIZER_MAX_REASKS", "3")
    s = load_settings()
    assert (s.model, s.max_reasks, s.timeout_s) == ("from-env", 3, 9.0)
    assert s.source_of("model") == "environment SUMMARIZER_MODEL"

    s = load_settings({"model": "from-flag", "max_reasks": None})
    assert (s.model, s.max_reasks) == ("from-flag", 3)
    assert s.source_of("model") == "flag"


def test_summarizer_config_moves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('model = "elsewhere"\n')
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(other))
    assert load_settings().model == "elsewhere"
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_settings()


def test_bad_values_name_their_origin(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MAX_REASKS", "many")
    with pytest.raises(ConfigurationError, match="SUMMARIZER_MAX_REASKS"):
        load_settings()
    monkeypatch.delenv("SUMMARIZER_MAX_REASKS")
    write_config(isolated, "max_reasks = [\n")
    with pytest.raises(ConfigurationError, match="config file"):
        load_settings()
    write_config(isolated, "no_such_setting = 1\n")
    with pytest.raises(ConfigurationError, match="no_such_setting"):
        load_settings()


def test_backend_resolution_order(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    b = resolve_backend(load_settings())
    assert (b.base_url, b.model, b.mode) == ("https://api.openai.com/v1", "gpt-4o-mini", "strict")
    assert b.reasons["base_url"] == "OPENAI_API_KEY in the environment"

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("SUMMARIZER_MODEL", "llama3")
    b = resolve_backend(load_settings())
    assert (b.base_url, b.model, b.mode) == ("http://127.0.0.1:11434/v1", "llama3", "json_schema")

    b = resolve_backend(load_settings({"base_url": "http://127.0.0.1:8000/v1"}))
    assert b.base_url == "http://127.0.0.1:8000/v1"
    assert b.reasons["base_url"] == "flag"
    assert b.mode == "auto"


def test_backend_profiles(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(
        isolated,
        'backend = "vllm"\n'
        '[backends.vllm]\nbase_url = "http://127.0.0.1:8001/v1"\nmodel = "qwen"\n'
        'mode = "json_schema"\napi_key_env = "VLLM_KEY"\n',
    )
    monkeypatch.setenv("VLLM_KEY", "k")
    b = resolve_backend(load_settings())
    assert (b.name, b.base_url, b.model, b.mode, b.api_key) == (
        "vllm",
        "http://127.0.0.1:8001/v1",
        "qwen",
        "json_schema",
        "k",
    )
    # a flag still beats the profile
    assert resolve_backend(load_settings({"model": "other"})).model == "other"
    with pytest.raises(ConfigurationError, match="unknown backend 'nope'"):
        resolve_backend(load_settings({"backend": "nope"}))
    monkeypatch.delenv("VLLM_KEY")
    with pytest.raises(ConfigurationError, match="VLLM_KEY"):
        resolve_backend(load_settings())


def test_model_required_for_other_servers(isolated: Path) -> None:
    with pytest.raises(ConfigurationError, match="no model set"):
        resolve_backend(load_settings({"base_url": "http://127.0.0.1:9/v1"}))
