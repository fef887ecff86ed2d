"""Roles in the article's own words: titles before a name and appositives after it.

*Transport secretary Lina Moravec*, *Prime Minister Jonas Lund*, *Altura's chief executive,
Maria Okafor* and *Tomas Reid, its secretary,* each register a person with a role and the
segment that states it (the evidence an actor candidate cites).
"""

from __future__ import annotations

import re

from summarizer.cast.lexicon import (
    COMPANY_HEADS,
    GOV_CUES,
    HONORIFICS,
    NAME_HEADS,
    NOT_NAMES,
    ORG_CUES,
    QUOTES,
    STOP,
    TITLES,
    bare_word,
    has_cue,
)
from summarizer.cast.names import CAP_WORD, is_place
from summarizer.cast.registry import ActorRegistry, kind_of
from summarizer.cast.types import SegmentLike

__all__ = ["clean_role", "is_titled", "pre_appositive", "read_roles", "weak_role"]

_APPOSITIVE_RE = re.compile(
    r"(?P<name>" + CAP_WORD + r"(?:\s+" + CAP_WORD + r")*)\s*,\s+(?:(?:aged\s+)?\d{1,3}\s*,\s+)?"
    r"(?P<role>(?:the|a|an|its|his|her|their|who|which)\s+[^,;:\"“”()]{2,90}?)\s*(?:,|$)"
)


def clean_role(role: str) -> str:
    role = role.strip(" ,;:")
    role = re.sub(r"^(?:who|which)\s+(?:is|was|are|were)\s+", "", role)
    if re.match(r"(?:who|which)\b", role):
        return ""  # "which enforces privacy law": what it does, not a role
    return role


def weak_role(role: str) -> bool:
    return not role or all(w.lower() in HONORIFICS for w in role.split())


def is_titled(role: str) -> bool:
    return any(bare_word(w) in TITLES for w in role.split())


def read_roles(ex: ActorRegistry, seg: SegmentLike) -> None:
    """Register the titled names, the appositives and the named bodies, countries and
    people of one segment."""
    _titled_names(ex, seg)
    _appositives(ex, seg)
    _named(ex, seg)


def _named(ex: ActorRegistry, seg: SegmentLike) -> None:
    """Every name that stands for an actor, whether or not it acts here: a body (a cue word
    or a body noun after it), a country (not where something happens: "talks in Russia"),
    a capital used for its country, a person's full name. Places, and lone words that are
    neither countries nor known, are not actors."""
    for name in ex.art.names[seg.id]:
        words = name.text.split()
        key = ex.resolve_name(name.text)
        described = _DESCRIBED_RE.search(ex.art.texts[seg.id][: name.start])
        if key is not None:
            actor = ex.actors[key]
            if name.head:
                actor.heads.add(name.head)
            if described and actor.kind != "person":
                actor.described.add(described.group(1).lower())
            continue
        if ex.is_country(name.text):
            if not name.place:
                ex.register(name.text, "country", seg.id)
            continue
        kind = kind_of(name.text, title=name.title, head=name.head)
        # "in Geneva", "at Stanley Road" are places; "drivers at Northgate Metro Buses" stays
        if is_place(words) or _written_as_place(ex.art.text, name.text):
            continue  # "Stanley Road", "Saint Petersburg", "the Ellsworth North district"
        placed = name.place and kind != "government" and not name.head
        workplace = re.search(r"\bat\s+(?:the\s+)?$", ex.art.texts[seg.id][: name.start])
        if placed and (
            kind != "organization"
            or not (has_cue(words[-1:], ORG_CUES) or (workplace and not has_cue(words, ORG_CUES)))
        ):
            continue  # "in Geneva", "at the Port Halden"; "drivers at Bayline Coaches" stays
        if (
            len(words) == 1
            and not name.head
            and not described
            and not has_cue(words, ORG_CUES | GOV_CUES)
        ):
            continue  # a lone word acts before it counts (speech), or is someone's surname
        if kind == "other":
            continue
        key = ex.register(name.text, kind, seg.id)
        if name.head:
            ex.actors[key].heads.add(name.head)
        if described and kind != "person":
            ex.actors[key].described.add(described.group(1).lower())


