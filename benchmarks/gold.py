"""Score briefs against the hand-annotated gold set (``benchmarks/data/gold``).

Pure and offline: :func:`score` takes one brief (as a dict, the shape ``Brief.model_dump()``
gives) with the article text its offsets refer to, and one gold annotation, and counts what
matches, part by part. ``benchmarks/local_model.py --gold`` makes the briefs and prints the
figures; this module only decides what counts as a match.

How items are matched (the gold README says what each part holds):

- **actors**: a brief actor is a gold actor when its name is the gold name or one of its
  aliases (folded: case, accents, punctuation, possessive and a leading "the" ignored), when
  one name holds the other as a run of two or more words ("US President Donald Trump" holds
  "Donald Trump"), or when a one-word name is a gold person's surname. One brief actor
  stands for at most one gold actor, and a second brief actor for the same gold actor is a
  duplicate (it counts against precision).
- **kinds**: of the matched pairs, whether the brief's kind is the gold kind.
- **positions**: a brief position matches a gold position when one of its citations overlaps
  the gold quote (in the article) and its actor is that gold position's actor.
- **disputes**: a brief dispute matches a gold dispute when its citations overlap the quotes
  of two of the gold sides (one, when the gold sides quote the same sentence) and one of its
  sides names an actor of the gold dispute.
- **next steps**: a brief step matches a gold step when a citation overlaps the gold quote;
  each is matched once (a gold step whose ``when`` agrees is preferred).
- **when**: of the matched steps, whether the brief's ``when`` is the gold one: both null, or
  the same words once leading prepositions and case are set aside ("on 28 May" = "28 May";
  "6 March" is not "from 2 to 6 March", "Friday" is not null).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Counts", "Score", "fold", "score", "when_agrees"]

_PUNCT = re.compile(r"[^\w\s]")
_WHEN_SKIP = frozenset(
    ["on", "in", "by", "from", "at", "the", "for", "until", "before", "after", "during", "as",
     "of", "this"]
)  # fmt: skip


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = _PUNCT.sub(" ", text)
    words = text.split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def when_agrees(brief: str | None, gold: str | None) -> bool:
    if brief is None or gold is None:
        return brief is None and gold is None

    def words(text: str) -> list[str]:
        out = fold(text).split()
        while out and out[0] in _WHEN_SKIP:
            out = out[1:]
        return out

    return words(brief) == words(gold)


@dataclass
class Counts:
    """Matches of one part: recall = found / gold, precision = right / shown."""

    gold: int = 0
    found: int = 0
    shown: int = 0
    right: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.found += other.found
        self.shown += other.shown
        self.right += other.right

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.right / self.shown if self.shown else None


PARTS = ("actors", "kinds", "positions", "disputes", "next_steps", "when")


@dataclass
class Score:
    """One brief against its gold: counts per part, and the issue's "done when" checks."""

    parts: dict[str, Counts] = field(default_factory=lambda: {p: Counts() for p in PARTS})
    persons_typed: tuple[int, int] = (0, 0)  # gold persons found typed person / found
    shown: dict[str, int] = field(default_factory=dict)  # items per part in the brief
    clean: list[str] = field(default_factory=list)  # metadata / dateline / cut problems
    misses: dict[str, list[str]] = field(default_factory=dict)  # for --misses (dev only)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parts": {p: vars(c) for p, c in self.parts.items()},
            "persons_typed": list(self.persons_typed),
            "shown": self.shown,
            "clean": self.clean,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        out = cls()
        out.parts = {p: Counts(**data["parts"][p]) for p in PARTS}
        out.persons_typed = (data["persons_typed"][0], data["persons_typed"][1])
        out.shown = dict(data["shown"])
        out.clean = list(data["clean"])
        return out


def _spans(text: str, quote: str) -> tuple[int, int] | None:
    at = text.find(quote)
    if at < 0:
        flat = " ".join(quote.split())
        at = " ".join(text.split()).find(flat)  # whitespace differs: rare; approximate
        if at < 0:
            return None
        return at, at + len(flat)
    return at, at + len(quote)


