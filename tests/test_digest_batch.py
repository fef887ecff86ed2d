"""``digest run --batch``, ``--max-cost`` and the run's totals, against real parts: the
loopback Batch API (tests/batchserver.py), a loopback webhook, SQLite, and for known prices
the whole pipeline over ``MockOpenAI`` at a priced provider's address."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batchserver import BatchServer
from typer.testing import CliRunner

from summarizer.base.errors import BudgetExceededError, ConfigurationError
from summarizer.cli.app import app
from summarizer.digest.config import DigestConfig
from summarizer.digest.run import run_digest
from summarizer.engine.spend import Estimate
from summarizer.pipeline import Summarizer
from summarizer.testing import MockOpenAI, Reply, completion
from summarizer.testing.digest import (
    CITY,
    FAIL_MARK,
    PORT,
    UKRAINE,
    Receiver,
    article_of,
    brief_responder,
    draft_for,
    write_articles,
)

MODEL = "fake-model"
PRICED_URL = "https://api.openai.com/v1"  # answered by MockOpenAI: a known price, no network
PRICED_MODEL = "gpt-4o-mini"


def respond(body: dict[str, Any]) -> dict[str, Any]:
    """The batch server's model: a grounded brief of the article in the request."""
    text = article_of(body)
    if FAIL_MARK in text:
        return completion(None, refusal="I cannot brief this.", model=MODEL)
    return completion(json.dumps(draft_for(text)), model=MODEL, prompt_tokens=100)


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def config(tmp: Path, base_url: str, hook: Receiver | None = None, **over: Any) -> DigestConfig:
    values: dict[str, Any] = {
        "sources": [str(tmp / "news")],
        "out": tmp / "out",
        "db": tmp / "digest.db",
        "formats": ["json", "markdown"],
        "webhook": hook.url if hook else None,
        "delivery_attempts": 1,
        "batch": True,
        "batch_poll_s": 0.01,
        "summarizer": {"base_url": base_url, "model": MODEL, "mode": "json_schema",
                       "transport_attempts": 1},
    }  # fmt: skip
    values.update(over)
    return DigestConfig.model_validate(values)


def delivered(hook: Receiver) -> Counter[str]:
    """How many times the webhook received each article (by its id)."""
    return Counter(a["id"] for _, body in hook.posts for a in json.loads(body)["articles"])


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def batch_files(server: BatchServer) -> int:
    return sum(purpose == "batch" for purpose, _, _ in server.files.values())


def test_batch_run_queues_then_delivers_each_article_once(tmp_path: Path, hook: Receiver) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY])
    with BatchServer(respond, tick_s=3600) as server:  # the batch stays "validating"
        cfg = config(tmp_path, server.base_url, hook)
        first = run_digest(cfg)
        assert [(w.articles, w.new) for w in first.waiting] == [(3, True)]
        assert first.waiting[0].batch == next(iter(server.batches))
        assert not first.articles and not first.partial and not hook.posts
        assert not (tmp_path / "out").exists()

        second = run_digest(cfg)  # still in progress: nothing sent, nothing delivered
        assert [(w.articles, w.new, w.state) for w in second.waiting] == [(3, False, "validating")]
        assert not second.articles and not hook.posts
        assert len(server.batches) == 1 and batch_files(server) == 1

        server.tick_s = 0.0  # the provider finishes the batch
        third = run_digest(cfg)
        assert not third.waiting and not third.partial
        assert third.counts.briefed == 3 and third.usage.fresh == 3
        assert third.usage.cached == 0 and third.usage.requests == 3
        assert third.usage.completion_tokens == 60 and third.usage.prompt_tokens == 300
        assert third.usage.cost is None and third.usage.unpriced == 3  # a loopback server

        write_articles(tmp_path / "news", [("Acme Corp", "Green Party")], start=3)
        fourth = run_digest(cfg)  # the new article is queued; nothing is delivered again
        assert [(w.articles, w.new) for w in fourth.waiting] == [(1, True)]
        fifth = run_digest(cfg)
        assert fifth.counts.briefed == 1 and fifth.usage.fresh == 1
        sixth = run_digest(cfg)
        assert not sixth.articles and not sixth.waiting
        assert server.lines_run == 4 and len(server.batches) == 2 and server.live_requests == 0
    assert len(hook.posts) == 2
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 4
    db = tmp_path / "digest.db"
    runs = [r[0] for r in table(db, "SELECT status FROM runs ORDER BY id")]
    assert runs == ["waiting", "waiting", "ok", "waiting", "ok", "empty"]
    ledger = table(db, "SELECT kind, articles, settled_at IS NOT NULL FROM digest_batches")
    assert ledger == [("submit", 3, 1), ("submit", 1, 1)]


