"""``summarizer summarize``: sources in, briefs out (stdout or ``-o``), one line per failure.

Everything that can be checked before the first model call is (the output path, the
backend's base URL, stdin given once, a budget the estimate is above), so a mistake costs no
request. ``--dry-run`` prints the estimate and sends nothing (see docs/cost.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli.options import (
    BackendOpt,
    BaseUrlOpt,
    FormatOpt,
    LocalModelOpt,
    MaxReasksOpt,
    ModelOpt,
    ModeOpt,
    PriceProviderOpt,
    PromptsOpt,
    StrictOpt,
)
from summarizer.cli.report import error_line

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.base.errors import SummarizerError
    from summarizer.engine.spend import Estimate
    from summarizer.output.brief import Brief
    from summarizer.pipeline import Summarizer

__all__ = ["summarize"]

log = logging.getLogger("summarizer")

SourcesArg = Annotated[
    list[str], typer.Argument(help="Files, http(s) URLs, or - for stdin.", show_default=False)
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Briefs at once for many sources.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Ask the model even if a stored brief matches.")
]
MaxInputTokensOpt = Annotated[
    int | None,
    typer.Option(
        min=16,
        help="Article tokens briefed in one call; longer ones are chunked "
        "[default: from the backend's context window].",
    ),
]
ChunkTokensOpt = Annotated[
    int | None,
    typer.Option(min=16, help="Tokens per chunk of a long article [default: from the backend]."),
]
ChunkOverlapOpt = Annotated[
    int | None,
    typer.Option(min=0, help="Tokens shared by consecutive chunks [default: a tenth, <= 200]."),
]


StrategyOpt = Annotated[
    str | None,
    typer.Option(
        help="write: the model writes the brief, citing sentences; choose: it picks among "
        "sentences and actors the program proposes (small models) [default: auto, choose for "
        "the embedded model].",
    ),
]
VerifyOpt = Annotated[
    bool | None,
    typer.Option(
        "--verify/--no-verify",
        help="One more call in which the model judges every claim against its evidence; it "
        "may only remove or flag items.",
    ),
]
LanguageOpt = Annotated[
    str | None,
    typer.Option(help="Write the brief in this language (e.g. fr); quotes stay verbatim."),
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option(
        min=0,
        metavar="USD",
        help="Refuse (exit 2, no call) when the estimate is above this; stop starting briefs "
        "once the spend reaches it (exit 6; run again to continue) [config: max_cost].",
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Print per source the requests, prompt tokens and estimated cost; call nothing.",
    ),
]


def summarize(
    sources: SourcesArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    mode: ModeOpt = None,
    local_model: LocalModelOpt = None,
    strict: StrictOpt = None,
    max_reasks: MaxReasksOpt = None,
    prompts: PromptsOpt = None,
    concurrency: ConcurrencyOpt = 4,
    no_cache: NoCacheOpt = False,
    max_input_tokens: MaxInputTokensOpt = None,
    chunk_tokens: ChunkTokensOpt = None,
    chunk_overlap: ChunkOverlapOpt = None,
    max_requests: Annotated[int | None, typer.Option(min=1, help="Requests per brief cap.")] = None,
    strategy: StrategyOpt = None,
    verify: VerifyOpt = None,
    language: LanguageOpt = None,
    max_cost: MaxCostOpt = None,
    price_provider: PriceProviderOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Brief one or more articles.

    Results go to stdout (one JSON object, or a JSON array for several sources); logs,
    warnings and errors go to stderr. A source that fails is reported and the others
    still come out.
    """
    from summarizer.base.config import load_settings
    from summarizer.cli.options import settings_flags
    from summarizer.cli.review import one_file_each
    from summarizer.cli.state import fail

    flags = settings_flags(locals())  # every option that is a setting, by its setting's name
    if sources.count("-") > 1:
        fail("stdin (-) can be given only once", 2)
    each = one_file_each(fmt, sources, output)  # the review pages of several sources: a folder
    if output is not None:
        _check_output(output / "page" if each else output)
    settings = load_settings(flags)
    if dry_run:
        chosen = "json" if fmt in ("json", "jsonl") else "text"  # the estimate's own table
        text, worst = _estimates(sources, settings, chosen, no_cache)
        _emit(text, chosen, output)
        raise typer.Exit(worst)
    worst, briefs, read = _brief_all(sources, settings, concurrency=concurrency, no_cache=no_cache)
    if briefs:
        from summarizer.cli.review import articles_of, write_each
        from summarizer.formats import render_many

        chosen = fmt or ("markdown" if sys.stdout.isatty() else "json")
        articles = articles_of(briefs, read)  # a review page shows each brief beside its own
        if each and output is not None:
            write_each(briefs, articles, chosen, output)
        else:
            _emit(render_many(briefs, chosen, articles=articles), chosen, output)
    if worst:
        raise typer.Exit(worst)


