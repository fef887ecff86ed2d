"""``summarizer digest run`` and ``summarizer digest schedule``: thin shells over run_digest.

Only typer and the standard library are imported here at module level, so mounting
this app keeps ``summarizer --help`` fast; the library is imported inside the commands.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli.options import PriceProviderOpt

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from summarizer.digest.config import DigestConfig
    from summarizer.digest.models import Digest
    from summarizer.digest.run import RunControl
    from summarizer.digest.schedule import Schedule

__all__ = ["digest_app"]

digest_app = typer.Typer(
    help="Digest many sources into one grounded digest (one-shot or on a schedule).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

log = logging.getLogger("summarizer.digest")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="A digest.toml file (see docs/digest.md).")
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        "-s",
        help="A folder, file, file of URLs, URL, or feed:URL. Repeatable; adds to the config.",
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option(help="Also include articles first seen this long ago, e.g. 24h.")
]
OutOpt = Annotated[Path | None, typer.Option(help="Output folder [data dir/digests].")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Comma list of markdown, html, json, text [all]."),
]
ConcurrencyOpt = Annotated[int | None, typer.Option(min=1, max=256, help="Briefs at once [8].")]
DbOpt = Annotated[
    Path | None, typer.Option(help="The SQLite database [SUMMARIZER_DB, or the data dir].")
]
WebhookOpt = Annotated[str | None, typer.Option(help="POST the digest JSON to this URL.")]
PrivateOpt = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--no-allow-private",
        help="Fetch feed links to loopback/private hosts [no].",
        show_default=False,
    ),
]
ModelOpt = Annotated[str | None, typer.Option(help="Model name.")]
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint.")]
BackendOpt = Annotated[str | None, typer.Option(help="A [backends.NAME] profile.")]
ModeOpt = Annotated[str | None, typer.Option(help="auto, strict, json_schema, tools or json.")]
BatchOpt = Annotated[
    bool | None,
    typer.Option(
        "--batch/--no-batch",
        help="Queue the articles as one provider batch (half price, results within 24 h); "
        "a later run collects it and delivers [no].",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(metavar="DATETIME", help="Replay: make the digest as if it ran at this time "
                 "(ISO 8601, UTC if no zone): its date, the steps passed, the stories open."),
]  # fmt: skip
MaxCostOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        metavar="USD",
        help="Refuse a run whose estimate is above this; stop starting articles once the "
        "spend reaches it (they are briefed next run).",
    ),
]


def _config(
    config: Path | None,
    source: list[str] | None,
    fmt: str | None,
    settings: dict[str, Any],
    **overrides: Any,
) -> DigestConfig:
    """The digest config: the file, ``--source`` added, flags over it (unset flags: None)."""
    from summarizer.digest.config import load_digest_config

    formats = [f.strip() for f in fmt.split(",") if f.strip()] if fmt else None
    summarizer = {k: v for k, v in settings.items() if v is not None}
    cfg = load_digest_config(
        config, add_sources=source, formats=formats, summarizer=summarizer, **overrides
    )
    if not cfg.sources:
        typer.echo("summarizer: error: no sources: give --source or a config file", err=True)
        raise typer.Exit(2)
    return cfg


class _Progress:
    """A rich progress bar on a terminal, plain lines otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None
        self.quiet = logging.getLogger("summarizer").getEffectiveLevel() >= logging.ERROR

    def __call__(self, done: int, total: int, label: str, error: str | None) -> None:
        if self.quiet:
            return
        from summarizer.cli.report import clean

        label, error = clean(label), clean(error) if error else error  # a model's words
        if sys.stderr.isatty():
            if self.bar is None:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                )

                self.bar = Progress(
                    TextColumn("briefing"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.description}"),
                    console=Console(stderr=True), transient=True,
                )  # fmt: skip
                self.bar.start()
                self.task = self.bar.add_task("", total=total)
            self.bar.update(self.task, completed=done, description=label[-50:])
            if error:
                from rich.markup import escape

                failed = "" if error.startswith("not started: ") else "[red]failed[/red] "
                self.bar.console.print(f"{failed}{escape(label)}: {escape(error)}", markup=True)
            return
        if done == 0:
            typer.echo(f"summarizer: briefing {total} article(s)", err=True)
        elif error:
            failed = "" if error.startswith("not started: ") else "failed: "
            typer.echo(f"summarizer: [{done}/{total}] {failed}{error}", err=True)
        else:
            typer.echo(f"summarizer: [{done}/{total}] briefed {label}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(digest: Digest) -> str:
    c = digest.counts
    text = (
        f"digest {digest.id}: {c.stories} stories ({c.new_stories} new) from {c.briefed} "
        f"article(s), {c.cached} from the cache"
    )
    if digest.failed:
        text += f"; {len(digest.failed)} could not be briefed (retried next run)"
    return text


def _notes(digest: Digest) -> list[str]:
    """What the run spent, what waits in a batch, what the budget held back."""
    notes = []
    if digest.usage.fresh or digest.usage.cached:
        notes.append(f"usage: {digest.usage.describe()}")
    for w in digest.waiting:
        verb = "queued in" if w.new else "still wait in"
        notes.append(f"{w.articles} article(s) {verb} {w.batch} ({w.state}): a later "
                     "digest run --batch collects them and delivers")  # fmt: skip
    if digest.counts.deferred:
        notes.append(f"{digest.counts.deferred} article(s) not started: the spend reached "
                     "max_cost; the next run briefs them")  # fmt: skip
    return notes


def _run_once(
    config: DigestConfig, control: RunControl | None = None, now: datetime | None = None
) -> int:
    """One digest; its exit code (0 ok, 6 partial, 128 + signal when a signal cut it short)."""
    from summarizer.cli.exits import OK, PARTIAL
    from summarizer.digest.run import Interrupted, run_digest

    progress = _Progress()
    try:
        digest = run_digest(config, progress=progress, control=control, now=now)
    except Interrupted as exc:
        _say(f"{exc}; the run is recorded as interrupted")
        return 128 + _SIGNUMS.get(exc.reason, 2)
    finally:
        progress.close()
    for w in digest.waiting:  # the batch ids this run submitted, as batch submit prints them
        if w.new:
            typer.echo(w.batch)
    if not digest.articles and not digest.failed:
        typer.echo("summarizer: nothing new" + (" to deliver" if digest.waiting else ""), err=True)
    else:
        _say(_summary(digest))
    for note in _notes(digest):
        _say(note)
    return PARTIAL if digest.partial else OK


_SIGNUMS = {"SIGTERM": 15, "SIGINT": 2, "SIGHUP": 1}


def _cancel_on_signals(control: RunControl) -> None:
    """SIGTERM, SIGINT and SIGHUP cut ``digest run`` short; the run is recorded interrupted."""
    import signal

    def handler(signum: int, _frame: Any) -> None:
        control.cancel(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


@digest_app.command()
def run(
    config: ConfigOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = None,
    concurrency: ConcurrencyOpt = None,
    db: DbOpt = None,
    webhook: WebhookOpt = None,
    allow_private: PrivateOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    mode: ModeOpt = None,
    batch: BatchOpt = None,
    wait: Annotated[
        bool | None,
        typer.Option("--wait", help="With --batch: wait for the batch and deliver now."),
    ] = None,
    poll: Annotated[
        float | None, typer.Option(min=0.001, help="With --wait: seconds between polls [30].")
    ] = None,
    max_cost: MaxCostOpt = None,
    price_provider: PriceProviderOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Run one digest now: ingest, brief, group, render, deliver.

    Exit 0 when everything was briefed and delivered (or, with --batch, queued), 6 when
    the digest is partial (the failed articles are listed in it and retried by the next
    run; articles the budget held back wait for it too), 2 when the estimate is above
    --max-cost (nothing is sent).
    """
    settings = {"model": model, "base_url": base_url, "backend": backend, "mode": mode,
                "max_cost": max_cost, "price_provider": price_provider}  # fmt: skip
    cfg = _config(config, source, fmt, settings, since=since, out=out, concurrency=concurrency,
                  db=db, webhook=webhook, allow_private=allow_private, batch=batch,
                  batch_wait=wait, batch_poll_s=poll)  # fmt: skip
    from summarizer.digest.config import parse_as_of
    from summarizer.digest.run import RunControl

    control = RunControl()
    _cancel_on_signals(control)
    code = _run_once(cfg, control, parse_as_of(as_of) if as_of else None)
    if code:
        raise typer.Exit(code)


@digest_app.command()
def schedule(
    cron: Annotated[
        str | None, typer.Option(help='A crontab expression, e.g. "0 7 * * *" (local time).')
    ] = None,
    every: Annotated[str | None, typer.Option(help="An interval, e.g. 30m, 6h, 1d.")] = None,
    now: Annotated[bool, typer.Option("--now", help="Also run once right away.")] = False,
    misfire_grace: Annotated[
        str, typer.Option(help="Still run a job this late (e.g. after a suspend).")
    ] = "1h",
    config: ConfigOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = None,
    concurrency: ConcurrencyOpt = None,
    db: DbOpt = None,
    webhook: WebhookOpt = None,
    allow_private: PrivateOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    mode: ModeOpt = None,
    batch: BatchOpt = None,
    max_cost: MaxCostOpt = None,
    price_provider: PriceProviderOpt = None,
) -> None:
    """Run digests on a schedule in the foreground until SIGTERM or Ctrl-C.

    With --batch each run collects the batches of earlier runs, delivers what they
    briefed and queues the new articles as the next batch.

    Missed runs are coalesced into one, runs never overlap, a run missed while the
    scheduler was down is caught up at start, and a run may start up to --misfire-grace
    late. The first signal lets a running digest finish; a second cuts it short.
    Exit 0 after a clean stop, 128 + signal when a digest was cut short.
    For cron or systemd timers use ``digest run`` instead.
    """
    from summarizer.digest.config import parse_duration
    from summarizer.digest.run import RunControl
    from summarizer.digest.schedule import make_trigger, run_scheduled

    if (cron is None) == (every is None):
        typer.echo("summarizer: error: give exactly one of --cron and --every", err=True)
        raise typer.Exit(2)
    settings = {"model": model, "base_url": base_url, "backend": backend, "mode": mode,
                "max_cost": max_cost, "price_provider": price_provider}  # fmt: skip
    cfg = _config(config, source, fmt, settings, since=since, out=out, concurrency=concurrency,
                  db=db, webhook=webhook, allow_private=allow_private,
                  batch=batch)  # fmt: skip
    try:
        trigger = make_trigger(cron=cron, every=every)
    except ValueError as exc:
        typer.echo(f"summarizer: error: bad --cron {cron!r}: {exc}", err=True)
        raise typer.Exit(2) from exc
    grace = parse_duration(misfire_grace)
    control = RunControl()
    label = cron or f"every {every}"
    code = run_scheduled(_scheduled_job(cfg, control), trigger, now=now, misfire_grace=grace,
                         say=_say, cancel=control.cancel, label=label,
                         schedule=_schedule_state(cfg, label))  # fmt: skip
    _say("scheduler stopped" + (" (a digest was cut short)" if code else ""))
    if code:
        raise typer.Exit(code)


def _say(text: str) -> None:
    from summarizer.cli.report import clean

    typer.echo(f"summarizer: {clean(text)}", err=True)


def _scheduled_job(cfg: DigestConfig, control: RunControl) -> Callable[[], None]:
    """One scheduled digest: its errors are reported, never raised (the loop outlives it)."""

    def job() -> None:
        from summarizer.base.errors import SummarizerError

        control.reason = None
        try:
            code = _run_once(cfg, control)
            if code == 6:
                log.warning("the digest is partial (exit code %d)", code)
        except SummarizerError as exc:
            from summarizer.cli.report import error_line

            error_line(exc)
        except Exception:  # a scheduler must outlive one bad run
            log.exception("digest run failed")

    return job


def _schedule_state(cfg: DigestConfig, name: str) -> Schedule:
    """The schedule's last fire time, kept in the digest's database."""
    from summarizer.base.config import load_settings
    from summarizer.digest.schedule import Schedule
    from summarizer.digest.store import open_store
    from summarizer.engine.cache import default_db_path

    db = default_db_path(cfg.db or load_settings(cfg.summarizer.flags()).db)

    def last() -> datetime | None:
        with open_store(db) as store:
            return store.schedule_last_fire(name)

    def fired(when: datetime) -> None:
        with open_store(db) as store:
            store.schedule_fired(name, when)

    return Schedule(last=last, fired=fired)