def test_wait_delivers_in_the_same_run(tmp_path: Path, hook: Receiver) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    with BatchServer(respond, tick_s=0.01) as server:
        digest = run_digest(config(tmp_path, server.base_url, hook, batch_wait=True))
    assert digest.counts.briefed == 2 and not digest.waiting and not digest.partial
    assert len(hook.posts) == 1 and len(server.batches) == 1


def test_failed_and_expired_requests_are_listed_then_resubmitted(
    tmp_path: Path, hook: Receiver
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY])
    with BatchServer(
        respond, tick_s=0.0, fail_once=("Report number 0:",), expire_once=("Report number 2:",)
    ) as server:
        cfg = config(tmp_path, server.base_url, hook)
        run_digest(cfg)  # submitted
        collected = run_digest(cfg)
        assert collected.partial and collected.counts.briefed == 1
        errors = sorted(f.error.split(":")[0] for f in collected.failed)
        assert errors == ["batch_expired", "server_error"]
        assert len(server.batches) == 1  # listed now, resubmitted by the next run

        resubmitted = run_digest(cfg)
        assert [(w.articles, w.new) for w in resubmitted.waiting] == [(2, True)]
        assert not resubmitted.failed and len(server.batches) == 2
        final = run_digest(cfg)
        assert final.counts.briefed == 2 and not final.partial and not final.failed
        assert not run_digest(cfg).articles
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 3
    kinds = table(tmp_path / "digest.db", "SELECT kind, settled_at IS NOT NULL FROM digest_batches")
    assert kinds == [("submit", 1), ("retry", 1)]
    # The old rows were handed on, not left failed: a manual retry has nothing to resend.
    states = table(tmp_path / "digest.db", "SELECT status FROM batch_requests ORDER BY job_id")
    assert Counter(s for (s,) in states) == Counter({"done": 3, "moved": 2})


def test_a_batch_submitted_by_hand_is_collected_not_sent_again(tmp_path: Path) -> None:
    """Also what a run killed between submitting and recording its batch leaves behind."""
    paths = write_articles(tmp_path / "news", [UKRAINE, PORT])
    with BatchServer(respond, tick_s=0.0) as server:
        cfg = config(tmp_path, server.base_url)
        args = ["--base-url", server.base_url, "--model", MODEL, "--mode", "json_schema"]
        db = ["--db", str(tmp_path / "digest.db")]
        result = CliRunner().invoke(
            app, ["batch", "submit", *map(str, paths), *args], env={"SUMMARIZER_DB": db[1]}
        )
        assert result.exit_code == 0, result.output
        digest = run_digest(cfg)
        assert digest.counts.briefed == 2 and len(server.batches) == 1
    kinds = table(tmp_path / "digest.db", "SELECT kind FROM digest_batches")
    assert kinds == [("adopted",)]


