"""The head of a plain-text article: title, metadata lines and dateline, read apart from
the text that is briefed.

Wire copy and saved articles open with lines that are not news: a ``date 2025-12-04``
prefix, ``Published: 2026-05-14``, ``By Helen Carrow, Northgate Evening Post``, and a
dateline (``MOSCOW:``, ``KOUROU, 9 September (Orbital News Service) —``). :func:`read_head`
takes them off the top of the text and says what they hold: the publication date (as
ISO 8601), the byline's outlet, the dateline. They never become a headline, a summary
sentence or an actor. Dates are parsed by python-dateutil; a date without a year (a
dateline's "9 September") gives no publication date.

:func:`headline_of_text` is the headline a text gives when it has no title: its lead
sentence, shortened at a clause boundary when long, never cut inside a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateutil import parser as dateparser

__all__ = [
    "Head",
    "dateline_match",
    "headline_of_text",
    "parse_date",
    "read_head",
    "shorten_headline",
]

MAX_TITLE_CHARS = 200
HEADLINE_CHARS = 110  # a lead sentence longer than this is shortened at a clause boundary

_DATE_PREFIX_RE = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})\b[\s,:;—–-]*", re.IGNORECASE)
_FIELD_RE = re.compile(
    r"^(?P<field>published|updated|posted|date|first published|last updated)"
    r"(?:\s+on)?\s*[:\-–—]?\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^by\s+(?P<rest>[A-Z][^\n]{1,160})$", re.IGNORECASE)
# "MOSCOW:", "HALDEN, 3 March:", "KOUROU, 9 September (Orbital News Service) —",
# "LONDON (Reuters) -", "BERGEN, Norway —", "TROMSØ:", "SÃO PAULO —": a place in capitals
# (any script's: checked with str.isupper), then a colon or a dash.
_DATELINE_RE = re.compile(
    r"^(?P<dateline>(?P<place>[^\W\d_][^\W\d_ .'’\-]*(?:[ .'’\-]+[^\W\d_]+){0,4})"
    r"\s*(?:\([^)\n]{1,60}\))?(?:,[^:—–\n]{1,60}?)?)\s*(?::|—|–|\s-)\s+"
)
_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_YEAR_RE = re.compile(r"\b(?:1[89]|2\d)\d\d\b")
_TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’»)]?\s+(?=[\"“‘«(]?[A-Z0-9])")
# Where a clause ends: a dash, a semicolon, or a clause word ("after", "while", "which",
# "moments before"), with or without a comma before it. A bare comma may only part a list
# of names ("Varda, Selin, Morel and Aalto ended ..."), so it counts only after a verb-like
# lowercase stretch.
_CLAUSE_RE = re.compile(
    r"\s+[—–]\s+|\s+--\s+|;\s+|,?\s+(?=(?:after|before|while|but|when|because|although|"
    r"though|amid|despite|since|until|following|moments|hours|days|which|who|where|saying|"
    r"according|leaving|without|as)\b)"
)
_COMMA_RE = re.compile(r",\s+")
_CLAUSE_WORD_END_RE = re.compile(
    r"\b(?:moments|hours|days|weeks|shortly|just|only|even|long|soon)$", re.IGNORECASE
)


@dataclass(frozen=True)
class Head:
    """What the top of a text holds, and the text without its metadata."""

    text: str  # the article without metadata lines and dateline (the title line kept)
    title: str | None
    published: str | None
    site: str | None  # the outlet a byline names
    dateline: str | None


def parse_date(value: str) -> str | None:
    """An ISO date (``2026-05-14``), or date and time when a time is written, from a
    metadata value; None when it holds no full date with a year."""
    value = value.strip().rstrip(".")
    if not _YEAR_RE.search(value) or len(value) > 60:
        return None
    try:
        if _ISO_RE.match(value):  # never day-first: 2026-06-03 is the third of June
            when = dateparser.isoparse(value)
        else:  # "14 May 2026", "May 14, 2026", "14/05/2026" (day first, as news writes it)
            when = dateparser.parse(value, dayfirst=not re.match(r"^[A-Za-z]+\s+\d", value))
    except (ValueError, OverflowError):
        return None
    if _TIME_RE.search(value) or "T" in value[8:12]:
        return when.isoformat()
    return when.date().isoformat()


def _is_date_line(line: str) -> str | None:
    """A line that is only a date ("14 May 2026", "Thursday, 14 May 2026 10:32 GMT")."""
    if len(line.split()) > 7 or not _YEAR_RE.search(line):
        return None
    try:
        dateparser.parse(line, fuzzy=False)
    except (ValueError, OverflowError):
        return None
    return parse_date(line)


def _byline(line: str) -> tuple[str | None, str | None] | None:
    """(outlet, date) of a byline ("By Helen Carrow, Northgate Evening Post[, 14 May 2026]"),
    or None when the line is not one."""
    m = _BYLINE_RE.match(line)
    if m is None or len(line.split()) > 14 or line.rstrip().endswith((".", "!", "?")):
        return None
    parts = [p.strip() for p in m.group("rest").split(",") if p.strip()]
    date = None
    if parts and (found := _is_date_line(parts[-1])):
        date = found
        parts = parts[:-1]
    elif len(parts) >= 2 and (found := _is_date_line(", ".join(parts[-2:]))):
        date = found
        parts = parts[:-2]
    if not parts or not parts[0][:1].isupper():
        return None
    outlet = ", ".join(parts[1:]) or None
    return outlet, date


def _looks_like_title(line: str, more: bool) -> bool:
    """A first line that is a headline: short enough, and not a sentence of the body (a line
    ending in a full stop with more text after it is the lead)."""
    if not line or len(line) > MAX_TITLE_CHARS:
        return False
    return not (more and line.rstrip('"”’»)').endswith((".", "!", "…")))


def read_head(text: str, *, markdown: bool = False) -> Head:
    """Split the metadata off the top of ``text`` (already stripped and with ``\\n`` line
    ends): the title line stays in the text, metadata lines and the dateline go."""
    lines = text.split("\n")
    published: str | None = None
    site: str | None = None
    title: str | None = None
    title_index: int | None = None
    dropped: set[int] = set()
    i = 0
    body_index: int | None = None
    while i < len(lines) and i < 12:
        raw = lines[i]
        line = raw.strip()
        if markdown:
            line = line.lstrip("#").strip()
        if not line:
            i += 1
            continue
        prefix = _DATE_PREFIX_RE.match(line)
        if prefix:
            published = published or prefix.group(1)
            rest = line[prefix.end() :]
            if rest:  # "date 2025-12-04 MOSCOW: lead...": the rest is the body
                lines[i] = rest
                body_index = i
                break
            dropped.add(i)
            i += 1
            continue
        field = _FIELD_RE.match(line)
        if field and (value := parse_date(field.group("value"))):
            if field.group("field").lower() in ("published", "first published", "date", "posted"):
                published = value
            else:
                published = published or value
            dropped.add(i)
            i += 1
            continue
        byline = _byline(line)
        if byline is not None:
            site = site or byline[0]
            published = published or byline[1]
            dropped.add(i)
            i += 1
            continue
        date = _is_date_line(line)
        if date is not None:
            published = published or date
            dropped.add(i)
            i += 1
            continue
        more = any(x.strip() for x in lines[i + 1 :])
        if title is None and title_index is None and _looks_like_title(line, more):
            title, title_index = line, i
            i += 1
            continue
        body_index = i
        break
    dateline = None
    if body_index is not None:
        lead = lines[body_index]
        m = dateline_match(lead.lstrip())
        if m and len(lead) > m.end() + 20:
            dateline = m.group("dateline").strip()
            lines[body_index] = lead.lstrip()[m.end() :]
            if published is None and _YEAR_RE.search(dateline):
                published = _date_in(dateline)
    kept = [line for j, line in enumerate(lines) if j not in dropped]
    body = "\n".join(kept).strip()
    # blank lines left where metadata was: at most one between paragraphs
    body = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body)
    return Head(text=body, title=title, published=published, site=site, dateline=dateline)


def dateline_match(text: str) -> re.Match[str] | None:
    """The dateline that opens ``text`` (its place in capitals, 2 to 40 characters)."""
    m = _DATELINE_RE.match(text)
    if m is None:
        return None
    place = m.group("place")
    return m if place.isupper() and 2 <= len(place) <= 40 else None


def _date_in(dateline: str) -> str | None:
    for part in [p.strip() for p in re.split(r"[,()]", dateline)]:
        if _YEAR_RE.search(part) and (found := parse_date(part)):
            return found
    return None


def shorten_headline(sentence: str, limit: int = HEADLINE_CHARS) -> str:
    """A lead sentence as a headline: whole when short, else cut at the last clause
    boundary before ``limit`` (never inside a word; a final full stop dropped)."""
    text = " ".join(sentence.split())
    if len(text) <= limit:
        return text.rstrip(".")
    # a clause begins at its first clause word: "hours before" is cut before "hours"
    clauses = [
        m.start()
        for m in _CLAUSE_RE.finditer(text)
        if m.start() >= 40 and not _CLAUSE_WORD_END_RE.search(text, 0, m.start())
    ]
    commas = [
        m.start()
        for m in _COMMA_RE.finditer(text)
        if 40 <= m.start() <= limit and len(re.findall(r"\b[a-z]{3,}\b", text[: m.start()])) >= 3
    ]
    short = [c for c in clauses + commas if c <= limit]
    longer = [c for c in clauses if limit < c <= MAX_TITLE_CHARS]
    if short:
        cut = text[: max(short)]
    elif longer:
        cut = text[: longer[0]]
    else:
        cut = text[: limit + 1]
        cut = (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:—–-") + "…"
    return _balanced(cut.rstrip(" ,;:—–-"))


def _balanced(text: str) -> str:
    """A cut that leaves a quotation open loses the open part ("... its “senseless" -> up
    to before the quotation) unless closing it is all that is missing."""
    opened = text.count("“") - text.count("”")
    if opened > 0 or text.count('"') % 2:
        at = max(text.rfind("“"), text.rfind('"'))
        head = text[:at].rstrip(" ,;:")
        if len(head) >= 40:
            return head
    return text


def headline_of_text(text: str) -> str:
    """The headline of a text without a title: its first sentence, shortened."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    sentence = _SENTENCE_END_RE.split(first, maxsplit=1)[0]
    return shorten_headline(sentence)
