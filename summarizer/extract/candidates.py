"""Candidates for a brief, proposed by the program from the article's own words.

A tiny model cannot write faithful prose, but it can choose among numbered options. This
module proposes the options: pure, deterministic, no I/O. Every candidate points at the
segments (sentences) it came from, and every string in it is the article's own words.

- **actors**: people, organizations, governments, countries and groups that the article
  shows acting (the subjects of *said, told, warned, urged, rejected, voted...*, names after
  titles such as *spokesman Dmitry Peskov*, appositives such as *Peskov, the Kremlin
  spokesman,*), with a kind guessed from cues and a role in the article's words;
- **positions**: segments of reported speech whose speaker resolves to an actor (a name, a
  surname, *he/she* after a named person, *the union* for the *Halden Dockworkers Union*);
- **next steps**: segments with a future cue (*will, is due to, plans to, next week,
  on Thursday*), with the time expression and a certainty read from the wording;
- **summary**: the lead and the segments most central to the article, ranked.

The heuristics are generic English news conventions, not tuned to any one article.
:func:`baseline_draft` is the obvious no-model baseline, kept for comparison.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "ActorCandidate",
    "Candidates",
    "NextStepCandidate",
    "PositionCandidate",
    "SegmentLike",
    "baseline_draft",
    "propose",
]

Kind = Literal["person", "organization", "government", "country", "group", "other"]
Certainty = Literal["scheduled", "proposed", "possible"]


def _words(text: str) -> list[str]:
    return text.split()


class SegmentLike(Protocol):
    """What this module needs of a segment (``summarizer.grounding.segments.Segment``)."""

    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class ActorCandidate:
    """Someone the article shows acting; ``role`` is the article's words or empty."""

    id: str
    name: str
    kind: Kind
    role: str
    evidence: tuple[int, ...]  # segments that state the name (and the role, when there is one)
    acts: tuple[int, ...]  # segments where the actor speaks or acts
    score: float


@dataclass(frozen=True)
class PositionCandidate:
    """A segment of reported speech, attributed to an actor."""

    segment: int
    actor: str  # an ActorCandidate id
    topic: str  # a salient word of the segment
    topics: tuple[str, ...]  # other salient words, best first
    attribution: int  # the segment that names the actor (== segment unless resolved)
    score: float


@dataclass(frozen=True)
class NextStepCandidate:
    """A segment about what happens next."""

    segment: int
    actors: tuple[str, ...]
    when: str | None
    certainty: Certainty
    score: float


@dataclass(frozen=True)
class Candidates:
    """Everything :func:`propose` found, each list ranked best first."""

    headline: str
    title: str | None
    body: tuple[int, ...]  # segment ids of the article body (the title line left out)
    summary: tuple[int, ...]
    actors: tuple[ActorCandidate, ...]
    positions: tuple[PositionCandidate, ...]
    next_steps: tuple[NextStepCandidate, ...]
    texts: dict[int, str] = field(default_factory=dict)  # segment id -> text

    def actor(self, actor_id: str) -> ActorCandidate | None:
        return next((a for a in self.actors if a.id == actor_id), None)


# --- word lists (generic English news conventions) ---