def test_a_live_run_collects_batches_and_never_briefs_a_held_article_again(
    tmp_path: Path, hook: Receiver
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    with BatchServer(respond, tick_s=3600) as server:
        run_digest(config(tmp_path, server.base_url, hook))  # queued in a batch
        write_articles(tmp_path / "news", [CITY], start=2)
        live = config(tmp_path, server.base_url, hook, batch=False)
        first = run_digest(live)
        assert server.live_requests == 1 and first.counts.briefed == 1  # the new one only
        assert [(w.articles, w.new) for w in first.waiting] == [(2, False)]
        server.tick_s = 0.0
        second = run_digest(live)  # collected from the batch, not asked live
        assert server.live_requests == 1 and second.counts.briefed == 2 and not second.waiting
        assert second.usage.fresh == 2 and second.usage.requests == 2
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 3


def test_a_failed_request_briefed_live_meanwhile_is_not_resubmitted(
    tmp_path: Path, hook: Receiver
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    with BatchServer(respond, tick_s=0.0, fail_once=("Report number 0:",)) as server:
        cfg = config(tmp_path, server.base_url, hook)
        run_digest(cfg)
        assert len(run_digest(cfg).failed) == 1  # listed, for the next run
        live = run_digest(config(tmp_path, server.base_url, hook, batch=False))
        assert live.counts.briefed == 1 and server.live_requests == 1
        last = run_digest(cfg)
        assert not last.articles and not last.waiting and len(server.batches) == 1
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 2
    db = tmp_path / "digest.db"
    assert sorted(table(db, "SELECT status, error FROM batch_requests")) == [
        ("done", None), ("moved", "briefed live")]  # fmt: skip
    assert table(db, "SELECT settled_at IS NOT NULL FROM digest_batches") == [(1,)]


def test_cli_prints_the_batch_id_and_says_what_waits(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE])
    with BatchServer(respond, tick_s=3600) as server:
        args = ["digest", "run", "--batch", "-s", str(tmp_path / "news"), "--db",
                str(tmp_path / "d.db"), "--out", str(tmp_path / "out"), "--base-url",
                server.base_url, "--model", MODEL, "--mode", "json_schema"]  # fmt: skip
        first = CliRunner().invoke(app, args)
        assert first.exit_code == 0, first.output
        assert first.stdout.split() == list(server.batches)
        assert "1 article(s) queued in batch_" in first.stderr
        again = CliRunner().invoke(app, args)
        assert again.exit_code == 0 and again.stdout == ""
        assert "nothing new to deliver" in again.stderr and "still wait in" in again.stderr
        server.tick_s = 0.0
        done = CliRunner().invoke(app, args)
        assert done.exit_code == 0, done.output
        assert "usage: 1 fresh brief(s): 1 request(s)" in done.stderr
        assert "cost unknown (1 of 1 without a known price)" in done.stderr


def test_batch_mode_needs_a_batch_endpoint(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE])
    gguf = tmp_path / "model.gguf"  # an embedded model: it has no Batch API
    gguf.write_bytes(b"GGUF")
    cfg = config(tmp_path, "", summarizer={"local_model": str(gguf)})
    with pytest.raises(ConfigurationError, match="batch mode needs"):
        run_digest(cfg)
    assert table(tmp_path / "digest.db", "SELECT status FROM runs") == [("refused",)]


# --- money: totals, a budget refused before any call, a budget reached ---


def priced(tmp: Path, **over: Any) -> DigestConfig:
    summarizer = {"base_url": PRICED_URL, "model": PRICED_MODEL, "mode": "json_schema",
                  "transport_attempts": 1, **over.pop("summarizer", {})}  # fmt: skip
    return config(tmp, PRICED_URL, batch=False, concurrency=1, summarizer=summarizer, **over)


