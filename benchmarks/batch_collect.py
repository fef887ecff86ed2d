"""Memory of `summarizer batch collect` as the result file grows (issue 23 #27).

A loopback Batch API (tests/batchserver.py) answers N articles; each answer is padded so the
output file reaches the size asked for. `batch collect` runs as a subprocess; its peak
resident memory (ru_maxrss) is printed beside the file's size. The file is streamed to a
temporary file and settled a few hundred requests at a time, so memory should stay near the
process's base rather than grow with the file (a 300 MB file once took 668 MB).

    python benchmarks/batch_collect.py                 # 1,000 answers, ~100 MB
    python benchmarks/batch_collect.py --articles 200 --mb 300

Figures, printed, not asserted (docs/testing.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from batchserver import BatchServer  # noqa: E402
from test_batch import article, draft  # noqa: E402

from summarizer.testing import completion  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--mb", type=float, default=100.0, help="output file size to reach")
    args = parser.parse_args()
    pad = int(args.mb * 1e6 / args.articles)

    def responder(body: dict[str, Any]) -> dict[str, Any]:
        text = body["messages"][1]["content"]
        n = next(w for w in text.split() if w.startswith("Halden")).rstrip(".,")
        reply = completion(json.dumps(draft(n)), model="batch-model")
        reply["system_fingerprint"] = "x" * pad  # an answer as large as asked
        return reply

    with tempfile.TemporaryDirectory() as tmp, BatchServer(responder, tick_s=0.01) as server:
        home, folder = Path(tmp) / "home", Path(tmp) / "in"
        folder.mkdir()
        for i in range(args.articles):
            (folder / f"a{i:05d}.txt").write_text(article(i))
        env = {**os.environ, "SUMMARIZER_HOME": str(home)}
        cli = [sys.executable, "-c", "from summarizer.cli.app import main; main()"]
        endpoint = ["--base-url", server.base_url, "--model", "batch-model"]
        out = subprocess.run(
            [*cli, "batch", "submit", str(folder), *endpoint],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        ref = out.stdout.split()[0]
        subprocess.run([*cli, "batch", "status", ref], env=env, capture_output=True, check=True)
        time.sleep(0.1)
        started = time.perf_counter()
        # measured alone: a wrapper process whose only child is the collect
        wrapper = (
            "import resource, subprocess, sys; "
            "code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
            "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        collect = subprocess.run(
            [sys.executable, "-c", wrapper, *cli, "batch", "collect", ref, "-o",
             str(Path(tmp) / "briefs.jsonl")],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        took = time.perf_counter() - started
        code, peak_kb = collect.stdout.split()
        peak_mb = int(peak_kb) / 1024
        size = sum(len(d) for p, _, d in server.files.values() if p == "batch_output")
    print(f"articles: {args.articles}; output file: {size / 1e6:.1f} MB")
    print(f"collect: exit {code}, {took:.1f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
