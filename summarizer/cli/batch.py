"""``summarizer batch submit | status | collect | cancel``: briefs through a provider Batch API.

Only typer and the standard library are imported at module level (``summarizer --help``
stays fast); the library is imported inside the commands.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli.options import PriceProviderOpt

if TYPE_CHECKING:
    from summarizer.batch.runner import Batches

__all__ = ["batch_app"]

PARTIAL = 6
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

batch_app = typer.Typer(
    help="Briefs through the provider's Batch API: half the price, outside the live rate "
    "limits, results within 24 h (see docs/scale.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Reask(StrEnum):
    batch = "batch"
    live = "live"


ModelOpt = Annotated[str | None, typer.Option(help="Model name.")]
BaseUrlOpt = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint with /files and /batches.")
]
BackendOpt = Annotated[str | None, typer.Option(help="A [backends.NAME] profile.")]
PollOpt = Annotated[float, typer.Option(min=0.0, help="Seconds between status polls.")]
WaitOpt = Annotated[bool, typer.Option("--wait", help="Wait until the batch has finished.")]
MaxWaitOpt = Annotated[
    float,
    typer.Option(
        min=0.0,
        metavar="SECONDS",
        help="With --wait: give up after this long (exit 4; collect again later). The "
        "default is the 24 h completion window and an hour.",
    ),
]
MAX_WAIT_S = 25 * 3600.0
MaxCostOpt = Annotated[
    float | None,
    typer.Option(
        min=0,
        metavar="USD",
        help="submit: refuse (exit 2) a batch estimated above this, at batch rates; collect: "
        "send no re-ask batch once the batch's cost reaches it [config: max_cost].",
    ),
]


def _err(text: str) -> None:
    """One sanitized line on stderr (it may carry the provider's words: an error, a state)."""
    from summarizer.cli.report import clean

    typer.echo(f"summarizer: {clean(text)}", err=True)


def _out(text: str) -> None:
    """One sanitized line on stdout (a status line holds the provider's error); its tabs,
    which separate the fields, stay."""
    from summarizer.cli.report import clean

    typer.echo("\t".join(clean(part) for part in text.split("\t")))


def _expand(sources: list[str]) -> list[str]:
    """Sources as given; a folder stands for its article files (sorted)."""
    out: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            out += sorted(str(p) for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            out.append(source)
    return out


@contextlib.contextmanager
def _batches(
    flags: dict[str, Any], ref: str | None = None, *, provider: str | None = None, **options: Any
) -> Iterator[Batches]:
    """A summarizer (with the brief cache) and the batch store and API for ``flags``.

    Without an endpoint flag, the endpoint and model are those of job ``ref`` (else of the
    newest job).
    """
    from summarizer.base.config import load_settings
    from summarizer.batch import adapter
    from summarizer.batch.collect import open_batches
    from summarizer.batch.jobs import JobStore
    from summarizer.pipeline import Summarizer

    settings = load_settings(flags)
    if not (flags.get("base_url") or flags.get("backend")):
        with JobStore(adapter.db_path(settings.db)) as jobs:
            job = jobs.find(ref) if ref is not None else next(iter(jobs.jobs()[-1:]), None)
        if job is not None:
            flags = {**flags, "base_url": job.base_url, "model": flags.get("model") or job.model}
            settings = load_settings(flags)
    with (
        adapter.open_brief_cache(settings.db) as cache,
        Summarizer(settings=settings, cache=cache, price_provider=provider) as summarizer,
    ):
        batches = open_batches(summarizer, **options)
        try:
            yield batches
        finally:
            batches.store.close()
            batches.api.close()


def _job(batches: Batches, ref: str) -> Any:
    job = batches.store.find(ref)
    if job is None:
        from summarizer.base.errors import ConfigurationError

        raise ConfigurationError(f"no batch {ref!r} in {batches.store.path}")
    return job


@batch_app.command()
def submit(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders, http(s) URLs.", show_default=False),
    ] = None,
    retry: Annotated[
        str | None,
        typer.Option(help="Resubmit the failed, expired and cancelled requests of this batch."),
    ] = None,
    wait: WaitOpt = False,
    max_wait: MaxWaitOpt = MAX_WAIT_S,
    poll: PollOpt = 30.0,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    mode: Annotated[str | None, typer.Option(help="strict, json_schema, tools or json.")] = None,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--lenient", help="Fail instead of dropping ungrounded items."),
    ] = None,
    max_reasks: Annotated[int | None, typer.Option(min=0, max=10)] = None,
    prompts: Annotated[Path | None, typer.Option("--prompts")] = None,
    max_requests: Annotated[
        int, typer.Option(min=1, max=50_000, help="Requests per batch file.")
    ] = 50_000,
    max_cost: MaxCostOpt = None,
    price_provider: PriceProviderOpt = None,
) -> None:
    """Queue articles as one or more batches; print each batch id (one per line)."""
    from summarizer.batch.collect import BatchJob, submit_batch

    if not sources and retry is None:
        raise typer.BadParameter("give SOURCE... or --retry ID")
    flags = {
        "model": model,
        "base_url": base_url,
        "backend": backend,
        "mode": mode,
        "strict": strict,
        "max_reasks": max_reasks,
        "prompts_dir": prompts,
        "max_cost": max_cost,
    }
    options = {"poll_s": poll, "max_requests": max_requests}
    with _batches(flags, retry, provider=price_provider, **options) as batches:
        if retry is not None:
            job = BatchJob(batches, [_job(batches, retry)]).retry()
            if not job.jobs:
                _err(f"batch: {retry} has no failed, expired or cancelled request to resubmit")
        else:
            articles, rejected = _read(batches, _expand(sources or []))
            job = submit_batch(batches.summarizer, articles, batches=batches)
            job.submitted.rejected += rejected
            _report_submitted(job)
        for ref in job.ids:
            _out(ref)
        if wait:
            for done in job.wait(timeout_s=max_wait):
                _err(f"batch {done.ref}: {done.state}")
    if job.submitted.rejected:
        raise typer.Exit(3)