def test_totals_count_fresh_briefs_and_cached_ones_apart(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    mock = MockOpenAI(responder=brief_responder())
    first = run_digest(priced(tmp_path), transport=mock.transport)
    usage = first.usage
    assert (usage.fresh, usage.cached, usage.requests, usage.total_tokens) == (2, 0, 2, 60)
    assert usage.cost is not None and usage.cost > 0 and usage.unpriced == 0
    md = next((tmp_path / "out").glob("*.md")).read_text()
    assert f"${usage.cost:.4f}" in md and "2 fresh brief(s)" in md

    write_articles(tmp_path / "news", [CITY], start=2)
    again = run_digest(priced(tmp_path, since="1d"), transport=mock.transport)
    assert (again.usage.fresh, again.usage.cached, again.usage.requests) == (1, 2, 1)
    assert again.usage.cost is not None and again.usage.cost < usage.cost
    stored = json.loads(table(tmp_path / "digest.db", "SELECT counts FROM runs")[-1][0])
    assert stored["usage"]["fresh"] == 1 and stored["usage"]["cached"] == 2


def test_over_budget_is_refused_before_any_call(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT, CITY])
    mock = MockOpenAI(responder=brief_responder())
    cfg = priced(tmp_path, summarizer={"max_cost": 0.0001})
    with pytest.raises(BudgetExceededError, match="above the budget"):
        run_digest(cfg, transport=mock.transport)
    assert mock.calls == 0
    runs = table(tmp_path / "digest.db", "SELECT status, errors FROM runs")
    assert runs[0][0] == "refused" and "max_cost" in runs[0][1]
    assert table(tmp_path / "digest.db", "SELECT count(*) FROM briefs") == [(0,)]


def test_budget_reached_leaves_the_rest_pending_for_the_next_run(
    tmp_path: Path, hook: Receiver
) -> None:
    paths = write_articles(tmp_path / "news", [UKRAINE, PORT, CITY])
    with Summarizer(base_url=PRICED_URL, model=PRICED_MODEL, mode="json_schema") as s:
        estimate = sum((s.estimate(p) for p in paths), Estimate.free())
    assert estimate.cost is not None
    cap = round(estimate.cost.amount * 1.01, 6)  # the estimate passes...

    def costly(request: dict[str, Any]) -> Reply:  # ...but the first brief costs far more
        body = completion(json.dumps(draft_for(article_of(request))), prompt_tokens=200_000)
        return Reply(body=body)

    cfg = priced(tmp_path, webhook=hook.url, summarizer={"max_cost": cap})
    mock = MockOpenAI(responder=costly)
    first = run_digest(cfg, transport=mock.transport)
    assert mock.calls == 1 and first.partial and not first.failed
    assert (first.counts.briefed, first.counts.deferred) == (1, 2)
    assert first.usage.cost is not None and first.usage.cost > cap
    runs = table(tmp_path / "digest.db", "SELECT status, errors FROM runs")
    assert runs[0][0] == "partial" and "2 article(s) not started" in runs[0][1]
    pending = table(tmp_path / "digest.db", "SELECT status, attempts FROM articles")
    assert sorted(pending) == [("briefed", 1), ("pending", 0), ("pending", 0)]

    second = run_digest(cfg, transport=MockOpenAI(responder=brief_responder()).transport)
    assert second.counts.briefed == 2 and not second.partial and second.counts.deferred == 0
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 3


def test_max_cost_flag_and_exit_codes(tmp_path: Path) -> None:
    """The CLI: --max-cost reaches the settings; refused is exit 2; the price must be known."""
    write_articles(tmp_path / "news", [UKRAINE])
    args = ["digest", "run", "-s", str(tmp_path / "news"), "--db", str(tmp_path / "d.db"),
            "--base-url", "http://127.0.0.1:9/v1", "--model", MODEL, "--max-cost", "1"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ConfigurationError)  # main() maps it to exit 2
    assert "no known price" in str(result.exception)
    runs = table(tmp_path / "d.db", "SELECT status FROM runs")
    assert runs == [("refused",)]


