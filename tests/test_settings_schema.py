"""One settings schema: :class:`summarizer.base.config.Settings` declares every setting; the
keywords of ``Summarizer``, the digest's ``[summarizer]`` table and the command-line flags
are derived from it or checked against it here."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Optional, get_type_hints

import pytest

from summarizer import Summarizer
from summarizer.base.config import Settings, SettingsOptions
from summarizer.base.errors import ConfigurationError
from summarizer.cli.batch import collect, submit
from summarizer.cli.digest import run, schedule
from summarizer.cli.options import RENAMED, settings_flags
from summarizer.cli.summarize import summarize
from summarizer.digest.config import SummarizerTable, load_digest_config

SETTINGS = set(Settings.model_fields) - {"sources"}  # ``sources``: provenance, not a setting
# A Summarizer's ``cache`` keyword is the brief cache itself; the setting says whether the
# commands open one.
NOT_KEYWORDS = {"cache"}
# Options of the commands that are not settings: what to brief and where the output goes.
NOT_SETTINGS = {
    "sources", "fmt", "output", "concurrency", "no_cache", "dry_run", "retry", "wait", "poll",
    "ref", "reask", "config", "source", "since", "out", "webhook", "allow_private", "batch",
    "cron", "every", "now", "misfire_grace", "as_of", "max_wait",
}  # fmt: skip


def test_the_keywords_are_the_settings_with_their_types() -> None:
    hints = get_type_hints(SettingsOptions)
    assert set(hints) == SETTINGS - NOT_KEYWORDS
    for name, hint in hints.items():
        wanted = Optional[Settings.model_fields[name].annotation]  # noqa: UP045 - at run time
        assert hint == wanted, name
    init = inspect.signature(Summarizer.__init__).parameters
    assert {"settings", "cache", "transport", "options"} == set(init) - {"self"}


def test_the_digest_table_is_every_setting() -> None:
    assert set(SummarizerTable.model_fields) == SETTINGS
    for name in SETTINGS:
        field = SummarizerTable.model_fields[name]
        assert field.default is None and not field.is_required(), name
    cfg = load_digest_config(None, summarizer={"chunk_concurrency": 3, "verify": True})
    assert cfg.summarizer.flags() == {"chunk_concurrency": 3, "verify": True}
    with pytest.raises(ConfigurationError, match="summarizer.no_such_setting"):
        load_digest_config(None, summarizer={"no_such_setting": 1})


def test_a_top_level_price_provider_is_the_tables() -> None:
    old = load_digest_config(None, price_provider="openai")  # written before it was a setting
    assert old.summarizer.flags() == {"price_provider": "openai"}


@pytest.mark.parametrize("command", [summarize, submit, collect, run, schedule])
def test_every_command_option_is_a_setting_or_named_as_not_one(command: Any) -> None:
    """An option named like a setting is that setting (``settings_flags``); any other must
    be listed above as not a setting, so a new flag is never silently dropped."""
    for name in inspect.signature(command).parameters:
        setting = RENAMED.get(name, name)
        assert setting in SETTINGS or name in NOT_SETTINGS, f"{command.__name__} --{name}"


def test_settings_flags_keep_the_settings_by_their_names() -> None:
    options = {"model": "m", "prompts": Path("p"), "max_requests": 9, "fmt": "json",
               "no_cache": True, "verify": None}  # fmt: skip
    assert settings_flags(options) == {"model": "m", "prompts_dir": Path("p"),
                                       "max_requests_per_brief": 9, "verify": None}  # fmt: skip


def test_keywords_override_given_settings() -> None:
    base = Settings(model="a", base_url="http://127.0.0.1:9/v1", max_reasks=1)
    with Summarizer(settings=base, max_reasks=3, price_provider="openai") as s:
        assert (s.settings.model, s.settings.max_reasks) == ("a", 3)
        assert s.settings.price_provider == "openai" and s.price_provider == "openai"
        assert s.settings.source_of("max_reasks") == "flag"
    with pytest.raises(ConfigurationError, match="max_reasks"):
        Summarizer(settings=base, max_reasks=99)