def _read(batches: Batches, args: list[str]) -> tuple[list[Any], list[Any]]:
    from summarizer.base.errors import SummarizerError
    from summarizer.batch import adapter
    from summarizer.engine.results import BriefResult

    articles, rejected = [], []
    for index, arg in enumerate(args):
        try:
            articles.append(adapter.read_arg(batches.summarizer, arg))
        except SummarizerError as exc:
            rejected.append(BriefResult(index, arg, error=exc))
    return articles, rejected


def _report_submitted(job: Any) -> None:
    done = job.submitted
    for result in done.rejected:
        _err(f"error: {result.error}")
    if done.cached:
        _err(f"batch: {len(done.cached)} article(s) already briefed (in the cache): not sent")
    for label, ref in done.in_flight.items():
        _err(f"batch: {label} is already waiting in {ref}: not sent again")


@batch_app.command()
def status(
    ref: Annotated[str | None, typer.Argument(metavar="ID", help="A batch id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Show a batch's state and request counts (all batches without ID)."""
    from summarizer.batch.runner import as_json as json_line
    from summarizer.batch.runner import describe

    flags = {"model": model, "base_url": base_url, "backend": backend}
    with _batches(flags, ref) as batches:
        jobs = [_job(batches, ref)] if ref else batches.store.jobs()
        for job in jobs:
            if job.collected_at is None:
                job = batches.refresh(job)
            counts = batches.store.counts(job.id)
            _out(json_line(job, counts) if as_json else describe(job, counts))


@batch_app.command()
def collect(
    ref: Annotated[str, typer.Argument(metavar="ID", help="A batch id.")],
    reask: Annotated[
        Reask, typer.Option(help="Where answers that fail a check are asked again.")
    ] = Reask.batch,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the briefs here (JSON lines).")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for the batch and for its re-ask batches.")
    ] = False,
    max_wait: MaxWaitOpt = MAX_WAIT_S,
    poll: PollOpt = 30.0,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    max_cost: MaxCostOpt = None,
    price_provider: PriceProviderOpt = None,
) -> None:
    """Ground every answer of a finished batch, as the live path does; write the briefs as
    JSON lines and put them into the brief cache (a digest then uses them).

    Idempotent: collecting again gives the same briefs and sends nothing twice. Exit 6 when
    some requests failed or expired (listed on stderr; resubmit with submit --retry ID),
    were not re-asked because the batch's cost reached ``--max-cost``, or wait in a re-ask
    batch. The tokens and cost of the briefs collected are printed on stderr.
    """
    from summarizer.base.fileio import atomic_write
    from summarizer.batch.collect import collect as collect_job
    from summarizer.formats import render_many

    flags = {"model": model, "base_url": base_url, "backend": backend, "max_cost": max_cost}
    with _batches(flags, ref, poll_s=poll, provider=price_provider) as batches:
        job = _job(batches, ref)
        results = collect_job(batches, job, reask=reask.value, wait=wait, wait_s=max_wait)
        pending = _pending(batches, job.id, wait)
    briefs = [r.brief for r in results if r.brief is not None]
    failed = [r for r in results if r.brief is None]
    text = render_many(briefs, "jsonl")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for result in failed:
        _err(f"batch: {result.error}")
    _err(f"batch {ref}: {len(briefs)} brief(s), {len(failed)} failed or expired")
    _err(f"batch {ref}: {_totals(briefs)}")
    if failed:
        _err(f"batch: resubmit them with: summarizer batch submit --retry {ref}")
    for child, n in pending:
        _err(f"batch: {n} re-ask(s) wait in {child}; collect it when it has finished")
    if failed or pending:
        raise typer.Exit(PARTIAL)


def _totals(briefs: list[Any]) -> str:
    """The tokens and cost of ``briefs`` (each brief's usage covers its whole conversation:
    the first answer and every re-ask)."""
    from summarizer.engine.spend import dollars

    prompt = sum(b.usage.prompt_tokens for b in briefs)
    completion = sum(b.usage.completion_tokens for b in briefs)
    costs = [b.usage.cost.amount for b in briefs if b.usage.cost is not None]
    unknown = len(briefs) - len(costs)
    cost = f"cost {dollars(sum(costs))} (batch rates)" if costs or not briefs else "cost unknown"
    if unknown and costs:
        cost += f", {unknown} brief(s) without a known price not counted"
    return f"{prompt} prompt + {completion} completion tokens, {cost}"


def _pending(batches: Batches, job_id: int, waited: bool) -> list[tuple[str, int]]:
    if waited:
        return []
    out = []
    for child in batches.store.children(job_id):
        n = sum(v for k, v in batches.store.counts(child.id).items() if k in ("open", "reask"))
        if child.kind == "reask" and n:
            out.append((child.ref, n))
    return out


@batch_app.command()
def cancel(
    ref: Annotated[str, typer.Argument(metavar="ID", help="A batch id.")],
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Ask the provider to cancel a batch (its finished answers can still be collected)."""
    from summarizer.batch.runner import describe

    with _batches({"model": model, "base_url": base_url, "backend": backend}, ref) as batches:
        job = batches.cancel(_job(batches, ref))
        _out(describe(job, batches.store.counts(job.id)))
