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
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from summarizer.names import fold, name_key, name_tokens

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from summarizer.brief import Brief, Citation
    from summarizer.cast import ArticleView, Cast
    from summarizer.digest.store import StoredArticle
    from summarizer.digest.stories import BriefLite
    from summarizer.grounding.segments import Segment

__all__ = [
    "READING_VERSION",
    "Reading",
    "clean_line",
    "content_words",
    "figures",
    "is_metadata",
    "quotations",
    "read_article",
    "resolve_day",
    "verify",
]

READING_VERSION = 7
NAME_SEGMENTS = 30  # linking reads the names of an article's first 30 sentences
"""Bumped when what a reading holds changes: stored readings of another version are redone."""

# --- text that is not news: bylines, datelines, metadata lines ------------------------------

_META_LINE = re.compile(
    r"^\s*(?:published:|updated:|posted:|date\s+\d{4}-\d\d-\d\d\s*$)", re.IGNORECASE
)
_BYLINE = re.compile(
    r"^\s*By\s+(?P<who>[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|van|de|von|and|&))*)"
    r"(?:\s*,\s*(?P<outlet>[^,\n]{2,60}?))?(?:\s*,\s*(?P<when>[^,\n]{4,40}))?\s*$"
)
_DATE_PREFIX = re.compile(r"^\s*date\s+\d{4}-\d\d-\d\d\b[\s:]*", re.IGNORECASE)
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’\-]{1,40}(?:\([^)]{1,40}\))?"
    r"(?:,\s*\d{1,2}\s+[A-Z][a-z]+\.?(?:\s+\d{4})?|,\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?::|—|–|--|\s-\s)\s*"
)


def is_metadata(line: str) -> bool:
    """A byline ("By Tomas Greer, Eastbridge Public Radio, 5 March 2025"), a
    ``Published:`` line or a bare ``date YYYY-MM-DD`` line: never a summary or a headline."""
    text = line.strip()
    if not text:
        return True
    if _BYLINE.match(text) and len(text.split()) <= 16 and not text.endswith((".", "!", "?")):
        return True
    return bool(_META_LINE.match(text)) and len(text.split()) <= 16


def clean_line(text: str) -> str | None:
    """``text`` without a leading ``date YYYY-MM-DD`` or a dateline ("VELDHAVEN, 4 March
    2025 — ", "MARSHOLM: "); None when the whole line is a byline or metadata."""
    if is_metadata(text):
        return None
    out = _DATE_PREFIX.sub("", text, count=1)
    m = _DATELINE.match(out)
    if m and m.end() < len(out) and _is_dateline(m.group()):
        out = out[m.end() :]
    out = out.strip()
    if not out:
        return None
    return out[0].upper() + out[1:] if out[0].islower() and out != text.strip() else out


def _is_dateline(prefix: str) -> bool:
    """A place in capitals (two letters at least), perhaps with a date: not "A" or "I"."""
    place = re.match(r"\s*([A-Z][A-Z .'’\-]*)", prefix)
    return place is not None and sum(c.isalpha() for c in place.group(1)) >= 3


def byline_outlet(text: str) -> str | None:
    """The outlet a byline names ("By Nora Aas, Coastline Wire, 5 March 2025" -> "Coastline
    Wire"), from the article's first lines."""
    for line in text.split("\n")[:4]:
        m = _BYLINE.match(line.strip())
        if m and m.group("outlet") and not re.search(r"\d", m.group("outlet")):
            return m.group("outlet").strip()
    return None


# --- words and figures ----------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _wordset(
    """a an the and or but if of in on at to for from by with without about after before as
    into over under than that this these those there here it its he she they we you i his
    her their our your my me him them us who whom whose which what when where why how is are
    was were be been being has have had do does did will would can could may might must
    shall should not no nor so too very also just only even still yet more most much many
    some any all each every both either neither other another such same own up down out off
    again further then once while during until since because though although whether per
    via among between through against within upon onto one two three said says told say
    according mr mrs ms dr year years day days week weeks month months monday tuesday
    wednesday thursday friday saturday sunday today yesterday tomorrow morning evening
    night last next first new"""
)
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return snowballstemmer.stemmer("english")


def content_words(text: str) -> frozenset[str]:
    """The stems of ``text``'s content words (no function words, no short words)."""
    words = [w for w in fold(text).split() if len(w) > 2 and w not in _STOP and not w.isdigit()]
    return frozenset(_stemmer().stemWords(words))


_CALENDAR = "january february march april may june july august september october november december"
_MONTHS = _CALENDAR.split(" ")
_MONTH = "|".join(m[:3] + (m[3:] and f"(?:{m[3:]})?") for m in _MONTHS)
_FIGURE = re.compile(
    rf"(?P<date>\b\d{{1,2}}\s+(?:{_MONTH})\b\.?)"
    r"|(?P<num>(?:[€$£]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?[-–]\s?\d[\d,]*(?:\.\d+)?)?)"
    r"(?P<unit>\s?(?:%|percent\b|per\s?cent\b|million\b|billion\b|bn\b|m\b|p\.m\.|a\.m\.|"
    r"tonnes?\b|km\b|kilomet(?:re|er)s?\b|hours?\b|votes?\b))?",
    re.IGNORECASE,
)


