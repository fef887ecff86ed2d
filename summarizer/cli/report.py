"""How the command line reports a failure: one line on stderr, secrets redacted."""

from __future__ import annotations

import os

import typer

from summarizer.redact import redact

__all__ = ["error_line", "secrets"]


def secrets() -> list[str]:
    """The API keys this process can see (``OPENAI_API_KEY`` and every ``*_API_KEY``)."""
    return [v for k, v in os.environ.items() if k.endswith("API_KEY") and len(v) >= 8]


def error_line(message: object, *, prefix: str = "error") -> None:
    """``summarizer: error: <message>`` on stderr: one line, keys and URL secrets redacted."""
    line = " ".join(redact(str(message), secrets()).split())
    typer.echo(f"summarizer: {prefix}: {line}", err=True)
