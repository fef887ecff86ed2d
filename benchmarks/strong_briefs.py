"""Strong-model briefs end to end: are faithful items kept whole, are planted errors caught?

    python benchmarks/strong_briefs.py [--set NAME ...] [--misses] [--code PATH]

Each set (``benchmarks/data/strong/<set>/``) holds articles (``<slug>.txt``) and, for each,
``<slug>.json`` with ``faithful`` (the brief a careful strong model writes of it, in the
shape of ``BriefDraft``, each item's evidence the article sentences it rests on),
``planted`` (a copy with errors planted) and ``errors`` (where: item path, field, kind).
The sets were written by people who had not read the checker (``README.md`` of each set
says who and when); ``heldout-*`` are frozen and never tuned on, ``tune`` is for development.

A scripted model on loopback (:class:`summarizer.testing.FakeOpenAI`) plays the strong model:
it reads the numbered sentences of the request it receives, turns each evidence sentence
into the numbers of the segments that hold it (the wire format the program asks for), and
answers the same brief on every request, re-asks included. The brief goes through
``Summarizer`` like any other, lenient and ``strict=True``; the figures:

- **faithful kept whole**: items of the faithful brief shown unchanged and not marked
  ``support: not_established`` (an actor counts with its role; the headline as written);
- **errors caught**: planted items not shown, or shown marked ``not_established`` (a
  planted role counts as caught when the role is removed);
- **strict**: faithful briefs accepted, planted briefs refused.

``--code PATH`` imports ``summarizer`` from another checkout (e.g. a worktree of an older
commit) to print the figures before a change.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "strong"
SECTIONS = ("headline", "summary", "actors", "positions", "disputes", "next_steps")
_SEGMENT = re.compile(r"^\[(\d+)\] (.*)$")


# --------------------------------------------------------------------------- the model


def segments_of(request: dict[str, Any]) -> list[tuple[int, str]]:
    """The numbered sentences ``[n] text`` of the article in a chat request."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    out = []
    for line in user.split("\n"):
        m = _SEGMENT.match(line)
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def numbers_for(quote: str, segments: list[tuple[int, str]]) -> list[int]:
    """The numbers of the segments that hold ``quote`` (a sentence of the article)."""
    joined, spans = "", []
    for n, text in segments:
        start = len(joined)
        joined += _flat(text) + " "
        spans.append((n, start, len(joined) - 1))
    q = _flat(quote)
    at = joined.find(q)
    words = q.split()
    while at < 0 and len(words) > 6:  # a dateline the program reads apart ("date ... CITY:")
        words = words[1:]
        q = " ".join(words)
        at = joined.find(q)
    if at < 0:
        raise SystemExit(f"evidence not found in the numbered article: {quote[:80]!r}")
    return [n for n, s, e in spans if s < at + len(q) and e > at]


def wire(brief: dict[str, Any], segments: list[tuple[int, str]]) -> dict[str, Any]:
    """The brief with every evidence sentence replaced by segment numbers."""

    def refs(evidence: list[str]) -> list[int]:
        out: list[int] = []
        for quote in evidence:
            out += [n for n in numbers_for(quote, segments) if n not in out]
        return out

    out = json.loads(json.dumps(brief))
    for section in SECTIONS[1:]:
        for item in out.get(section, []):
            item["evidence"] = refs(item["evidence"])
    return out


def responder(brief: dict[str, Any]) -> Any:
    from summarizer.testing import Reply, completion

    def respond(request: dict[str, Any]) -> Any:
        answer = json.dumps(wire(brief, segments_of(request)))
        tools = request.get("tools")
        if tools:
            name = tools[0]["function"]["name"]
            return Reply(body=completion(tool_args=answer, tool_name=name))
        return Reply(body=completion(answer))

    return respond


def run(article: Path, brief: dict[str, Any], *, strict: bool) -> tuple[Any, str | None]:
    """The brief the program makes when the model answers ``brief``; or the error."""
    from summarizer import Summarizer, SummarizerError
    from summarizer.testing import FakeOpenAI

    with tempfile.TemporaryDirectory() as home, FakeOpenAI(responder=responder(brief)) as srv:
        os.environ["SUMMARIZER_HOME"] = home
        try:
            with Summarizer(base_url=srv.base_url, model="gpt-4o", strict=strict) as s:
                return s.summarize(article), None
        except SummarizerError as e:
            return None, f"{type(e).__name__}: {str(e)[:300]}"