# A body noun written before a name: "the consumer group Fairbill", "the airline Skyvane".
_DESCRIBED_RE = re.compile(
    r"\b[Tt]he\s+(?:[a-z][\w\-]*\s+)?(" + "|".join(sorted(NAME_HEADS | COMPANY_HEADS)) + r")\s+$"
)


_PLACE_NOUNS = "district|constituency|ward|county|borough|parish|municipality|riding|precinct"


def _written_as_place(text: str, name: str) -> bool:
    """Whether the article writes the name as a place anywhere ("the Ellsworth North
    district", "Ellsworth North constituency")."""
    return re.search(rf"\b{re.escape(name)}\s+(?:{_PLACE_NOUNS})\b", text) is not None


def _lower_title(before: str) -> str:
    """The trailing title words right before a name ("union leader", "chief executive")."""
    m = re.search(r"((?:[A-Za-z][\w'’\-]*\s+){1,4})$", before)
    if not m:
        return ""
    keep: list[str] = []
    for w in reversed(m.group(1).split()):
        bare = bare_word(w)
        if (bare in TITLES or (keep and w[0].isupper() and w not in NOT_NAMES)) or (
            keep and w.islower() and bare not in STOP and len(keep) < 4
        ):
            keep.insert(0, w)
        else:
            break
    return " ".join(keep) if keep and is_titled(" ".join(keep)) else ""


def _titled_names(ex: ActorRegistry, seg: SegmentLike) -> None:
    text = seg.text
    for name in ex.art.names[seg.id]:
        words = name.text.split()
        before = text[: name.title_start if name.title_start >= 0 else name.start]
        lower_title = _lower_title(before)
        if not lower_title:
            lower_title = pre_appositive(before)
        title = " ".join(t for t in (lower_title, name.title) if t)
        if title not in text:  # "Its leader, Councillor Diane Ruiz": keep it verbatim
            title = lower_title
        kind = kind_of(name.text, title=title, head=name.head)
        if title and kind == "person" or (name.title and len(words) >= 1 and not name.head):
            key = ex.resolve_name(name.text) or ex.register(name.text, "person", seg.id)
            actor = ex.actors[key]
            actor.kind = "person"
            for word in name.title.split():
                if word not in actor.titles:
                    actor.titles.append(word)
            if weak_role(actor.role) and not weak_role(title):
                actor.role, actor.role_segment = title, seg.id


def _appositives(ex: ActorRegistry, seg: SegmentLike) -> None:
    for m in _APPOSITIVE_RE.finditer(seg.text):
        role = clean_role(m.group("role"))
        written = m.group("name")
        if not is_titled(role) or len(role.split()) > 14:
            continue
        known = [n for n in ex.art.names[seg.id] if n.text and written.endswith(n.text)]
        if not known:
            continue
        full = known[-1].text
        kind = kind_of(full, title=role)
        key = ex.resolve_name(full) or ex.register(full, kind, seg.id)
        actor = ex.actors[key]
        if weak_role(actor.role) or actor.role_segment is None:
            actor.role, actor.role_segment = role, seg.id


def pre_appositive(before: str) -> str:
    """'Altura's chief executive, ' before a name: the role, else ''."""
    stripped = before.rstrip()
    if not stripped.endswith(","):
        return ""
    words = stripped[:-1].split()
    keep: list[str] = []
    for w in reversed(words):
        bare = bare_word(w)
        if w.lower() in ("the", "its", "his", "her", "their"):
            keep.insert(0, w)
            break
        if bare in STOP or len(keep) >= 6 or any(c in w for c in QUOTES + ",;:"):
            break
        keep.insert(0, w)
    role = " ".join(keep)
    return role if keep and is_titled(role) and keep[-1].lower() in TITLES else ""
