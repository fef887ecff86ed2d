"""``summarizer verify BRIEF.json ARTICLE``: is every item of a brief supported by the article?

Exit 0 when every item is supported, 5 when any is not, 3 when the brief or the article
cannot be read.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class VerifyFormat(StrEnum):
    json = "json"
    text = "text"


def verify_command(
    brief: Annotated[
        Path,
        typer.Argument(
            help="A brief as JSON (this project's, v1 or v2, or any dict of the same shape).",
            show_default=False,
        ),
    ],
    article: Annotated[
        str,
        typer.Argument(
            help="The article: a file, an http(s) URL, or - for stdin.", show_default=False
        ),
    ],
    fmt: Annotated[VerifyFormat, typer.Option("--format", "-f", help="Output format.")] = (
        VerifyFormat.text
    ),
) -> None:
    """Check every item of BRIEF against ARTICLE: is each claim supported by its evidence?

    Exit 0 when every item is supported, 5 when any is not, 3 for unreadable input.
    """
    from summarizer.article import read_source
    from summarizer.base.redact import redact, strip_unsafe
    from summarizer.cli.report import clean, secrets
    from summarizer.engine.verification import verify

    result = verify(brief, read_source(article))
    if fmt is VerifyFormat.json:  # the brief is untrusted: no control or bidi character out
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
        typer.echo(redact(strip_unsafe(text), secrets(), patterns=False))
    else:  # every line from the brief sanitized: one line each, no escape, no key
        for item in result.items:
            mark = "ok " if item.supported else "NO "
            typer.echo(f"{mark} {clean(item.path)}: {clean(item.text, limit=None)}")
            for reason in item.reasons:
                typer.echo(f"      - {clean(reason, limit=None)}")
        typer.echo(f"{result.supported} supported, {result.unsupported} not supported")
        if not result.article_matches:
            typer.echo("note: this article is not the text the brief was made from (its "
                       "SHA-256 differs)")  # fmt: skip
    raise typer.Exit(0 if result.ok else 5)
