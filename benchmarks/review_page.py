"""Benchmark: the review page of long articles, made and opened in headless Chromium.

For generated articles of 1k, 10k, 30k and 60k words (benchmarks/chunking.py's generator),
each briefed through the whole pipeline against a loopback server that briefs every chunk
as a careful extractive model would (``tests/reviews.py``'s ``extractive``: four summary
sentences, each named person with the sentences that name them), prints the page's
size, the time to make it in Python, and the time Chromium takes to open it: from the
moment a harness page sets the frame's ``src`` to the frame's load event, then to a forced
layout of the whole document (real time, no virtual clock; the median of ``--runs``).
``chromium total`` is the wall time of a whole ``chromium --dump-dom`` run, start-up
included, with ``blank`` the same for an empty page.

    python benchmarks/review_page.py                 # the table
    python benchmarks/review_page.py --sizes 30000   # one size

Needs Chromium (Debian: apt-get install -y chromium).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from chunking import make_article  # noqa: E402
from reviews import extractive  # noqa: E402
from test_review_browser import _flags, chromium, measure  # noqa: E402


def brief_of(text: str) -> object:
    from summarizer.base.config import Settings
    from summarizer.pipeline import Summarizer
    from summarizer.testing import FakeOpenAI

    with FakeOpenAI(responder=extractive) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", mode="json_schema",
                            cache=False, chunk_concurrency=8,
                            max_requests_per_brief=5000)  # fmt: skip
        with Summarizer(settings=settings) as s:
            return s.summarize(text)


def wall(browser: str, page: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*_flags(browser), "--dump-dom", page.as_uri()], capture_output=True,
                   timeout=120, check=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,30000,60000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("review_page: chromium not found (apt-get install -y chromium)", file=sys.stderr)
        return 1
    from summarizer.formats.review import review_page
    from summarizer.grounding.segments import _segment_cached

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SUMMARIZER_HOME"] = str(Path(tmp) / "home")
        blank = Path(tmp) / "blank.html"
        blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
        base = statistics.median(wall(browser, blank) for _ in range(args.runs))
        print(f"chromium --dump-dom of an empty page: {base:.2f} s (start-up); "
              f"median of {args.runs} runs")  # fmt: skip
        header = (f"{'words':>6} {'chunks':>6} {'cites':>5} {'parts':>5} {'KiB':>6} "
                  f"{'make s':>7} {'load s':>7} {'layout s':>8} "
                  f"{'chromium total s':>16}")  # fmt: skip
        print(header)
        print("-" * len(header))
        for words in (int(w) for w in args.sizes.split(",")):
            text = make_article(words)
            brief = brief_of(text)
            _segment_cached.cache_clear()  # cold: the article segmented again, as in a new process
            started = time.perf_counter()
            review = review_page(brief, text)  # type: ignore[arg-type]
            made = time.perf_counter() - started
            page = Path(tmp) / f"review-{words}.html"
            page.write_text(review.html, encoding="utf-8")
            runs = [measure(browser, page, 1200, virtual_time=False) for _ in range(args.runs)]
            load = statistics.median(r["load_ms"] for r in runs) / 1000
            layout = statistics.median(r["layout_ms"] for r in runs) / 1000
            total = statistics.median(wall(browser, page) for _ in range(args.runs))
            print(
                f"{len(text.split()):>6} {getattr(brief, 'chunks', 1):>6} {review.citations:>5} "
                f"{review.parts:>5} {len(review.html.encode()) / 1024:>6.0f} {made:>7.2f} "
                f"{load:>7.2f} {layout:>8.2f} {total:>16.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
