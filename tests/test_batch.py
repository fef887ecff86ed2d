"""Batch mode: JSONL building (pure), and submit → status → collect against a loopback
Batch API (tests/batchserver.py), including failed, expired and re-asked requests, idempotent
collects and a SIGKILL between submit and collect."""

from __future__ import annotations

import json
import os
import re
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

from summarizer.batch.jsonl import (
    ENDPOINT,
    parse_output,
    request_body,
    request_line,
    split_lines,
)
from summarizer.cli.app import app
from summarizer.testing import completion

MODEL = "batch-model"
REASK_EVERY = 50  # articles 0, 50, 100, ... answer badly first: a re-ask is due


def name(i: int) -> str:
    return f"Halden{i:04d}"


def article(i: int) -> str:
    n = name(i)
    return (
        f"Port {n} strike extended\n\n"
        f"Dockworkers at Port {n} voted on Monday to extend their strike for another week, "
        f"the {n} Dockworkers Union said. The union said its members would not return until "
        "the port authority withdrew its plan to install automated cranes. Port authority "
        "chief executive Daniel Brandt said in a statement that automation would keep the "
        "port competitive. Talks are due to resume on Thursday, both sides said.\n"
    )


def draft(n: str, *, bad: bool = False) -> dict[str, Any]:
    first = f"Dockworkers at Port {n} voted on Monday to extend their strike"
    return {
        "headline": f"Port {n} strike extended",
        "summary": [
            {
                "text": f"Dockworkers at Port {n} extended their strike.",
                "evidence": ["a quotation that the article does not contain" if bad else first],
            },
            {
                "text": "Talks resume on Thursday.",
                "evidence": ["Talks are due to resume on Thursday"],
            },
        ],
        "actors": [
            {
                "id": "union",
                "name": f"{n} Dockworkers Union",
                "kind": "organization",
                "role": "striking union",
                "evidence": [f"the {n} Dockworkers Union said"],
            },
            {
                "id": "brandt",
                "name": "Daniel Brandt",
                "kind": "person",
                "role": "authority chief executive",
                "evidence": ["chief executive Daniel Brandt said in a statement"],
            },
        ],
        "positions": [
            {
                "actor": "union",
                "topic": "automation",
                "stance": "Wants the crane plan withdrawn.",
                "evidence": ["withdrew its plan to install automated cranes"],
            }
        ],
        "disputes": [],
        "next_steps": [
            {
                "action": "Talks resume",
                "actors": ["union", "brandt"],
                "when": "Thursday",
                "certainty": "scheduled",
                "evidence": ["Talks are due to resume on Thursday"],
            }
        ],
    }


