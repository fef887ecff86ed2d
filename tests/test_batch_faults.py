"""The Batch API against a broken or hostile provider (issue 23): what it says is sanitized
before it is printed or stored, every request has a deadline, one bad line costs only its own
request, paid answers survive a kill, two collects take turns, malformed replies are one-line
errors, and an article the live path would split is refused before anything is queued.

Every test runs the real command (a subprocess, as a user runs it) against the loopback Batch
API of ``tests/batchserver.py``, with an API key whose every run of 8 characters is looked for
in what comes out.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from batchserver import BatchServer
from hostileserver import Hostile
from test_batch import article, draft, name

from summarizer.base.redact import mentions
from summarizer.testing import completion

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

KEY = f"sk-test-SECRET-{uuid.uuid4().hex}{uuid.uuid4().hex}"
ESCAPE = "\x1b]0;PWNED\x07"
HOSTILE = f"boom {ESCAPE} key={KEY}\nSECOND LINE \u202eevil"
MODEL = "batch-model"


def answer(body: dict[str, Any], *, bad_first: bool = False, usage: Any = None) -> dict[str, Any]:
    """A grounded draft for the article in the request (a bad one first, when asked)."""
    text = body["messages"][1]["content"]
    n = next(w for w in text.split() if w.startswith("Halden")).rstrip(".,")
    bad = bad_first and len(body["messages"]) <= 2
    reply = completion(json.dumps(draft(n, bad=bad)), model=MODEL)
    if usage is not None:
        reply["usage"] = usage
    return reply


def reask_first(body: dict[str, Any]) -> dict[str, Any]:
    """Every article's first answer fails a check; the re-ask's is good."""
    return answer(body, bad_first=True)


def write(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:04d}.txt").write_text(article(i))
    return folder


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    return {**env, "SUMMARIZER_HOME": str(home), "OPENAI_API_KEY": KEY, **extra}


def start(home: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    code = "import sys; from summarizer.cli.app import main; sys.argv[0] = 'summarizer'; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env_for(home, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def run(
    home: Path, *args: str, timeout: float = 60, **extra: str
) -> subprocess.CompletedProcess[str]:
    proc = start(home, *args, **extra)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def endpoint(server: BatchServer) -> list[str]:
    return ["--base-url", server.base_url, "--model", MODEL]


def db(home: Path) -> Path:
    found = list(home.rglob("summarizer.db"))
    assert len(found) == 1, found
    return found[0]


def rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db(home))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def assert_clean(text: str, what: str) -> None:
    """No run of 8 characters of the key, no control character but newline, no bidi
    override, and no line the provider started ("SECOND LINE")."""
    assert not mentions(text, [KEY]), f"{what} shows the key: {text!r}"
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]
    assert not bad, f"{what} has control characters {bad!r}: {text!r}"
    assert "\u202e" not in text, f"{what} has a bidi override: {text!r}"
    assert not any(line.startswith("SECOND LINE") for line in text.splitlines()), text


def submitted(home: Path, server: BatchServer, folder: Path, *extra: str) -> list[str]:
    res = run(home, "batch", "submit", str(folder), *endpoint(server), *extra)
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


def finished(home: Path, ref: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        res = run(home, "batch", "status", ref, "--json")
        if json.loads(res.stdout)["state"] in ("completed", "failed", "expired", "cancelled"):
            return
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def error_line(request_id: str, message: str) -> bytes:
    line = {"custom_id": request_id, "response": None, "error": {"code": "server_error",
            "message": message}}  # fmt: skip
    return json.dumps(line).encode() + b"\n"


# --- 1: provider text printed and stored raw ------------------------------------------------


def test_a_hostile_error_line_is_sanitized_on_screen_and_in_the_database(tmp_path: Path) -> None:
    """An error-file line whose message holds the key, an OSC escape, a second line and a
    bidi override (issue 23 #1): collect prints and stores it sanitized."""

    def hostile(kind: str, data: bytes) -> bytes:
        if kind != "error":
            return data
        return b"".join(
            error_line(json.loads(line)["custom_id"], HOSTILE) for line in data.splitlines()
        )

    home = tmp_path / "home"
    folder = write(tmp_path / "in", 2)
    with BatchServer(
        answer, tick_s=0.01, fail_once=(name(1),), hooks=Hostile(mangle=hostile)
    ) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        res = run(home, "batch", "collect", ref)
        debug = run(home, "--debug", "batch", "collect", ref)
    assert res.returncode == 6, res.stderr
    assert len(res.stdout.splitlines()) == 1  # the good brief
    assert "server_error: boom" in res.stderr and "[REDACTED]" in res.stderr
    for text, what in ((res.stdout, "stdout"), (res.stderr, "stderr"), (debug.stderr, "debug")):
        assert_clean(text, what)
    (stored,) = rows(home, "SELECT error FROM batch_requests WHERE status = 'failed'")
    assert stored[0].startswith("server_error: boom") and "\n" not in stored[0]
    assert_clean(stored[0], "batch_requests.error")


def test_a_failed_batch_with_hostile_errors_is_sanitized_in_status(tmp_path: Path) -> None:
    """A failed batch whose errors.data[0].message holds the key, a newline and an OSC
    escape: `batch status` (text and --json) and batch_jobs.error show it sanitized."""
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(answer, tick_s=0.01, fail_batch=HOSTILE) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        text = run(home, "batch", "status", ref)
        as_json = run(home, "batch", "status", ref, "--json")
        collected = run(home, "batch", "collect", ref)
    assert text.returncode == 0 and "failed" in text.stdout and "boom" in text.stdout
    assert len(text.stdout.splitlines()) == 1
    line = json.loads(as_json.stdout)
    assert line["state"] == "failed" and line["error"].startswith("boom")
    for out, what in (
        (text.stdout, "status"),
        (line["error"], "status --json error"),
        (collected.stderr, "collect"),
    ):
        assert_clean(out, what)
    (stored,) = rows(home, "SELECT error FROM batch_jobs")
    assert_clean(stored[0], "batch_jobs.error")
    (failed,) = rows(home, "SELECT error FROM batch_requests")
    assert failed[0].startswith("batch_failed: boom")
    assert_clean(failed[0], "batch_requests.error")


# --- 2: an error snippet cut before redaction ------------------------------------------------


def test_a_key_after_185_characters_of_a_400_body_is_not_cut_into_a_prefix(
    tmp_path: Path,
) -> None:
    """A 400 text/plain body of 185 characters and then the key (issue 23 #2): the error,
    with --debug and its traceback, holds no run of 8 characters of the key."""
    body = ("x" * 185 + KEY + " trailing").encode()

    def refuse(method: str, path: str) -> tuple[int, str, bytes] | None:
        return (400, "text/plain", body) if method == "POST" and path == "/v1/batches" else None

    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(answer, hooks=Hostile(intercept=refuse)) as server:
        res = run(home, "batch", "submit", str(folder), *endpoint(server))
        debug = run(home, "--debug", "batch", "status")  # the pending job: created again
    assert res.returncode == 4 and len(res.stderr.splitlines()) == 1, res.stderr
    assert "HTTP 400: xxx" in res.stderr
    assert "Traceback" in debug.stderr and "HTTP 400" in debug.stderr
    for text in (res.stderr, debug.stderr):
        assert not mentions(text, [KEY]), text


# --- 3: a total deadline ----------------------------------------------------------------------


def test_a_trickling_result_file_ends_at_the_deadline(tmp_path: Path) -> None:
    """The output file is sent one byte per 0.2 s; with SUMMARIZER_TIMEOUT_S=0.5 the whole
    download has 5 s (ten times the timeout), retries included (issue 23 #3)."""
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(answer, tick_s=0.01, hooks=Hostile(trickle_s=0.2)) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        began = time.monotonic()
        res = run(home, "batch", "collect", ref, timeout=40, SUMMARIZER_TIMEOUT_S="0.5")
        took = time.monotonic() - began
    assert res.returncode == 4, res.stderr
    assert "timed out after 5 s" in res.stderr and len(res.stderr.splitlines()) == 1
    assert took < 20, took  # 5 s of deadline, the backoff, and the start-up


# --- 4: one bad line ---------------------------------------------------------------------


def test_bad_lines_in_the_output_file_cost_only_their_own_requests(tmp_path: Path) -> None:
    """A good line, then a line whose response is not an object, a line that is not JSON
    and a JSON array (issue 23 #4): the good answer is collected; the others are listed and
    can be resubmitted; collecting again gives the same."""
    ids: list[str] = []

    def spoil(kind: str, data: bytes) -> bytes:
        lines = data.splitlines()
        ids.extend(json.loads(x)["custom_id"] for x in lines)
        if kind != "output":
            return data
        broken = json.dumps({"custom_id": ids[1], "response": "oops"}).encode()
        return b"\n".join([lines[0], broken, b"{not json", b"[1,2,3]"]) + b"\n"

    home = tmp_path / "home"
    folder = write(tmp_path / "in", 3)
    with BatchServer(answer, tick_s=0.01, hooks=Hostile(mangle=spoil)) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        first = run(home, "batch", "collect", ref)
        again = run(home, "batch", "collect", ref)
        retried = run(home, "batch", "submit", "--retry", ref)
    assert first.returncode == 6, first.stderr
    assert len(first.stdout.splitlines()) == 1
    assert "1 brief(s), 2 failed or expired" in first.stderr
    assert "result file has a response that is not an object" in first.stderr
    assert "missing: the batch has no result for this request" in first.stderr
    assert "line 3 of the result file is not JSON" in first.stderr  # reported, skipped
    assert again.returncode == 6 and again.stdout == first.stdout
    assert retried.returncode == 0 and len(retried.stdout.split()) == 1


# --- 5: paid live re-asks survive a kill --------------------------------------------------------


def test_a_collect_killed_during_live_reasks_keeps_each_paid_answer(tmp_path: Path) -> None:
    """Two answers fail their checks; `collect --reask live` is killed (SIGKILL) after the
    first live re-ask is stored: the second collect asks only for the one still due, not
    for both again (issue 23 #5)."""
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 2)
    hostile = Hostile(live_delay_s=1.5)

    def live() -> int:  # counted as they arrive (the server counts them after the delay)
        return sum(1 for m, p, _ in hostile.seen if p.endswith("/chat/completions"))

    with BatchServer(reask_first, tick_s=0.01, hooks=hostile) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        proc = start(home, "batch", "collect", ref, "--reask", "live")
        deadline = time.monotonic() + 30
        while not _done(home):
            assert time.monotonic() < deadline and proc.poll() is None, "no live answer stored"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        at_kill = live()  # 1, or 2 when the second was on its way (lost)
        res = run(home, "batch", "collect", ref, "--reask", "live")
        again = live() - at_kill
    assert res.returncode == 0, res.stderr
    briefs = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(briefs) == 2 and all(b["attempts"] == 2 for b in briefs)
    assert again == 1  # only the re-ask still due: the one answered before the kill is kept


