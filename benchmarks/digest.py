"""Digest benchmark: throughput against a fixed-latency model, in process and through the
CLI, the cached rerun, and peak memory.

    .venv/bin/python benchmarks/digest.py [--articles 200] [--concurrency 16]
                                          [--latency 0.1] [--cli-articles 200,2000]
                                          [--memory-articles 2000] [--profile]

A loopback OpenAI-compatible server in its own process (so its CPU is not the measured
process's) answers every request with a valid brief after a fixed latency, and counts the
requests and the re-asks among them (a re-ask is a request that carries the model's
earlier answer). The ideal time of a run is ``requests / concurrency x latency``: every
request the run sent, re-asks included, at full concurrency. Measured:

1. a digest of N articles in process (``run_digest``) against its ideal (target 1.3x);
2. ``summarizer digest run`` as a user runs it (a new process: interpreter start, imports,
   ingest, briefs, stories, files) at each ``--cli-articles`` size, against its ideal
   (target 1.3x), with its peak RSS (``wait4``: that process alone, the model server
   excluded; target < 200 MB at 2,000 articles);
3. a second run over the same articles: model requests (target 0) and time (target < 2 s);
4. peak memory of a digest of M articles in a fresh process: ru_maxrss and the
   tracemalloc peak (Python allocations only; a separate run, since tracing is slow).

``--profile`` runs the in-process digest under cProfile and prints where the time goes.
Prints a table and the machine's load average; asserts nothing (the suite does not run this).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent / "summarizer"

from summarizer.testing.digest import brief_responder, make_config  # noqa: E402

SPECS: list[tuple[str, ...]] = [
    ("Vladimir Putin", "Volodymyr Zelensky", "Donald Trump"),
    ("Halden Dockworkers Union", "Port Authority", "Daniel Brandt"),
    ("Maria Lopez", "City Council"),
    ("Emmanuel Macron", "Olaf Scholz"),
    ("Acme Corp", "Green Party"),
]


class ModelServer:
    """The fake model in its own process. Counts are read over a pipe: write ``calls``,
    read ``requests reasks``."""

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(latency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def window(self) -> float:
        """Seconds from the first request to the last answer since the last call."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("window\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def counts(self) -> tuple[int, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("calls\n")
        self.proc.stdin.flush()
        requests, reasks = self.proc.stdout.readline().split()
        return int(requests), int(reasks)

    def __enter__(self) -> ModelServer:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def serve(latency: float) -> None:
    from summarizer.testing import FakeOpenAI
    from summarizer.testing.replies import Reply
    from summarizer.testing.server import _Server

    # 64 clients connect at once: a listen backlog of 128 (the helper's) is enough; more is safe
    _Server.request_queue_size = 512
    answer = brief_responder(delay_s=latency)
    reasks = 0
    first: float | None = None
    last = 0.0

    def respond(request: dict[str, Any]) -> Reply:
        nonlocal reasks, first, last
        now = time.perf_counter()
        first = now if first is None else first
        last = now + latency  # its answer leaves after the latency
        if sum(m.get("role") == "user" for m in request.get("messages", [])) > 1:
            reasks += 1
        return answer(request)  # type: ignore[no-any-return]

    with FakeOpenAI(responder=respond) as server:
        print(server.base_url, flush=True)
        for line in sys.stdin:
            if line.strip() == "calls":
                print(server.calls, reasks, flush=True)
            elif line.strip() == "window":  # the span from the first request to the last answer
                print(0.0 if first is None else last - first, flush=True)
                first = None


_POOL: list[str] = []


def _pool() -> list[str]:
    """Sentences of the realistic fixture articles (tests/fixtures/articles)."""
    if not _POOL:
        import re

        for path in sorted((HERE.parent / "tests" / "fixtures" / "articles").glob("*.txt")):
            if path.stat().st_size > 2000:
                text = path.read_text(encoding="utf-8")
                _POOL.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40)
    return _POOL


