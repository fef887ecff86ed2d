"""``summarizer usage``: tokens, requests, briefs and cost by model, from the stored briefs.

The numbers are the briefs' own ``usage`` (every call made for a brief, re-asks and failed
attempts included), read from the brief cache in the database file; each brief is counted
once. Only briefs that were stored are counted: with the cache off (``--no-cache``, ``cache =
false``) nothing is recorded. See docs/cost.md.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["parse_since", "usage"]

_AGO = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.I)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Table(StrEnum):
    table = "table"
    json = "json"


@dataclass
class Row:
    """One model at one backend (or the total)."""

    model: str
    backend: str
    briefs: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None  # USD over the briefs with a known price
    unpriced: int = 0  # briefs without a known price

    def add(self, usage: dict[str, object]) -> None:
        self.briefs += 1
        self.requests += _int(usage.get("requests"))
        self.prompt_tokens += _int(usage.get("prompt_tokens"))
        self.completion_tokens += _int(usage.get("completion_tokens"))
        cost = usage.get("cost")
        amount = cost.get("amount") if isinstance(cost, dict) else None
        if _count(amount) is not None:
            self.cost = round((self.cost or 0.0) + float(amount), 6)  # type: ignore[arg-type]
        else:
            self.unpriced += 1


def _count(value: object) -> float | None:
    """A stored number that can be summed: finite and not negative (a brief stored before
    replies with impossible usage were refused may hold -1e8 or Infinity), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _int(value: object) -> int:
    number = _count(value)
    return int(number) if number is not None else 0


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``30m`` (that long ago) or an ISO date or time (UTC if no zone)."""
    now = now or datetime.now(UTC)
    ago = _AGO.match(text)
    if ago:
        try:
            return now - timedelta(**{_UNITS[ago.group(2).lower()]: int(ago.group(1))})
        except (OverflowError, ValueError):  # before year 1: every brief is newer
            return datetime.min.replace(tzinfo=UTC)
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: give 7d, 24h, 30m or an ISO date such as 2026-11-01"
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    try:
        when.astimezone(UTC)  # far dates with an offset cannot be told in UTC
    except (OverflowError, ValueError):
        raise typer.BadParameter(f"{text!r} is out of range once told in UTC") from None
    return when


def tally(usages: list[tuple[str, str, str | None]]) -> tuple[list[Row], Row]:
    """Rows by (model, backend), most expensive first, and the total."""
    rows: dict[tuple[str, str], Row] = {}
    total = Row("total", "")
    for model, backend, usage_json in usages:
        usage = json.loads(usage_json) if usage_json else {}
        usage = usage if isinstance(usage, dict) else {}
        rows.setdefault((model, backend), Row(model, backend)).add(usage)
        total.add(usage)
    ordered = sorted(rows.values(), key=lambda r: (-(r.cost or 0.0), -r.briefs, r.model))
    return ordered, total


def _table(rows: list[Row], total: Row, since: str) -> str:
    from summarizer.engine.spend import dollars

    head = f"{'model':24}  {'backend':28}  briefs  requests  prompt tokens  completion  cost"
    lines = [f"briefs stored {since}", head]
    for r in [*rows, total]:
        cost = "—" if r.cost is None else dollars(r.cost)
        lines.append(
            f"{r.model:24}  {r.backend[:28]:28}  {r.briefs:6}  {r.requests:8}  "
            f"{r.prompt_tokens:13}  {r.completion_tokens:10}  {cost}"
        )
    if total.unpriced:
        noun = "brief" if total.unpriced == 1 else "briefs"
        lines[-1] += f" ({total.unpriced} {noun} without a known price)"
    return "\n".join(lines)


def usage(
    since: Annotated[
        str | None,
        typer.Option(
            metavar="WHEN", help="Only briefs stored since: 7d, 24h, 30m, or an ISO date."
        ),
    ] = None,
    fmt: Annotated[Table, typer.Option("--format", "-f", help="table or json.")] = Table.table,
    db: Annotated[
        Path | None, typer.Option(help="The database file [default: the user data dir's].")
    ] = None,
) -> None:
    """Tokens, requests, briefs and cost by model, from the briefs stored in the database
    (briefs made with the cache off are not recorded)."""
    from summarizer.base.config import load_settings
    from summarizer.engine.cache import default_db_path, open_cache

    cutoff = parse_since(since) if since else None
    path = default_db_path(db or load_settings({}).db)
    usages: list[tuple[str, str, str | None]] = []
    if path.exists():  # reading must not create a database
        with open_cache(path) as cache:
            usages = cache.usages(cutoff.astimezone(UTC).isoformat() if cutoff else None)
    rows, total = tally(usages)
    when = f"since {cutoff.isoformat(timespec='minutes')}" if cutoff else "(all time)"
    if fmt is Table.json:
        data = {
            "since": cutoff.isoformat() if cutoff else None,
            "database": str(path),
            "currency": "USD",
            "models": [asdict(r) for r in rows],
            "total": asdict(total),
        }
        typer.echo(json.dumps(data, indent=2))
    elif not rows:
        typer.echo(f"no briefs stored {when} in {path}")
    else:
        typer.echo(_table(rows, total, when))
