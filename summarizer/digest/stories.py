"""Stories: today's briefs grouped with each other and with the stories still open, merged,
said what changed, dated, ranked.

:func:`build_digest` is the whole step (pure: the run gives it the briefs, the program's
readings of the articles and the memories of open stories, and stores what it returns):

1. **Link** (:mod:`.linking`): articles by the people, names and lead words of their
   readings; each group joins at most one story still open from an earlier digest and
   then keeps that story's id.
2. **Copies**: an article that re-writes another of its story (the same figures and a
   quotation word for word: a wire service's re-worded version; or a near-duplicate below
   the dedup thresholds) is "also reported by" its outlet: none of its items is news.
3. **Merge** the other articles' actors, positions (only those the article's own reading
   attributes to that actor: :attr:`.reading.Reading.verified`), disputes and next steps
   (only those still ahead: :func:`.changes.step_kept`).
4. **Headline and summary** from the story's articles of this digest: the headline of the
   article that carries the day's news, the summary from it and from the others, bylines
   and datelines never included, each article sentence marked extractive (shown quoted).
5. **What changed** (:mod:`.changes`): for a continuing story, one to three lines, the
   concrete change first; a new story has none (its summary is the news).
6. **Timeline** with the story's earlier articles, each dated by its own published date
   (else the day it was first read, marked so).
7. **Rank** (documented in docs/digest.md): sections developing, new, brief (one-offs),
   unchanged; within a section by sources, articles and how much is reported; at most
   ``section_cap`` stories per section and ``max_stories`` in all shown in full, the rest
   listed by headline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.brief import Actor, Brief, Dispute, NextStep, Position, SourceInfo
from summarizer.digest.changes import (
    Candidate,
    changed_stance,
    development_score,
    ends_something,
    repeats,
    same_line,
    step_kept,
)
from summarizer.digest.history import MemoryArticle, StoryMemory
from summarizer.digest.linking import Signature, link
from summarizer.digest.models import (
    AlsoReported,
    DateSource,
    Digest,
    DigestArticle,
    DigestCounts,
    FailedArticle,
    Quoted,
    Story,
    StoryActor,
    StoryChange,
    StoryDispute,
    StoryLink,
    StoryNextStep,
    StoryPosition,
    StorySentence,
    StorySide,
    TimelineEntry,
)
from summarizer.digest.reading import Reading, read_article, verify
from summarizer.digest.text import clean_line
from summarizer.names import Evidence, aliases, fold, name_key, quote_of

if TYPE_CHECKING:
    from summarizer.digest.dedup import Shingles
    from summarizer.digest.store import StoredArticle

__all__ = [
    "Briefed", "Built", "DigestHeader", "Item", "build", "build_digest", "canonical_ids",
    "clean_link", "first_sentence", "group_stories", "shorten", "without_articles",
]  # fmt: skip


@dataclass(frozen=True)
class BriefLite:
    """What a digest keeps of every brief while it assembles (about 1 KB; the brief itself,
    about 20 KB as objects, stays in the cache and is loaded for the stories shown)."""

    key: str
    headline: str
    source: SourceInfo
    method: str
    names: tuple[str, ...]  # the actors' names
    positions: int
    disputes: int
    next_steps: int

    @classmethod
    def of(cls, brief: Brief, key: str) -> BriefLite:
        return cls(key, brief.headline, brief.source, brief.method,
                   tuple(a.name for a in brief.actors), len(brief.positions),
                   len(brief.disputes), len(brief.next_steps))  # fmt: skip


Item = tuple["StoredArticle", "Brief | BriefLite"]
"""A stored article and its brief (or what the digest keeps of it)."""

HEADLINE_CHARS = 120
SUMMARY_SENTENCES = 3
MAX_CHANGES = 3
MAX_STEPS = 4


def _step_order(step: StoryNextStep) -> tuple[int, str, str]:
    """Dated steps first, soonest first; then scheduled before proposed before possible."""
    rank = {"scheduled": 0, "proposed": 1, "possible": 2}.get(step.certainty, 3)
    return (0 if step.date else 1, step.date or str(rank), step.action)


def canonical_ids(briefs: list[Brief]) -> list[dict[str, str]]:
    """For each brief, actor id -> the actor's key across all ``briefs``
    (:func:`summarizer.names.aliases` over every actor named in them)."""
    alias = aliases((a.name, a.kind) for b in briefs for a in b.actors)
    return [{a.id: alias.get(k, k) for a in b.actors for k in [name_key(a.name)]} for b in briefs]


def _signature(reading: Reading) -> Signature:
    return Signature.of(reading.people, reading.names, reading.words, reading.lone)


def group_stories(
    items: list[Item], max_size: int | None = None, readings: Sequence[Reading] | None = None
) -> list[list[int]]:
    """Group briefs into stories (lists of indexes into ``items``), deterministically, by
    the program's readings of the articles (:mod:`.linking`); largest group first."""
    readings = readings or [read_article(row, brief, cast=False) for row, brief in items]
    groups = [g for g, _ in link([_signature(r) for r in readings], [], max_size)]
    return sorted(groups, key=lambda g: (-len(g), items[g[0]][0].id))