def _brief_all(
    sources: list[str], settings: Any, *, concurrency: int, no_cache: bool
) -> tuple[int, list[Brief], list[Article]]:
    """Read and brief every source; the worst exit code of the failures, the briefs, and the
    articles read (a review page shows each brief beside its article)."""
    from summarizer.base.errors import SummarizerError
    from summarizer.cli.exits import exit_code
    from summarizer.cli.state import state

    worst = 0

    def report(source: str, exc: SummarizerError) -> None:
        nonlocal worst
        if state.debug:
            log.error("%s failed", source, exc_info=exc)
        error_line(exc)
        worst = max(worst, exit_code(exc))

    briefs: list[Brief] = []
    with _summarizer(settings, no_cache) as brief:
        articles = _read_all(sources, settings, report)
        if settings.max_cost is not None:  # the whole job first: refused before any call
            brief.check_budget(_total(brief, articles)[0])
        if len(articles) == 1:
            try:
                briefs.append(brief.summarize(articles[0]))
            except SummarizerError as exc:
                report(articles[0].label, exc)
        elif articles:
            briefs = _summarize_many(brief, articles, concurrency, report)
    return worst, briefs, articles


@contextlib.contextmanager
def _summarizer(settings: Any, no_cache: bool) -> Iterator[Summarizer]:
    """The Summarizer of the command, with its cache; its base URL checked before a call."""
    from summarizer.base.config import check_base_url
    from summarizer.pipeline import Summarizer

    with (
        _cache(settings, no_cache) as cache,
        Summarizer(settings=settings, cache=cache) as brief,
    ):
        if brief.backend.base_url is not None:  # OPENAI_BASE_URL is read by the resolution
            check_base_url(brief.backend.base_url, origin=brief.backend.reasons.get("base_url"))
        if settings.language and brief.strategy == "choose":
            print(
                f"summarizer: --language {settings.language} sets the labels only: the choose "
                "strategy quotes the article's own sentences, which are never translated.",
                file=sys.stderr,
            )
        yield brief


def _read_all(
    sources: list[str], settings: Any, report: Callable[[str, SummarizerError], None]
) -> list[Article]:
    from summarizer.article import Limits, read_source
    from summarizer.base.errors import SummarizerError

    limits = Limits(max_bytes=settings.max_input_bytes)
    articles = []
    for source in sources:
        try:
            articles.append(read_source(source, limits=limits))
        except SummarizerError as exc:
            report(source, exc)
    return articles


def _total(
    brief: Summarizer, articles: list[Article]
) -> tuple[Estimate, list[Estimate | SummarizerError]]:
    """The sum of the articles' estimates, and each one's estimate or error (an article
    that cannot be estimated fails later on its own, and counts for nothing here)."""
    from summarizer.base.errors import SummarizerError
    from summarizer.engine.spend import Estimate

    total, each = Estimate.free(), list[Estimate | SummarizerError]()
    for article in articles:
        try:
            one = brief.estimate(article)
        except SummarizerError as exc:
            each.append(exc)
            continue
        each.append(one)
        total += one
    return total, each