def corpus(folder: Path, n: int) -> None:
    """``n`` articles of 1-5 KB: a story's lead (the names the fake model finds) and real
    news sentences drawn at random and varied, so that no two are near-duplicates."""
    import random

    from summarizer.testing.digest import article_text

    folder.mkdir(parents=True, exist_ok=True)
    pool = _pool()
    for i in range(n):
        rng = random.Random(i)
        target = rng.randint(1000, 5000)
        parts = [article_text(i, SPECS[i % len(SPECS)])]
        while sum(len(p) + 1 for p in parts) < target:
            # a pooled sentence with a word of its own every few words: real articles do
            # not share whole sentences, and shared ones would read as near-duplicates
            words = rng.choice(pool).split()
            for at in range(rng.randint(1, 3), len(words), 4):
                words[at] = rng.choice(words) + rng.choice("aeiou")
            parts.append(" ".join(words))
        (folder / f"article-{i:04d}.txt").write_text(" ".join(parts), encoding="utf-8")


def bench_config(server: Any, root: Path, **overrides: Any) -> Any:
    """The test config with the default transport retries (as a user would run it)."""
    flags = {"base_url": server.base_url, "model": "fake-model", "mode": "json_schema"}
    return make_config(server, root, summarizer=flags, **overrides)


def timed_run(config: Any) -> tuple[float, Any]:
    from summarizer.digest.run import run_digest

    started = time.perf_counter()
    digest = run_digest(config)
    return time.perf_counter() - started, digest


def cli_run(server: ModelServer, root: Path, n: int, concurrency: int) -> dict[str, Any]:
    """``summarizer digest run`` over ``n`` fresh articles in a new process: wall time,
    the model's requests and re-asks during it, and that process's peak RSS."""
    news = root / f"cli-{n}" / "news"
    corpus(news, n)
    env = {**os.environ, "SUMMARIZER_HOME": str(root / f"cli-{n}" / "home")}
    cmd = [str(BIN), "-q", "digest", "run", "--source", str(news), "--db",
           str(root / f"cli-{n}" / "digest.db"), "--out", str(root / f"cli-{n}" / "out"),
           "--base-url", server.base_url, "--model", "fake-model", "--mode", "json_schema",
           "--concurrency", str(concurrency)]  # fmt: skip
    before = server.counts()
    server.window()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    after = server.counts()
    return {
        "seconds": wall, "window": server.window(), "status": os.waitstatus_to_exitcode(status),
        "stderr": stderr[-500:],
        "requests": after[0] - before[0], "reasks": after[1] - before[1],
        "maxrss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
    }  # fmt: skip


def child(args: argparse.Namespace) -> None:
    """Run one digest in this (fresh) process and print its peak memory as JSON."""
    import resource

    from summarizer.digest.config import DigestConfig

    if args.trace:
        import tracemalloc

        tracemalloc.start()
    config = DigestConfig.model_validate_json(Path(args.child).read_text())
    elapsed, digest = timed_run(config)
    result = {
        "seconds": elapsed,
        "briefed": digest.counts.briefed,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.trace:
        result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(result))


