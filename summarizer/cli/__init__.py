"""The command line: ``summarizer`` (Typer). Imports stay light so ``--help`` is fast."""

from summarizer.cli.app import app, main

__all__ = ["app", "main"]
