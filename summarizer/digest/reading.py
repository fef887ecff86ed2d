"""What the digest reads in an article itself, beside its brief: a :class:`Reading`.

The brief says what the model found; the reading is the program's own view of the same
article, made once per (article, brief) and kept in the store:

- **who is in it**: the people and bodies of the article's cast
  (:func:`summarizer.cast.read_cast`: names as written, kinds from the text, surnames
  resolved to full names), with the brief's actors added (a person is a person whatever
  kind the model gave: "Kari Nyland" typed ``organization`` is still Kari Nyland);
- **what it is about**: the title and lead as content words (stemmed), the proper names
  it uses (places, companies: ``nordline``, ``skerra``), the figures it states
  (``412-88``, ``5.5%``, ``€230m``), its date, its outlet;
- **who says what**: for each of the brief's positions, whether the cast agrees that the
  actor is the speaker of the sentence cited (:attr:`Reading.verified`); the digest never
  shows a sentence as someone's position or quote unless it does.

Story linking (:mod:`summarizer.digest.stories`) compares readings; what changed
(:mod:`summarizer.digest.changes`) compares figures and sentences.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from summarizer.digest.text import (
    STOP,
    byline_outlet,
    clean_line,
    content_words,
    figures,
    is_metadata,
    quotations,
    wordset,
)
from summarizer.output.names import fold, name_key, name_tokens

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from summarizer.cast import ArticleView, Cast
    from summarizer.cast.registry import ActorState
    from summarizer.digest.lite import BriefLite
    from summarizer.digest.store import StoredArticle
    from summarizer.grounding.segments import Segment
    from summarizer.output.brief import Brief, Citation

__all__ = ["NAME_SEGMENTS", "READING_VERSION", "Reading", "read_article", "verify"]

READING_VERSION = 8
NAME_SEGMENTS = 30  # linking reads the names of an article's first 30 sentences
"""Bumped when what a reading holds changes: stored readings of another version are redone."""

# --- the reading ----------------------------------------------------------------------------


@dataclass
class Reading:
    """The program's own reading of one article (see the module docstring)."""

    title: str
    people: dict[str, str] = field(default_factory=dict)  # full name key -> name as written
    bodies: dict[str, str] = field(default_factory=dict)  # organization key -> name
    lone: list[str] = field(default_factory=list)  # one-word actor names, any kind given
    names: list[str] = field(default_factory=list)  # proper-name words (folded), not people's
    words: list[str] = field(default_factory=list)  # stems of the title's and lead's words
    numbers: list[str] = field(default_factory=list)  # figures of the whole text
    quotes: list[str] = field(default_factory=list)  # its direct quotations, folded
    outlet: str | None = None
    verified: list[bool] = field(default_factory=list)  # per brief position: the cast agrees
    sides: list[list[bool]] = field(default_factory=list)  # per dispute side: the same
    step_subjects: list[str | None] = field(default_factory=list)  # who does each step
    checked: bool = False  # verified, sides and step_subjects are the cast's (see verify)
    version: int = READING_VERSION

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading | None:
        """A stored reading, or None when it is of another version (to be redone)."""
        if data.get("version") != READING_VERSION:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None

    @property
    def surnames(self) -> dict[str, str]:
        """Surname -> full key, for the article's people."""
        return {k.rsplit(" ", 1)[-1]: k for k in self.people}


def _segments(text: str) -> list[Segment]:
    from summarizer.grounding.segments import segment

    return segment(text)


def _segment_ids(citations: Sequence[Citation], segments: Sequence[Segment]) -> list[int]:
    from summarizer.grounding.segments import segment_at

    out: list[int] = []
    for c in citations:
        seg = segment_at(segments, c.start)
        if seg is not None and seg.id not in out:
            out.append(seg.id)
    return out


def _speaks(cast: Cast, name: str, segments: list[int]) -> bool:
    """The cast agrees that ``name`` says what ``segments`` report: it is a speaker of one of
    them, and every one of them that has a speaker has it among its speakers. A speaker the
    cast found through "he"/"she" must not be of the other gender by what the article says
    of them elsewhere (a title, a role, other pronouns)."""
    key = cast.resolve(name)
    if key is None or not segments:
        return False
    spoken = [cast.speakers(s) for s in segments]
    if not (any(key in who for who in spoken) and all(key in who for who in spoken if who)):
        return False
    actor = cast.actors[key]
    gender = cast.gender(key) if actor.kind == "person" else None
    for seg in segments:
        text = cast.view.texts[seg]
        if gender and any(g != gender for g in _pronoun_speakers(text)):
            return False  # "..., she said" is not his sentence
        named = _named_speakers(text)
        if named and not any(_same_actor(cast, key, written) for written in named):
            return False  # the sentence names someone else as its speaker
        if actor.kind == "person" and not _described_as(actor, _described_speakers(text)):
            return False  # "..., the councillor said" is not the mayor's sentence
    return True


