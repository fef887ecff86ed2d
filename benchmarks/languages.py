"""What the offline default (the choose strategy) briefs in each language: printed, not asserted.

    python benchmarks/languages.py [ARTICLE ...] [--program]

For each article (default: the eight fixtures of tests/fixtures/i18n, one per language) it
makes the brief the CLI makes with no key and no settings, through ``Summarizer()``: the
embedded SmolLM2-135M choosing among the program's candidates. ``--program`` answers every
choice with nothing instead (an in-process fake server), so the brief is the program's own
ranking, with no model and in milliseconds.

Per article: the items the brief kept per part (summary, actors, positions, next steps),
the items grounding dropped, whether every citation is the article's text at its offsets,
the seconds, or the one-line error when no brief came back. Run it on another checkout
(``PYTHONPATH=/path/to/old benchmarks/languages.py``) to compare before and after a change.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("summary", "actors", "positions", "next_steps")


def summarizer(program: bool) -> Any:
    """The CLI's default Summarizer, or one whose model answers every choice with nothing."""
    from summarizer import Summarizer

    if not program:
        return Summarizer()
    from summarizer.base.config import load_settings
    from summarizer.testing import MockOpenAI, Reply, completion

    mock = MockOpenAI()
    mock.script(*[Reply(body=completion(tool_args="{}", tool_name="choose")) for _ in range(99)])
    values = {"base_url": mock.base_url, "model": "program", "mode": "tools",
              "strategy": "choose", "timeout_s": 5.0}  # fmt: skip
    return Summarizer(settings=load_settings(values, env={}), transport=mock.transport)


def measure(brief_with: Any, path: Path) -> dict[str, Any]:
    from summarizer.article import load_article

    article = load_article(path)
    started = time.perf_counter()
    try:
        brief = brief_with.summarize(article)
    except Exception as exc:  # the figure to print is which error, not a traceback
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:70]}"}
    items = [item for part in PARTS for item in getattr(brief, part)]
    exact = all(article.text[c.start : c.end] == c.quote for item in items for c in item.evidence)
    return {
        **{part: len(getattr(brief, part)) for part in PARTS},
        "dropped": brief.grounding.items_dropped,
        "exact": exact,
        "seconds": time.perf_counter() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--program", action="store_true", help="no model: the program's picks")
    args = parser.parse_args()
    paths = args.articles or sorted((ROOT / "tests" / "fixtures" / "i18n").glob("*.txt"))
    print(f"{'article':26} {'sum':>4} {'act':>4} {'pos':>4} {'nxt':>4} {'drop':>5} exact seconds")
    with summarizer(args.program) as brief_with:
        for path in paths:
            row = measure(brief_with, path)
            if "error" in row:
                print(f"{path.stem:26} {row['error']}")
                continue
            counts = " ".join(f"{row[p]:>4}" for p in PARTS)
            print(
                f"{path.stem:26} {counts} {row['dropped']:>5} {str(row['exact']):5} "
                f"{row['seconds']:7.1f}"
            )
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
