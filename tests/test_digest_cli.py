"""``summarizer digest`` as a user runs it: real subprocesses, signals, exit codes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.digest.run import run_lock
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import (
    FAIL_MARK,
    PORT,
    UKRAINE,
    Receiver,
    brief_responder,
    write_articles,
)

BIN = Path(sys.executable).parent / "summarizer"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SUMMARIZER_TRANSPORT_ATTEMPTS": "1", **(env or {})},
    )


def model_args(server: FakeOpenAI) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", "--mode", "json_schema"]


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def briefs_in(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM briefs").fetchone()[0])
    except sqlite3.Error:
        return 0


def invoke(*args: str) -> tuple[int, str]:
    """In-process (fast) run of the CLI; the subprocess tests cover signals and locks."""
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def test_run_exit_codes_and_plain_progress(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    out = tmp_path / "out"
    with FakeOpenAI(responder=brief_responder()) as server:
        args = ["digest", "run", "-s", str(news), "--out", str(out), "--format", "markdown,json"]
        code, err = invoke(*args, *model_args(server))
        assert code == 0, err
        assert "[2/2] briefed" in err and "2 article(s)" in err
        assert sorted(p.suffix for p in out.iterdir()) == [".json", ".md"]

        (news / "bad.txt").write_text(f"{FAIL_MARK}: Olaf Scholz spoke. It was short.")
        code, err = invoke(*args, *model_args(server))
        assert code == 6, err
        assert "could not be briefed" in err
        assert server.calls == 3

        code, err = invoke("digest", "run", *model_args(server))
        assert code == 2 and "no sources" in err


def test_second_run_on_a_locked_database_exits_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    write_articles(tmp_path / "news", [PORT])
    with run_lock(db):
        args = ["digest", "run", "-s", str(tmp_path / "news"), "--db", str(db)]
        code, err = finish(cli(*args, "--base-url", "http://127.0.0.1:9/v1", "--model", "m"))
    assert code == 1
    assert f"another digest run (pid {os.getpid()}) is using {db}" in err


def test_kill_9_then_rerun_reuses_stored_briefs_and_delivers_once(tmp_path: Path) -> None:
    news, db = tmp_path / "news", tmp_path / "d.db"
    write_articles(news, [UKRAINE, PORT, ("Maria Lopez",), ("Acme Corp",)] * 3)  # 12 articles
    with (
        FakeOpenAI(responder=brief_responder(delay_s=0.25)) as server,
        Receiver() as hook,
    ):
        args = ["digest", "run", "-s", str(news), "--db", str(db), "--out", str(tmp_path / "o"),
                "--concurrency", "2", "--webhook", hook.url, *model_args(server)]  # fmt: skip
        first = cli(*args)
        deadline = time.monotonic() + 30
        while briefs_in(db) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
        assert first.returncode == -signal.SIGKILL
        stored = briefs_in(db)
        assert 4 <= stored < 12
        before = server.calls

        code, err = finish(cli(*args))
        assert code == 0, err
        assert server.calls - before == 12 - stored  # no second call for a stored brief
        assert f"{stored} from the cache" in err
        assert len(hook.posts) == 1 and not list((tmp_path / "o").glob(".*tmp*"))

        code, err = finish(cli(*args))  # nothing new: nothing sent, nothing delivered
        assert code == 0 and "nothing new" in err
        assert server.calls - before == 12 - stored and len(hook.posts) == 1
    with sqlite3.connect(db) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "ok", "empty"]


def test_schedule_runs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", [PORT])
    out = tmp_path / "out"
    with FakeOpenAI(responder=brief_responder()) as server:
        proc = cli("digest", "schedule", "--every", "1h", "--now", "-s", str(tmp_path / "news"),
                   "--out", str(out), *model_args(server))  # fmt: skip
        deadline = time.monotonic() + 30
        while not (out.exists() and list(out.glob("*.json"))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(out.glob("*.json")), proc.stderr.read() if proc.poll() is not None else ""
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        code, err = finish(proc, timeout=15)
    assert code == 0, err
    assert "SIGTERM" in err and "scheduler stopped" in err


def test_schedule_needs_exactly_one_trigger(tmp_path: Path) -> None:
    code, err = invoke("digest", "schedule", "-s", str(tmp_path))
    assert code == 2 and "exactly one of --cron and --every" in err
    code, err = invoke("digest", "schedule", "--cron", "61 * * * *", "-s", str(tmp_path))
    assert code == 2 and "bad --cron" in err


def test_summarize_uses_the_cache_unless_no_cache(tmp_path: Path) -> None:
    write_articles(tmp_path, [UKRAINE])
    article = tmp_path / "article-0000.txt"
    with FakeOpenAI(responder=brief_responder()) as server:
        for extra in ([], [], ["--no-cache"]):
            code, err = invoke("summarize", str(article), *model_args(server), *extra)
            assert code == 0, err
        assert server.calls == 2


def test_as_of_replays_mornings_and_a_bad_time_exits_2(tmp_path: Path) -> None:
    """``--as-of`` makes the digest as if it ran then: its date (the file name), and a
    next step that has passed by then is not one; a time that is not ISO 8601 exits 2."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "talks.txt").write_text(
        "date 2025-03-04 PORT HALDEN: Daniel Brandt met the Halden Dockworkers Union on "
        "Tuesday. Daniel Brandt said the talks were difficult. Negotiators will meet again "
        "on Wednesday.",
        encoding="utf-8",
    )
    with FakeOpenAI(responder=brief_responder()) as server:
        base = ["digest", "run", "-s", str(news), "--db", str(tmp_path / "d.db"), "--format",
                "json", *model_args(server)]  # fmt: skip
        code, err = invoke(*base, "--out", str(tmp_path / "a"), "--as-of", "2025-03-04T07:00")
        assert code == 0, err
        (page,) = (tmp_path / "a").glob("*.json")
        assert page.name.startswith("digest-2025-03-04-0700-")
    code, err = finish(cli("digest", "run", "-s", str(news), "--db", str(tmp_path / "d.db"),
                           "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
                           "--as-of", "yesterday"))  # fmt: skip
    assert code == 2 and "bad time 'yesterday'" in err