_SPEECH = frozenset(
    _words(
        """said says say told tells warned warns wrote writes urged urges announced announces
    accused accuses denied denies added adds argued argues insisted insists claimed
    stated noted called rejected rejects demanded confirmed confirms promised
    promises pledged pledges vowed vows threatened threatens asked responded replied
    explained acknowledged admitted suggested suggests proposed maintained maintains
    countered criticised criticized criticises criticizes welcomed welcomes
    condemned condemns dismissed blamed blames praised defended defends disputed
    disputes questioned testified estimated predicted stressed stresses emphasised
    emphasized declared complained alleged alleges concluded believes believed
    opposed opposes supported backed cautioned conceded contended objected
    recommended ruled rules"""
    )
)
# Words that are also common nouns: a subject must then be a name or a pronoun.
_NOUNLIKE = frozenset(["says", "claims", "calls", "demands", "notes", "backs", "rules", "disputes"])
_ACTION = frozenset(
    _words(
        """voted votes agreed agrees refused refuses declined declines filed files sued sues
    signed signs approved approves launched launches ordered orders appointed
    offered offers decided decides appealed charged fined raised bought acquired
    sold hired closed resigned struck met walked arrested seized plans planned
    intends intended wants sought seeks reported reports published released
    announced began begins started starts halted suspended withdrew postponed
    cancelled canceled"""
    )
)
_AUX = frozenset(
    _words(
        """also later has have had will would is was were are did does do not never previously
    again then reportedly publicly recently separately earlier repeatedly once
    already still further privately jointly formally"""
    )
)
_PRONOUNS = {"he": "person", "she": "person", "they": "plural"}
_STOP = frozenset(
    _words(
        """a an the and or but if of in on at to for from by with without about after before as
    into over under than that this these those there here it its it's he she they we
    you i his her their our your my me him them us who whom whose which what when
    where why how is are was were be been being has have had do does did will would
    can could may might must shall should not no nor so too very also just only even
    still yet more most much many some any all each every both either neither other
    another such same own up down out off again further then once while during until
    since because though although whether per via among between through against
    within upon onto one two three new said says told according mr mrs ms dr cannot
    going being having"""
    )
)
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = _words(
    """January February March April May June July August September October November
    December"""
)
_NOT_NAMES = frozenset(
    [
        *_WEEKDAYS,
        *_MONTHS,
        *_words(
            """The A An This That These Those It He She They We I You His Her Their Our Its But And
    Or If In On At For From By With Without After Before As When While Where There
    Here What Who Why How Yes No Not Mr Mrs Ms Dr Sir Madam Today Tomorrow Yesterday
    Meanwhile However Earlier Later Last Next Some Many Most All Both Each One Two
    Three Four Five Several Since Until Under Over About According Also Instead
    Still Yet Despite Although Though Because"""
        ),
    ]
)
_TITLES = frozenset(
    _words(
        """nurse teacher doctor driver worker student pensioner farmer engineer resident
    barrister owner shopkeeper mother father campaigner activist
    president vice prime minister ministers chancellor premier secretary spokesman
    spokeswoman spokesperson leader leaders chief executive ceo cfo coo chairman
    chairwoman chair chairperson director head governor mayor senator congressman
    congresswoman representative councillor councilor councilman councilwoman
    commissioner judge justice magistrate prosecutor attorney lawyer counsel
    solicitor barrister ambassador envoy negotiator official officer general colonel
    admiral commander captain sergeant lieutenant inspector detective sheriff
    superintendent professor economist analyst founder owner partner manager
    president's king queen prince princess pope bishop archbishop imam rabbi speaker
    deputy treasurer auditor regulator organiser organizer coordinator adviser
    advisor researcher scientist editor correspondent member trustee principal dean"""
    )
)
_CAP_TITLES = frozenset(
    _words(
        """President Vice Prime Minister Chancellor Premier Secretary Judge Justice Mayor
    Governor Senator Sen. Rep. Representative Gov. Dr. Dr Mr. Mr Mrs. Mrs Ms. Ms Sir
    Dame General Gen. Colonel Col. Chief Commissioner Councillor Councilor
    Councilwoman Councilman Deputy Attorney Speaker Pope King Queen Prince Princess
    Sheikh Ambassador Inspector Detective Officer Professor Prof. Captain Capt.
    Bishop Archbishop Father Rabbi Imam Chairman Chairwoman Chair Spokesman
    Spokeswoman Director Executive Superintendent Sheriff Commander Lieutenant
    Sergeant Marshal Admiral Foreign Defence Defense Finance Interior Health
    Transport Education Labour Labor Economy Trade Energy Environment Agriculture
    Home State of"""
    )
)
_GOV_CUES = frozenset(
    _words(
        """Ministry Department Government Parliament Congress Senate Assembly Council
    Commission Court Tribunal Police Kremlin Cabinet Treasury Administration
    Presidency Pentagon Legislature Municipality Bundestag Duma Knesset Judiciary
    Prosecutor's Prosecutors Army Navy Military"""
    )
)
_ORG_CUES = frozenset(
    _words(
        """Union Authority Company Co Co. Corp Corp. Corporation Inc Inc. Ltd Ltd. Plc PLC LLC
    Group Bank Party Agency Association Chamber Board Committee Federation Institute
    University College School Hospital Foundation Trust Fund Organisation
    Organization Alliance League Club Society Council Network Industries Holdings
    Partners Airlines Motors Systems Technologies Labs Press Times News Post Journal
    Reuters Bloomberg Office Center Centre Coalition Movement Front Federation
    Confederation Congress Forum Service Services Commission Exchange Port Airport
    Railway Railways Energy Oil Gas Pharma Pharmaceuticals Media Studios Capital
    Ventures Insurance Bureau Secretariat Church Mission Cooperative Co-operative
    Library Museum Theatre Friends Guild Syndicate Consortium Initiative Project"""
    )
)
_ORG_HEADS = frozenset(
    _words(
        """union authority company firm corporation group bank party agency association chamber
    board committee federation institute university college school hospital
    foundation trust fund organisation organization alliance league club society
    council network ministry department government parliament congress senate
    assembly commission court tribunal police cabinet administration army military
    regulator council prosecutors prosecution defence defense airline operator
    employer employers insurer lender retailer manufacturer developer carrier
    utility watchdog charity campaign coalition consortium"""
    )
)
_GOV_HEADS = frozenset(
    _words(
        """ministry department government parliament congress senate assembly commission court
    tribunal police cabinet administration army military prosecutors prosecution
    kremlin council municipality regulator"""
    )
)
_GROUP_HEADS = frozenset(
    _words(
        """people police residents workers employees staff members protesters demonstrators
    voters citizens parents students teachers nurses doctors farmers drivers pilots
    dockworkers miners officials analysts investors shareholders economists critics
    opponents supporters activists campaigners lawmakers legislators senators
    ministers negotiators delegates prosecutors lawyers judges scientists
    researchers experts businesses traders unions leaders locals villagers families
    victims survivors customers passengers tenants landlords owners retailers
    authorities rebels troops soldiers fighters officers diplomats mediators
    creditors bondholders strikers"""
    )
)
_COUNTRIES = frozenset(
    _words(
        """Afghanistan Albania Algeria Angola Argentina Armenia Australia Austria Azerbaijan
    Bahrain Bangladesh Belarus Belgium Bolivia Bosnia Botswana Brazil Bulgaria
    Cambodia Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czechia
    Denmark Ecuador Egypt Estonia Ethiopia Finland France Georgia Germany Ghana
    Greece Guatemala Haiti Honduras Hungary Iceland India Indonesia Iran Iraq
    Ireland Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kosovo Kuwait Latvia
    Lebanon Libya Lithuania Luxembourg Madagascar Malaysia Mali Malta Mexico Moldova
    Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nepal Netherlands
    Nicaragua Niger Nigeria Norway Oman Pakistan Palestine Panama Paraguay Peru
    Philippines Poland Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore
    Slovakia Slovenia Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tajikistan
    Tanzania Thailand Tunisia Turkey Türkiye Uganda Ukraine Uruguay Uzbekistan
    Venezuela Vietnam Yemen Zambia Zimbabwe Britain Scotland Wales England"""
    )
) | frozenset(
    [
        "United States",
        "United Kingdom",
        "South Africa",
        "South Korea",
        "North Korea",
        "Saudi Arabia",
        "New Zealand",
        "Sri Lanka",
        "Ivory Coast",
        "United Arab Emirates",
        "Czech Republic",
        "U.S.",
        "UK",
        "US",
        "EU",
    ]
)
_PREPOSITIONS = frozenset(
    _words("""at of in from for with by to on near outside inside across behind under over""")
)
_CONNECTORS = frozenset(_words("""of for on and de del der van von bin al da du la le"""))

