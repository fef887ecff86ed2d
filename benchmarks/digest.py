"""Digest benchmark: throughput against a fixed-latency model, the cached rerun, peak memory.

    /work/venv/bin/python benchmarks/digest.py [--articles 200] [--concurrency 16]
                                               [--latency 0.1] [--memory-articles 2000]

A loopback OpenAI-compatible server (tests/fakeopenai.py) answers every request with a
valid brief after a fixed latency. Measured:

1. a digest of N articles at concurrency C, against the ideal N / C x latency
   (target: within 1.25x);
2. a second run over the same articles: model requests (target 0) and time (target < 2 s);
3. peak memory of a digest of M articles, in a fresh subprocess: ru_maxrss (the whole
   process: interpreter, libraries, data; target < 250 MB) and the tracemalloc peak
   (Python allocations only; a separate run, since tracing slows everything down).

Prints a table; asserts nothing (the test suite does not run this).
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
sys.path.insert(0, str(HERE.parent / "tests"))

from fakeopenai import FakeOpenAI  # noqa: E402

from summarizer.testing.digest import brief_responder, make_config  # noqa: E402

SPECS: list[tuple[str, ...]] = [
    ("Vladimir Putin", "Volodymyr Zelensky", "Donald Trump"),
    ("Halden Dockworkers Union", "Port Authority", "Daniel Brandt"),
    ("Maria Lopez", "City Council"),
    ("Emmanuel Macron", "Olaf Scholz"),
    ("Acme Corp", "Green Party"),
]


class ModelServer:
    """The fake model in its own process, so its CPU time is not the measured process's.

    Counts are read over a pipe: write ``calls``, read the number of chat requests.
    """

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(latency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    @property
    def calls(self) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("calls\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def __enter__(self) -> ModelServer:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def serve(latency: float) -> None:
    import fakeopenai

    # 64 clients connect at once: a listen backlog of 5 (the default) would reset some.
    fakeopenai._Server.request_queue_size = 512
    with FakeOpenAI(responder=brief_responder(delay_s=latency)) as server:
        print(server.base_url, flush=True)
        for line in sys.stdin:
            if line.strip() == "calls":
                print(server.calls, flush=True)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--memory-articles", type=int, default=2000)
    parser.add_argument("--memory-concurrency", type=int, default=64)
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
        calls = server.calls

        first, digest = timed_run(config)
        first_calls = server.calls - calls
        ideal = args.articles / args.concurrency * args.latency
        # the same 200 articles again (a 1-day window re-includes them): every brief cached
        second, again = timed_run(config.model_copy(update={"since": timedelta(days=1)}))
        second_calls = server.calls - calls - first_calls
        # and the cron case: nothing new since the last digest
        third, _ = timed_run(config)
        third_calls = server.calls - calls - first_calls - second_calls

        mem = memory(server, root, args.memory_articles, args.memory_concurrency, trace=False)
        traced = memory(server, root, args.memory_articles, args.memory_concurrency, trace=True)

    rows = [
        ("measure", "value", "target", "ok"),
        (f"{args.articles} articles @ {args.concurrency}, {args.latency * 1000:.0f} ms/request",
         f"{first:.2f} s ({first / ideal:.2f}x ideal {ideal:.2f} s)", "<= 1.25x",
         first <= 1.25 * ideal),
        ("  model requests", str(first_calls), str(args.articles), first_calls == args.articles),
        ("  briefed / stories", f"{digest.counts.briefed} / {digest.counts.stories}", "", True),
        ("second run, same articles (cached)",
         f"{second:.2f} s, {second_calls} requests, {again.counts.cached} cached",
         "< 2 s, 0", second < 2 and second_calls == 0),
        ("third run, nothing new", f"{third:.2f} s, {third_calls} requests", "< 2 s, 0",
         third < 2 and third_calls == 0),
        (f"peak RSS, {args.memory_articles} articles", f"{mem['maxrss_mb']:.0f} MB",
         "< 250 MB", mem["maxrss_mb"] < 250),
        (f"  (that run: {mem['briefed']} briefed in {mem['seconds']:.1f} s)", "", "", True),
        (f"tracemalloc peak, {args.memory_articles} articles",
         f"{traced['traced_peak_mb']:.0f} MB", "", True),
    ]  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    for i, row in enumerate(rows):
        ok = "" if i == 0 else ("yes" if row[3] else "NO")
        print(" | ".join(str(c).ljust(w) for c, w in zip(row[:3], widths, strict=True)), "|",
              ok if i else "ok")  # fmt: skip
        if i == 0:
            print("-+-".join("-" * w for w in widths), "+ --")


if __name__ == "__main__":
    main()
