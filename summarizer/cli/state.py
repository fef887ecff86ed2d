"""What every command shares and the app sets: the ``--debug`` state and :func:`fail`.

A leaf of ``cli/``: the commands import it, ``app`` imports the commands (so the commands
never import ``app``).
"""

from __future__ import annotations

from typing import NoReturn

import typer

from summarizer.cli.report import error_line

__all__ = ["fail", "state"]


class _State:
    debug = False


state = _State()


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr, then exit with ``code``."""
    error_line(message)
    raise typer.Exit(code)