# --- regular expressions ---

_CAP_WORD = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’\-]*\.?|[A-Z])"
_NAME_RE = re.compile(
    rf"(?<![\w'’-]){_CAP_WORD}(?:\s+(?:(?:of|for|on|de|del|der|van|von|bin|al|da|du|la|le)"
    rf"(?:\s+the)?\s+|&\s+)?{_CAP_WORD})*"
)
_WORD_RE = re.compile(r"[^\W_][\w'’\-]*")
_QUOTES = '"“”«»'
_BOUNDARY_RE = re.compile(
    r"[\"“”«»,;:()\[\]—–]|\s-\s|\b(?:and|but|that|while|as|after|when|because|which|who|"
    r"where|although|though|whereas|if|so)\b",
)
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .'\-]{2,40}(?:\([^)]*\))?(?:,[^:—–]{0,40})?\s*[:—–]\s+")
_TIME_RE = re.compile(
    r"\b(?:(?:on|by|before|after|until|from|next|this|last|early|late)\s+)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:\s+(?:morning|afternoon|evening|night))?"
    r"(?:,?\s+\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December))?)\b"
    r"|\b(?:(?:on|by|before|after|until|from|in|early|late|mid|next)\s+)?"
    r"(?:\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)|(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?)\b"
    r"|\b(?:next|this|later this|early next|late next|the coming|the following)\s+"
    r"(?:week|weekend|month|year|quarter|spring|summer|autumn|fall|winter|session|term)\b"
    r"|\b(?:tomorrow|tonight|in the coming (?:days|weeks|months|years)|"
    r"(?:within|in|after) (?:the next )?(?:\d+|a|an|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|twelve|several|few) (?:days?|weeks?|months?|years?)|"
    r"by the end of (?:the|this|next) (?:week|month|year)|"
    r"(?:in|by|before) (?:early |late |mid-)?(?:19|20)\d\d)\b",
)
_SCHEDULED_RE = re.compile(
    r"\b(?:(?:is|are|was|were)\s+(?:due|scheduled|set|expected|slated|to be held)\s+to"
    r"|(?:is|are|was|were)\s+scheduled|scheduled\s+(?:for|on)|will\s+(?:hold|meet|resume|"
    r"begin|start|open|close|take place|vote|hear|rule|sit|convene|announce|publish|"
    r"decide|return|go|travel|visit|sign|issue|present|deliver|launch|end|expire)"
    r"|(?:is|are)\s+to\s+(?:meet|hold|vote|resume|begin|start|take|hear|rule|visit|sign))\b",
    re.I,
)
_PROPOSED_RE = re.compile(
    r"\b(?:plans?|planned|planning|intends?|intended|proposes?|proposed|proposal|wants?|"
    r"wanted|aims?|seeks?|sought|hopes?|hoped|offered|offers|called (?:on|for)|urged|"
    r"asked|demanded|promised|pledged|vowed|agreed to|would|will|is to|are to|intend)\b",
    re.I,
)
_POSSIBLE_RE = re.compile(
    r"\b(?:could|may|might|possibly|possible|ready to|willing to|(?:is|are|was|were) considering|"
    r"threatened to|threatens to|if|unless|likely|unlikely|expected to|expects to|"
    r"open to|weighing)\b",
    re.I,
)
_FUTURE_RE = re.compile(
    r"\b(?:will|would|shall|is due|are due|due to|scheduled|plans? to|planned to|"
    r"intends? to|is to|are to|set to|expected to|expects to|going to|next|tomorrow|"
    r"upcoming|coming|later this|ready to|willing to|could|may|might|threatened to|"
    r"called on|urged|proposed|proposes|offered to)\b",
    re.I,
)


# --- small helpers ---


def _stem(word: str) -> str:
    """A light, data-free normalization for counting words (not for display)."""
    w = word.lower().strip("'’-.")
    for suffix, keep in (("'s", 0), ("’s", 0), ("ies", 1), ("sses", 2), ("s", 0)):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            return w[: len(w) - len(suffix)] + ("y" if suffix == "ies" else "ss" * keep)[:keep]
    return w


def _content_words(text: str) -> list[str]:
    return [
        _stem(w)
        for w in _WORD_RE.findall(text)
        if w.lower() not in _STOP and len(w) > 2 and not w[0].isdigit()
    ]


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:40].rstrip("-") or "actor"


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(" .").lower()


def _strip_dateline(text: str) -> int:
    """Length of a leading dateline ("HALDEN, 3 March: "), or 0."""
    m = _DATELINE_RE.match(text)
    return m.end() if m else 0


@dataclass
class _Name:
    start: int  # offset in the segment
    end: int
    text: str
    title: str  # leading capitalized title words split off ("Prime Minister")
    title_start: int = -1  # where the title began (== start when there is none)


@dataclass
class _Actor:
    name: str
    kind: Kind
    role: str = ""
    role_segment: int | None = None
    acts: list[int] = field(default_factory=list)
    speaks: list[int] = field(default_factory=list)
    mentions: int = 0
    first: int = 10**9
    aliases: set[str] = field(default_factory=set)