# --- small helpers --------------------------------------------------------------------------


def _quotes(evidence: Sequence[Evidence], uid: str) -> list[Quoted]:
    return [Quoted(text=quote_of(e), article=uid) for e in evidence]


def _cite(article_ids: list[str], uid: str) -> None:
    if uid not in article_ids:
        article_ids.append(uid)


_CLAUSE = re.compile(r",\s|\s[—–-]\s|;\s|:\s|\s(?:as|after|while|when|because|but|which|who)\s")
_PHRASE = re.compile(r"\s(?:from|for|in|on|at|with|by|of|over|into|and|after)\s")


def shorten(text: str, limit: int = HEADLINE_CHARS) -> str:
    """``text`` cut at a clause boundary (a comma, a dash, "as", "after") before ``limit``
    characters, else before a phrase ("from ...", "to ...") with "…", never inside a word;
    a final full stop dropped."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cuts = [m.start() for m in _CLAUSE.finditer(head) if m.start() >= 40]
    if cuts:
        return head[: cuts[-1]].rstrip(" ,;:—–-")
    cuts = [m.start() for m in _PHRASE.finditer(head) if m.start() >= 40]
    cut = cuts[-1] if cuts else head.rfind(" ")
    return head[:cut].rstrip(" ,;:—–-") + "…"


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (a model's headline may run on into a second)."""
    m = re.search(r"(?<=[a-z0-9”\"')])[.!?]\s+(?=[A-Z“\"])", text)
    return text[: m.start()] if m and m.start() >= 20 else text


def _iso_day(text: str | None) -> str | None:
    if not text:
        return None
    m = re.match(r"\d{4}-\d\d-\d\d", text.strip())
    if m:
        try:
            return date.fromisoformat(m.group()).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.strip()).date().isoformat()
    except ValueError:
        return None


def _dated(
    row: StoredArticle, brief: Brief | BriefLite, today: date
) -> tuple[str | None, DateSource]:
    """The article's own date (published: HTML metadata, a byline, a ``date`` line), else
    the day it was first read (never after the digest's day), marked ``seen``."""
    own = _iso_day(row.published) or _iso_day(brief.source.published)
    if own:
        return own, "published"
    seen = _iso_day(row.first_seen)
    return min(seen, today.isoformat()) if seen else today.isoformat(), "seen"


def clean_link(url: str | None, origin: str | None) -> str | None:
    """An http(s) URL without tracking parameters (``utm_*``, ``fbclid``, ...), else the
    file the article was read from as a ``file://`` URI."""
    from summarizer.digest.sources import strip_tracking

    if url and re.match(r"^https?://", url, re.I):
        return strip_tracking(url)
    if origin and not re.match(r"^[a-z][a-z0-9+.-]*:", origin, re.I):
        path = Path(origin).expanduser()
        if path.is_absolute():
            return path.as_uri()
    return None


# --- the inputs -------------------------------------------------------------------------------


@dataclass
class Briefed:
    """What a run briefed: each article with its brief, what failed, and the counts;
    ``readings`` (by article uid) and ``history`` (stories still open) when the run has
    them (missing readings are made here); ``verify`` completes a reading with who says
    what (default :func:`.reading.verify`), for the articles of the stories shown in full;
    ``load`` gives the full brief of an item held as a :class:`BriefLite` (the cache), and
    ``text_of`` the text of an article held without it (the store)."""

    items: list[Item]
    failed: list[FailedArticle]
    counts: DigestCounts
    readings: dict[str, Reading] = field(default_factory=dict)
    history: list[StoryMemory] = field(default_factory=list)
    verify: Callable[[StoredArticle, Brief, Reading], Reading] | None = None
    load: Callable[[StoredArticle, BriefLite], Brief] | None = None
    text_of: Callable[[StoredArticle], str | None] | None = None