def _done(home: Path) -> bool:
    try:
        found = rows(home, "SELECT count(*) FROM batch_requests WHERE status = 'done'")
    except (AssertionError, sqlite3.Error):
        return False
    return bool(found[0][0])


# --- 6: two collects at once --------------------------------------------------------------


def test_two_collects_at_once_create_one_reask_batch(tmp_path: Path) -> None:
    """The re-ask batch's create is held back 1.5 s before the provider makes it, so a
    second collect that does not wait for the first would create a second batch for the same
    job (issue 23 #6). With the lock, the provider has two batches: the first and its
    re-asks."""
    creates = []

    def slow_create(method: str, path: str) -> tuple[int, str, bytes] | None:
        if method == "POST" and path == "/v1/batches":
            creates.append(time.monotonic())
            if len(creates) == 2:  # the re-ask batch
                time.sleep(1.5)
        return None

    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(reask_first, tick_s=0.01, hooks=Hostile(intercept=slow_create)) as server:
        (ref,) = submitted(home, server, folder)
        finished(home, ref)
        both = [start(home, "batch", "collect", ref) for _ in range(2)]
        results = [p.communicate(timeout=60) for p in both]
        made = len(server.batches)
        uids = [b["metadata"]["summarizer_job"] for b in server.batches.values()]
    assert {p.returncode for p in both} <= {0, 6}, results  # 0: the re-ask came back already
    assert made == 2 and len(set(uids)) == 2, server.batches
    assert rows(home, "SELECT count(*) FROM batch_jobs")[0][0] == 2


