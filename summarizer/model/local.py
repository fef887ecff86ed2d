"""The embedded backend: a llama-cpp-python OpenAI-compatible server on loopback.

The program reaches the embedded model over HTTP like any other backend (one code path,
and cassettes record the same traffic). The server is started on a free loopback port,
reused for every article of the process, and stopped on exit, on errors and on Ctrl-C;
on Linux the child also gets SIGKILL if this process dies without cleaning up.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from queue import SimpleQueue
from typing import IO, TYPE_CHECKING, Any

import httpx2

from summarizer.base.errors import BackendError
from summarizer.base.http import client

if TYPE_CHECKING:
    from summarizer.model.options import Options

__all__ = ["EMBEDDED_MAX_TOKENS", "LocalServer", "serve_forever", "small_model_options", "tune"]

log = logging.getLogger(__name__)

EMBEDDED_MAX_TOKENS = 1024
EMBEDDED_TIMEOUT_S = 600.0
EMBEDDED_SCHEMA_CAPS = (2, 160)  # at most 2 items per list, 160 characters per string
REPEAT_PENALTY = 1.3
_warned: set[str] = set()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # runs in the child before exec
    # SIGKILL, not SIGTERM: a server busy generating (llama.cpp holds the event loop) outlived
    # a SIGTERM as an orphan. It has nothing to flush, so there is nothing to lose.
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_Job = tuple[Callable[[], Any], "Future[Any]"]
_spawn_jobs: SimpleQueue[_Job] = SimpleQueue()
_spawn_lock = threading.Lock()
_spawner: threading.Thread | None = None


def _spawn_loop() -> None:
    while True:
        job, future = _spawn_jobs.get()
        try:
            future.set_result(job())
        except BaseException as exc:  # handed to the caller, which re-raises it
            future.set_exception(exc)


def _popen(command: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``Popen`` from one daemon thread that lives as long as the process.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not the process:
    a server started from a worker thread (``asyncio.to_thread``, a thread pool) would be
    killed as soon as that worker went away.
    """
    global _spawner
    with _spawn_lock:
        if _spawner is None or not _spawner.is_alive():
            _spawner = threading.Thread(target=_spawn_loop, name="summarizer-spawn", daemon=True)
            _spawner.start()
    future: Future[subprocess.Popen[bytes]] = Future()
    _spawn_jobs.put((lambda: subprocess.Popen(command, **kwargs), future))
    return future.result()


def small_model_options(options: Options, *, explicit: Collection[str] = ()) -> Options:
    """Options for the embedded SmolLM2-135M: capped output and schema, a repeat penalty,
    no re-asks.

    :meth:`LocalServer.tune` applies them to the server it starts; a client of an already
    running embedded server (``summarizer serve-local``, the recorded cassettes) applies
    them itself so its requests are the same. Settings in ``explicit`` (set by the user)
    are left as they are.
    """
    changes: dict[str, Any] = {
        "extra_body": {"repeat_penalty": REPEAT_PENALTY, **options.extra_body},
        "schema_caps": options.schema_caps or EMBEDDED_SCHEMA_CAPS,
    }
    if "max_tokens" not in explicit:
        changes["max_tokens"] = min(options.max_tokens, EMBEDDED_MAX_TOKENS)
    if "max_reasks" not in explicit:
        # A re-ask costs the tiny model 20-30 s (its whole prompt again, and more) and has
        # not been seen to fix a quote: grounding drops what it invents instead.
        changes["max_reasks"] = 0
    return replace(options, **changes)


def _is_embedded_smollm(model_path: Path) -> bool:
    return "smollm2-135m" in model_path.name.lower()


def tune(options: Options, model_path: Path, *, explicit: Collection[str] = ()) -> Options:
    """Options for an embedded server of ``model_path``; settings in ``explicit`` (set by the
    user) stay as set. Pure: the same options before and after the server starts.

    The server answers one request at a time and keeps generating an answer whose client
    gave up, so a timeout retried at once only queues behind it: a long timeout and one
    retry (for a dropped connection) serve better than the defaults.
    """
    changes: dict[str, Any] = {}
    if "timeout_s" not in explicit:
        changes["timeout_s"] = max(options.timeout_s, EMBEDDED_TIMEOUT_S)
    if "transport_attempts" not in explicit:
        changes["transport_attempts"] = min(options.transport_attempts, 2)
    options = replace(options, **changes)
    if not _is_embedded_smollm(model_path):
        return options
    return small_model_options(options, explicit=explicit)


class LocalServer:
    """``python -m llama_cpp.server`` for one GGUF file, on 127.0.0.1."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 8192,
        port: int | None = None,
        startup_timeout_s: float = 120.0,
        seed: int = 0,
    ) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.port = port
        self.startup_timeout_s = startup_timeout_s
        self.seed = seed
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def is_embedded_smollm(self) -> bool:
        return _is_embedded_smollm(self.model_path)

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--seed",
            str(self.seed),
            "--verbose",
            "False",
            # This chat format turns a forced tool call into a grammar built from the
            # tool's JSON schema, so even a tiny model answers with schema-shaped JSON.
            "--chat_format",
            "chatml-function-calling",
        ]

    def start(self) -> str:
        """Start the server and wait until it answers; return its base URL."""
        if self.process is not None:
            return self.base_url
        if self.port is None:
            self.port = _free_port()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        started = time.monotonic()
        self.process = _popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        log.info("embedded server ready at %s in %.1fs", self.base_url, time.monotonic() - started)
        return self.base_url

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BackendError(
                    f"the embedded server exited with code {self.process.returncode}: "
                    f"{self.log_tail()}"
                )
            try:
                with client(timeout_s=1) as http:
                    if http.get(f"{self.base_url}/models").status_code == 200:
                        return
            except httpx2.HTTPError:
                pass
            time.sleep(0.1)
        raise BackendError(f"the embedded server did not answer within {self.startup_timeout_s}s")

    def log_tail(self, limit: int = 600) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return text[-limit:].replace("\n", " | ")

    def stop(self) -> None:
        """Stop the server (TERM, then KILL after 5 s); safe to call twice."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    def warn_if_tiny(self) -> None:
        """Say once per model file that the embedded SmolLM2-135M is a stand-in."""
        if _is_embedded_smollm(self.model_path) and str(self.model_path) not in _warned:
            _warned.add(str(self.model_path))
            print(
                "summarizer: using the embedded SmolLM2-135M model: it picks the article's own "
                "sentences (an extractive brief, shown in quotation marks). For briefs in a "
                "model's own words, set OPENAI_API_KEY or see `summarizer models`.",
                file=sys.stderr,
            )

    def tune(self, options: Options, *, explicit: Collection[str] = ()) -> Options:
        """:func:`tune` for this server's model, with the one-time warning of a tiny model."""
        self.warn_if_tiny()
        return tune(options, self.model_path, explicit=explicit)

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(server: LocalServer) -> int:
    """Run the server in the foreground until Ctrl-C or SIGTERM; return its exit code."""
    server.start()
    print(f"serving {server.model_path.name} at {server.base_url} (Ctrl-C stops)", file=sys.stderr)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        assert server.process is not None
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


os.environ.setdefault("LLAMA_LOG_LEVEL", "error")