@dataclass(frozen=True)
class DigestHeader:
    """Who the digest is: its id and title, when it was made, the window, its predecessor;
    ``today`` is the day dates are judged by (default: ``created_at``'s)."""

    id: str
    title: str
    created_at: datetime
    since: datetime | None
    previous: Digest | None
    today: date | None = None


@dataclass
class Built:
    """A digest and the memory of each of its stories (for the next digests)."""

    digest: Digest
    memories: list[StoryMemory]


# --- one story --------------------------------------------------------------------------------


@dataclass
class _Member:
    index: int
    row: StoredArticle
    lite: Brief | BriefLite
    reading: Reading
    date: str | None
    dated: DateSource
    fresh: bool  # not in the story's memory: news of this digest
    copy_of: str | None = None
    idmap: dict[str, str] = field(default_factory=dict)
    full: Brief | None = None
    text_of: Callable[[StoredArticle], str | None] | None = None
    _shingles: Shingles | None = None

    def text(self) -> str:
        if self.row.text is None and self.text_of is not None:
            return self.text_of(self.row) or ""
        return self.row.text or ""

    @property
    def brief(self) -> Brief:
        """The full brief (:meth:`_Story.load` has loaded it)."""
        if self.full is None:
            if not isinstance(self.lite, Brief):
                raise RuntimeError(f"the brief of {self.row.uid} is not loaded")
            self.full = self.lite
        return self.full

    def shingles(self) -> Shingles:
        if self._shingles is None:
            from summarizer.digest.dedup import shingles

            self._shingles = shingles(self.text())
        return self._shingles


