"""Who speaks and acts: the subjects of speech and action verbs, segment by segment.

A subject is a name ending the phrase before the verb (*Moravec told*), a description that
resolves to a known actor (*the union said*, *she added*), a group (*residents said*), a
name before a comma (*Andrew Pike, the owner, told*) or an inverted attribution (*"...,"
said Varga*). Words inside a quotation are never an attribution.
"""

from __future__ import annotations

import re

from summarizer.cast.lexicon import (
    ACTION,
    AUX,
    GOV_HEADS,
    GROUP_HEADS,
    NOUNLIKE,
    ORG_HEADS,
    PREPOSITIONS,
    PRONOUNS,
    QUOTES,
    SPEECH,
    WORD_RE,
)
from summarizer.cast.names import NameSpan
from summarizer.cast.registry import ActorRegistry, kind_of
from summarizer.cast.types import Kind, SegmentLike

__all__ = ["group_subject", "read_subjects", "subject_np", "subject_of"]

_BOUNDARY_RE = re.compile(
    r"[\"“”«»,;:()\[\]—–]|\s-\s|\b(?:and|but|that|while|as|after|when|because|which|who|"
    r"where|although|though|whereas|if|so)\b",
)


def subject_np(text: str, verb_start: int) -> tuple[str, int]:
    """The stretch of text right before a verb that can be its subject, and its offset."""
    left = text[:verb_start]
    cut = 0
    for m in _BOUNDARY_RE.finditer(left):
        cut = m.end()
    np = left[cut:]
    words = np.split()
    while words and words[-1].lower() in AUX:
        words.pop()
    if not words:
        return "", cut
    lead = len(np) - len(np.lstrip())
    stripped = np.strip()
    end = stripped.rfind(words[-1]) + len(words[-1])
    return stripped[:end], cut + lead


def read_subjects(ex: ActorRegistry, seg: SegmentLike) -> None:
    """Record who speaks and acts in one segment, and who it mentions."""
    text = seg.text
    found: list[tuple[str, int, str]] = []
    seen_names = ex.art.names[seg.id]
    for m in WORD_RE.finditer(text):
        verb = m.group().lower()
        if verb not in SPEECH and verb not in ACTION:
            continue
        if sum(text.count(q, 0, m.start()) for q in '"“”') % 2:
            continue  # inside a quotation: the quoted words, not an attribution
        key, attribution = subject_of(ex, seg, m.start(), m.end(), verb)
        if key is None:
            continue
        actor = ex.actors[key]
        if seg.id not in actor.acts:
            actor.acts.append(seg.id)
        if verb in SPEECH and seg.id not in actor.speaks:
            actor.speaks.append(seg.id)
            found.append((key, attribution, verb))
        if actor.kind == "person":
            ex.last_person = key
        elif actor.kind in ("group", "organization", "government"):
            ex.last_plural = key
    for name in seen_names:
        key = ex.resolve_name(name.text)
        if key is not None:
            ex.actors[key].mentions += 1
            if ex.actors[key].kind == "person":
                ex.last_person = key
    if found:
        ex.speech[seg.id] = found


def subject_of(
    ex: ActorRegistry, seg: SegmentLike, start: int, end: int, verb: str
) -> tuple[str | None, int]:
    """The actor key of the verb at ``start:end`` and the segment that names it."""
    np, np_start = subject_np(seg.text, start)
    if np:
        return _phrase_subject(ex, seg, np, np_start, verb)
    before_verb = seg.text[:start].rstrip()
    key = _comma_subject(ex, seg, before_verb)
    if key is None:
        key = _inverted_subject(ex, seg, before_verb, end)
    return key, seg.id


def _name_key(ex: ActorRegistry, name: NameSpan, seg: SegmentLike) -> str:
    return ex.resolve_name(name.text) or ex.register(
        name.text, kind_of(name.text, title=name.title), seg.id
    )


def _phrase_subject(
    ex: ActorRegistry, seg: SegmentLike, np: str, np_start: int, verb: str
) -> tuple[str | None, int]:
    """The subject phrase right before the verb: a name, a description or a group."""
    if np.endswith(("'s", "’s")):
        return None, seg.id
    # a name that ends the subject phrase, not the object of a preposition
    names = ex.art.names[seg.id]
    inside = [n for n in names if n.start >= np_start and n.end <= np_start + len(np)]
    if inside and inside[-1].end == np_start + len(np):
        name = inside[-1]
        before = seg.text[np_start : name.start].split()
        if before and before[-1].lower() in PREPOSITIONS:
            return group_subject(ex, seg, np, verb), seg.id
        key = ex.resolve_name(name.text)
        if key is None:
            kind = kind_of(name.text, title=name.title)
            if kind == "other" and verb in NOUNLIKE:
                return None, seg.id
            key = ex.register(name.text, kind, seg.id)
        return key, seg.id
    described = ex.resolve_description(np)
    if described is None and verb in NOUNLIKE:
        return None, seg.id
    if described is not None:
        attribution = seg.id
        if np.lower() in PRONOUNS:
            attribution = ex.attribution_segment(described, seg.id)
        return described, attribution
    return group_subject(ex, seg, np, verb), seg.id


def _comma_subject(ex: ActorRegistry, seg: SegmentLike, before_verb: str) -> str | None:
    """'Andrew Pike, told' / 'Friends of X, the group that ..., welcomed'."""
    if not before_verb.endswith(","):
        return None
    names = ex.art.names[seg.id]
    left = before_verb[:-1].rstrip()
    ending = [n for n in names if n.end == len(left)]
    if not ending:
        m = re.search(r",[^,;:\"“”]{2,90}$", left)
        if m:
            ending = [n for n in names if n.end == len(left[: m.start()].rstrip())]
    return _name_key(ex, ending[-1], seg) if ending else None


def _inverted_subject(
    ex: ActorRegistry, seg: SegmentLike, before_verb: str, end: int
) -> str | None:
    """Inverted: '"...," said Varga.' / 'said its chair, Helen Okoro'."""
    text = seg.text
    after = [
        n
        for n in ex.art.names[seg.id]
        if n.start >= end
        and len(text[end : n.start].split()) <= 4
        and not any(c in text[end : n.start] for c in QUOTES + ".;:")
    ][:1]
    if after and before_verb and before_verb[-1] in QUOTES + ",":
        return _name_key(ex, after[0], seg)
    return None


def group_subject(ex: ActorRegistry, seg: SegmentLike, np: str, verb: str) -> str | None:
    """'Residents', 'dockworkers at the port', 'the government' as an actor."""
    if verb in NOUNLIKE:
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
    while j < len(words) and words[j].lower() not in PREPOSITIONS:
        j += 1
    head_words = words[head_i:j]
    if not head_words or any(
        w.lower() in SPEECH or w.lower() in ACTION or w.lower() in PRONOUNS for w in words
    ):
        return None
    head = head_words[-1].lower().strip(",.")
    if head in GROUP_HEADS:
        kind: Kind = "group"
    elif head in ORG_HEADS and (
        words[0].lower() in ("the", "its", "their") or words[0].endswith(("'s", "’s"))
    ):
        kind = "government" if head in GOV_HEADS else "organization"
    else:
        return None
    if kind != "group" and any(w[:1].isupper() for w in head_words[head_i + 1 :]):
        return None
    name = " ".join(words).rstrip(",.")
    return ex.resolve_name(name) or ex.register(name, kind, seg.id)