_SAYS = (
    r"(?:said|says|told|tells|added|adds|warned|warns|insisted|insists|argued|argues|"
    r"stressed|claimed|claims|testified|replied|wrote|explained|acknowledged|admitted|"
    r"conceded|declared|noted|asked)"
)
_NAME = r"((?:[A-Z][\w'’\-]+\s+){0,3}[A-Z][\w'’\-]+)"


def _outside_quotes(text: str, at: int) -> bool:
    return sum(text.count(q, 0, at) for q in '"“”') % 2 == 0


def _pronoun_speakers(text: str) -> list[str]:
    """'m'/'f' for each "he said" / "said she" outside quotation marks."""
    out = []
    for m in re.finditer(rf"\b(he|she)\s+(?:also\s+|later\s+)?{_SAYS}\b|\b{_SAYS}\s+(he|she)\b",
                         text, re.IGNORECASE):  # fmt: skip
        if _outside_quotes(text, m.start()):
            word = (m.group(1) or m.group(2)).lower()
            out.append("m" if word == "he" else "f")
    return out


def _named_speakers(text: str) -> list[str]:
    """Names written as the speaker of a sentence: "Dahl said", "Ingrid Dahl, chair of the
    union, said", "said Dahl." (outside quotation marks)."""
    out = []
    for pattern in (
        rf"{_NAME},[^,\"“”]{{3,90}},\s+(?:also\s+)?{_SAYS}\b",
        rf"{_NAME}\s+(?:also\s+|later\s+|had\s+)?{_SAYS}\b",
        rf"\b{_SAYS}\s+{_NAME}\s*[.,]",
    ):
        for m in re.finditer(pattern, text):
            if _outside_quotes(text, m.start()) and m.group(1).split()[0] not in _NOT_SUBJECTS:
                out.append(m.group(1))
    return out


_DESCRIBED = re.compile(
    rf"\bthe\s+((?:[a-z][\w'’\-]*\s+){{0,3}}[a-z][\w'’\-]*)\s+(?:also\s+|later\s+)?{_SAYS}\b"
    rf"|\b{_SAYS}\s+the\s+((?:[a-z][\w'’\-]*\s+){{0,3}}[a-z][\w'’\-]*)\s*[.,]",
    re.IGNORECASE,
)


def _described_speakers(text: str) -> list[str]:
    """The title words written as the speaker of a sentence: "the councillor said", "said
    the former finance director." (outside quotation marks) -> "councillor", "director"."""
    from summarizer.cast.lexicon import TITLES, bare_word

    out = []
    for m in _DESCRIBED.finditer(text):
        head = bare_word((m.group(1) or m.group(2)).split()[-1])
        if head in TITLES and _outside_quotes(text, m.start()):
            out.append(head)
    return out


def _described_as(actor: ActorState, heads: list[str]) -> bool:
    """Whether a person the cast names as a speaker fits the titles the sentence gives its
    speaker (none given: it fits): each is a word of their role or a title of theirs. The
    cast may carry the speaker of the sentence before over a quotation whose own speaker it
    could not place."""
    from summarizer.cast.lexicon import bare_word

    own = {bare_word(w) for w in [*actor.role.split(), *actor.titles]}
    return all(head in own for head in heads)


_NOT_SUBJECTS = wordset(
    "The A An It He She They We I This That These Those There Asked When After As While If "
    "But And Or In On At For By With From"
)


def _same_actor(cast: Cast, key: str, written: str) -> bool:
    found = cast.resolve(written)
    if found is not None:
        return found == key
    mine = name_tokens(cast.actors[key].name)
    theirs = name_tokens(written)
    return theirs[-1] == mine[-1] or theirs == mine[-len(theirs) :]


def _name_words(view: ArticleView, people: Iterable[str]) -> list[str]:
    """Proper-name words of the article (places, companies, bodies), people's names left
    out, each once, in order of first use."""
    from summarizer.cast.lexicon import NOT_NAMES, TITLES

    person_words = {w for k in people for w in k.split()}
    out: dict[str, None] = {}
    texts = view.texts
    written = dict.fromkeys(
        span.text
        for seg_id, spans in view.names.items()
        if not is_metadata(texts[seg_id])  # a byline's names are the reporter's and outlet's
        for span in spans
    )
    for text in written:
        for word in fold(text).split():
            if (
                len(word) > 2
                and word not in STOP
                and word not in person_words
                and word not in TITLES
                and word.capitalize() not in NOT_NAMES
            ):
                out[word] = None
    return list(out)