def _has_cue(words: Sequence[str], cues: frozenset[str]) -> bool:
    return any(w in cues or w.rstrip(".") in cues for w in words)


def _kind_of(name: str, *, title: str = "") -> Kind:
    words = name.split()
    if name in _COUNTRIES:
        return "country"
    if _has_cue(words, _GOV_CUES):
        return "government"
    if _has_cue(words, _ORG_CUES):
        return "organization"
    if title:
        return "person"
    if len(words) == 1:
        # news introduces people by full name and shortens them to a surname, which
        # resolves to the person; a single name acting on its own is most often a body
        return "organization"
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "person"
    return "other"


class _Article:
    """The article prepared once: segments, capitalized-word statistics, names per segment."""

    def __init__(self, text: str, segments: Sequence[SegmentLike], title: str | None) -> None:
        self.text = text
        self.title = title
        self.segments = list(segments)
        self.texts = {s.id: s.text for s in self.segments}
        title_norm = _norm(title) if title else None
        self.body: list[SegmentLike] = []
        for i, seg in enumerate(self.segments):
            is_title_line = title_norm is not None and _norm(seg.text) == title_norm
            # A first line without final punctuation is a headline, not body.
            looks_headline = (
                i == 0
                and not seg.text.rstrip().endswith((".", "!", "?", '"', "”"))
                and len(seg.text.split()) <= 20
                and len(self.segments) > 2
            )
            if is_title_line or looks_headline:
                continue
            self.body.append(seg)
        # Capitalized words seen somewhere other than a sentence start: real names.
        self.midcaps: set[str] = set()
        self.lower_words: set[str] = set()
        for seg in self.segments:
            skip = _strip_dateline(seg.text)
            for m in _WORD_RE.finditer(seg.text):
                w = m.group()
                if w[0].isupper():
                    before = seg.text[skip : m.start()].rstrip()
                    if before and before[-1] not in _QUOTES + ":":
                        self.midcaps.add(w)
                else:
                    self.lower_words.add(w.lower())
        self.names = {seg.id: self._names(seg.text) for seg in self.segments}

    def _names(self, text: str) -> list[_Name]:
        names: list[_Name] = []
        dateline = _strip_dateline(text)
        for m in _NAME_RE.finditer(text):
            if m.start() < dateline:
                continue
            start, span = m.start(), m.group()
            words = span.split()
            before = text[dateline:start].rstrip()
            initial = not before or before[-1] in _QUOTES + ":(" or before.endswith(("—", "–"))
            # Leading function words and sentence-initial common words are not names.
            while words and (
                words[0] in _NOT_NAMES
                or words[0].lower() in _CONNECTORS
                or (
                    initial
                    and words[0] not in self.midcaps
                    and words[0] not in _COUNTRIES
                    and (len(words) == 1 or words[0].lower() in self.lower_words)
                )
            ):
                cut = span.index(words[0]) + len(words[0])
                start += cut + (len(span[cut:]) - len(span[cut:].lstrip()))
                span = span[cut:].lstrip()
                words = span.split()
                initial = False
            while words and (words[-1] in _NOT_NAMES or words[-1].lower() in _CONNECTORS):
                span = span[: span.rindex(words[-1])].rstrip()
                words = span.split()
            if span.endswith(".") and len(words[-1]) > 2 and words[-1][:-1] not in _ABBREVS:
                span = span[:-1]
                words = span.split()
            if span.endswith(("'s", "’s")):
                span = span[:-2]
                words = span.split()
            if not words:
                continue
            # "Okafor and Brandt" is two names; "Bank of England" is one.
            for part_start, part in self._split_connected(start, span):
                names.extend(self._split_title(part_start, part))
        return names

    @staticmethod
    def _split_connected(start: int, span: str) -> list[tuple[int, str]]:
        pieces = re.split(r"(\s+(?:and|&|of|for|on|the)\s+(?:the\s+)?)", span)
        if len(pieces) == 1:
            return [(start, span)]
        words = span.split()
        if _has_cue(words, _ORG_CUES | _GOV_CUES) or " of State" in span:
            return [(start, span)]
        out: list[tuple[int, str]] = []
        offset = start
        for piece in pieces:
            if piece and not piece.isspace() and not re.fullmatch(r"\s+\S+\s+(?:the\s+)?", piece):
                out.append((offset, piece))
            offset += len(piece)
        return out

    @staticmethod
    def _split_title(start: int, span: str) -> list[_Name]:
        words = span.split()
        if _has_cue(words, _ORG_CUES | _GOV_CUES) and not any(
            w in ("President", "Minister", "Secretary", "Chancellor") for w in words[-3:]
        ):
            return [_Name(start, start + len(span), span, "")]
        k = 0
        while k < len(words) - 1 and words[k] in _CAP_TITLES:
            k += 1
        if k == 0:
            return [_Name(start, start + len(span), span, "")]
        rest = " ".join(words[k:])
        offset = span.index(words[k], len(" ".join(words[:k])))
        title = span[:offset].strip()
        return [_Name(start + offset, start + len(span), rest, title, start)]


def _subject_np(text: str, verb_start: int) -> tuple[str, int]:
    """The stretch of text right before a verb that can be its subject, and its offset."""
    left = text[:verb_start]
    cut = 0
    for m in _BOUNDARY_RE.finditer(left):
        cut = m.end()
    np = left[cut:]
    words = np.split()
    while words and words[-1].lower() in _AUX:
        words.pop()
    if not words:
        return "", cut
    lead = len(np) - len(np.lstrip())
    stripped = np.strip()
    end = stripped.rfind(words[-1]) + len(words[-1])
    return stripped[:end], cut + lead