def responder(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded draft for the generated article in the request; a bad one first for every
    REASK_EVERY-th article (the re-ask, with more messages, gets the good one)."""
    found = re.search(r"Port (Halden(\d{4}))", body["messages"][1]["content"])
    assert found, "the article is in the first user message"
    first_answer = len(body["messages"]) <= 2
    bad = first_answer and int(found.group(2)) % REASK_EVERY == 0
    text = json.dumps(draft(found.group(1), bad=bad))
    if body.get("tools"):
        return completion(tool_args=text, model=MODEL)
    return completion(text, model=MODEL)


@pytest.fixture
def server() -> Iterator[BatchServer]:
    with BatchServer(responder, tick_s=0.01) as srv:
        yield srv


def write_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:04d}.txt").write_text(article(i))
    return folder


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def endpoint(server: BatchServer) -> list[str]:
    return ["--base-url", server.base_url, "--model", MODEL]


def briefs_of(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- JSONL, no server ---


def test_request_body_is_what_the_sdk_sends() -> None:
    kwargs = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "extra_body": {"cache_prompt": True},
        "timeout": 3,
    }
    assert request_body(kwargs) == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "cache_prompt": True,
    }


def test_request_line_format() -> None:
    line = request_line("r1", {"model": "m", "messages": [{"role": "user", "content": "é"}]})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {
        "custom_id": "r1",
        "method": "POST",
        "url": ENDPOINT,
        "body": {"model": "m", "messages": [{"role": "user", "content": "é"}]},
    }
    assert "é".encode() in line  # UTF-8, not \u escapes: the byte limit counts real bytes


def test_split_by_count_and_bytes() -> None:
    lines = [request_line(f"r{i:02d}", {"model": "m", "n": "x" * 10}) for i in range(25)]
    parts = list(split_lines(lines, max_requests=10))
    assert [len(p) for p in parts] == [10, 10, 5]
    assert [x for p in parts for x in p] == lines  # order kept, nothing lost
    size = len(lines[0])
    parts = list(split_lines(lines, max_bytes=size * 4 + 1))
    assert [len(p) for p in parts] == [4, 4, 4, 4, 4, 4, 1]
    assert all(sum(map(len, p)) <= size * 4 + 1 for p in parts)
    assert list(split_lines([], max_requests=3)) == []
    with pytest.raises(ValueError, match="over the"):
        list(split_lines([b"x" * 11], max_bytes=10))


def test_parse_output_lines() -> None:
    ok = {"custom_id": "a", "response": {"status_code": 200, "body": {"id": "c"}}, "error": None}
    http = {
        "custom_id": "b",
        "response": {"status_code": 500, "body": {"error": {"message": "boom", "code": "x"}}},
        "error": None,
    }
    expired = {
        "custom_id": "c",
        "response": None,
        "error": {"code": "batch_expired", "message": "late"},
    }
    data = "\n".join(json.dumps(x) for x in (ok, http, expired)).encode() + b"\n\n"
    a, b, c = parse_output(data)
    assert a.ok and a.body == {"id": "c"}
    assert not b.ok and b.error == "x: boom" and not b.expired
    assert c.expired and c.status_code is None
    # a bad line is reported as such and never hides the others (issue 23 #4)
    bad, good = parse_output(b"{not json}\n" + json.dumps(ok).encode() + b"\n")
    assert bad.custom_id == ""
    assert bad.error == "invalid_line: line 1 of the result file is not JSON"
    assert good.ok


# --- end to end ---


def test_500_articles_submit_status_collect_retry(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", 500)
    with BatchServer(
        responder, tick_s=0.01, fail_once=(name(7),), expire_once=(name(423),)
    ) as server:
        started = time.perf_counter()
        result = cli("batch", "submit", str(folder), "--max-requests", "200", *endpoint(server))
        assert result.exit_code == 0, result.output
        ids = result.stdout.split()
        assert len(ids) == 3 and all(i.startswith("batch_") for i in ids)  # 200 + 200 + 100
        assert [f[0] for f in server.files.values()].count("batch") == 3

        status = cli("batch", "status", "--json")
        rows = [json.loads(line) for line in status.stdout.splitlines()]
        assert [r["id"] for r in rows] == ids and all(r["requests"] for r in rows)

        out: dict[str, list[dict[str, Any]]] = {}
        codes = {}
        for ref in ids:
            file = tmp_path / f"{ref}.jsonl"
            res = cli("batch", "collect", ref, "--wait", "--poll", "0.01", "-o", str(file))
            codes[ref] = res.exit_code
            out[ref] = briefs_of(file.read_text())
            if res.exit_code:
                assert "summarizer batch submit --retry" in res.stderr
        elapsed = time.perf_counter() - started
        got = [b for briefs in out.values() for b in briefs]
        assert len(got) == 498  # one failed, one expired
        assert sorted(codes.values()) == [0, 6, 6]
        failing = [ref for ref, code in codes.items() if code]
        assert {server.batches[r]["status"] for r in failing} == {"completed", "expired"}

        # Collecting again: the same briefs, nothing sent, no batch made.
        batches_before, run_before = len(server.batches), server.lines_run
        for ref in ids:
            res = cli("batch", "collect", ref, "--wait", "--poll", "0.01")
            assert briefs_of(res.stdout) == out[ref]
        assert (len(server.batches), server.lines_run) == (batches_before, run_before)

        # The failed and the expired request, resubmitted once each.
        retried = []
        for ref in failing:
            res = cli("batch", "submit", "--retry", ref)
            assert res.exit_code == 0, res.output
            retried += res.stdout.split()
            again = cli("batch", "submit", "--retry", ref)  # nothing left to resubmit
            assert again.stdout.split() == []
        for ref in retried:
            res = cli("batch", "collect", ref, "--wait", "--poll", "0.01")
            assert res.exit_code == 0, res.stderr
            got += briefs_of(res.stdout)

    hashes = Counter(b["source"]["content_hash"] for b in got)
    assert len(hashes) == 500 and set(hashes.values()) == {1}  # none lost, none twice
    reasked = [k for k, v in server.answered.items() if v == 2]
    assert len(reasked) == 500 // REASK_EVERY and set(server.answered.values()) == {1, 2}
    attempts = {int(b["headline"][11:15]): b["attempts"] for b in got}
    assert {i for i, n in attempts.items() if n == 2} == set(range(0, 500, REASK_EVERY))
    from summarizer.engine.cache import open_cache

    with open_cache(None) as cache:
        assert cache.count_briefs() == 500  # every brief is in the cache a digest reads
    print(f"\n500 articles, 3 batches + re-asks, submit → collect: {elapsed:.2f} s")


def test_collected_briefs_feed_the_cache(tmp_path: Path, server: BatchServer) -> None:
    folder = write_articles(tmp_path / "articles", 5)
    ids = cli("batch", "submit", str(folder), *endpoint(server)).stdout.split()
    res = cli("batch", "collect", ids[0], "--wait", "--poll", "0.01")
    assert res.exit_code == 0 and len(briefs_of(res.stdout)) == 5
    served = server.live_requests
    one = cli("summarize", str(folder / "a0001.txt"), "--format", "json", *endpoint(server))
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["headline"] == f"Port {name(1)} strike extended"
    assert server.live_requests == served  # from the cache: no model call
    # Submitting the same articles again sends nothing: they are briefed already.
    again = cli("batch", "submit", str(folder), *endpoint(server))
    assert again.stdout.split() == [] and "already briefed" in again.stderr


def test_reask_live(tmp_path: Path, server: BatchServer) -> None:
    folder = write_articles(tmp_path / "articles", 101)  # articles 0, 50 and 100 re-ask
    ids = cli("batch", "submit", str(folder), *endpoint(server)).stdout.split()
    res = cli("batch", "collect", ids[0], "--wait", "--poll", "0.01", "--reask", "live")
    assert res.exit_code == 0, res.stderr
    briefs = briefs_of(res.stdout)
    assert len(briefs) == 101 and server.live_requests == 3 and len(server.batches) == 1
    assert sorted(b["attempts"] for b in briefs)[-3:] == [2, 2, 2]


def test_not_ready_and_failed_batch(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", 3)
    with BatchServer(responder, tick_s=30, fail_batch="the file is not valid") as server:
        ids = cli("batch", "submit", str(folder), *endpoint(server)).stdout.split()
        from summarizer.batch.collect import NotReadyError  # main() maps it to exit 4

        with pytest.raises(NotReadyError, match="is validating"):
            cli("batch", "collect", ids[0])
        server.tick_s = 0.0
        res = cli("batch", "collect", ids[0])
        assert res.exit_code == 6 and "the file is not valid" in res.stderr
        retried = cli("batch", "submit", "--retry", ids[0]).stdout.split()
        assert len(briefs_of(cli("batch", "collect", retried[0], "--wait").stdout)) == 3


def test_python_api(tmp_path: Path, server: BatchServer) -> None:
    from summarizer import Summarizer
    from summarizer.batch import submit_batch

    paths = [write_articles(tmp_path / "a", 4) / f"a{i:04d}.txt" for i in range(4)]
    with Summarizer(base_url=server.base_url, model=MODEL) as summarizer:
        job = submit_batch(summarizer, paths)
        job.batches.poll_s = 0.01
        assert len(job.ids) == 1 and job.status()[0].startswith(job.ids[0])
        results = job.collect(wait=True)
        assert [r.ok for r in results] == [True] * 4
        assert [r.brief for r in job.collect()] == [r.brief for r in results]  # idempotent
        job.close()


# --- a crash between submit and collect ---


def _run(home: Path, *args: str, wait: bool = True) -> subprocess.Popen[str]:
    env = {**os.environ, "SUMMARIZER_HOME": str(home)}
    code = "import sys; from summarizer.cli.app import main; sys.argv[0] = 'summarizer'; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _jobs(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT batch_id, state, input_file_id FROM batch_jobs").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def _until(check: Any, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _db(home: Path) -> Path:
    from summarizer.batch.adapter import db_path

    os.environ["SUMMARIZER_HOME"] = str(home)
    return db_path(None)


@pytest.mark.parametrize("moment", ["after the batch id is stored", "while the create is answered"])
def test_sigkill_between_submit_and_collect_loses_nothing(
    tmp_path: Path, isolated: Path, moment: str
) -> None:
    folder = write_articles(tmp_path / "articles", 40)
    db = _db(isolated)
    holding = moment.startswith("while")
    with BatchServer(responder, tick_s=0.3, create_delay_s=30.0 if holding else 0.0) as server:
        proc = _run(
            isolated, "batch", "submit", str(folder), "--wait", "--poll", "0.05", *endpoint(server)
        )
        try:
            if holding:  # the batch exists on the server; its id has not reached the client
                _until(lambda: len(server.batches) == 1)
                assert _jobs(db) and _jobs(db)[0][0] is None and _jobs(db)[0][2]
            else:
                _until(lambda: any(row[0] for row in _jobs(db)))
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.communicate(timeout=30)  # reaps it and closes its pipes
        assert proc.returncode == -signal.SIGKILL
        server.create_delay_s = 0.0

        status = _run(isolated, "batch", "status", *endpoint(server))
        out, err = status.communicate(timeout=60)
        assert status.returncode == 0, err
        ref = out.split()[0]
        assert ref.startswith("batch_") and len(server.batches) == 1  # found, not made twice

        collect = _run(isolated, "batch", "collect", ref, "--wait", "--poll", "0.05")
        out, err = collect.communicate(timeout=120)
        assert collect.returncode == 0, err
    briefs = briefs_of(out)
    assert len({b["source"]["content_hash"] for b in briefs}) == 40 == len(briefs)


# --- money: estimates at batch rates, the budget, the totals ---

PRICED = "gpt-4o-mini"  # genai-prices knows it; --price-provider openai prices it here


def priced(body: dict[str, Any]) -> dict[str, Any]:
    """:func:`responder`'s answer, reporting 100,000 prompt tokens: $0.0075 at batch rates."""
    answer = responder(body)
    answer["usage"] = {"prompt_tokens": 100_000, "completion_tokens": 0, "total_tokens": 100_000}
    return answer


def priced_endpoint(server: BatchServer) -> list[str]:
    return ["--base-url", server.base_url, "--model", PRICED, "--price-provider", "openai"]


def test_submit_above_max_cost_is_refused_before_any_upload(tmp_path: Path) -> None:
    from summarizer.base.errors import BudgetExceededError, ConfigurationError

    folder = write_articles(tmp_path / "articles", 20)
    with BatchServer(priced, tick_s=0.01) as server:
        with pytest.raises(BudgetExceededError, match=r"above the budget max_cost=\$0.0001"):
            cli("batch", "submit", str(folder), "--max-cost", "0.0001", *priced_endpoint(server))
        with pytest.raises(ConfigurationError, match="no known price for model batch-model"):
            cli("batch", "submit", str(folder), "--max-cost", "5", *endpoint(server))
        assert server.files == {} and server.batches == {}


def test_collect_stops_reasking_at_max_cost_and_retry_resumes(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", 101)  # articles 0, 50 and 100 re-ask
    budget = ("--max-cost", "0.5")
    with BatchServer(priced, tick_s=0.01) as server:
        submitted = cli("batch", "submit", str(folder), *budget, *priced_endpoint(server))
        assert submitted.exit_code == 0, submitted.output  # estimated far below $0.50
        ref = submitted.stdout.split()[0]
        res = cli("batch", "collect", ref, "--wait", "--poll", "0.01", *budget,
                  "--price-provider", "openai")  # fmt: skip
        assert res.exit_code == 6
        briefs = briefs_of(res.stdout)
        assert len(briefs) == 98 and len(server.batches) == 1  # no re-ask batch: 101 × $0.0075
        stopped = [line for line in res.stderr.splitlines() if "budget_reached" in line]
        assert len(stopped) == 3 and f"batch submit --retry {ref}" in stopped[0]
        costs = [b["usage"]["cost"] for b in briefs]
        assert all(c["batch"] for c in costs)
        total = sum(c["amount"] for c in costs)
        assert (
            f"9800000 prompt + 0 completion tokens, cost ${total:.2f} (batch rates)" in res.stderr
        )

        retried = cli("batch", "submit", "--retry", ref, *budget, "--price-provider", "openai")
        assert retried.exit_code == 0, retried.output
        again = cli("batch", "collect", retried.stdout.split()[0], "--wait", "--poll", "0.01")
        assert again.exit_code == 0, again.stderr
        resumed = briefs_of(again.stdout)
    assert sorted(b["attempts"] for b in resumed) == [2, 2, 2]  # the re-ask, where it stood
    assert len({b["source"]["content_hash"] for b in briefs + resumed}) == 101


def test_submit_batch_method_status_collect(tmp_path: Path) -> None:
    from summarizer import Summarizer
    from summarizer.engine.spend import Estimate

    paths = [write_articles(tmp_path / "a", 3) / f"a{i:04d}.txt" for i in range(3)]
    with (
        BatchServer(priced, tick_s=0.01) as server,
        Summarizer(base_url=server.base_url, model=PRICED, price_provider="openai") as s,
    ):
        estimate = sum((s.estimate(p, batch=True) for p in paths), Estimate.free(batch=True))
        job = s.submit_batch(paths)
        job.batches.poll_s = 0.01
        assert len(job.ids) == 1 and job.status()[0].startswith(job.ids[0])
        results = job.collect(wait=True)
        job.close()
    assert [r.ok for r in results] == [True] * 3
    for r in results:
        assert r.brief is not None and r.brief.usage.cost is not None
        answers = r.brief.usage.requests  # article 0's re-ask was paid for too
        assert r.brief.usage.cost.batch and r.brief.usage.cost.amount == 0.0075 * answers
    assert estimate.requests == 3 and estimate.cost is not None and estimate.cost.batch
