"""Option definitions shared by the commands (as sqlite-utils shares its decorators).

Each is an ``Annotated`` type: ``model: ModelOpt = None``. Only typer is imported here,
so every command module can use them without slowing ``summarizer --help``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "BackendOpt",
    "BaseUrlOpt",
    "Format",
    "LocalModelOpt",
    "MaxReasksOpt",
    "ModeOpt",
    "ModelOpt",
    "PriceProviderOpt",
    "PromptsOpt",
    "StrictOpt",
]


class Format(StrEnum):
    json = "json"
    markdown = "markdown"
    text = "text"
    html = "html"
    review = "review"  # the article beside its brief (summarizer/review.py)


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