def _view_people(
    view: ArticleView, actors: Sequence[str]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """People, bodies and one-word names from the article's names as written (the cast's
    name reader, :class:`summarizer.cast.ArticleView`, and its kinds,
    :func:`summarizer.cast.kind_of`), and the brief's actors by the same rules: a name of
    two to four capitalized words is a person unless a word says otherwise ("Union",
    "Bank", "Ministry") or its first word stands alone elsewhere in the article ("Nordline
    Ferries ... Nordline said": a company); one word that ends a person's name is that
    person."""
    from summarizer.cast import kind_of

    spans = dict.fromkeys(
        (span.text, span.title)
        for seg_id, found in view.names.items()
        if not is_metadata(view.texts[seg_id])
        for span in found
    )
    alone = {text for text, _ in spans if " " not in text}
    people: dict[str, str] = {}
    bodies: dict[str, str] = {}
    single: set[str] = set()
    for written, title in [*spans, *((a, "") for a in actors)]:
        words = written.split()
        key = name_key(written)
        if len(words) == 1:
            single.add(key)
            continue
        kind = kind_of(written, title=title)
        if kind == "person" and not title and words[0] in alone and words[-1] not in alone:
            kind = "organization"
        if kind == "person":
            people.setdefault(key, written)
        elif kind in ("organization", "government"):
            bodies.setdefault(key, written)
    surnames = {k.rsplit(" ", 1)[-1] for k in people}
    lone = sorted(k for k in single if len(k) > 2 and k not in surnames)
    return people, bodies, lone


def read_article(row: StoredArticle, brief: Brief | BriefLite, *, cast: bool = True) -> Reading:
    """Read one stored article with its brief (see the module docstring). With
    ``cast=False`` only what story linking needs (the names as written, figures,
    quotations, lead words: about a millisecond); :attr:`Reading.checked` is then False and
    nothing is verified (:func:`verify` adds it)."""
    from summarizer.cast import ArticleView

    text = row.text or ""
    segments = _segments(text)
    # the names of the first sentences: the people and bodies a story is about are in them
    view = ArticleView(text, segments[:NAME_SEGMENTS], row.title)
    title = clean_line(row.title or brief.source.title or "") or clean_line(brief.headline) or ""
    body = [s for s in segments if clean_line(s.text) and not (row.title and s.text == row.title)]
    lead = " ".join(clean_line(s.text) or "" for s in body[:2])
    news = "\n".join(s.text for s in body)  # no byline, no title line
    from summarizer.output.brief import Brief

    names = [a.name for a in brief.actors] if isinstance(brief, Brief) else list(brief.names)
    people, bodies, lone = _view_people(view, names)
    # words and names recur across articles: one string each (a reading is kept for
    # every article of a run)
    reading = Reading(
        title=title,
        people={sys.intern(k): v for k, v in people.items()},
        bodies=bodies,
        lone=[sys.intern(w) for w in lone],
        names=[sys.intern(w) for w in _name_words(view, people)],
        words=[sys.intern(w) for w in sorted(content_words(f"{title} {lead}"))],
        numbers=[sys.intern(w) for w in sorted(figures(news))],
        quotes=sorted(quotations(news)),
        outlet=row.site or brief.source.site or byline_outlet(text),
    )
    if not cast:
        return reading
    if not isinstance(brief, Brief):
        raise TypeError("who says what is checked against the full brief")
    return verify(reading, row, brief)


def verify(reading: Reading, row: StoredArticle, brief: Brief) -> Reading:
    """``reading`` with who says what checked against the article's cast
    (:func:`summarizer.cast.read_cast`): each position, each dispute side, the subject of
    each next step. About 8 ms an article: done for the articles whose items are shown."""
    from summarizer.cast import read_cast

    text = row.text or ""
    segments = _segments(text)
    try:
        cast = read_cast(text, segments, row.title)
    except Exception as exc:  # the article's reading must never cost the digest the article
        log.warning("reading who says what in %s failed (%s: %s); its positions are not "
                    "shown", row.uid, type(exc).__name__, exc)  # fmt: skip
        log.debug("the cast's failure", exc_info=True)
        cast = read_cast("", [], None)
    names = {a.id: a.name for a in brief.actors}
    verified = [
        p.actor in names
        and _speaks(cast, names[p.actor], _segment_ids(p.evidence, segments))
        for p in brief.positions
    ]  # fmt: skip
    sides = []
    for d in brief.disputes:
        ids = _segment_ids(d.evidence, segments)
        sides.append([
            bool(s.actors) and all(a in names for a in s.actors)
            and any(_speaks(cast, names[a], ids) for a in s.actors if a in names)
            for s in d.sides
        ])  # fmt: skip
    subjects: list[str | None] = []
    for step in brief.next_steps:
        ids = _segment_ids(step.evidence, segments)
        who = [
            cast.actors[k].name for s in ids[:1] for k in cast.refers(s)
            if k in cast.actors and cast.actors[k].kind in ("person", "organization", "government")
        ]  # fmt: skip
        subjects.append(who[0] if who else None)
    return replace(reading, verified=verified, sides=sides, step_subjects=subjects, checked=True)