# --- 7: negative usage -----------------------------------------------------------------------


def test_negative_token_counts_are_refused_not_priced(tmp_path: Path) -> None:
    """A provider reporting -1e8 prompt tokens (issue 23 #7): the answer is refused as
    unusable (the request is listed, resubmittable) instead of a brief costing $-75."""
    usage = {"prompt_tokens": -100_000_000, "completion_tokens": 10, "total_tokens": 10}
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(lambda b: answer(b, usage=usage), tick_s=0.01) as server:
        args = ["--base-url", server.base_url, "--model", "gpt-4o-mini"]
        res = run(home, "batch", "submit", str(folder), *args, "--price-provider", "openai")
        (ref,) = res.stdout.split()
        finished(home, ref)
        collected = run(home, "batch", "collect", ref, "--price-provider", "openai")
        usage_out = run(home, "usage", "--format", "json")
    assert collected.returncode == 6, collected.stderr
    assert collected.stdout == ""
    assert "impossible token usage (prompt_tokens = -100000000)" in collected.stderr
    assert json.loads(usage_out.stdout)["total"]["cost"] is None  # nothing stored, nothing < 0


# --- 23: a path-like file id -------------------------------------------------------------------


def test_a_path_like_file_id_is_refused_before_any_request(tmp_path: Path) -> None:
    """The provider names its output file ``../../batches/x?y=1#z`` (issue 23 #23): the id is
    refused; no request goes to another path with the key."""
    holder: list[BatchServer] = []

    def forged(method: str, path: str) -> tuple[int, str, bytes] | None:
        if method == "GET" and path.startswith("/v1/batches/batch_"):
            batch = holder[0].get(path.rsplit("/", 1)[-1])
            if batch is not None and batch["status"] == "completed":
                batch["output_file_id"] = "../../batches/x?y=1#z"
                return 200, "application/json", json.dumps(batch).encode()
        return None

    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    hostile = Hostile(intercept=forged)
    with BatchServer(answer, tick_s=0.01, hooks=hostile) as server:
        holder.append(server)
        (ref,) = submitted(home, server, folder)
        time.sleep(0.1)  # three ticks: the batch has completed
        res = run(home, "batch", "collect", ref)
        paths = [p for _, p, _ in hostile.seen]
    assert res.returncode == 4 and "malformed file id" in res.stderr, res.stderr
    assert len(res.stderr.splitlines()) == 1
    assert not [p for p in paths if "/batches/x" in p or "/content" in p], paths