def memory(server: Any, root: Path, n: int, concurrency: int, trace: bool) -> dict[str, Any]:
    work = root / ("mem-trace" if trace else "mem")
    corpus(work / "news", n)
    config = bench_config(server, work, sources=[str(work / "news")], concurrency=concurrency,
                         formats=["json"])  # fmt: skip
    path = work / "config.json"
    path.write_text(config.model_dump_json())
    cmd = [sys.executable, __file__, "--child", str(path)] + (["--trace"] if trace else [])
    env = {**os.environ, "SUMMARIZER_HOME": str(work / "home")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def profile(config: Any) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    timed_run(config)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--cli-articles", default="200,2000")
    parser.add_argument("--memory-articles", type=int, default=2000)
    parser.add_argument("--memory-concurrency", type=int, default=64)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    if args.child:
        child(args)
        return

    rows: list[tuple[str, str, str, bool]] = []

    def ideal(requests: int) -> float:
        return requests / args.concurrency * args.latency

    with (
        tempfile.TemporaryDirectory() as tmp,
        ModelServer(args.latency) as server,  # its own process: no GIL shared with the client
    ):
        root = Path(tmp)
        os.environ["SUMMARIZER_HOME"] = str(root / "home")
        corpus(root / "news", args.articles)
        config = bench_config(server, root, sources=[str(root / "news")],
                             concurrency=args.concurrency)  # fmt: skip
        # warm-up: imports, the first client, the prompt templates (not what is measured)
        warm = bench_config(
            server, root / "warm", sources=[str(root / "news" / "article-0000.txt")]
        )
        timed_run(warm)
        if args.profile:
            profile(bench_config(server, root / "profiled", sources=[str(root / "news")],
                                 concurrency=args.concurrency))  # fmt: skip
        calls = server.counts()
        first, digest = timed_run(config)
        requests, reasks = (a - b for a, b in zip(server.counts(), calls, strict=True))
        rows.append((
            f"in process: {args.articles} articles @ {args.concurrency}, "
            f"{args.latency * 1000:.0f} ms/request",
            f"{first:.2f} s ({first / ideal(requests):.2f}x ideal {ideal(requests):.2f} s)",
            "<= 1.3x", first <= 1.3 * ideal(requests),
        ))  # fmt: skip
        rows.append(("  model requests (re-asks)", f"{requests} ({reasks})",
                     str(args.articles), requests == args.articles))  # fmt: skip
        rows.append(("  briefed / stories",
                     f"{digest.counts.briefed} / {digest.counts.stories}", "", True))  # fmt: skip
        calls = server.counts()
        # the same articles again (a 1-day window re-includes them): every brief cached
        second, again = timed_run(config.model_copy(update={"since": timedelta(days=1)}))
        second_calls = server.counts()[0] - calls[0]
        rows.append(("second run, same articles (cached)",
                     f"{second:.2f} s, {second_calls} requests, {again.counts.cached} cached",
                     "< 2 s, 0", second < 2 and second_calls == 0))  # fmt: skip
        calls = server.counts()
        third, _ = timed_run(config)
        rows.append(("third run, nothing new",
                     f"{third:.2f} s, {server.counts()[0] - calls[0]} requests", "< 2 s, 0",
                     third < 2 and server.counts()[0] == calls[0]))  # fmt: skip

        for n in [int(x) for x in args.cli_articles.split(",") if x]:
            run = cli_run(server, root, n, args.concurrency)
            best = ideal(run["requests"])
            rows.append((
                f"summarizer digest run: {n} articles @ {args.concurrency}",
                f"{run['seconds']:.2f} s ({run['seconds'] / best:.2f}x ideal {best:.2f} s), "
                f"exit {run['status']}",
                "<= 1.3x", run["seconds"] <= 1.3 * best and run["status"] == 0,
            ))  # fmt: skip
            rows.append((
                "  briefing (first request to last answer)",
                f"{run['window']:.2f} s ({run['window'] / best:.2f}x ideal)", "<= 1.3x",
                run["window"] <= 1.3 * best,
            ))  # fmt: skip
            rows.append(("  model requests (re-asks)", f"{run['requests']} ({run['reasks']})",
                         str(n), run["requests"] == n))  # fmt: skip
            rows.append(("  peak RSS of the CLI process (model server excluded)",
                         f"{run['maxrss_mb']:.0f} MB, CPU {run['cpu_s']:.1f} s",
                         "< 200 MB" if n >= 2000 else "", run["maxrss_mb"] < 200))  # fmt: skip
            if run["status"]:
                print(run["stderr"], file=sys.stderr)

        if args.memory_articles:
            mem = memory(server, root, args.memory_articles, args.memory_concurrency, False)
            traced = memory(server, root, args.memory_articles, args.memory_concurrency, True)
            rows.append((f"in process: peak RSS, {args.memory_articles} articles "
                         f"@ {args.memory_concurrency}", f"{mem['maxrss_mb']:.0f} MB",
                         "< 200 MB", mem["maxrss_mb"] < 200))  # fmt: skip
            rows.append((f"  (that run: {mem['briefed']} briefed in {mem['seconds']:.1f} s)",
                         "", "", True))  # fmt: skip
            rows.append(("  tracemalloc peak", f"{traced['traced_peak_mb']:.0f} MB", "", True))

    table = [("measure", "value", "target", True), *rows]
    widths = [max(len(str(r[i])) for r in table) for i in range(3)]
    for i, row in enumerate(table):
        ok = "ok" if i == 0 else ("yes" if row[3] else "NO")
        print(" | ".join(str(c).ljust(w) for c, w in zip(row[:3], widths, strict=True)), "|", ok)
        if i == 0:
            print("-+-".join("-" * w for w in widths), "+ --")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")  # fmt: skip


if __name__ == "__main__":
    main()