_APPOSITIVE_RE = re.compile(
    r"(?P<name>" + _CAP_WORD + r"(?:\s+" + _CAP_WORD + r")*)\s*,\s+(?:(?:aged\s+)?\d{1,3}\s*,\s+)?"
    r"(?P<role>(?:the|a|an|its|his|her|their|who|which)\s+[^,;:\"“”()]{2,90}?)\s*(?:,|$)"
)


def _clean_role(role: str) -> str:
    role = role.strip(" ,;:")
    role = re.sub(r"^(?:who|which)\s+(?:is|was|are|were)\s+", "", role)
    return role


_ABBREVS = frozenset(["Ltd", "Inc", "Co", "Corp", "Jr", "Sr", "Bros", "St", "Mt"])
_HONORIFICS = frozenset(["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame"])


def _bare(word: str) -> str:
    """'Leader's,' -> 'leader'."""
    w = word.lower().strip(".,;:'’")
    return w.removesuffix("'s").removesuffix("’s")


def _weak_role(role: str) -> bool:
    return not role or all(w.lower() in _HONORIFICS for w in role.split())


def _is_titled(role: str) -> bool:
    return any(_bare(w) in _TITLES for w in role.split())


class _Extractor:
    def __init__(self, art: _Article) -> None:
        self.art = art
        self.actors: dict[str, _Actor] = {}  # key: normalized full name
        self.last_person: str | None = None
        self.last_plural: str | None = None
        self.speech: dict[int, list[tuple[str, int, str]]] = {}  # seg -> (actor key, attr, verb)

    # registry
    def register(self, name: str, kind: Kind, seg: int) -> str:
        key = name.lower()
        actor = self.actors.get(key)
        if actor is None:
            actor = self.actors[key] = _Actor(name=name, kind=kind, first=seg)
        elif actor.kind == "other" and kind != "other":
            actor.kind = kind
        return key

    def resolve_name(self, name: str) -> str | None:
        """An existing actor for a name, a surname, or a longer form of a known name."""
        key = name.lower()
        if key in self.actors:
            return key
        for k, actor in self.actors.items():
            if key in actor.aliases:
                return k
        words = key.split()
        for k, actor in self.actors.items():
            parts = k.split()
            if actor.kind == "person" and len(words) == 1 and parts and parts[-1] == words[0]:
                return k
            if (
                actor.kind in ("organization", "government")
                and len(words) == 1
                and len(parts) > 1
                and parts[0] == words[0]
            ):
                return k
            if len(parts) == 1 and words and words[-1] == parts[0] and len(words) > 1:
                # a longer form seen after a short one: keep the longer as the name
                actor.aliases.add(k)
                actor.name = name
                self.actors[key] = self.actors.pop(k)
                return key
        return None

    def resolve_description(self, np: str) -> str | None:
        """'the union' -> the Halden Dockworkers Union; 'he' -> the last person."""
        words = np.lower().split()
        if not words:
            return None
        if len(words) == 1 and words[0] in _PRONOUNS:
            return self.last_person if words[0] != "they" else self.last_plural
        if words[0] not in ("the", "its", "their"):
            return None
        head = _bare(words[-1])
        best: tuple[int, str] | None = None
        for key, actor in self.actors.items():
            if actor.kind in ("organization", "government") and head in key.split():
                rank = actor.first
                if best is None or rank > best[0]:
                    best = (rank, key)
        return best[1] if best else None

    # passes
    def run(self) -> None:
        for seg in self.art.segments:
            self.titles_and_appositives(seg)
        for seg in self.art.body:
            self.subjects(seg)
        # "Norvex Semiconductor ... Norvex said": a name shortened to its first word is an
        # organization; people are shortened to their last name.
        alone = {n.text for names in self.art.names.values() for n in names if " " not in n.text}
        for actor in self.actors.values():
            words = actor.name.split()
            if (
                actor.kind in ("person", "other")
                and not actor.role
                and len(words) > 1
                and words[0] in alone
                and words[-1] not in alone
            ):
                actor.kind = "organization"
        for key in list(self.actors):
            actor = self.actors[key]
            if " " in key or actor.role:
                continue
            longer = [
                k
                for k, a in self.actors.items()
                if k.startswith(key + " ") and a.kind in ("organization", "government")
            ]
            if len(longer) == 1:
                target = self.actors[longer[0]]
                target.acts = sorted({*target.acts, *actor.acts})
                target.speaks = sorted({*target.speaks, *actor.speaks})
                target.mentions += actor.mentions
                target.aliases |= {key, *actor.aliases}
                del self.actors[key]
                for found in self.speech.values():
                    found[:] = [(longer[0] if k == key else k, a, v) for k, a, v in found]

    def titles_and_appositives(self, seg: SegmentLike) -> None:
        text = seg.text
        for name in self.art.names[seg.id]:
            words = name.text.split()
            before = text[: name.title_start if name.title_start >= 0 else name.start]
            lower_title = ""
            m = re.search(r"((?:[A-Za-z][\w'’\-]*\s+){1,4})$", before)
            if m:
                pre = m.group(1).split()
                # keep the trailing title words ("union leader", "chief executive")
                keep: list[str] = []
                for w in reversed(pre):
                    bare = _bare(w)
                    if (bare in _TITLES or (keep and w[0].isupper() and w not in _NOT_NAMES)) or (
                        keep and w.islower() and bare not in _STOP and len(keep) < 4
                    ):
                        keep.insert(0, w)
                    else:
                        break
                if keep and _is_titled(" ".join(keep)):
                    lower_title = " ".join(keep)
            if not lower_title:
                lower_title = self.pre_appositive(before)
            title = " ".join(t for t in (lower_title, name.title) if t)
            if title not in text:  # "Its leader, Councillor Diane Ruiz": keep it verbatim
                title = lower_title
            kind = _kind_of(name.text, title=title)
            if title and kind == "person" or (name.title and len(words) >= 1):
                key = self.resolve_name(name.text) or self.register(name.text, "person", seg.id)
                actor = self.actors[key]
                actor.kind = "person"
                if _weak_role(actor.role) and not _weak_role(title):
                    actor.role, actor.role_segment = title, seg.id
        for m in _APPOSITIVE_RE.finditer(text):
            role = _clean_role(m.group("role"))
            written = m.group("name")
            if not _is_titled(role) or len(role.split()) > 14:
                continue
            known = [n for n in self.art.names[seg.id] if n.text and written.endswith(n.text)]
            if not known:
                continue
            full = known[-1].text
            kind = _kind_of(full, title=role)
            key = self.resolve_name(full) or self.register(full, kind, seg.id)
            actor = self.actors[key]
            if _weak_role(actor.role) or actor.role_segment is None:
                actor.role, actor.role_segment = role, seg.id

    @staticmethod
    def pre_appositive(before: str) -> str:
        """'Altura's chief executive, ' before a name: the role, else ''."""
        stripped = before.rstrip()
        if not stripped.endswith(","):
            return ""
        words = stripped[:-1].split()
        keep: list[str] = []
        for w in reversed(words):
            bare = _bare(w)
            if w.lower() in ("the", "its", "his", "her", "their"):
                keep.insert(0, w)
                break
            if bare in _STOP or len(keep) >= 6 or any(c in w for c in _QUOTES + ",;:"):
                break
            keep.insert(0, w)
        role = " ".join(keep)
        return role if keep and _is_titled(role) and keep[-1].lower() in _TITLES else ""

    def subjects(self, seg: SegmentLike) -> None:
        text = seg.text
        found: list[tuple[str, int, str]] = []
        seen_names = self.art.names[seg.id]
        for m in _WORD_RE.finditer(text):
            verb = m.group().lower()
            if verb not in _SPEECH and verb not in _ACTION:
                continue
            if sum(text.count(q, 0, m.start()) for q in '"“”') % 2:
                continue  # inside a quotation: the quoted words, not an attribution
            key, attribution = self.subject_of(seg, m.start(), m.end(), verb)
            if key is None:
                continue
            actor = self.actors[key]
            if seg.id not in actor.acts:
                actor.acts.append(seg.id)
            if verb in _SPEECH and seg.id not in actor.speaks:
                actor.speaks.append(seg.id)
                found.append((key, attribution, verb))
            if actor.kind == "person":
                self.last_person = key
            elif actor.kind in ("group", "organization", "government"):
                self.last_plural = key
        for name in seen_names:
            key = self.resolve_name(name.text)
            if key is not None:
                self.actors[key].mentions += 1
                if self.actors[key].kind == "person":
                    self.last_person = key
        if found:
            self.speech[seg.id] = found

    def subject_of(
        self, seg: SegmentLike, start: int, end: int, verb: str
    ) -> tuple[str | None, int]:
        text = seg.text
        np, np_start = _subject_np(text, start)
        names = self.art.names[seg.id]
        if np:
            if np.endswith(("'s", "’s")):
                return None, seg.id
            # a name that ends the subject phrase, not the object of a preposition
            inside = [n for n in names if n.start >= np_start and n.end <= np_start + len(np)]
            if inside and inside[-1].end == np_start + len(np):
                name = inside[-1]
                before = text[np_start : name.start].split()
                if before and before[-1].lower() in _PREPOSITIONS:
                    return self.group_subject(seg, np, verb), seg.id
                key = self.resolve_name(name.text)
                if key is None:
                    kind = _kind_of(name.text, title=name.title)
                    if kind == "other" and verb in _NOUNLIKE:
                        return None, seg.id
                    key = self.register(name.text, kind, seg.id)
                return key, seg.id
            described = self.resolve_description(np)
            if described is None and verb in _NOUNLIKE:
                return None, seg.id
            if described is not None:
                attribution = seg.id
                if np.lower() in _PRONOUNS:
                    attribution = self.attribution_segment(described, seg.id)
                return described, attribution
            return self.group_subject(seg, np, verb), seg.id
        before_verb = text[:start].rstrip()
        # 'Andrew Pike, told' / 'Friends of X, the group that ..., welcomed'
        if before_verb.endswith(","):
            left = before_verb[:-1].rstrip()
            ending = [n for n in names if n.end == len(left)]
            if not ending:
                m = re.search(r",[^,;:\"“”]{2,90}$", left)
                if m:
                    ending = [n for n in names if n.end == len(left[: m.start()].rstrip())]
            if ending:
                name = ending[-1]
                key = self.resolve_name(name.text) or self.register(
                    name.text, _kind_of(name.text, title=name.title), seg.id
                )
                return key, seg.id
        # inverted: '"...," said Varga.' / 'said its chair, Helen Okoro'
        after = [
            n
            for n in names
            if n.start >= end
            and len(text[end : n.start].split()) <= 4
            and not any(c in text[end : n.start] for c in _QUOTES + ".;:")
        ][:1]
        if after and before_verb and before_verb[-1] in _QUOTES + ",":
            name = after[0]
            key = self.resolve_name(name.text) or self.register(
                name.text, _kind_of(name.text, title=name.title), seg.id
            )
            return key, seg.id
        return None, seg.id

    def group_subject(self, seg: SegmentLike, np: str, verb: str) -> str | None:
        """'Residents', 'dockworkers at the port', 'the government' as an actor."""
        if verb in _NOUNLIKE:
            return None
        words = np.split()
        if not words or len(words) > 7:
            return None
        head_i = 0
        if (
            words[0].lower() in ("the", "some", "many", "several", "local", "its", "their")
            or words[0].endswith(("'s", "’s"))
            and len(words) > 1
        ):
            head_i = 1
        # head: up to the first preposition
        j = head_i
        while j < len(words) and words[j].lower() not in _PREPOSITIONS:
            j += 1
        head_words = words[head_i:j]
        if not head_words or any(
            w.lower() in _SPEECH or w.lower() in _ACTION or w.lower() in _PRONOUNS for w in words
        ):
            return None
        head = head_words[-1].lower().strip(",.")
        if head in _GROUP_HEADS:
            kind: Kind = "group"
        elif head in _ORG_HEADS and (
            words[0].lower() in ("the", "its", "their") or words[0].endswith(("'s", "’s"))
        ):
            kind = "government" if head in _GOV_HEADS else "organization"
        else:
            return None
        if kind != "group" and any(w[:1].isupper() for w in head_words[head_i + 1 :]):
            return None
        name = " ".join(words) if kind == "group" else " ".join(words)
        name = name.rstrip(",.")
        if name.lower().startswith("the ") and kind != "group":
            pass
        return self.resolve_name(name) or self.register(name, kind, seg.id)

    def attribution_segment(self, key: str, seg_id: int) -> int:
        """The latest segment up to ``seg_id`` that names the actor (for a pronoun)."""
        actor = self.actors[key]
        names = {actor.name.lower(), *actor.aliases, actor.name.split()[-1].lower()}
        for seg in reversed([s for s in self.art.segments if s.id <= seg_id]):
            low = seg.text.lower()
            if any(re.search(rf"\b{re.escape(n)}\b", low) for n in names):
                return seg.id
        return seg_id


