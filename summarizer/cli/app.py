"""The ``summarizer`` command: global options, the commands, and ``main`` (errors to exit codes).

Library modules are imported inside the commands so that ``--help`` stays fast
(``openai`` and ``instructor`` alone take most of a second to import). The commands live
in ``summarize.py``, ``tools.py``, ``digest.py`` and ``batch.py``; shared options in
``options.py``.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, NoReturn

import typer

from summarizer.cli.batch import batch_app  # typer only: --help stays fast
from summarizer.cli.digest import digest_app  # typer only: --help stays fast
from summarizer.cli.models import models_app  # typer only: --help stays fast
from summarizer.cli.report import error_line
from summarizer.cli.review import review_command
from summarizer.cli.state import fail, state
from summarizer.cli.summarize import summarize
from summarizer.cli.tools import backends, schema, serve_local
from summarizer.cli.usage import usage
from summarizer.cli.verify import verify_command

__all__ = ["EXIT_CODES", "app", "fail", "main", "state"]

EXIT_CODES = """Exit codes: 0 ok · 1 unexpected error · 2 usage or configuration error ·
3 bad input · 4 backend or network failure · 5 validation failed (--strict, or no usable
answer) · 6 only partly done (a digest or batch with failures, or --max-cost reached)."""

app = typer.Typer(
    name="summarizer",
    help="Structured, grounded briefs of news articles: actors, positions, open disputes and "
    "next steps, each backed by verbatim quotes.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.command()(summarize)
app.command()(schema)
app.command()(backends)
app.command("serve-local")(serve_local)
app.add_typer(digest_app, name="digest")
app.add_typer(batch_app, name="batch")
app.add_typer(models_app, name="models")
app.command("verify")(verify_command)
app.command("review")(review_command)
app.command()(usage)

log = logging.getLogger("summarizer")

# Libraries that log on their own: quiet unless --debug (trafilatura logs "discarding
# data" and "empty HTML tree" for pages whose failure we report in one line anyway).
_NOISY = ("httpx2", "httpx", "httpcore2", "openai", "instructor")
_SILENT = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Debug logs and tracebacks on errors.")
    ] = False,
) -> None:
    """Global options: they go before the command, e.g. ``summarizer -v summarize FILE``."""
    state.debug = debug
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    logging.basicConfig(
        level=level, stream=sys.stderr, format="summarizer: %(levelname)s: %(message)s"
    )
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING) if not debug else level)
    for silent in _SILENT:
        logging.getLogger(silent).setLevel(level if debug else logging.CRITICAL + 1)


def main() -> None:
    """Entry point: run the app, turning library errors into one line and an exit code."""
    from summarizer.base.errors import SummarizerError
    from summarizer.cli.exits import exit_code

    try:
        # Not standalone: a usage error is reported here, on one line (click prints four).
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(130)
    except typer.TyperException as exc:  # click's exceptions, as Typer exports them
        _usage_error(exc)
    except typer.Abort:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(130)
    except SummarizerError as exc:
        if state.debug:
            raise
        error_line(exc)
        sys.exit(exit_code(exc))
    except Exception as exc:  # the last line of defence: one line, exit 1
        if state.debug:
            raise
        if _damaged_database(exc):  # read outside the cache's own checks (the batch tables)
            error_line(f"the database is damaged (move it away or restore it): {exc}")
            sys.exit(2)
        error_line(
            f"{type(exc).__name__}: {exc} (run with --debug for the traceback)",
            prefix="unexpected error",
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _damaged_database(exc: BaseException) -> bool:
    import sqlite3

    return type(exc) is sqlite3.DatabaseError  # SQLITE_CORRUPT, SQLITE_NOTADB


def _usage_error(exc: typer.TyperException) -> NoReturn:
    """A usage error on one line (exit 2); a command given without arguments shows its help."""
    code = int(getattr(exc, "exit_code", 2))
    show = getattr(exc, "show", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and show is not None:  # `summarizer` alone
        show()
        sys.exit(code)
    ctx = getattr(exc, "ctx", None)
    where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    error_line(f"{exc.format_message()}{where}", prefix="usage error")
    sys.exit(code)