def _overlaps(cites: Iterable[dict[str, Any]], span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    for c in cites:
        lo, hi = max(c["start"], span[0]), min(c["end"], span[1])
        if hi - lo >= min(20, (span[1] - span[0]) // 2, (c["end"] - c["start"]) // 2):
            return True
    return False


def _forms(actor: dict[str, Any]) -> list[str]:
    return [fold(f) for f in [actor["name"], *actor.get("aliases", [])] if fold(f)]


def _actor_match(name: str, gold: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """(strength, gold index) of every gold actor a brief name may stand for, best first."""
    key = fold(name)
    out: list[tuple[int, int]] = []
    for i, g in enumerate(gold):
        forms = _forms(g)
        if key in forms:
            out.append((3, i))
            continue
        words = key.split()
        if any(
            (len(f.split()) >= 2 and _contains(key, f)) or (len(words) >= 2 and _contains(f, key))
            for f in forms
        ):
            out.append((2, i))
            continue
        if g["kind"] == "person" and len(words) == 1 and fold(g["name"]).split()[-1:] == words:
            out.append((1, i))
    out.sort(key=lambda t: -t[0])
    return out


def _map_actors(brief: dict[str, Any], gold: dict[str, Any]) -> dict[str, int]:
    """Brief actor id -> gold actor index, one to one, strongest matches first."""
    options = []
    for a in brief["actors"]:
        for strength, i in _actor_match(a["name"], gold["actors"]):
            options.append((strength, a["id"], i))
    options.sort(key=lambda t: -t[0])
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for _, ident, i in options:
        if ident in mapping or i in taken:
            continue
        mapping[ident] = i
        taken.add(i)
    return mapping


def _clean(brief: dict[str, Any], text: str, gold: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    shown = [("headline", brief["headline"])] + [
        (f"summary[{i}]", s["text"]) for i, s in enumerate(brief["summary"])
    ]
    for where, said in shown:
        for meta in gold.get("metadata_lines", []):
            if meta.strip() and meta.strip() in said:
                problems.append(f"{where} holds metadata {meta.strip()!r}")
        if re.match(r"\s*date\s+\d{4}-\d{2}-\d{2}", said):
            problems.append(f"{where} starts with a date line")
    headline = brief["headline"].rstrip("…").rstrip()
    at = text.find(headline)
    if brief["headline"].endswith("…") or (
        at >= 0 and at + len(headline) < len(text) and text[at + len(headline)].isalnum()
    ):
        problems.append(f"headline cut mid-word: {brief['headline'][-30:]!r}")
    return problems


def score(brief: dict[str, Any], text: str, gold: dict[str, Any]) -> Score:
    """Count what ``brief`` (offsets into ``text``) gets of ``gold``."""
    out = Score()
    out.shown = {p: len(brief[p]) for p in ("summary", "actors", "positions", "disputes",
                                             "next_steps")}  # fmt: skip
    gactors = gold["actors"]
    mapping = _map_actors(brief, gold)
    names = {a["id"]: a for a in brief["actors"]}
    misses: dict[str, list[str]] = {p: [] for p in PARTS}

    # actors and kinds
    a, k = out.parts["actors"], out.parts["kinds"]
    a.gold = k.gold = len(gactors)
    a.shown = len(brief["actors"])
    a.right = a.found = len(mapping)
    k.shown = len(mapping)
    found_right = {i for ident, i in mapping.items() if names[ident]["kind"] == gactors[i]["kind"]}
    k.right = k.found = len(found_right)
    persons = [i for i in mapping.values() if gactors[i]["kind"] == "person"]
    out.persons_typed = (len([i for i in persons if i in found_right]), len(persons))
    for i, g in enumerate(gactors):
        if i not in mapping.values():
            misses["actors"].append(f"missing {g['name']} ({g['kind']})")
    for ident, i in mapping.items():
        if i not in found_right:
            misses["kinds"].append(f"{names[ident]['name']}: {names[ident]['kind']} "
                                   f"(gold {gactors[i]['kind']})")  # fmt: skip
    for b in brief["actors"]:
        if b["id"] not in mapping:
            misses["actors"].append(f"extra {b['name']} ({b['kind']})")
    gold_of = {ident: gactors[i]["name"] for ident, i in mapping.items()}

    # positions
    p = out.parts["positions"]
    p.gold, p.shown = len(gold["positions"]), len(brief["positions"])
    gspans = [_spans(text, g["quote"]) for g in gold["positions"]]
    hit: set[int] = set()
    for bp in brief["positions"]:
        matched = False
        for j, g in enumerate(gold["positions"]):
            if _overlaps(bp["evidence"], gspans[j]) and gold_of.get(bp["actor"]) == g["actor"]:
                hit.add(j)
                matched = True
        p.right += matched
        if not matched:
            who = names.get(bp["actor"], {}).get("name", bp["actor"])
            wrong = [g["actor"] for j, g in enumerate(gold["positions"])
                     if _overlaps(bp["evidence"], gspans[j])]  # fmt: skip
            misses["positions"].append(
                f"extra {who}: {bp['stance'][:70]!r}" + (f" (gold: {wrong})" if wrong else "")
            )
    p.found = len(hit)
    for j, g in enumerate(gold["positions"]):
        if j not in hit:
            misses["positions"].append(f"missing {g['actor']}: {g['quote'][:70]!r}")

    # disputes
    d = out.parts["disputes"]
    d.gold, d.shown = len(gold["disputes"]), len(brief["disputes"])
    dhit: set[int] = set()
    for bd in brief["disputes"]:
        cites = bd["evidence"]
        side_actors = {gold_of.get(x) for s in bd["sides"] for x in s["actors"]} - {None}
        matched = False
        for j, g in enumerate(gold["disputes"]):
            quotes = {s["quote"] for s in g["sides"]}
            covered = sum(_overlaps(cites, _spans(text, q)) for q in quotes)
            actors = {x for s in g["sides"] for x in s["actors"]}
            if covered >= min(2, len(quotes)) and side_actors & actors:
                dhit.add(j)
                matched = True
        d.right += matched
        if not matched:
            misses["disputes"].append(f"extra {bd['issue'][:80]!r}")
    d.found = len(dhit)
    for j, g in enumerate(gold["disputes"]):
        if j not in dhit:
            misses["disputes"].append(f"missing {g['issue']!r}")

    # next steps and when
    n, w = out.parts["next_steps"], out.parts["when"]
    n.gold, n.shown = len(gold["next_steps"]), len(brief["next_steps"])
    w.gold = sum(1 for g in gold["next_steps"] if g["when"])
    nspans = [_spans(text, g["quote"]) for g in gold["next_steps"]]
    taken: set[int] = set()
    for bs in brief["next_steps"]:
        options = [j for j in range(len(nspans)) if j not in taken
                   and _overlaps(bs["evidence"], nspans[j])]  # fmt: skip
        options.sort(key=lambda j: not when_agrees(bs["when"], gold["next_steps"][j]["when"]))
        if not options:
            misses["next_steps"].append(f"extra {bs['action'][:70]!r} when={bs['when']!r}")
            continue
        j = options[0]
        taken.add(j)
        n.right += 1
        g = gold["next_steps"][j]
        agree = when_agrees(bs["when"], g["when"])
        if bs["when"]:
            w.shown += 1
            w.right += agree
        if g["when"] and agree:
            w.found += 1
        if not agree:
            misses["when"].append(f"{bs['when']!r} (gold {g['when']!r}): {g['quote'][:60]!r}")
    n.found = len(taken)
    for j, g in enumerate(gold["next_steps"]):
        if j not in taken:
            misses["next_steps"].append(f"missing {g['quote'][:70]!r} when={g['when']!r}")

    out.clean = _clean(brief, text, gold)
    out.misses = misses
    return out
