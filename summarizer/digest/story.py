"""One story as the digest assembles it: its articles (:class:`~.member.Member`), which of
them re-write another, the article that carries the news, what changed, the headline and
the summary (:class:`Assembly`); the briefs it needs (:class:`~.lite.BriefLite` until it is
shown).

An article re-writes another of its story (:func:`same_event`) when it reports no figure
the other did not, keeps one of its quotations word for word and has a lead about the same
thing (a wire service's re-worded copy), or when its text is nearly the same (shingles
below the dedup thresholds): it is "also reported", and none of its lines is news.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from summarizer.digest.changes import (
    Candidate,
    development_score,
    repeats,
    same_line,
    what_changed,
)
from summarizer.digest.history import MemoryArticle, StoryMemory
from summarizer.digest.lite import BriefLite
from summarizer.digest.member import Member, title_of
from summarizer.digest.merge import MAX_STEPS, StoryBuilder, canonical_ids, quotes_of, step_order
from summarizer.digest.models import Story, StorySentence
from summarizer.digest.text import clean_line, shorten
from summarizer.output.brief import Brief
from summarizer.output.names import fold

if TYPE_CHECKING:
    from summarizer.digest.store import StoredArticle

__all__ = ["Assembly", "candidates_of", "same_event", "sentences_of"]

SUMMARY_SENTENCES = 3


def same_event(later: Member, earlier: MemoryArticle | Member) -> bool:
    """``later`` re-writes ``earlier``: it reports no figure the earlier did not (one in
    eight may differ: "6 a.m." for "six o'clock"), keeps one of its quotations word for
    word, and its title and lead are about the same thing; or its text is nearly the same
    (shingles: a near-duplicate below the dedup thresholds)."""
    if isinstance(earlier, Member):
        numbers, quotes, words = (
            set(earlier.reading.numbers), set(earlier.reading.quotes), set(earlier.reading.words)
        )  # fmt: skip
    else:
        numbers, quotes, words = set(earlier.numbers), set(earlier.quotes), set(earlier.words)
    own_words = set(later.reading.words)
    lead = len(own_words & words) / len(own_words | words) if own_words | words else 0.0
    if isinstance(earlier, Member) and lead >= 0.5:
        from summarizer.digest.dedup import resemblance

        jaccard, contained = resemblance(later.shingles(), earlier.shingles())
        if jaccard >= 0.5 or contained >= 0.7:
            return True
    mine = set(later.reading.numbers)
    if len(mine - numbers) > max(1, len(mine) // 8):
        return False  # it reports figures the earlier one did not: news of its own
    return bool(set(later.reading.quotes) & quotes) and lead >= 0.15


def sentences_of(m: Member) -> list[StorySentence]:
    """The article's summary sentences, bylines and datelines taken out."""
    out = []
    for s in m.brief.summary:
        text = clean_line(s.text)
        if text:
            out.append(StorySentence(text=text, evidence=quotes_of(s.evidence, m.row.uid),
                                     extractive=s.extractive))  # fmt: skip
    return out


def candidates_of(m: Member) -> list[Candidate]:
    """Lines of an article that could say what changed: its summary sentences, its title,
    its brief's headline."""
    uid = m.row.uid
    out = [Candidate(text=s.text, article=uid, extractive=s.extractive)
           for s in sentences_of(m)]  # fmt: skip
    title = clean_line(m.reading.title or "")
    if title:
        out.append(Candidate(text=shorten(title, 240), article=uid, extractive=True))
    headline = clean_line(m.brief.headline)
    if headline and not (title and same_line(headline, title)):
        out.append(Candidate(text=shorten(headline, 240), article=uid,
                             extractive=m.brief.method != "abstractive"))  # fmt: skip
    return out


@dataclass
class Assembly:
    """One story being assembled."""

    members: list[Member]
    memory: StoryMemory | None
    today: date
    story: Story | None = None
    lead: Member | None = None
    closed: list[str] = field(default_factory=list)  # disputes this digest says are over

    @property
    def content(self) -> list[Member]:
        return [m for m in self.members if m.copy_of is None]

    @property
    def fresh(self) -> list[Member]:
        return [m for m in self.content if m.fresh]

    def load(self, loader: Callable[[StoredArticle, BriefLite], Brief] | None) -> None:
        """The members' full briefs, and their actors' keys across them."""
        for m in self.members:
            if m.full is None:
                if isinstance(m.lite, Brief):
                    m.full = m.lite
                elif loader is None:
                    raise RuntimeError("a brief held as BriefLite needs Briefed.load")
                else:
                    m.full = loader(m.row, m.lite)
        for m, idmap in zip(self.members, canonical_ids([m.brief for m in self.members]),
                            strict=True):  # fmt: skip
            m.idmap = idmap

    def preview(self) -> Story:
        """The story as ranking needs it, without loading a brief: status, sources, a
        headline (its most central new article's)."""
        memory = self.memory
        pool = self.fresh or self.content or self.members
        lead = max(pool, key=lambda m: (
            sum(len(set(m.reading.people) & set(o.reading.people)) for o in self.members),
            -self.members.index(m),
        ))  # fmt: skip
        first = min(self.members, key=lambda m: (m.date or "", m.row.uid))
        status = "new" if memory is None else "updated" if self.fresh else "unchanged"
        return Story(
            id=memory.id if memory else "s" + first.row.uid[1:], status=status,  # type: ignore[arg-type]
            changes=[], timeline=[], headline=title_of(lead), summary=[], actors=[],
            disputes=[], next_steps=[], sources=[m.row.uid for m in self.members],
            new=memory is None,
        )  # fmt: skip

    def weight(self) -> int:
        """How much its briefs report (voices, disputes, steps, actors), before loading."""
        total = 0
        for m in self.content:
            b = m.lite
            if isinstance(b, Brief):
                b = BriefLite.of(b, "")
            total += 2 * b.positions + 2 * b.disputes + b.next_steps + len(b.names)
        return total

    def find_copies(self) -> None:
        earlier: list[MemoryArticle | Member] = [
            a for a in (self.memory.articles if self.memory else []) if a.copy_of is None
        ]
        for m in self.members:
            if m.fresh or self.memory is None:
                original = next((e for e in earlier if same_event(m, e)), None)
                if original is not None:
                    m.copy_of = (
                        original.id if isinstance(original, MemoryArticle) else original.row.uid
                    )
                    continue
            earlier.append(m)
        for m in self.members:
            m._shingles = None  # a few KB each: not kept past this story

    def build(self) -> Story:
        builder = StoryBuilder(self.today)
        for m in self.content:
            builder.add(m)
        memory = self.memory
        known = set(memory.numbers) if memory else set()
        shown = set(memory.shown) if memory else set()
        lead = self._lead(known, shown)
        self.lead = lead
        headline = title_of(lead)
        developments = self._developments(lead, headline, known, shown) if memory else []
        summary = self._summary(lead, headline, developments)
        first = min(self.members, key=lambda m: (m.date or "", m.row.uid))
        story = Story(
            id=memory.id if memory else "s" + first.row.uid[1:],
            status="new",
            changes=[],
            timeline=[],
            headline=headline,
            summary=summary,
            actors=builder.ordered_actors(),
            disputes=list(builder.disputes.values()),
            next_steps=sorted(builder.steps.values(), key=step_order)[:MAX_STEPS],
            sources=[m.row.uid for m in self.members],
            new=memory is None,
            withheld=builder.withheld,
        )
        story.status = "new" if memory is None else "updated" if self.fresh else "unchanged"
        if memory is not None:
            for d in story.disputes:
                d.new = fold(d.issue) not in memory.disputes
            for n in story.next_steps:
                n.new = fold(n.action) not in set(memory.steps)
            if story.status == "updated":
                fresh = {m.row.uid for m in self.fresh}
                story.changes, self.closed = what_changed(
                    memory, fresh, story, builder, developments
                )
        self.story = story
        return story

    def _lead(self, known: set[str], shown: set[str]) -> Member:
        """The article that carries the news: of today's, the one whose best line states
        the most that is new; among equals the one sharing the most people with the rest."""
        pool = self.fresh or self.content or self.members
        best: tuple[float, int, Member] | None = None
        for m in pool:
            central = sum(
                len(set(m.reading.people) & set(o.reading.people))
                for o in self.members if o is not m
            )  # fmt: skip
            top = max((development_score(c.text, known, shown) for c in candidates_of(m)),
                      default=0.0)  # fmt: skip
            if best is None or (top, central) > best[:2]:
                best = (top, central, m)
        assert best is not None
        return best[2]

    def _developments(
        self, lead: Member, headline: str, known: set[str], shown: set[str]
    ) -> list[Candidate]:
        """What changed, concretely: the lead article's best line that is not its headline
        (a sentence the headline was cut from gives the rest of it, after "…"), then the
        best line of one other new article when it too states new figures or a decision."""
        out: list[Candidate] = []
        prefix = headline.rstrip("…").rstrip()
        for m in [lead, *(x for x in self.fresh if x is not lead)]:
            ranked: list[tuple[float, int, Candidate]] = []
            for i, c in enumerate(candidates_of(m)):
                text = " ".join(c.text.split())
                if text.startswith(prefix) and len(text) > len(prefix):
                    rest = text[len(prefix) :].lstrip(" ,;:—–-")
                    if len(rest.split()) < 6:
                        continue
                    c = Candidate(text="…" + rest, article=c.article, extractive=c.extractive)
                elif repeats(c.text, headline) or any(same_line(c.text, o.text) for o in out):
                    continue
                ranked.append((development_score(c.text, known, shown), -i, c))
            if not ranked:
                continue
            score, _, best = max(ranked, key=lambda x: (x[0], x[1]))
            if (m is lead and score >= 0) or score >= 6:
                out.append(best)
            if len(out) >= 2:
                break
        return out

    def _summary(
        self, lead: Member, headline: str, developments: list[Candidate]
    ) -> list[StorySentence]:
        """Up to three sentences: the lead article's, then one from each other article of
        the story that adds something; none that repeats the headline or the change."""
        chosen: list[StorySentence] = []
        others = sorted(
            (m for m in self.content if m is not lead),
            key=lambda m: (not m.fresh, -(len(set(m.reading.people) & set(lead.reading.people)))),
        )  # fmt: skip
        for m, limit in [(lead, 2), *((o, 1) for o in others)]:
            taken = 0
            for s in sentences_of(m):
                if len(chosen) >= SUMMARY_SENTENCES or taken >= limit:
                    break
                if (
                    repeats(s.text, headline)
                    or any(same_line(s.text, d.text.lstrip("…"), 0.8) for d in developments)
                    or any(same_line(s.text, c.text, 0.6) for c in chosen)
                ):
                    continue
                chosen.append(s)
                taken += 1
        return chosen
