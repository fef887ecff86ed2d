"""The digest as a story tracker, measured: three mornings of a corpus against its key.

    .venv/bin/python benchmarks/digest_stories.py [--corpus tests/fixtures/digest-days]
                                                  [--model abstractive|embedded]

Each morning a digest runs (its clock set to that morning) over the articles so far; the
digests are compared with the corpus's ``key.json`` (:mod:`summarizer.testing.storykey`).
Printed: for each ongoing story and day, how many cards hold its articles (1 is right),
the card's id (one id over the days), its status and its first "what changed" line, and
whether that line states the key's change (a figure of it, or 30% of its words); then the
one-offs (alone?), the wire re-write ("also reported by"?, any of its lines shown as
news?), the stale lines shown, the misattribution traps shown under a name (and whether
the right one), the positions shown and withheld, and the model's requests and re-asks.

``--model abstractive``: the loopback model that writes abstractive briefs
(:mod:`summarizer.testing.abstractive`), in process. ``--model embedded``: the embedded
default (SmolLM2-135M through llama.cpp; several minutes). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--model", choices=["abstractive", "embedded"], default="abstractive")
    args = parser.parse_args()
    corpora = args.corpus or [
        ROOT / "tests/fixtures/digest-days",
        ROOT / "tests/fixtures/digest-own",
    ]

    from summarizer.digest.config import DigestConfig
    from summarizer.testing import MockOpenAI
    from summarizer.testing.abstractive import abstractive_responder
    from summarizer.testing.digest import make_config
    from summarizer.testing.storykey import evaluate, replay

    for corpus in corpora:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            os.environ["SUMMARIZER_HOME"] = str(work / "home")
            model = abstractive_responder()
            mock = MockOpenAI(responder=model)

            def config(news: Path, day: str, work: Path = work, mock: Any = mock) -> DigestConfig:
                if args.model == "embedded":
                    return DigestConfig.model_validate({
                        "sources": [str(news)], "out": work / f"out-{day}",
                        "db": work / "digest.db",
                    })  # fmt: skip
                return make_config(mock, work, sources=[str(news)], out=work / f"out-{day}")

            started = time.perf_counter()
            transport = mock.transport if args.model == "abstractive" else None
            digests = replay(corpus, work, config, transport=transport)
            elapsed = time.perf_counter() - started
            ev = evaluate(digests, corpus)

        print(f"== {corpus.name} with the {args.model} model ({elapsed:.0f} s)")
        print(f"{'story':28} {'day':4} cards {'card':9} {'status':9} states | first line")
        for c in ev.cards:
            line = (c.first_line or "-").replace("\n", " ")
            states = "yes" if c.states_change else "NO"
            print(f"{c.story[:28]:28} {c.day:4} {c.cards:5} {(c.card or '-')[:9]:9} "
                  f"{(c.status or '-'):9} {states:6} | {line[:110]}")  # fmt: skip
        print(f"every ongoing story one card, one id over the days: {ev.whole}")
        print(f"one-offs alone: {sum(ev.one_offs_alone.values())}/{len(ev.one_offs_alone)}")
        print(f"also reported: {ev.also_reported or 'NONE'}; the re-write's lines as news: "
              f"{len(ev.rewrite_as_news)}; stale lines shown: {len(ev.stale_shown)}")  # fmt: skip
        wrong = ev.misattributed
        print(f"trap quotes shown under a name: {len(ev.traps)} ({len(wrong)} under the wrong one)")
        print(f"positions shown: {ev.positions_shown}; withheld by the speaker check: "
              f"{ev.withheld}")  # fmt: skip
        if args.model == "abstractive":
            print(f"model requests: {model.requests} ({model.reasks} re-asks)")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