# --- 24: malformed create replies ------------------------------------------------------------


def test_malformed_create_replies_are_one_line_errors(tmp_path: Path) -> None:
    """A create reply without an id, one whose errors are a bare list, and one that reuses
    another job's batch id (issue 23 #24): one line each, never a crash, and `batch status`
    still works afterwards."""
    reply: dict[str, Any] = {}

    def canned(method: str, path: str) -> tuple[int, str, bytes] | None:
        if method == "POST" and path == "/v1/batches" and reply:
            return 200, "application/json", json.dumps(reply).encode()
        return None

    home = tmp_path / "home"
    with BatchServer(answer, tick_s=0.01, hooks=Hostile(intercept=canned)) as server:
        (first,) = submitted(home, server, write(tmp_path / "a", 1))

        reply.update({"object": "batch", "status": "validating"})  # no id
        no_id = run(home, "batch", "submit", str(write(tmp_path / "b", 2)), *endpoint(server))

        reply.clear()
        reply.update({"id": "batch_listed", "status": "failed", "errors": [{"message": "bad"}]})
        listed = run(home, "batch", "submit", str(tmp_path / "c.txt"), *endpoint(server))

        reply.clear()
        reply.update({"id": first, "status": "validating"})  # another job's id
        reused = run(home, "batch", "submit", str(tmp_path / "d.txt"), *endpoint(server))
        reply.clear()
        status = run(home, "batch", "status", "--json")
    assert no_id.returncode == 4 and "malformed batch id" in no_id.stderr, no_id.stderr
    assert len(no_id.stderr.splitlines()) == 1
    assert listed.returncode == 0 and listed.stdout.split() == ["batch_listed"], listed.stderr
    assert reused.returncode == 4 and f"which {first} already has" in reused.stderr
    assert len(reused.stderr.splitlines()) == 1
    assert status.returncode == 0, status.stderr
    states = {json.loads(x)["id"]: json.loads(x) for x in status.stdout.splitlines()}
    assert states["batch_listed"]["state"] == "failed" and states["batch_listed"]["error"] == "bad"
    assert any(s["state"] == "failed" and "reused" in (s["error"] or "") for s in states.values())


@pytest.fixture(autouse=True)
def _two_more_articles(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(article(7))
    (tmp_path / "d.txt").write_text(article(8))


# --- 25: an article the live path would split ----------------------------------------------


def test_an_article_too_long_for_one_request_is_refused_at_submit(tmp_path: Path) -> None:
    """1 MB on one line (issue 23 #25): the live path splits it into chunks; a batch line is
    one call, so submit refuses it (exit 3) and queues nothing; the other article goes."""
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    (folder / "long.txt").write_text("word " * 200_000)
    with BatchServer(answer, tick_s=0.01) as server:
        began = time.monotonic()
        res = run(home, "batch", "submit", str(folder), *endpoint(server))
        took = time.monotonic() - began
        uploads = [data for purpose, _, data in server.files.values() if purpose == "batch"]
    assert res.returncode == 3, res.stderr
    assert "long.txt: too long for one batch request" in res.stderr
    assert len(res.stdout.split()) == 1 and len(uploads) == 1
    assert uploads[0].count(b"\n") == 1 and b"word word" not in uploads[0]
    print(f"\nsubmit with a 1 MB one-line article: {took:.1f} s")


# --- 27: collect --wait has a deadline -------------------------------------------------------


def test_collect_wait_gives_up_after_max_wait(tmp_path: Path) -> None:
    """A batch that stays in progress: `collect --wait --max-wait 1` ends (exit 4) instead of
    polling for ever (issue 23 #27)."""
    home = tmp_path / "home"
    folder = write(tmp_path / "in", 1)
    with BatchServer(answer, tick_s=600) as server:
        (ref,) = submitted(home, server, folder)
        began = time.monotonic()
        res = run(home, "batch", "collect", ref, "--wait", "--max-wait", "1", "--poll", "0.2")
        took = time.monotonic() - began
    assert res.returncode == 4, res.stderr
    assert "after waiting 1 s" in res.stderr and len(res.stderr.splitlines()) == 1
    assert took < 15, took