def _estimates(sources: list[str], settings: Any, fmt: str, no_cache: bool) -> tuple[str, int]:
    """The dry run: each source's estimate and the total, as a table or JSON, and the exit
    code (that of the worst source that could not be read or estimated, else 0)."""
    from summarizer.base.errors import SummarizerError
    from summarizer.cli.exits import exit_code
    from summarizer.engine.spend import dollars

    failed: list[tuple[str, SummarizerError]] = []
    with _summarizer(settings, no_cache) as brief:
        articles = _read_all(sources, settings, lambda s, e: failed.append((s, e)))
        total, each = _total(brief, articles)
    rows = [_row(a.label, e) for a, e in zip(articles, each, strict=True)]
    rows += [_row(source, exc) for source, exc in failed]
    errors = [e for e in each if isinstance(e, SummarizerError)] + [e for _, e in failed]
    for exc in errors:  # on stderr too, as a failed brief is
        error_line(exc)
    worst = max((exit_code(e) for e in errors), default=0)
    priced = [r["cost"] for r in rows if r.get("cost") is not None]
    unknown = sum(1 for r in rows if "error" not in r and r["cost"] is None)
    summed = {**_row("total", total), "unknown_price": unknown}
    summed["cost"] = round(sum(priced), 6) if priced else None  # of the known prices
    if fmt == "json":
        import json

        return json.dumps({"sources": rows, "total": summed, "currency": "USD",
                           "max_cost": settings.max_cost}, indent=2), worst  # fmt: skip
    lines = ["requests  prompt tokens  completion tokens*  cost           source"]
    for r in [*rows, summed]:
        if "error" in r:
            lines.append(f"{'-':>8}  {'-':>13}  {'-':>18}  {'-':13}  {r['source']}: {r['error']}")
            continue
        cost = "unknown" if r["cost"] is None else dollars(r["cost"])
        lines.append(f"{r['requests']:8}  {r['prompt_tokens']:13}  "
                     f"{r['completion_tokens']:18}  {cost:13}  {r['source']}")  # fmt: skip
    if unknown:
        estimated = sum(1 for r in rows if "error" not in r)
        lines[-1] += f" ({unknown} of {estimated} sources with an unknown price, not counted)"
    if settings.max_cost is not None and summed["cost"] is not None:
        verdict = "within it" if summed["cost"] <= settings.max_cost else "above it: refused"
        lines.append(f"budget {dollars(settings.max_cost)}: the estimate is {verdict}")
    lines.append("* estimated answer tokens; no model was called (docs/cost.md)")
    return "\n".join(lines), worst


def _row(label: str, estimate: Estimate | SummarizerError) -> dict[str, Any]:
    from summarizer.base.errors import SummarizerError

    if isinstance(estimate, SummarizerError):
        return {"source": label, "error": estimate.message}
    cost = estimate.cost
    return {"source": label, "requests": estimate.requests,
            "prompt_tokens": estimate.prompt_tokens,
            "completion_tokens": estimate.completion_tokens,
            "cost": None if cost is None else cost.amount}  # fmt: skip


@contextlib.contextmanager
def _cache(settings: Any, off: bool) -> Iterator[Any]:
    """The brief cache, unless turned off; a cache that cannot open is skipped."""
    if off or not settings.cache:
        yield None
        return
    from summarizer.base.errors import ConfigurationError
    from summarizer.engine.cache import open_cache

    try:
        cache = open_cache(settings.db)
    except ConfigurationError as exc:
        log.warning("brief cache off: %s", exc)
        yield None
        return
    with cache:
        yield cache


def _summarize_many(
    summarizer: Any,
    articles: list[Any],
    concurrency: int,
    report: Callable[[str, SummarizerError], None],
) -> list[Brief]:
    import asyncio

    async def go() -> list[Brief]:
        done: dict[int, Brief] = {}
        async for result in summarizer.summarize_many(articles, concurrency=concurrency):
            if result.brief is not None:
                done[result.index] = result.brief
            else:
                report(articles[result.index].label, result.error)
        await summarizer.aclose()
        return [done[i] for i in sorted(done)]

    return asyncio.run(go())


def _check_output(output: Path) -> None:
    """Refuse, before any model call, an ``-o`` that cannot be written (exit 2)."""
    from summarizer.cli.state import fail

    if output.is_dir():
        fail(f"cannot write {output}: is a directory", 2)
    ancestor = output.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        fail(f"cannot write {output}: {ancestor} is not a directory", 2)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        fail(f"cannot write {output}: permission denied in {ancestor}", 2)


def _emit(text: str, fmt: str, output: Path | None) -> None:
    """The rendered briefs to the terminal, stdout or ``output``; a failed write is one
    line and exit 1, and leaves no partial or temporary file."""
    import summarizer.formats as formats
    from summarizer.base.fileio import atomic_write
    from summarizer.cli.state import fail

    text = text if text.endswith("\n") else text + "\n"
    try:
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(output, text)
        elif sys.stdout.isatty() and formats.get(fmt).terminal:
            from rich.console import Console
            from rich.markdown import Markdown

            Console().print(Markdown(text))
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as exc:
        if output is None:  # what is still buffered must not fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        where = output if output is not None else "standard output"
        fail(f"cannot write {where}: {exc.strerror or exc}", 1)
