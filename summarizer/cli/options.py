"""Option definitions shared by the commands (as sqlite-utils shares its decorators).

Each is an ``Annotated`` type: ``model: ModelOpt = None``. Only typer is imported here,
so every command module can use them without slowing ``summarizer --help``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

import summarizer.formats as formats

__all__ = [
    "BackendOpt",
    "BaseUrlOpt",
    "FormatOpt",
    "LocalModelOpt",
    "MaxReasksOpt",
    "ModeOpt",
    "ModelOpt",
    "PriceProviderOpt",
    "PromptsOpt",
    "StrictOpt",
    "settings_flags",
]

# Options named otherwise than the setting they give (--prompts sets prompts_dir).
RENAMED = {"prompts": "prompts_dir", "max_requests": "max_requests_per_brief"}


def settings_flags(options: Mapping[str, Any]) -> dict[str, Any]:
    """The command's options that are settings, under the settings' names (``None``:
    unset), for :func:`summarizer.base.config.load_settings`. The names come from
    :class:`~summarizer.base.config.Settings`: an option named like a setting is that setting."""
    from summarizer.base.config import Settings

    named = {RENAMED.get(name, name): value for name, value in options.items()}
    return {name: value for name, value in named.items() if name in Settings.names()}


def _known_format(value: str | None) -> str | None:
    if value is not None and value not in formats.names():
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(formats.names())}")
    return value


# The formats of summarizer/formats/ (one module each; listed without importing them).
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="|".join(formats.names()),
        callback=_known_format,
        help="Output format [default: markdown on a terminal, json otherwise].",
        show_default=False,
    ),
]


ModelOpt = Annotated[str | None, typer.Option(help="Model name.")]
BaseUrlOpt = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
]
BackendOpt = Annotated[
    str | None, typer.Option(help="A [backends.NAME] profile of the config file.")
]
ModeOpt = Annotated[str | None, typer.Option(help="auto, strict, json_schema, tools or json.")]
LocalModelOpt = Annotated[
    Path | None, typer.Option(help="Run this GGUF file on an embedded llama.cpp server.")
]
StrictOpt = Annotated[
    bool | None,
    typer.Option(
        "--strict/--lenient",
        help="Fail (exit 5) instead of dropping ungrounded items.",
        show_default=False,
    ),
]
MaxReasksOpt = Annotated[
    int | None, typer.Option(min=0, max=10, help="Re-asks after a failed check [default: 2].")
]
PromptsOpt = Annotated[
    Path | None, typer.Option("--prompts", help="Folder of your own prompt templates.")
]
PriceProviderOpt = Annotated[
    str | None,
    typer.Option(
        metavar="PROVIDER",
        help="Price the model as this genai-prices provider (e.g. openai) when it is served "
        "from another base URL (a proxy, a gateway) [config: price_provider].",
    ),
]
