"""Money: estimates (offline, no call), the spend limit, ``--max-cost`` and ``--dry-run``.

A loopback server answers every brief and counts the requests; its replies report the token
usage a test chooses, so a brief costs what the test needs. ``gpt-4o-mini`` is priced as an
OpenAI model with ``price_provider="openai"`` (the server's base URL is not OpenAI's).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import Summarizer
from summarizer.base.config import load_settings
from summarizer.base.errors import BudgetExceededError, BudgetReachedError, ConfigurationError
from summarizer.engine.cache import open_cache
from summarizer.engine.cost import price
from summarizer.engine.spend import EXPECTED_COMPLETION_TOKENS, Estimate, request_tokens
from summarizer.output.brief import Usage
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import FAIL_MARK, article_text, brief_responder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LONG = (FIXTURES / "long_cassette_article.txt").read_text(encoding="utf-8")
MODEL = "gpt-4o-mini"
PER_M_IN, PER_M_OUT = 0.15, 0.60  # genai-prices' gpt-4o-mini rates, USD per million tokens


def costing(prompt_tokens: int, completion_tokens: int = 0, delay_s: float = 0.0) -> Any:
    """A responder briefing every article and reporting this usage for each answer."""
    return brief_responder(usage=(prompt_tokens, completion_tokens), delay_s=delay_s)


@pytest.fixture
def paid() -> Iterator[FakeOpenAI]:
    """A server whose every answer costs $0.15 (a million prompt tokens of gpt-4o-mini)."""
    with FakeOpenAI(responder=costing(1_000_000)) as fake:
        yield fake


_made: list[Summarizer] = []


def make(server: FakeOpenAI, **kwargs: Any) -> Summarizer:
    kwargs.setdefault("price_provider", "openai")
    made = Summarizer(model=MODEL, base_url=server.base_url, mode="tools", **kwargs)
    _made.append(made)
    return made


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    """Every Summarizer a test made is closed after it (its HTTP client, its sockets)."""
    yield
    while _made:
        _made.pop().close()


def articles(n: int) -> list[str]:
    return [article_text(i, ("Ana Ruiz", "Port Authority")) for i in range(n)]


# --- estimates ---------------------------------------------------------------------------


def test_the_estimate_counts_the_request_that_is_then_sent(paid: FakeOpenAI) -> None:
    s = make(paid)
    text = articles(1)[0]
    estimate = s.estimate(text)
    assert paid.calls == 0  # no model call, no probe
    assert (estimate.requests, estimate.completion_tokens) == (1, EXPECTED_COMPLETION_TOKENS)
    s.summarize(text)
    sent = request_tokens(paid.chat_requests[0]["json"])  # the request as it went out
    assert estimate.prompt_tokens == sent
    # the published rates, against numbers fixed here (not recomputed by the code under test):
    # two million prompt tokens and one million completion tokens cost 2 x 0.15 + 0.60
    fixed = price(Usage(prompt_tokens=2_000_000, completion_tokens=1_000_000), model=MODEL,
                  base_url=None, provider="openai")  # fmt: skip
    assert fixed is not None and fixed.amount == pytest.approx(0.90, abs=1e-9)
    expected = (sent * PER_M_IN + 500 * PER_M_OUT) / 1e6
    assert estimate.cost is not None and estimate.cost.amount == pytest.approx(expected, abs=1e-6)


def test_batch_estimates_use_batch_rates_and_estimates_add_up(paid: FakeOpenAI) -> None:
    s = make(paid)
    a, b = articles(2)
    live, batch = s.estimate(a), s.estimate(a, batch=True)
    assert batch.cost is not None and live.cost is not None
    assert batch.cost.batch and batch.cost.amount == pytest.approx(live.cost.amount / 2, abs=1e-6)
    both = live + s.estimate(b)
    assert both.requests == 2 and both.prompt_tokens > live.prompt_tokens
    assert (live + Estimate(1, 10, 10, None)).cost is None  # one unknown: no total price


def test_a_long_article_estimates_one_request_per_chunk_plus_the_reduce(
    paid: FakeOpenAI,
) -> None:
    settings = load_settings(
        {"model": MODEL, "base_url": paid.base_url, "mode": "tools", "context_window": 2048,
         "max_tokens": 512}
    )  # fmt: skip
    s = Summarizer(settings=settings, price_provider="openai")
    _made.append(s)
    estimate = s.estimate(LONG)
    assert paid.calls == 0
    plan = s.plan(LONG)  # the plan the live brief follows (its window is set: nothing to probe)
    assert len(plan.chunks) >= 2 and plan.requests == len(plan.chunks) + 1
    assert estimate.requests == len(plan.chunks) + 1  # each chunk, then the consolidating call
    whole = make(paid).estimate(LONG)  # a 128k window: one call
    assert whole.requests == 1
    assert estimate.prompt_tokens > whole.prompt_tokens  # each chunk repeats the prompt


def test_a_cached_brief_estimates_nothing(paid: FakeOpenAI, tmp_path: Path) -> None:
    with open_cache(tmp_path / "db.sqlite") as cache:
        s = make(paid, cache=cache)
        text = articles(1)[0]
        s.summarize(text)
        assert s.estimate(text) == Estimate.free()


def test_an_unknown_price_is_none_never_a_guess(paid: FakeOpenAI) -> None:
    assert make(paid, price_provider=None).estimate(articles(1)[0]).cost is None
    assert make(paid, price_provider="no-such-provider").estimate(articles(1)[0]).cost is None


def test_a_known_model_at_an_unknown_address_says_which_provider_would_price_it(
    paid: FakeOpenAI, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMARIZER_PRICE_PROVIDER", raising=False)
    s = make(paid, price_provider=None)
    with caplog.at_level("WARNING", logger="summarizer"):
        first = s.summarize(articles(1)[0])
        s.summarize(articles(2)[1])
    assert first.usage.cost is None  # not priced by its name alone
    hints = [r.getMessage() for r in caplog.records if "--price-provider openai" in r.getMessage()]
    assert len(hints) == 1, hints  # said once per Summarizer


def test_price_provider_from_the_environment(
    paid: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_PRICE_PROVIDER", "openai")
    brief = make(paid, price_provider=None).summarize(articles(1)[0])
    assert brief.usage.cost is not None and brief.usage.cost.amount > 0


# --- the spend limit -------------------------------------------------------------------------


def test_spend_is_the_briefs_actual_cost_and_stops_the_next_brief(paid: FakeOpenAI) -> None:
    s = make(paid, max_cost=0.2)
    first, second, third = articles(3)
    assert s.summarize(first).usage.cost is not None
    assert s.spent == pytest.approx(0.15)
    s.summarize(second)  # $0.15 + its small estimate fits under $0.20; it costs $0.15 too
    assert s.spent == pytest.approx(0.30)
    with pytest.raises(BudgetReachedError, match=r"budget of \$0.20 reached after \$0.30"):
        s.summarize(third)
    assert paid.calls == 2  # the third was not sent


def test_a_failed_brief_counts_what_its_calls_cost(paid: FakeOpenAI) -> None:
    s = make(paid)
    with pytest.raises(Exception, match="refused"):
        s.summarize(f"{articles(1)[0]} {FAIL_MARK}")
    assert s.spent == pytest.approx(0.15)


def test_briefs_in_flight_reserve_their_estimate() -> None:
    """Four briefs start at once under a budget of two and a half estimates: two are sent,
    two are refused before sending, whatever the ones in flight end up costing."""
    with FakeOpenAI(responder=costing(1000, 1000, delay_s=0.3)) as server:
        probe = make(server).estimate(articles(1)[0])
        assert probe.cost is not None
        s = make(server, max_cost=probe.cost.amount * 2.5)

        async def run() -> list[Any]:
            done = [r async for r in s.summarize_many(articles(4), concurrency=4)]
            await s.aclose()
            return done

        results = asyncio.run(run())
    refused = [r for r in results if isinstance(r.error, BudgetReachedError)]
    assert sum(r.ok for r in results) == 2 and len(refused) == 2
    assert server.calls == 2
    assert s.ledger.reserved == 0 and s.spent == pytest.approx(
        2 * (1000 * PER_M_IN + 1000 * PER_M_OUT) / 1e6
    )


def test_a_budget_without_a_price_is_refused(paid: FakeOpenAI) -> None:
    s = make(paid, price_provider=None, max_cost=1.0)
    with pytest.raises(ConfigurationError, match="no known price for model gpt-4o-mini"):
        s.summarize(articles(1)[0])
    assert paid.calls == 0


def test_check_budget_refuses_an_estimate_above_max_cost(paid: FakeOpenAI) -> None:
    s = make(paid, max_cost=0.0001)
    total = sum((s.estimate(a) for a in articles(3)), Estimate.free())
    with pytest.raises(BudgetExceededError, match=r"above the budget max_cost=\$0.0001"):
        s.check_budget(total)
    make(paid, max_cost=1.0).check_budget(total)  # within: nothing raised
    make(paid).check_budget(total)  # no budget: nothing raised
    assert paid.calls == 0


def test_max_cost_comes_from_the_environment_too(
    paid: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_MAX_COST", "0.1")
    s = make(paid)
    s.summarize(articles(1)[0])
    with pytest.raises(BudgetReachedError):
        s.summarize(articles(2)[1])


# --- the command line --------------------------------------------------------------------------


def cli(server: FakeOpenAI, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", "summarize",
         "--model", MODEL, "--base-url", server.base_url, "--mode", "tools", *args],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "SUMMARIZER_HOME": str(home), "SUMMARIZER_RETRY_MAX_WAIT_S": "0"},
    )  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    paths = []
    for i, text in enumerate(articles(3)):
        path = tmp_path / f"a{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_dry_run_prints_the_estimate_and_calls_nothing(
    paid: FakeOpenAI, files: list[str], isolated: Path
) -> None:
    done = cli(paid, "--dry-run", "--price-provider", "openai", *files, home=isolated)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[-1] for line in lines[1:4]] == files
    total = lines[4].split()
    assert total[0] == "3" and total[3].startswith("$") and total[4] == "total"
    assert "unknown" not in done.stdout
    as_json = cli(paid, "--dry-run", "-f", "json", *files, home=isolated)
    data = json.loads(as_json.stdout)
    assert [row["cost"] for row in data["sources"]] == [None, None, None]
    assert data["total"]["unknown_price"] == 3 and data["total"]["requests"] == 3
    missing = cli(paid, "--dry-run", files[0], "no-such-file.txt", home=isolated)
    assert missing.returncode == 3  # the unreadable source is said, the others estimated
    assert "no-such-file.txt: " in missing.stdout and files[0] in missing.stdout
    table = cli(paid, "--dry-run", *files, home=isolated).stdout
    assert table.splitlines()[4].split()[3:5] == ["unknown", "total"]
    assert "(3 of 3 sources with an unknown price, not counted)" in table
    assert paid.calls == 0


def test_max_cost_above_the_estimate_is_refused_before_any_call(
    paid: FakeOpenAI, files: list[str], isolated: Path
) -> None:
    done = cli(paid, "--max-cost", "0.0001", "--price-provider", "openai", *files, home=isolated)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "above the budget" in done.stderr
    unknown = cli(paid, "--max-cost", "5", *files, home=isolated)
    assert unknown.returncode == 2 and "no known price" in unknown.stderr
    assert paid.calls == 0


def test_reaching_the_budget_stops_cleanly_and_a_rerun_resumes(
    paid: FakeOpenAI, files: list[str], isolated: Path
) -> None:
    args = ("--max-cost", "0.2", "--price-provider", "openai", "--concurrency", "1", "-f", "json")
    done = cli(paid, *args, *files, home=isolated)
    assert done.returncode == 6, done.stderr
    briefs = json.loads(done.stdout)
    assert len(briefs) == 2  # the finished briefs are printed
    stopped = done.stderr.strip().splitlines()
    assert len(stopped) == 1 and "not briefed: budget of $0.20 reached after $0.30" in stopped[0]
    assert paid.calls == 2
    again = cli(paid, *args, *files, home=isolated)  # the cache holds the two: one more call
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)) == 3 and paid.calls == 3


def test_the_embedded_model_estimates_free_without_starting_its_server() -> None:
    from summarizer.model.backends import embedded_model_path

    if embedded_model_path() is None:
        pytest.skip("the embedded model is not installed")
    with Summarizer() as s:
        estimate = s.estimate(articles(1)[0])
        assert not s.session.started  # nothing started, nothing sent
        assert estimate.requests == 1 and estimate.cost is not None
        assert estimate.cost.amount == 0.0  # it costs time, not money
        assert estimate.completion_tokens <= 160  # the choose call's own max_tokens
