"""The digest's words for what an article's text is: metadata lines, datelines, figures,
quotations, content words, the day a phrase names.

Pure functions on strings, used by the reading of an article (:mod:`.reading`), by what
changed (:mod:`.changes`) and by the stories (:mod:`.stories`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from summarizer.output.names import fold

__all__ = [
    "HEADLINE_CHARS",
    "STOP",
    "byline_outlet",
    "clean_line",
    "content_words",
    "figures",
    "first_sentence",
    "is_metadata",
    "quotations",
    "resolve_day",
    "shorten",
    "wordset",
]


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


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP = wordset(
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
    words = [w for w in fold(text).split() if len(w) > 2 and w not in STOP and not w.isdigit()]
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


# --- headlines -------------------------------------------------------------------------------

HEADLINE_CHARS = 120
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