# --------------------------------------------------------------------------- scoring


def _support(item: Any) -> str:
    return str(getattr(item, "support", None) or "supported")


def _same(a: Any, b: Any) -> bool:
    return _flat(str(a or "")) == _flat(str(b or ""))


def _sides(sides: list[Any]) -> list[tuple[tuple[str, ...], str]]:
    out = []
    for s in sides:
        actors = s["actors"] if isinstance(s, dict) else s.actors
        claim = s["claim"] if isinstance(s, dict) else s.claim
        out.append((tuple(actors), _flat(claim)))
    return out


def shown_whole(section: str, item: dict[str, Any], brief: Any) -> bool:
    """Whether ``item`` (as written by the model) is in the program's ``brief`` unchanged
    and established."""
    if brief is None:
        return False
    if section == "headline":
        return _same(brief.headline, item) and _support_of_headline(brief) == "supported"
    for out in getattr(brief, section):
        if _support(out) != "supported":
            continue
        if section == "summary" and _same(out.text, item["text"]):
            return True
        if section == "actors" and out.id == item["id"]:
            role = (item.get("role") or "").strip() or None
            return _same(out.role, role) if role else True
        if (
            section == "positions"
            and out.actor == item["actor"]
            and _same(out.stance, item["stance"])
        ):
            return True
        if section == "disputes" and _same(out.issue, item["issue"]):
            return _sides(out.sides) == _sides(item["sides"])
        if section == "next_steps" and _same(out.action, item["action"]):
            return (
                _same(out.when, item.get("when"))
                and out.certainty == item["certainty"]
                and sorted(out.actors) == sorted(item["actors"])
            )
    return False


def _support_of_headline(brief: Any) -> str:
    grounding = getattr(brief, "grounding", None)
    return str(getattr(grounding, "headline_support", None) or "supported")


def items(brief: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """``(section, path, item)`` for every item of a written brief."""
    out: list[tuple[str, str, Any]] = [("headline", "headline", brief["headline"])]
    for section in SECTIONS[1:]:
        out += [(section, f"{section}[{i}]", it) for i, it in enumerate(brief.get(section, []))]
    return out


def _item_at(brief: dict[str, Any], path: str) -> tuple[str, Any]:
    if path == "headline":
        return "headline", brief["headline"]
    m = re.fullmatch(r"(\w+)\[(\d+)\]", path)
    assert m, path
    return m.group(1), brief[m.group(1)][int(m.group(2))]


def score_article(json_path: Path, misses: bool) -> dict[str, Any]:
    data = json.loads(json_path.read_text(encoding="utf-8"))
    article = json_path.with_suffix(".txt")
    parts = ("kept", "caught", "caught_kind")
    out: dict[str, Any] = {k: defaultdict(lambda: [0, 0]) for k in parts}
    brief, error = run(article, data["faithful"], strict=False)
    for section, path, item in items(data["faithful"]):
        whole = shown_whole(section, item, brief)
        out["kept"][section][0] += 1
        out["kept"][section][1] += whole
        if misses and not whole:
            print(f"  LOST {json_path.stem} {path}: {_why(brief, path, error)}", file=sys.stderr)
    planted, perror = run(article, data["planted"], strict=False)
    for err in data["errors"]:
        section, item = _item_at(data["planted"], err["path"])
        caught = not shown_whole(section, item, planted)
        out["caught"][section][0] += 1
        out["caught"][section][1] += caught
        out["caught_kind"][err["kind"]][0] += 1
        out["caught_kind"][err["kind"]][1] += caught
        if misses and not caught:
            print(f"  MISSED {json_path.stem} {err['path']} [{err['kind']}] "
                  f"{err['planted']!r}", file=sys.stderr)  # fmt: skip
    _, strict_error = run(article, data["faithful"], strict=True)
    _, strict_planted = run(article, data["planted"], strict=True)
    out["strict_ok"] = strict_error is None
    out["strict_refused"] = strict_planted is not None
    out["error"] = error or perror
    if misses and strict_error:
        print(f"  STRICT {json_path.stem}: {strict_error}", file=sys.stderr)
    return out


def _why(brief: Any, path: str, error: str | None) -> str:
    if brief is None:
        return f"no brief: {error}"
    reasons = [
        f"{d.path}: {'; '.join(d.reasons)[:240]}"
        for d in brief.grounding.dropped
        if d.path == path or d.path.startswith(path + ".")
    ]
    unsettled = [
        f"not established: {'; '.join(u.reasons)[:240]}"
        for u in getattr(brief.grounding, "not_established", [])
        if u.path == path
    ]
    return " | ".join(reasons + unsettled) or "shown changed"


def score_set(folder: Path, misses: bool) -> tuple[list[int], list[int], list[int], list[int]]:
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    strict_ok = strict_refused = n = 0
    for json_path in sorted(folder.glob("*.json")):
        result = score_article(json_path, misses)
        n += 1
        for table, part in ((kept, "kept"), (caught, "caught"), (by_kind, "caught_kind")):
            for key, (total, good) in result[part].items():
                table[key][0] += total
                table[key][1] += good
        strict_ok += result["strict_ok"]
        strict_refused += result["strict_refused"]
        if result["error"]:
            print(f"  {json_path.stem}: {result['error']}")
    print(f"== {folder.relative_to(ROOT)} ({n} articles)")
    print(f"{'section':<12} {'faithful kept whole':>20} {'errors caught':>15}")
    for section in SECTIONS:
        k, c = kept[section], caught[section]
        print(f"{section:<12} {k[1]:>9}/{k[0]:<4} {_pct(k):>6} {c[1]:>6}/{c[0]:<3} {_pct(c):>6}")
    tk = [sum(v[0] for v in kept.values()), sum(v[1] for v in kept.values())]
    tc = [sum(v[0] for v in caught.values()), sum(v[1] for v in caught.values())]
    print(f"{'all':<12} {tk[1]:>9}/{tk[0]:<4} {_pct(tk):>6} {tc[1]:>6}/{tc[0]:<3} {_pct(tc):>6}")
    print("errors caught by kind: " + ", ".join(
        f"{kind} {v[1]}/{v[0]}" for kind, v in sorted(by_kind.items())))  # fmt: skip
    print(f"strict: faithful accepted {strict_ok}/{n}, planted refused {strict_refused}/{n}")
    print()
    return tk, tc, [strict_ok, n], [strict_refused, n]


def _pct(pair: list[int]) -> str:
    return f"{100 * pair[1] / pair[0]:.1f}%" if pair[0] else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", help="set name(s) under benchmarks/data/strong")
    parser.add_argument("--misses", action="store_true", help="print every lost or missed item")
    parser.add_argument("--code", type=Path, help="import summarizer from this checkout")
    parser.add_argument("--no-wordnet", action="store_true", help="without the WordNet table")
    args = parser.parse_args(argv)
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    import summarizer

    if args.no_wordnet:
        from summarizer.grounding import paraphrase

        paraphrase.ENABLED = False

    logging.getLogger("summarizer").setLevel(logging.ERROR)  # the per-brief notes
    print(f"summarizer from {Path(summarizer.__file__).parent.parent}")
    names = args.set or sorted(p.name for p in DATA.iterdir() if p.is_dir())
    totals = [[0, 0] for _ in range(4)]
    for name in names:
        for total, part in zip(totals, score_set(DATA / name, args.misses), strict=True):
            total[0] += part[0]
            total[1] += part[1]
    if len(names) > 1:
        kept, caught, ok, refused = totals
        print(f"== all sets: faithful kept whole {kept[1]}/{kept[0]} {_pct(kept)}, "
              f"errors caught {caught[1]}/{caught[0]} {_pct(caught)}, strict accepted "
              f"{ok[0]}/{ok[1]}, planted refused {refused[0]}/{refused[1]}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