def test_batch_budget_is_checked_before_anything_is_sent(tmp_path: Path, hook: Receiver) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    with BatchServer(respond, tick_s=0.0) as server:
        table_ = {"base_url": server.base_url, "model": PRICED_MODEL, "mode": "json_schema"}
        refused = config(tmp_path, server.base_url, hook, price_provider="openai",
                         summarizer={**table_, "max_cost": 0.00001})  # fmt: skip
        with pytest.raises(BudgetExceededError, match="above the budget"):
            run_digest(refused)
        assert not server.files and not server.batches  # nothing uploaded
        cfg = config(tmp_path, server.base_url, hook, price_provider="openai",
                     summarizer={**table_, "max_cost": 1.0})  # fmt: skip
        assert [w.articles for w in run_digest(cfg).waiting] == [2]
        done = run_digest(cfg)
    assert done.counts.briefed == 2 and done.usage.unpriced == 0
    assert done.usage.cost is not None and 0 < done.usage.cost < 0.001  # batch rates
    runs = table(tmp_path / "digest.db", "SELECT status FROM runs ORDER BY id")
    assert runs == [("refused",), ("waiting",), ("ok",)]
    briefs = [json.loads(b) for (b,) in table(tmp_path / "digest.db", "SELECT brief FROM briefs")]
    assert [b["usage"]["cost"]["batch"] for b in briefs] == [True, True]


def test_schedule_batch_queues_on_one_tick_and_delivers_on_the_next(tmp_path: Path) -> None:
    """``digest schedule --batch``: each run only collects and queues (a real process)."""
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    out = tmp_path / "out"
    with BatchServer(respond, tick_s=0.0) as server:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "summarizer"), "digest", "schedule", "--batch",
             "--every", "1s", "--now", "-s", str(tmp_path / "news"), "--out", str(out),
             "--db", str(tmp_path / "d.db"), "--base-url", server.base_url, "--model", MODEL,
             "--mode", "json_schema"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not list(out.glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert stdout.split() == list(server.batches)  # one batch, its id printed once
    assert "2 article(s) queued in" in stderr and server.live_requests == 0
    digest = json.loads(next(out.glob("*.json")).read_text())
    assert len(digest["articles"]) == 2


def test_sigkill_while_the_batch_is_created_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, hook: Receiver
) -> None:
    write_articles(tmp_path / "news", [UKRAINE, PORT])
    db = tmp_path / "d.db"
    with BatchServer(respond, tick_s=0.0, create_delay_s=30.0) as server:
        args = [str(Path(sys.executable).parent / "summarizer"), "digest", "run", "--batch",
                "-s", str(tmp_path / "news"), "--db", str(db), "--out", str(tmp_path / "out"),
                "--webhook", hook.url, "--base-url", server.base_url, "--model", MODEL,
                "--mode", "json_schema"]  # fmt: skip
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not server.batches and time.monotonic() < deadline:  # created; id not stored
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL and len(server.batches) == 1
        server.create_delay_s = 0.0

        again = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert len(server.batches) == 1 and server.lines_run == 2  # found, not made twice
    assert set(delivered(hook).values()) == {1} and len(delivered(hook)) == 2
    assert table(db, "SELECT kind, articles FROM digest_batches") == [("adopted", 2)]


def test_cli_batch_budget_with_a_price_provider(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [UKRAINE])
    with BatchServer(respond, tick_s=3600) as server:
        args = ["digest", "run", "--batch", "-s", str(tmp_path / "news"), "--db",
                str(tmp_path / "d.db"), "--base-url", server.base_url, "--model", PRICED_MODEL,
                "--mode", "json_schema", "--price-provider", "openai"]  # fmt: skip
        refused = CliRunner().invoke(app, [*args, "--max-cost", "0.000001"])
        assert isinstance(refused.exception, BudgetExceededError) and not server.files
        queued = CliRunner().invoke(app, [*args, "--max-cost", "0.5"])
        assert queued.exit_code == 0, queued.output
        assert queued.stdout.split() == list(server.batches)