def _actor_candidates(ex: _Extractor, salience: Counter[str]) -> list[ActorCandidate]:
    out: list[ActorCandidate] = []
    used: set[str] = set()
    for actor in ex.actors.values():
        if not actor.acts and not actor.role:
            continue
        name_low = actor.name.lower()
        # evidence: the role's segment when it names the actor, else the first that does
        evidence: list[int] = []
        if actor.role_segment is not None and name_low in ex.art.texts[actor.role_segment].lower():
            evidence.append(actor.role_segment)
        else:
            ordered = [s for s in ex.art.body if s.id in actor.acts]
            for seg in [*ordered, *ex.art.body]:
                if name_low in seg.text.lower():
                    evidence.append(seg.id)
                    break
        if not evidence:
            continue
        role = actor.role
        if actor.role_segment is not None and actor.role_segment not in evidence:
            role = ""
        score = 2.0 * len(actor.speaks) + len(actor.acts) + 0.5 * actor.mentions
        score += 1.0 if role else 0.0
        score += 1.0 / (1 + actor.first)
        ident = slug(actor.name)
        while ident in used:
            ident = f"{ident[:37]}-{len(used)}"
        used.add(ident)
        out.append(
            ActorCandidate(
                id=ident,
                name=actor.name,
                kind=actor.kind,
                role=role,
                evidence=tuple(evidence),
                acts=tuple(sorted(set(actor.acts))),
                score=round(score, 3),
            )
        )
    out.sort(key=lambda a: (-a.score, a.evidence[0]))
    return out


