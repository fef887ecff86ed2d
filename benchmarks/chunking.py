"""Benchmark: long articles briefed in chunks against a loopback server answering after 100 ms.

For articles of 1k, 10k and 50k words (generated deterministically), prints the number of
chunks and model calls, the wall time, what the calls would take one after another, and
the peak Python memory (tracemalloc) of the brief. The time should grow with
``chunks / chunk_concurrency``, not with ``chunks``.

    python benchmarks/chunking.py                      # the table
    python benchmarks/chunking.py --write-article FILE --words 30000   # a long test article

The server answers every chunk with a brief quoting that chunk, and the reduce call with a
headline and summary quoting the parts, as a well-behaved model would.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from summarizer.testing import FakeOpenAI, Reply, completion  # noqa: E402

PEOPLE = [
    ("Maria Okafor", "finance minister"),
    ("Jonas Lindqvist", "opposition leader"),
    ("Aiko Tanaka", "central bank governor"),
    ("Rafael Moreno", "mayor of the port city"),
    ("Leila Haddad", "head of the dockworkers' union"),
    ("Pieter de Vries", "chief executive of Northline Shipping"),
]
GROUPS = ["the Harbour Authority", "the Treasury", "the Audit Office", "the European Union"]
TOPICS = [
    "the port expansion",
    "fuel subsidies",
    "the rail tender",
    "teacher pay",
    "water tariffs",
    "the pension reform",
    "flood defences",
    "the airport lease",
]
OPENERS = [
    "{name}, the {role}, said on {day} that {topic} would need a new vote.",
    "Speaking to reporters on {day}, {name} argued that {topic} had been mishandled.",
    "{name}, the {role}, warned that {topic} could cost {n} million more than planned.",
    "In a statement on {day}, {group} said {topic} was under review.",
]
FOLLOWERS = [
    "{surname} added that the figures for {topic} were published in {month}.",
    "{group} disputed that account and said {n} contracts were still unsigned.",
    "According to {group}, talks on {topic} will resume on {day}.",
    "{surname} said a decision on {topic} was expected by {month}.",
    "Critics noted that {topic} had already been delayed {k} times since {year}.",
    "The committee is due to hear evidence on {topic} on {day}.",
    '"We will not accept {topic} in its current form," {surname} said.',
    "Officials estimated that {n} jobs depended on {topic}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "April", "May", "June", "September", "October"]


def make_article(words: int, *, seed: int = 6) -> str:
    """A deterministic news-like article of at least ``words`` words, in varied paragraphs."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        name, role = rng.choice(PEOPLE)
        fields: dict[str, Any] = {
            "name": name,
            "surname": name.split()[-1],
            "role": role,
            "group": rng.choice(GROUPS),
            "topic": rng.choice(TOPICS),
            "day": rng.choice(DAYS),
            "month": rng.choice(MONTHS),
            "n": rng.randint(2, 900),
            "k": rng.randint(2, 9),
            "year": rng.randint(2015, 2024),
        }
        sentences = [rng.choice(OPENERS).format(**fields)]
        for _ in range(rng.randint(2, 6)):
            fields["n"] = rng.randint(2, 900)
            fields["topic"] = rng.choice(TOPICS) if rng.random() < 0.3 else fields["topic"]
            sentences.append(rng.choice(FOLLOWERS).format(**fields))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs) + "\n"


# --- a server that briefs what it is sent -----------------------------------------------------

BLOCK = re.compile(r"<<<(ARTICLE|PARTS)-\w+\n(.*?)\n(?:ARTICLE|PARTS)-\w+>>>", re.S)


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    found = BLOCK.search(request["messages"][1]["content"])
    kind, text = found.groups() if found else ("ARTICLE", "Nothing. Nothing.")
    if kind == "PARTS":
        quotes = re.findall(r'^  quote: "(.*)"$', text, re.M)[:2]
        summary = [{"text": "Officials argued.", "evidence": [q]} for q in quotes]
        return {"headline": "Whole", "summary": summary, "actors": [], "positions": [],
                "disputes": [], "next_steps": []}  # fmt: skip
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    actors = []
    for name, role in PEOPLE:
        hit = next((s for s in sentences if name in s), None)
        if hit:
            actors.append({"id": name.split()[-1].lower(), "name": name, "kind": "person",
                           "role": role, "evidence": [hit[:200]]})  # fmt: skip
    return {
        "headline": sentences[0][:100],
        "summary": [{"text": "Something was said.", "evidence": [s[:200]]} for s in sentences[:2]],
        "actors": actors[:5],
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }


def responder(delay_s: float) -> Any:
    def respond(request: dict[str, Any]) -> Reply:
        body = completion(json.dumps(_answer(request)), prompt_tokens=1000, completion_tokens=200)
        return Reply(body=body, delay_s=delay_s)

    return respond


def run_one(words: int, concurrency: int, delay_s: float) -> dict[str, Any]:
    from summarizer.base.config import Settings
    from summarizer.longform.budget import estimate_tokens
    from summarizer.pipeline import Summarizer

    text = make_article(words)
    with FakeOpenAI(responder=responder(delay_s)) as server:
        settings = Settings(
            base_url=server.base_url,
            model="fake-model",
            mode="json_schema",
            chunk_concurrency=concurrency,
            cache=False,
        )
        with Summarizer(settings=settings) as s:
            s.summarize(make_article(300, seed=1))  # warm up imports and the connection
            warm = server.calls
            started = time.perf_counter()
            brief = s.summarize(text)
            elapsed = time.perf_counter() - started
            calls = server.calls - warm
            # Again under tracemalloc (which slows Python down) for the peak memory.
            tracemalloc.start()
            s.summarize(text)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    quotes = [q for item in [*brief.summary, *brief.actors] for q in item.evidence]
    assert all(q in text for q in quotes), "a quote is not in the article"
    return {
        "words": len(text.split()),
        "tokens": estimate_tokens(text),
        "chunks": brief.chunks,
        "calls": calls,
        "concurrency": concurrency,
        "time_s": elapsed,
        "serial_s": calls * delay_s,
        "peak_mb": peak / 1e6,
        "actors": len(brief.actors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-article", type=Path, help="write a generated article and exit")
    parser.add_argument("--words", type=int, default=30_000)
    parser.add_argument("--delay", type=float, default=0.1, help="server answer delay, s")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--concurrency", default="1,4,8")
    args = parser.parse_args()
    if args.write_article:
        args.write_article.write_text(make_article(args.words), encoding="utf-8")
        print(f"wrote {args.write_article} ({args.words}+ words)")
        return
    with tempfile.TemporaryDirectory() as home:
        import os

        os.environ["SUMMARIZER_HOME"] = home  # the mode memory file goes here, not ~/.cache
        header = (
            f"{'words':>7} {'tokens~':>8} {'chunks':>6} {'calls':>5} {'conc':>4} "
            f"{'time s':>7} {'serial s':>8} {'peak MB':>8} {'actors':>6}"
        )
        print(f"server delay {args.delay * 1000:.0f} ms; tokens~ = estimate_tokens()")
        print(header)
        print("-" * len(header))
        for words in (int(w) for w in args.sizes.split(",")):
            for conc in (int(c) for c in args.concurrency.split(",")):
                r = run_one(words, conc, args.delay)
                print(
                    f"{r['words']:>7} {r['tokens']:>8} {r['chunks']:>6} {r['calls']:>5} "
                    f"{r['concurrency']:>4} {r['time_s']:>7.2f} {r['serial_s']:>8.2f} "
                    f"{r['peak_mb']:>8.1f} {r['actors']:>6}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