_HAS_FIGURE = re.compile(r"\d")


def figures(text: str) -> frozenset[str]:
    """The figures a text states, in one form each: ``412-88``, ``5.5%``, ``230m``,
    ``1.2m tonnes``, ``2pm``, ``20 mar`` (a day of a month); years and bare small numbers
    (1-31 without a unit) are left out: they say little on their own."""
    out = set()
    # only the lines with a digit or a month name: most of an article has no figure
    lines = [ln for ln in text.split("\n") if _HAS_FIGURE.search(ln)]
    text = _VOTES.sub(r"\1-\2", _ISO_DATE.sub(" ", "\n".join(lines)))
    for m in _FIGURE.finditer(text):
        if m.group("date"):
            day, month = m.group("date").split()[:2]
            out.add(f"{int(day)} {month[:3].lower()}")
            continue
        raw = m.group("num").lstrip("€$£ ").replace(",", "").replace("–", "-").replace(" ", "")
        unit = (m.group("unit") or "").strip().lower().replace(" ", "")
        unit = {"percent": "%", "percent.": "%", "percentage": "%", "million": "m",
                "billion": "bn", "p.m.": "pm", "a.m.": "am", "tonne": "tonnes",
                "hour": "hours", "vote": "votes"}.get(unit, unit)  # fmt: skip
        if unit.startswith("kilomet"):
            unit = "km"
        if not unit and "-" not in raw:
            try:
                value = float(raw)
            except ValueError:
                continue
            if value <= 31 or (1900 <= value <= 2100 and "." not in raw):
                continue
        out.add(raw + unit)
    return frozenset(out)


_ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")
_VOTES = re.compile(r"\b(\d[\d,]*)\s+(?:votes?\s+)?to\s+(\d[\d,]*)\b")
_QUOTE = re.compile(r"[\"“]([^\"“”]{20,400})[\"”]")


def quotations(text: str) -> frozenset[str]:
    """The direct quotations of a text (six words or more), folded: a re-write of an
    article keeps them word for word when it re-words everything else."""
    out = set()
    for m in _QUOTE.finditer(text):
        words = fold(m.group(1)).split()
        if len(words) >= 6:
            out.add(" ".join(words[:12]))
    return frozenset(out)


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def resolve_day(phrase: str, anchor: date) -> date | None:
    """The calendar day a phrase of an article names, read from the day it was written:
    an ISO date, "20 March", "March 20", "tomorrow", or a weekday (the next one on or
    after ``anchor``: news names past days as "on Monday" too, so a weekday is read as the
    nearest such day, before or after, within three days). None when it names none."""
    low = phrase.lower()
    iso = re.search(r"\b(\d{4})-(\d\d)-(\d\d)\b", low)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    dm = re.search(rf"\b(\d{{1,2}})\s+({_MONTH})\b", low) or re.search(
        rf"\b({_MONTH})\s+(\d{{1,2}})\b", low
    )
    if dm:
        a, b = dm.group(1), dm.group(2)
        day, month = (a, b) if a.isdigit() else (b, a)
        number = [m[:3] for m in _MONTHS].index(month[:3]) + 1
        year = int(m.group(1)) if (m := re.search(r"\b(20\d\d)\b", low)) else anchor.year
        try:
            found = date(year, number, int(day))
        except ValueError:
            return None
        if not re.search(r"\b20\d\d\b", low) and (anchor - found).days > 180:
            found = found.replace(year=found.year + 1)
        return found
    if "tomorrow" in low:
        return date.fromordinal(anchor.toordinal() + 1)
    if re.search(r"\bnext week\b", low):
        return date.fromordinal(anchor.toordinal() + 7 - anchor.weekday())
    month = re.search(rf"\b(?:in|by|from|until|end of|before)?\s*({_MONTH})\b(?:\s+(20\d\d))?", low)
    if (
        month
        and not re.search(r"\bmay\b", month.group(0))
        or (month and re.search(r"\b(?:in|by|from|until|of)\s+may\b", low))
    ):
        number = [m[:3] for m in _MONTHS].index(month.group(1)[:3]) + 1
        year = int(month.group(2)) if month.group(2) else anchor.year
        if not month.group(2) and number < anchor.month - 6:
            year += 1
        last = date(year + number // 12, number % 12 + 1, 1).toordinal() - 1
        return date.fromordinal(last)  # "by the end of June": the month's last day
    year_only = re.search(r"\b(?:in|by|since|during)\s+(19\d\d|20\d\d)\b", low)
    if year_only:
        return date(int(year_only.group(1)), 12, 31)
    if re.search(r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b", low):
        return anchor
    for i, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", low):
            ahead = (i - anchor.weekday()) % 7
            if re.search(rf"\b(?:last|on|by|late on|early on|since)\s+{name}\b", low) and ahead > 3:
                return date.fromordinal(anchor.toordinal() + ahead - 7)
            return date.fromordinal(anchor.toordinal() + ahead)
    return None


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


_NOT_SUBJECTS = _wordset(
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
                and word not in _STOP
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
    from summarizer.brief import Brief

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