def _salience(art: _Article) -> Counter[str]:
    counts: Counter[str] = Counter()
    for seg in art.body:
        counts.update(set(_content_words(seg.text)))
    if art.title:
        counts.update({w: 2 for w in set(_content_words(art.title))})
    return counts


_NOT_TOPICS = frozenset(
    _words(
        """think thinks like made make makes around otherwise never back always away call
    open time times year years day days week weeks month months percent people person
    told telling want wants wanted need needs needed thing things part lot way ways
    really well good better best bad worse worst next last first second third
    something nothing anything everyone everything nobody anyone someone another
    whether although however because therefore meanwhile including including"""
    )
)


def _topics(
    text: str, salience: Counter[str], exclude: set[str], title_words: frozenset[str] = frozenset()
) -> list[str]:
    """Salient lower-case content words of a segment, best first (the article's forms)."""
    seen: dict[str, tuple[float, int, str]] = {}
    for i, m in enumerate(_WORD_RE.finditer(text)):
        w = m.group()
        low = w.lower()
        if (
            not w.islower()
            or low in _STOP
            or low in _SPEECH
            or low in _ACTION
            or len(w) < 4
            or _stem(w) in exclude
        ):
            continue
        stem = _stem(w)
        if low.endswith("ly") or low in _NOT_TOPICS or "'" in w or "’" in w:
            continue
        score = salience.get(stem, 0) + 0.1 * len(w) / 10
        if stem in title_words:
            score += 3
        if stem not in seen or seen[stem][0] < score:
            seen[stem] = (score, i, w)
    ranked = sorted(seen.values(), key=lambda t: (-t[0], t[1]))
    return [w for _, _, w in ranked]


def _when(text: str) -> str | None:
    best: str | None = None
    for m in _TIME_RE.finditer(text):
        if text[m.end() : m.end() + 2] in ("'s", "’s"):
            continue  # "next year's budget" names a budget, not a time
        found = m.group().strip()
        if best is None or len(found) > len(best):
            best = found
    return best


def _certainty(text: str) -> Certainty:
    if _POSSIBLE_RE.search(text):
        return "possible"
    if _SCHEDULED_RE.search(text):
        return "scheduled"
    return "proposed"


