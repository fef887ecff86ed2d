"""``summarizer usage``: tokens and cost by model from the briefs stored in a real database,
made by real briefs against a loopback server."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer import Summarizer
from summarizer.cli.app import app
from summarizer.cli.usage import parse_since
from summarizer.engine.cache import default_db_path, open_cache
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import article_text, brief_responder


def brief(server: FakeOpenAI, model: str, texts: list[str], **kwargs: Any) -> None:
    """Brief ``texts`` with ``model`` into the default database's brief cache."""
    with (
        open_cache(None) as cache,
        Summarizer(model=model, base_url=server.base_url, mode="tools", cache=cache, **kwargs) as s,
    ):
        for text in texts:
            s.summarize(text)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["usage", *args], catch_exceptions=False)


@pytest.fixture
def stored() -> Path:
    """Three gpt-4o-mini briefs (priced as OpenAI's) and two of a model without a price;
    one article briefed twice (the second time from the cache)."""
    with FakeOpenAI(responder=brief_responder(usage=(1000, 200))) as server:
        texts = [article_text(i, ("Ana Ruiz", "Port Authority")) for i in range(5)]
        brief(server, "gpt-4o-mini", [*texts[:3], texts[0]], price_provider="openai")
        brief(server, "local-llama", texts[3:])
        assert server.calls == 5
    return default_db_path(None)


def test_an_empty_store_says_so_and_creates_nothing(isolated: Path) -> None:
    result = run()
    assert result.exit_code == 0
    assert result.stdout.startswith("no briefs stored (all time) in ")
    assert not default_db_path(None).exists()


def test_tokens_and_cost_by_model_each_brief_once(stored: Path) -> None:
    data = json.loads(run("--format", "json").stdout)
    models = {m["model"]: m for m in data["models"]}
    priced, unpriced = models["gpt-4o-mini"], models["local-llama"]
    assert priced["briefs"] == 3 and priced["requests"] == 3  # the cached one counts once
    assert (priced["prompt_tokens"], priced["completion_tokens"]) == (3000, 600)
    assert priced["cost"] == pytest.approx(3 * (1000 * 0.15 + 200 * 0.6) / 1e6)
    assert priced["backend"].startswith("http://127.0.0.1:")
    assert unpriced["cost"] is None and unpriced["unpriced"] == 2
    total = data["total"]
    assert (total["briefs"], total["prompt_tokens"], total["unpriced"]) == (5, 5000, 2)
    assert total["cost"] == priced["cost"]

    table = run().stdout.splitlines()
    assert table[0] == "briefs stored (all time)"
    assert table[2].split()[0] == "gpt-4o-mini" and table[2].split()[-1] == "$0.0008"
    assert table[3].split()[0] == "local-llama" and table[3].split()[-1] == "—"
    assert table[4].startswith("total") and table[4].endswith("(2 briefs without a known price)")


def test_since_counts_only_recent_briefs(stored: Path) -> None:
    old = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="microseconds")
    conn = sqlite3.connect(stored)
    with conn:
        conn.execute("UPDATE briefs SET created_at = ? WHERE model = 'local-llama'", (old,))
    conn.close()
    recent = json.loads(run("--since", "7d", "--format", "json").stdout)
    assert [m["model"] for m in recent["models"]] == ["gpt-4o-mini"]
    assert recent["total"]["unpriced"] == 0
    since_date = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    assert json.loads(run("--since", since_date, "-f", "json").stdout)["total"]["briefs"] == 5
    assert run("--since", "1m").stdout.startswith("briefs stored since ")
    assert "no briefs stored since" in run("--since", "2999-01-01").stdout


def test_a_bad_since_is_a_usage_error() -> None:
    result = run("--since", "last week")
    assert result.exit_code == 2 and "give 7d, 24h, 30m or an ISO date" in result.output


def test_parse_since() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now=now) == now - timedelta(days=7)
    assert parse_since("24H", now=now) == now - timedelta(hours=24)
    assert parse_since("30m", now=now) == now - timedelta(minutes=30)
    assert parse_since("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_since("2026-11-01T08:00+02:00") == datetime(2026, 11, 1, 6, tzinfo=UTC)