def _same_event(later: _Member, earlier: MemoryArticle | _Member) -> bool:
    """``later`` re-writes ``earlier``: it reports no figure the earlier did not (one in
    eight may differ: "6 a.m." for "six o'clock"), keeps one of its quotations word for
    word, and its title and lead are about the same thing; or its text is nearly the same
    (shingles: a near-duplicate below the dedup thresholds)."""
    if isinstance(earlier, _Member):
        numbers, quotes, words = (
            set(earlier.reading.numbers), set(earlier.reading.quotes), set(earlier.reading.words)
        )  # fmt: skip
    else:
        numbers, quotes, words = set(earlier.numbers), set(earlier.quotes), set(earlier.words)
    own_words = set(later.reading.words)
    lead = len(own_words & words) / len(own_words | words) if own_words | words else 0.0
    if isinstance(earlier, _Member) and lead >= 0.5:
        from summarizer.digest.dedup import resemblance

        jaccard, contained = resemblance(later.shingles(), earlier.shingles())
        if jaccard >= 0.5 or contained >= 0.7:
            return True
    mine = set(later.reading.numbers)
    if len(mine - numbers) > max(1, len(mine) // 8):
        return False  # it reports figures the earlier one did not: news of its own
    return bool(set(later.reading.quotes) & quotes) and lead >= 0.15


class _StoryBuilder:
    """Merges the briefs of one story: actors by key, positions by actor and stance,
    disputes by issue, next steps by action (texts compared folded)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.names: dict[str, Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.actors: dict[str, StoryActor] = {}
        self.positions: dict[tuple[str, str], StoryPosition] = {}
        self.position_keys: list[tuple[str, StoryPosition, str]] = []  # (actor key, p, uid)
        self.disputes: dict[str, StoryDispute] = {}
        self.steps: dict[str, StoryNextStep] = {}
        self.withheld = 0

    def add(self, m: _Member) -> None:
        uid, brief, idmap = m.row.uid, m.brief, m.idmap
        for actor in brief.actors:
            self._actor(uid, actor, idmap[actor.id])
        for i, position in enumerate(brief.positions):
            verified = m.reading.checked and i < len(m.reading.verified) and m.reading.verified[i]
            if position.actor in idmap and verified:
                self._position(uid, position, idmap[position.actor])
            else:
                self.withheld += 1  # no sentence under a name the article does not give it
        for i, dispute in enumerate(brief.disputes):
            ok = m.reading.sides[i] if i < len(m.reading.sides) else []
            self._dispute(uid, dispute, idmap, ok)
        anchor = date.fromisoformat(m.date) if m.date else self.today
        for i, step in enumerate(brief.next_steps):
            kept, day = step_kept(step.action, step.when, anchor, self.today)
            if kept:
                subject = m.reading.step_subjects[i] if i < len(m.reading.step_subjects) else None
                self._step(uid, step, idmap, subject, day)

    def _display(self, actor_ids: list[str], idmap: dict[str, str]) -> list[str]:
        return [self.names[idmap[i]].most_common(1)[0][0] for i in actor_ids
                if i in idmap and idmap[i] in self.names]  # fmt: skip

    def _actor(self, uid: str, actor: Actor, key: str) -> None:
        self.names.setdefault(key, Counter())[actor.name] += 1
        self.kinds.setdefault(key, Counter())[actor.kind] += 1
        merged = self.actors.setdefault(
            key, StoryActor(key=key, name=actor.name, kind=actor.kind, roles=[], positions=[],
                            evidence=[], sources=[]),
        )  # fmt: skip
        if actor.role and fold(actor.role) not in {fold(r) for r in merged.roles}:
            merged.roles.append(actor.role)
        merged.evidence.extend(_quotes(actor.evidence, uid))
        _cite(merged.sources, uid)

    def _position(self, uid: str, position: Position, key: str) -> None:
        pkey = (key, fold(position.stance))
        merged = self.positions.get(pkey)
        if merged is None:
            merged = StoryPosition(topic=position.topic, stance=position.stance, evidence=[],
                                   sources=[], extractive=position.extractive)  # fmt: skip
            self.positions[pkey] = merged
            self.actors[key].positions.append(merged)
            self.position_keys.append((key, merged, uid))
        merged.evidence.extend(_quotes(position.evidence, uid))
        _cite(merged.sources, uid)

    def _dispute(self, uid: str, dispute: Dispute, idmap: dict[str, str], ok: list[bool]) -> None:
        # a side keeps its actors only when the article's reading has them say its claim
        sides = [
            StorySide(actors=self._display(s.actors, idmap) if i < len(ok) and ok[i] else [],
                      claim=s.claim, extractive=dispute.extractive)
            for i, s in enumerate(dispute.sides)
        ]  # fmt: skip
        merged = self.disputes.setdefault(
            fold(dispute.issue),
            StoryDispute(issue=dispute.issue, status=dispute.status, evidence=[], sources=[],
                         new=True, sides=sides, extractive=dispute.extractive),
        )  # fmt: skip
        merged.status = dispute.status  # the latest article's word on it
        merged.evidence.extend(_quotes(dispute.evidence, uid))
        _cite(merged.sources, uid)

    def _step(
        self, uid: str, step: NextStep, idmap: dict[str, str], subject: str | None,
        day: date | None,
    ) -> None:  # fmt: skip
        actors = self._display(step.actors, idmap)
        merged = self.steps.setdefault(
            fold(step.action),
            StoryNextStep(action=step.action, actors=actors, when=step.when,
                          certainty=step.certainty, evidence=[], sources=[], new=True,
                          extractive=step.extractive,
                          subject=None if actors else subject,
                          date=day.isoformat() if day else None),
        )  # fmt: skip
        merged.evidence.extend(_quotes(step.evidence, uid))
        _cite(merged.sources, uid)

    def ordered_actors(self) -> list[StoryActor]:
        """Each actor under its most used name (longest among equals) and kind; the actors
        most articles report first."""
        for key, actor in self.actors.items():
            actor.name = max(self.names[key].items(), key=lambda kv: (kv[1], len(kv[0])))[0]
            actor.kind = self.kinds[key].most_common(1)[0][0]
        return sorted(self.actors.values(), key=lambda a: (-len(a.sources), a.key))


def _sentences(m: _Member) -> list[StorySentence]:
    """The article's summary sentences, bylines and datelines taken out."""
    out = []
    for s in m.brief.summary:
        text = clean_line(s.text)
        if text:
            out.append(StorySentence(text=text, evidence=_quotes(s.evidence, m.row.uid),
                                     extractive=s.extractive))  # fmt: skip
    return out


def _title(m: _Member) -> str:
    """The article's headline: its title, else its brief's headline (first sentence,
    cleaned, shortened)."""
    for text in (m.reading.title, m.lite.headline, m.row.title or ""):
        cleaned = clean_line(first_sentence(text or ""))
        if cleaned:
            return shorten(cleaned)
    return m.row.uid


def _candidates(m: _Member) -> list[Candidate]:
    """Lines of an article that could say what changed: its summary sentences, its title,
    its brief's headline."""
    uid = m.row.uid
    out = [Candidate(text=s.text, article=uid, extractive=s.extractive)
           for s in _sentences(m)]  # fmt: skip
    title = clean_line(m.reading.title or "")
    if title:
        out.append(Candidate(text=shorten(title, 240), article=uid, extractive=True))
    headline = clean_line(m.brief.headline)
    if headline and not (title and same_line(headline, title)):
        out.append(Candidate(text=shorten(headline, 240), article=uid,
                             extractive=m.brief.method != "abstractive"))  # fmt: skip
    return out


_STATUS_CHANGE = {"escalating": "dispute_escalated", "easing": "dispute_eased",
                  "stalled": "dispute_stalled"}  # fmt: skip
_CHANGE_ORDER = {"dispute_opened": 0, "dispute_eased": 0, "dispute_escalated": 0,
                 "dispute_stalled": 0, "dispute_closed": 1, "position_changed": 1,
                 "step_new": 2, "new_position": 3}  # fmt: skip


@dataclass
class _Story:
    """One story being assembled."""

    members: list[_Member]
    memory: StoryMemory | None
    today: date
    story: Story | None = None
    lead: _Member | None = None
    closed: list[str] = field(default_factory=list)  # disputes this digest says are over

    @property
    def content(self) -> list[_Member]:
        return [m for m in self.members if m.copy_of is None]

    @property
    def fresh(self) -> list[_Member]:
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
            changes=[], timeline=[], headline=_title(lead), summary=[], actors=[],
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
        earlier: list[MemoryArticle | _Member] = [
            a for a in (self.memory.articles if self.memory else []) if a.copy_of is None
        ]
        for m in self.members:
            if m.fresh or self.memory is None:
                original = next((e for e in earlier if _same_event(m, e)), None)
                if original is not None:
                    m.copy_of = (
                        original.id if isinstance(original, MemoryArticle) else original.row.uid
                    )
                    continue
            earlier.append(m)
        for m in self.members:
            m._shingles = None  # a few KB each: not kept past this story

    def build(self) -> Story:
        builder = _StoryBuilder(self.today)
        for m in self.content:
            builder.add(m)
        memory = self.memory
        known = set(memory.numbers) if memory else set()
        shown = set(memory.shown) if memory else set()
        lead = self._lead(known, shown)
        self.lead = lead
        headline = _title(lead)
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
            next_steps=sorted(builder.steps.values(), key=_step_order)[:MAX_STEPS],
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
                story.changes = self._changes(story, builder, developments)
        self.story = story
        return story

    def _lead(self, known: set[str], shown: set[str]) -> _Member:
        """The article that carries the news: of today's, the one whose best line states
        the most that is new; among equals the one sharing the most people with the rest."""
        pool = self.fresh or self.content or self.members
        best: tuple[float, int, _Member] | None = None
        for m in pool:
            central = sum(
                len(set(m.reading.people) & set(o.reading.people))
                for o in self.members if o is not m
            )  # fmt: skip
            top = max((development_score(c.text, known, shown) for c in _candidates(m)),
                      default=0.0)  # fmt: skip
            if best is None or (top, central) > best[:2]:
                best = (top, central, m)
        assert best is not None
        return best[2]

    def _developments(
        self, lead: _Member, headline: str, known: set[str], shown: set[str]
    ) -> list[Candidate]:
        """What changed, concretely: the lead article's best line that is not its headline
        (a sentence the headline was cut from gives the rest of it, after "…"), then the
        best line of one other new article when it too states new figures or a decision."""
        out: list[Candidate] = []
        prefix = headline.rstrip("…").rstrip()
        for m in [lead, *(x for x in self.fresh if x is not lead)]:
            ranked: list[tuple[float, int, Candidate]] = []
            for i, c in enumerate(_candidates(m)):
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
        self, lead: _Member, headline: str, developments: list[Candidate]
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
            for s in _sentences(m):
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

    def _changes(
        self, story: Story, builder: _StoryBuilder, developments: list[Candidate]
    ) -> list[StoryChange]:
        memory = self.memory
        assert memory is not None
        out = [
            StoryChange(kind="development", text=d.text, article=d.article,
                        extractive=d.extractive)
            for d in developments
        ]  # fmt: skip
        rest: list[StoryChange] = []
        fresh = {m.row.uid for m in self.fresh}
        for d in story.disputes:
            if not fresh & set(d.sources):
                continue
            before = memory.disputes.get(fold(d.issue))
            kind = "dispute_opened" if before is None else _STATUS_CHANGE.get(d.status)
            if kind is not None and before != d.status:
                rest.append(StoryChange(kind=kind, text=d.issue, article=d.sources[-1],  # type: ignore[arg-type]
                                        extractive=d.extractive))  # fmt: skip
        reported = {fold(d.issue) for d in story.disputes}
        outcome = any(ends_something(d.text) for d in developments)
        closed = [issue for issue, status in memory.disputes.items()
                  if issue not in reported and status != "closed"]  # fmt: skip
        if outcome:  # a deal, a vote passed, a ruling: the dispute it no longer reports
            self.closed = closed
            rest += [StoryChange(kind="dispute_closed", text=memory.issues.get(i, i))
                     for i in closed[:1]]  # fmt: skip
        steps = [n for n in story.next_steps if n.new and n.date and fresh & set(n.sources)]
        rest += [StoryChange(kind="step_new", text=n.action, article=n.sources[-1],
                             extractive=n.extractive) for n in steps[:1]]  # fmt: skip
        before_positions: dict[str, list[tuple[str, str]]] = {}
        for key, topic, stance in memory.positions:
            before_positions.setdefault(key, []).append((topic, stance))
        for key, p, uid in builder.position_keys:
            if uid not in fresh:
                continue
            earlier = before_positions.get(key)
            if earlier is None:
                kind = "new_position"
            elif any(changed_stance(topic, stance, p.topic, p.stance) for topic, stance in earlier):
                kind = "position_changed"
            else:
                continue
            rest.append(StoryChange(kind=kind, text=p.stance, article=uid,  # type: ignore[arg-type]
                                    actor=builder.actors[key].name,
                                    extractive=p.extractive))  # fmt: skip
        rest.sort(key=lambda c: _CHANGE_ORDER.get(c.kind, 4))
        seen = [c.text.lstrip("…") for c in out] + [s.text for s in story.summary]
        for change in rest:
            if len(out) >= MAX_CHANGES:
                break
            if repeats(change.text, story.headline) or any(
                same_line(change.text, s, 0.8) for s in seen
            ):
                continue
            out.append(change)
            seen.append(change.text)
        return out


# --- the digest -----------------------------------------------------------------------------


def _article(
    row: StoredArticle, brief: Brief | BriefLite, reading: Reading | None
) -> DigestArticle:
    url = row.url or brief.source.url
    title = (reading.title if reading else None) or brief.source.title or row.title
    cleaned = clean_line(first_sentence(title)) if title else None
    return DigestArticle(
        id=row.uid, title=shorten(cleaned, 200) if cleaned else None, url=url,
        link=clean_link(url, row.origin),
        site=(reading.outlet if reading else None) or brief.source.site or row.site,
        published=row.published or brief.source.published,
        content_hash=brief.source.content_hash,
        headline=shorten(clean_line(first_sentence(brief.headline)) or brief.headline, 200),
        origin=row.origin, new=row.digested_in is None,
    )  # fmt: skip


def _timeline(s: _Story, articles: dict[str, DigestArticle]) -> list[TimelineEntry]:
    entries: dict[str, TimelineEntry] = {}
    for a in s.memory.articles if s.memory else []:
        entries[a.id] = TimelineEntry(article=a.id, date=a.date, site=a.site, title=a.title,
                                      link=a.link, new=False, dated=a.dated,
                                      copy_of=a.copy_of)  # fmt: skip
    for m in s.members:
        article = articles[m.row.uid]
        entries[m.row.uid] = TimelineEntry(
            article=article.id, date=m.date, site=article.site, title=_title(m),
            link=article.link, new=article.new, dated=m.dated, copy_of=m.copy_of,
        )  # fmt: skip
    return sorted(entries.values(), key=lambda t: (t.date or "", t.copy_of is not None, t.article))


def _weight(story: Story) -> int:
    """How much a story reports: voices with positions, next steps, disputes, actors."""
    return (
        2 * sum(bool(a.positions) for a in story.actors)
        + 2 * len(story.disputes)
        + len(story.next_steps)
        + len(story.actors)
    )


def _sections(stories: list[Story], articles: dict[str, DigestArticle]) -> None:
    for story in stories:
        copies = {a.article for a in story.also_reported}
        own = [u for u in story.sources if u not in copies]
        sites = {articles[u].site or u for u in story.sources}
        if story.status == "updated":
            story.section = "developing"
        elif story.status == "unchanged":
            story.section = "unchanged"
        elif len(own) >= 2 or len(sites) >= 2:
            story.section = "new"
        else:
            story.section = "brief"


_SECTION_ORDER = {"developing": 0, "new": 1, "brief": 2, "unchanged": 3}


def _rank_key(story: Story) -> tuple:  # type: ignore[type-arg]
    """Section first; then sources (outlets over the story's whole timeline), articles, the
    lines that changed, how much the story reports; the headline last (a stable order)."""
    sites = {t.site or t.article for t in story.timeline}
    return (
        _SECTION_ORDER[story.section],
        -len(sites),
        -len(story.timeline),
        -len(story.changes),
        -_weight(story),
        story.headline,
    )


def _memory(s: _Story, story: Story, created_at: datetime) -> StoryMemory:
    old = s.memory
    people = set(old.people if old else [])
    lone = set(old.lone if old else [])
    names = set(old.names if old else [])
    words = set(old.words if old else [])
    numbers = set(old.numbers if old else [])
    for m in s.members:
        people |= set(m.reading.people)
        lone |= set(m.reading.lone)
        names |= set(m.reading.names)
        words |= set(m.reading.words)
        if m.copy_of is None:
            numbers |= set(m.reading.numbers)
    shown = set(old.shown if old else [])
    shown |= {fold(story.headline)} | {fold(x.text) for x in story.summary}
    shown |= {fold(c.text) for c in story.changes}
    positions = [list(p) for p in (old.positions if old else [])]
    for a in story.actors:
        positions += [[a.key, fold(p.topic), fold(p.stance)] for p in a.positions]
    disputes = dict(old.disputes if old else {})
    disputes.update({fold(d.issue): d.status for d in story.disputes})
    disputes.update({issue: "closed" for issue in s.closed})
    issues = dict(old.issues if old else {})
    issues.update({fold(d.issue): d.issue for d in story.disputes})
    steps = sorted(set(old.steps if old else []) | {fold(n.action) for n in story.next_steps})
    articles = {a.id: a for a in (old.articles if old else [])}
    by_uid = {m.row.uid: m for m in s.members}
    for t in story.timeline:
        member = by_uid.get(t.article)
        if t.article in articles or member is None:
            continue
        articles[t.article] = MemoryArticle(
            id=t.article, title=t.title, site=t.site, link=t.link, date=t.date, dated=t.dated,
            copy_of=t.copy_of, numbers=member.reading.numbers, quotes=member.reading.quotes,
            words=member.reading.words,
        )  # fmt: skip
    return StoryMemory(
        id=story.id, seen_at=created_at.isoformat(), headline=story.headline,
        people=sorted(people), lone=sorted(lone), names=sorted(names), words=sorted(words),
        numbers=sorted(numbers),
        shown=sorted(shown), positions=positions, disputes=disputes, issues=issues, steps=steps,
        articles=list(articles.values()),
    )  # fmt: skip


def _whole(row: StoredArticle, briefed: Briefed) -> StoredArticle:
    """``row`` with its text (read back from the store when the run let it go)."""
    if row.text is not None or briefed.text_of is None:
        return row
    return replace(row, text=briefed.text_of(row))


def _assemble(
    items: list[Item], readings: list[Reading], history: list[StoryMemory], today: date,
    max_size: int | None, text_of: Callable[[StoredArticle], str | None] | None = None,
) -> list[_Story]:  # fmt: skip
    remembered = {a.id: mem for mem in history for a in mem.articles}
    groups = link([_signature(r) for r in readings], [h.signature() for h in history], max_size)
    assembled: list[_Story] = []
    for members, joined in groups:
        memory = history[joined] if joined is not None else None
        if memory is None:
            # an article an open story already holds (a window run) goes back to it
            back = {remembered[items[i][0].uid].id for i in members
                    if items[i][0].uid in remembered}  # fmt: skip
            if len(back) == 1:
                memory = next(h for h in history if h.id in back)
        story_members = []
        for i in members:
            row, brief = items[i]
            day, dated = _dated(row, brief, today)
            held = memory is not None and any(a.id == row.uid for a in memory.articles)
            story_members.append(_Member(i, row, brief, readings[i], day, dated,
                                         fresh=not held, text_of=text_of))  # fmt: skip
        story_members.sort(key=lambda m: (m.date or "", m.row.id))
        s = _Story(story_members, memory, today)
        s.find_copies()
        assembled.append(s)
    return assembled


def _story_of(s: _Story, by_id: dict[str, DigestArticle], story: Story | None = None) -> Story:
    """The story built in full (or ``story``, a preview) with its timeline and copies."""
    story = story or s.build()
    story.timeline = _timeline(s, by_id)
    story.also_reported = [
        AlsoReported(article=m.row.uid, site=by_id[m.row.uid].site, title=_title(m),
                     link=by_id[m.row.uid].link, copy_of=m.copy_of)
        for m in s.members if m.copy_of is not None
    ]  # fmt: skip
    return story


def build(
    briefed: Briefed,
    header: DigestHeader,
    *,
    max_stories: int = 15,
    max_story_articles: int | None = 12,
    section_cap: int = 8,
) -> Built:
    """The digest of ``briefed`` (see the module docstring) and its stories' memories."""
    today = header.today or header.created_at.date()
    items = sorted(briefed.items, key=lambda item: item[0].id)
    readings = [
        briefed.readings.get(row.uid) or read_article(_whole(row, briefed), brief, cast=False)
        for row, brief in items
    ]
    assembled = _assemble(items, readings, briefed.history, today, max_story_articles,
                          briefed.text_of)  # fmt: skip
    articles = [_article(row, brief, readings[i]) for i, (row, brief) in enumerate(items)]
    by_id = {a.id: a for a in articles}
    previews = {id(s): _story_of(s, by_id, s.preview()) for s in assembled}
    _sections(list(previews.values()), by_id)
    chosen: list[_Story] = []
    rest: list[Story] = []
    per_section: Counter[str] = Counter()
    ranked = sorted(assembled, key=lambda s: (*_rank_key(previews[id(s)])[:3], -s.weight(),
                                              previews[id(s)].headline))  # fmt: skip
    for s in ranked:
        story = previews[id(s)]
        if len(chosen) < max_stories and per_section[story.section] < section_cap:
            chosen.append(s)
            per_section[story.section] += 1
        else:
            rest.append(story)
    # the stories shown in full: their briefs loaded, who says what checked (the cast)
    check = briefed.verify or (lambda row, brief, reading: verify(reading, row, brief))
    built: dict[int, Story] = {}
    for s in chosen:
        s.load(briefed.load)
        for m in s.members:
            if not m.reading.checked:
                m.reading = check(_whole(m.row, briefed), m.brief, m.reading)
        built[id(s)] = _story_of(s, by_id)
    shown = list(built.values())
    _sections(shown, by_id)
    shown.sort(key=_rank_key)
    more = [
        StoryLink(id=s.id, headline=s.headline, status=s.status, articles=len(s.sources),
                  link=by_id[s.sources[-1]].link)
        for s in rest
    ]  # fmt: skip
    everything = [built.get(id(s)) or previews[id(s)] for s in assembled]
    counts = briefed.counts.model_copy(
        update={"stories": len(everything), "new_stories": sum(s.new for s in everything),
                "updated_stories": sum(s.status == "updated" for s in everything)}
    )  # fmt: skip
    digest = Digest(
        id=header.id, title=header.title, created_at=header.created_at, since=header.since,
        previous=header.previous.id if header.previous else None, partial=bool(briefed.failed),
        counts=counts, stories=shown, more=more, failed=briefed.failed, articles=articles,
    )  # fmt: skip
    memories = [
        _memory(s, built.get(id(s)) or previews[id(s)], header.created_at) for s in assembled
    ]
    return Built(digest, memories)


def build_digest(
    briefed: Briefed,
    header: DigestHeader,
    *,
    max_stories: int = 15,
    max_story_articles: int | None = 12,
    section_cap: int = 8,
) -> Digest:
    """:func:`build` without the memories."""
    return build(briefed, header, max_stories=max_stories,
                 max_story_articles=max_story_articles, section_cap=section_cap).digest  # fmt: skip


def without_articles(digest: Digest, drop: set[str]) -> Digest:
    """``digest`` without the articles ``drop`` (a target already has them): stories left
    with none of their own are removed, the rest keep only their other articles."""
    stories = []
    for story in digest.stories:
        kept = [uid for uid in story.sources if uid not in drop]
        if kept:
            stories.append(story.model_copy(update={
                "sources": kept,
                "timeline": [t for t in story.timeline if t.article not in drop or not t.new],
                "also_reported": [a for a in story.also_reported if a.article not in drop],
            }))  # fmt: skip
    return digest.model_copy(update={
        "stories": stories,
        "articles": [a for a in digest.articles if a.id not in drop],
    })  # fmt: skip