def _mentions(ex: _Extractor, seg: SegmentLike, ids: dict[str, str]) -> list[str]:
    low = seg.text.lower()
    found: list[str] = []
    for key, actor in ex.actors.items():
        if key not in ids:
            continue
        forms = {actor.name.lower(), *actor.aliases}
        if actor.kind == "person":
            forms.add(actor.name.split()[-1].lower())
        if any(re.search(rf"\b{re.escape(f)}\b", low) for f in forms):
            found.append(ids[key])
    for key, _, _ in ex.speech.get(seg.id, []):
        if key in ids and ids[key] not in found:
            found.append(ids[key])
    return found


def propose(text: str, segments: Sequence[SegmentLike], *, title: str | None = None) -> Candidates:
    """Candidates for a brief of ``text`` (split into ``segments``), each list ranked."""
    art = _Article(text, segments, title)
    ex = _Extractor(art)
    ex.run()
    salience = _salience(art)
    actors = _actor_candidates(ex, salience)
    ids = {key: a.id for a in actors for key, act in ex.actors.items() if act.name == a.name}

    title_words = frozenset(_content_words(title or ""))
    positions: list[PositionCandidate] = []
    for seg in art.body:
        for key, attribution, verb in ex.speech.get(seg.id, []):
            if key not in ids or len(seg.text.split()) < 7:
                continue
            actor = ex.actors[key]
            exclude = {_stem(w) for w in actor.name.split()} | {
                _stem(w) for w in actor.role.split()
            }
            topics = _topics(seg.text, salience, exclude, title_words)
            if not topics:
                continue
            quoted = any(q in seg.text for q in _QUOTES)
            score = 1.0 + (1.0 if quoted else 0.0) + 0.1 * min(len(seg.text.split()), 30) / 3
            score += 0.5 if verb in ("rejected", "demanded", "urged", "warned", "insisted") else 0
            positions.append(
                PositionCandidate(
                    segment=seg.id,
                    actor=ids[key],
                    topic=topics[0],
                    topics=tuple(topics[:4]),
                    attribution=attribution,
                    score=round(score, 3),
                )
            )
            break  # one position per segment: its first attributed speaker
    positions.sort(key=lambda p: (-p.score, p.segment))

    next_steps: list[NextStepCandidate] = []
    for seg in art.body:
        body = seg.text
        when = _when(body)
        future = _FUTURE_RE.search(body)
        if not future:
            continue
        certainty = _certainty(body)
        score = 1.0 + (1.5 if when else 0.0) + (1.0 if _SCHEDULED_RE.search(body) else 0.0)
        if body.lstrip()[:1] in _QUOTES:
            score -= 1.5  # a quotation's "will" is the speaker's forecast, not a plan
        if when and re.search(r"\b(?:next|tomorrow|coming|later this)\b", when, re.I):
            score += 0.5
        next_steps.append(
            NextStepCandidate(
                segment=seg.id,
                actors=tuple(_mentions(ex, seg, ids)),
                when=when,
                certainty=certainty,
                score=round(score, 3),
            )
        )
    next_steps.sort(key=lambda n: (-n.score, n.segment))

    summary = _summary_ranking(art, salience)
    headline = (title or "").strip()
    if not headline:
        first = art.segments[0].text if art.segments else ""
        headline = first if first and art.body and first != art.body[0].text else ""
    if not headline and summary:
        headline = art.texts[summary[0]]
    return Candidates(
        headline=" ".join(headline.split()),
        title=title,
        body=tuple(s.id for s in art.body),
        summary=tuple(summary),
        actors=tuple(actors),
        positions=tuple(positions),
        next_steps=tuple(next_steps),
        texts=dict(art.texts),
    )


def _summary_ranking(art: _Article, salience: Counter[str]) -> list[int]:
    """Body segments ranked for the summary: lead first, then the most central."""
    scored: list[tuple[float, int]] = []
    for rank, seg in enumerate(art.body):
        words = _content_words(seg.text)
        if len(seg.text.split()) < 6:
            continue
        central = sum(salience.get(w, 0) - 1 for w in set(words)) / math.sqrt(len(words) + 1)
        lead = 3.0 / (1 + rank)
        quoted = seg.text.lstrip()[:1] in _QUOTES
        score = central + lead - (1.5 if quoted else 0.0)
        scored.append((score, seg.id))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [seg_id for _, seg_id in scored]


_BASELINE_RE = re.compile(
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3})\s+(?:said|says|told|warned|wrote|"
    r"urged|announced|accused|denied|added)\b"
    r"|(?:said|says|told|warned|added)\s+(?P<after>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3})"
)


def baseline_draft(
    text: str, segments: Sequence[SegmentLike], *, title: str | None = None
) -> dict[str, Any]:
    """The obvious brief without a model: the lead sentences as the summary and the names
    that stand as subjects of speech verbs as the actors (same v2 draft shape)."""
    art = _Article(text, segments, title)
    lead = [s for s in art.body if len(s.text.split()) >= 6][:3]
    actors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for seg in art.body:
        for m in _BASELINE_RE.finditer(seg.text):
            name = m.group("name") or m.group("after")
            words = name.split()
            while words and words[0] in _NOT_NAMES:
                words.pop(0)
            if not words:
                continue
            name = " ".join(words)
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            actors.append(
                {
                    "id": slug(name),
                    "name": name,
                    "kind": "other",
                    "role": "",
                    "evidence": [seg.id],
                }
            )
    headline = (title or (lead[0].text if lead else "")).strip()
    return {
        "headline": headline,
        "summary": [{"text": s.text, "evidence": [s.id], "extractive": True} for s in lead],
        "actors": actors,
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }
