"""How the command line reports a failure: one line on stderr, sanitized.

Every line that carries text from elsewhere (an error message, a provider's batch error, a
server's reply) goes through :func:`summarizer.base.redact.sanitize` with every key this process
can see: keys redacted, control characters and bidi overrides removed, one line, bounded.
"""

from __future__ import annotations

import os

import typer

from summarizer.base.redact import sanitize

__all__ = ["ERROR_LIMIT", "clean", "echo_line", "error_line", "secrets"]

ERROR_LIMIT = 2000
"""The longest error line (characters): enough for a list of failed checks, never a page."""


def secrets() -> list[str]:
    """The API keys this process can see (``OPENAI_API_KEY`` and every ``*_API_KEY``)."""
    return [v for k, v in os.environ.items() if k.endswith("API_KEY") and len(v) >= 8]


def clean(text: object, *, limit: int | None = ERROR_LIMIT) -> str:
    """``text`` sanitized for the terminal, with every key this process can see."""
    return sanitize(text, secrets(), limit=limit)


def echo_line(text: object, *, err: bool = False, limit: int | None = ERROR_LIMIT) -> None:
    """One sanitized line on stdout (or stderr)."""
    typer.echo(clean(text, limit=limit), err=err)


def error_line(message: object, *, prefix: str = "error") -> None:
    """``summarizer: error: <message>`` on stderr: one line, sanitized."""
    typer.echo(f"summarizer: {prefix}: {clean(message)}", err=True)
