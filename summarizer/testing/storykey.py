"""Three mornings of a digest against an answer key: the checks a newsroom reader makes.

A *story corpus* is a folder with ``day1/``, ``day2/``, ``day3/`` (the articles new each
morning) and ``key.json`` (``tests/fixtures/digest-days/README.md`` describes it: the
ongoing stories with their articles and the change each day, the one-offs, the wire
re-write and its stale lines, the misattribution traps). :func:`replay` runs a digest
each morning over the articles so far (``run_digest(now=...)``: the digest's clock set to
that morning); :func:`evaluate` compares the three digests with the key. Used by
``tests/test_digest_days.py`` (asserted) and ``benchmarks/digest_stories.py`` (printed).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.output.names import fold

if TYPE_CHECKING:
    import httpx2

    from summarizer.digest.config import DigestConfig
    from summarizer.digest.models import Digest, Story

__all__ = ["DAYS", "CardCheck", "Evaluation", "evaluate", "first_line_states", "replay"]

DAYS = ("day1", "day2", "day3")


def replay(
    corpus: Path,
    work: Path,
    config_for: Callable[[Path, str], DigestConfig],
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    hour: int = 7,
) -> list[Digest]:
    """Copy each day's articles into ``work/news`` and run that morning's digest (at
    ``hour`` UTC on the key's date): one digest per day."""
    from summarizer.digest.run import run_digest

    key = json.loads((corpus / "key.json").read_text(encoding="utf-8"))
    news = work / "news"
    news.mkdir(parents=True, exist_ok=True)
    out = []
    for day, when in zip(DAYS, key["days"], strict=True):
        for path in sorted((corpus / day).iterdir()):
            shutil.copy(path, news / path.name)
        morning = datetime.combine(date.fromisoformat(when), datetime.min.time(), UTC)
        out.append(run_digest(config_for(news, day), transport=transport,
                              now=morning.replace(hour=hour)))  # fmt: skip
    return out


def first_line_states(line: str, change: str) -> bool:
    """The card's first line says the key's change: it shares a figure with it (a vote
    result, an amount, a date), or 30% of its content words."""
    from summarizer.digest.text import content_words, figures

    if figures(line) & figures(change):
        return True
    words = content_words(change)
    return len(words & content_words(line)) >= 0.3 * max(1, len(words))


@dataclass
class CardCheck:
    """One ongoing story on one morning."""

    story: str
    day: str
    cards: int  # how many cards hold its articles of that day (1 is right)
    card: str | None  # the card's id
    status: str | None
    first_line: str | None  # the first line of "what changed"
    states_change: bool  # the first line states the key's change


@dataclass
class Evaluation:
    """Three digests against the key."""

    cards: list[CardCheck] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)  # story -> card ids over the days
    one_offs_alone: dict[str, bool] = field(default_factory=dict)
    also_reported: list[tuple[str, str | None]] = field(default_factory=list)  # (file, site)
    rewrite_as_news: list[str] = field(default_factory=list)  # the copy's lines shown as news
    stale_shown: list[str] = field(default_factory=list)
    traps: list[tuple[str, str, bool]] = field(default_factory=list)  # (trap, shown under, ok)
    positions_shown: int = 0
    withheld: int = 0

    @property
    def whole(self) -> bool:
        """Every ongoing story is one card each morning, the same card over the days."""
        return all(c.cards == 1 for c in self.cards) and all(len(v) == 1 for v in self.ids.values())

    @property
    def misattributed(self) -> list[tuple[str, str, bool]]:
        return [t for t in self.traps if not t[2]]


def _lines(story: Story) -> list[tuple[str | None, str]]:
    """Everything a card shows as someone's words or as news: (whose, text)."""
    out: list[tuple[str | None, str]] = [(None, story.headline)]
    out += [(c.actor, c.text) for c in story.changes]
    out += [(None, s.text) for s in story.summary]
    for a in story.actors:
        out += [(a.name, p.stance) for p in a.positions]
    for d in story.disputes:
        out += [(", ".join(side.actors) or None, side.claim) for side in d.sides]
    out += [(None, n.action) for n in story.next_steps]
    return out


def evaluate(digests: list[Digest], corpus: Path) -> Evaluation:
    """Compare the three mornings' digests with ``corpus/key.json``."""
    key: dict[str, Any] = json.loads((corpus / "key.json").read_text(encoding="utf-8"))
    result = Evaluation()
    copy = Path(key["wire_rewrite"]["copy"]).name
    stale = [fold(s) for s in key["wire_rewrite"]["stale_lines"]]
    for day, digest in zip(DAYS, digests, strict=True):
        name = {a.id: Path(a.origin or "").name for a in digest.articles}
        for st in key["stories"]:
            mine = {Path(a).name for a in st["articles"] if a.startswith(day + "/")}
            if not mine:
                continue
            cards = [s for s in digest.stories if any(name.get(u) in mine for u in s.sources)]
            card = cards[0] if cards else None
            first = card.changes[0].text if card and card.changes else None
            change = st["changes"][day]
            states = day == "day1" or (first is not None and first_line_states(first, change))
            result.cards.append(CardCheck(
                st["id"], day, len(cards), card.id if card else None,
                card.status if card else None, first, states,
            ))  # fmt: skip
            if card:
                result.ids.setdefault(st["id"], set()).add(card.id)
        for path in key["one_offs"]:
            if path.startswith(day + "/"):
                cards = [s for s in digest.stories
                         if any(name.get(u) == Path(path).name for u in s.sources)]  # fmt: skip
                result.one_offs_alone[path] = len(cards) == 1 and len(cards[0].sources) == 1
        for story in digest.stories:
            result.also_reported += [(name.get(a.article, a.article), a.site)
                                     for a in story.also_reported]  # fmt: skip
            copies = {u for u, n in name.items() if n == copy}
            result.rewrite_as_news += [c.text for c in story.changes if c.article in copies]
            result.rewrite_as_news += [
                x.text for x in story.summary if any(q.article in copies for q in x.evidence)
            ]
            result.rewrite_as_news += [
                n.action for n in story.next_steps if any(q.article in copies for q in n.evidence)
            ]
            for _, text in _lines(story):
                if any(s in fold(text) for s in stale):
                    result.stale_shown.append(text)
            result.positions_shown += sum(len(a.positions) for a in story.actors)
            result.withheld += story.withheld
            for trap in key["misattribution_traps"]:
                quote = fold(trap["quote"])[:48]
                for whose, text in _lines(story):
                    if whose and quote in fold(text):
                        ok = fold(trap["speaker"]).split()[-1] in fold(whose)
                        result.traps.append((trap["quote"][:40], whose, ok))
    return result
