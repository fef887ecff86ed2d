"""Who speaks and acts: the subjects of speech and action verbs, segment by segment.

A subject is a name ending the phrase before the verb (*Moravec told*), a description that
resolves to a known actor (*the union said*, *she added*), a group (*residents said*), a
name before a comma (*Andrew Pike, the owner, told*) or an inverted attribution (*"...,"
said Varga*). Words inside a quotation are never an attribution.
"""

from __future__ import annotations

import re

from summarizer.cast.according import (
    LEAD_ACCORDING_RE,
    TRAILING_ACCORDING_RE,
    according,
    according_pronoun,
)
from summarizer.cast.lexicon import (
    ACTION,
    AUX,
    COUNTRY_GROUPS,
    DEMONYMS,
    GOV_HEADS,
    GROUP_HEADS,
    NOUNLIKE,
    ORG_HEADS,
    PREPOSITIONS,
    PRONOUNS,
    QUOTES,
    SPEECH,
    STANCE,
    WORD_RE,
)
from summarizer.cast.names import NameSpan
from summarizer.cast.registry import ActorRegistry, kind_of
from summarizer.cast.types import Kind, SegmentLike

__all__ = ["group_subject", "read_subjects", "subject_np", "subject_of"]

# A time said between a subject and its verb: "Putin last month rejected", "Prosecutors on
# Wednesday demanded", "Zelensky on Friday said".
_TIME_TAIL_RE = re.compile(
    r"(?:\s+(?:(?:on|last|this|next|early|late|earlier|later)\s+)?(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|week|month|year|night|morning|evening|afternoon|weekend)"
    r"(?:\s+(?:morning|afternoon|evening|night))?|\s+(?:yesterday|today|earlier|later|"
    r"separately|meanwhile))+$"
)
# Where reported speech ends and a new clause with its own speaker begins.
_NEW_CLAUSE_RE = re.compile(r",\s*(?:while|but|whereas|and)\b|;|[.!?][\"“”]?\s|—|–")
_OFFICE_RE = re.compile(
    r"^(?P<holder>his|her|(?:the|its|their)\s+\w+['’]s)\s+(?:office|spokesman|spokeswoman|"
    r"spokesperson|aides)$",
    re.IGNORECASE,
)
_DIGIT_COMMA_RE = re.compile(r"(\d),(?=\d)")
_BOUNDARY_RE = re.compile(
    r"[\"“”«»,;:()\[\]—–]|\s-\s|\b(?:and|but|that|while|as|after|when|because|which|who|"
    r"where|although|though|whereas|if|so"
    # a verb of speech ends a subject: in "Okafor said Altura had rejected", Altura's
    r"|said|says|told|added|argued|warned|insisted|claimed|stated|wrote|noted)\b",
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
    np = " ".join(words)
    np = _TIME_TAIL_RE.sub("", np)
    words = np.split()
    while words and words[-1].lower() in AUX:
        words.pop()
    if not words:
        return "", cut
    np = left[cut:]
    lead = len(np) - len(np.lstrip())
    stripped = np.strip()
    end = stripped.rfind(words[-1]) + len(words[-1])
    return stripped[:end], cut + lead


def read_subjects(ex: ActorRegistry, seg: SegmentLike) -> None:
    """Record who speaks and acts in one segment, and who it mentions.

    Speech and stance verbs (*said*, *wants*, *has offered*) make their subjects speakers
    of the segment; action verbs make them actors. A verb inside a quotation, or inside the
    clause a speaker reports (*Okafor said Altura had rejected...*), has no speaker of its
    own: the company named in a person's speech is not the speaker.
    """
    text = seg.text
    found: list[tuple[str, int, str]] = []
    seen_names = ex.art.names[seg.id]
    reported_from: int | None = None  # the end of the last speech verb with a subject
    pronoun = according_pronoun(ex, text)  # "According to her, ...": before "her" moves
    lead_source = LEAD_ACCORDING_RE.match(text)
    if lead_source:  # "According to X, the airline has refused ...": X's report
        reported_from = lead_source.end()
    trailing = TRAILING_ACCORDING_RE.search(text)
    subjects: list[str] = []
    for m in WORD_RE.finditer(text):
        verb = m.group().lower()
        speech = verb in SPEECH or verb in STANCE
        if not speech and verb not in ACTION:
            continue
        if sum(text.count(q, 0, m.start()) for q in '"“”') % 2:
            continue  # inside a quotation: the quoted words, not an attribution
        keys, attribution, subject_at = subjects_of(ex, seg, m.start(), m.end(), verb)
        if not keys:
            if speech and reported_from is None and subject_np(text, m.start())[0]:
                reported_from = m.end()  # someone unknown speaks: what follows is reported
            continue
        if (
            reported_from is not None
            and subject_at > reported_from
            and not _NEW_CLAUSE_RE.search(text, reported_from, subject_at)
        ) or (trailing and m.end() <= trailing.start()):
            speech = False  # the clause a speaker reports: its subjects do not speak
        for key in keys:
            actor = ex.actors[key]
            if seg.id not in actor.acts:
                actor.acts.append(seg.id)
            if speech and seg.id not in actor.speaks:
                actor.speaks.append(seg.id)
            if speech and all(k != key for k, _, _ in found):
                found.append((key, attribution, verb))
            subjects.append(key)
        if speech and (
            subject_at < m.start() or (subject_at == m.start() and verb in SPEECH)
        ):  # "Its chief executive, Leo Haddad, said Maske had refused": Haddad's report
            reported_from = m.end()
    for key in [*according(ex, seg), *([pronoun] if pronoun else [])]:
        if all(k != key for k, _, _ in found):
            found.append((key, seg.id, "according"))
            if seg.id not in ex.actors[key].speaks:
                ex.actors[key].speaks.append(seg.id)
    for name in seen_names:
        named = ex.resolve_name(name.text)
        if named is not None:
            ex.actors[named].mentions += 1
            ex.seen(named, seg.id)
            if ex.actors[named].kind == "person":
                ex.last_named = named
    lead = _lead_person(ex, seg)
    if lead is not None and not any(
        k in ex.actors and ex.actors[k].kind == "person" for k in subjects
    ):
        subjects.append(lead)
    for key in subjects:
        if key in ex.actors:
            if ex.actors[key].kind == "person":
                ex.last_person = key
            elif ex.actors[key].kind in ("group", "organization", "government", "country"):
                ex.last_plural = key
    if found:
        ex.speech[seg.id] = found


def _lead_person(ex: ActorRegistry, seg: SegmentLike) -> str | None:
    """The person a sentence opens with ("Former chief executive Pieter Hoekstra, who ...,
    is scheduled to ..."): its subject, whom a "he" in the next sentence means."""
    for name in ex.art.names[seg.id][:1]:
        lead = seg.text[: name.title_start if name.title_start >= 0 else name.start]
        if len(lead.split()) > 4 or any(c in lead for c in ',;:"“”'):
            return None
        key = ex.resolve_name(name.text)
        if key is not None and ex.actors[key].kind == "person":
            return key
    return None


def subjects_of(
    ex: ActorRegistry, seg: SegmentLike, start: int, end: int, verb: str
) -> tuple[list[str], int, int]:
    """Every subject of the verb at ``start:end`` (two when coordinated: *Kyiv and its
    allies suspect*), the segment that names them, and where the subject begins."""
    np, np_start = subject_np(seg.text, start)
    key, attribution = subject_of(ex, seg, start, end, verb)
    if key is None:
        other = _coordinated(ex, seg, np_start) if np else None
        return ([other], seg.id, np_start) if other else ([], attribution, start)
    keys = [key]
    if np:
        other = _coordinated(ex, seg, np_start)
        if other is not None and other != key:
            keys.insert(0, other)
        return keys, attribution, np_start
    return keys, attribution, start


def _coordinated(ex: ActorRegistry, seg: SegmentLike, np_start: int) -> str | None:
    """'Kyiv and several of its allies suspect', 'She and five other councillors have said':
    the name (or person) before 'and' is a subject too."""
    before = seg.text[:np_start]
    m = re.search(r"(?:^|[,;:—–]\s*|\b(?:while|but|that)\s+)([^,;:]{1,60}?)\s+and\s*$", before)
    if not m:
        return None
    if m.group(1).lower() in ("he", "she"):
        return ex.resolve_description(m.group(1), seg.id)
    names = [n for n in ex.art.names[seg.id] if n.start == m.start(1) and n.end == m.end(1)]
    return ex.resolve_name(names[0].text) if names and not names[0].place else None


def subject_of(
    ex: ActorRegistry, seg: SegmentLike, start: int, end: int, verb: str
) -> tuple[str | None, int]:
    """The actor key of the verb at ``start:end`` and the segment that names it."""
    np, np_start = subject_np(seg.text, start)
    if np:
        return _phrase_subject(ex, seg, np, np_start, verb)
    before_verb = seg.text[:start].rstrip()
    words = before_verb.split()
    while words and words[-1].lower() in AUX:  # "The union, which ..., is demanding"
        before_verb = before_verb[: before_verb.rstrip().rfind(words.pop())].rstrip()
    key = _relative_subject(ex, seg, before_verb)
    if key is None:
        key = _comma_subject(ex, seg, before_verb)
    if key is None:
        key = _inverted_subject(ex, seg, before_verb, end)
    return key, seg.id


def _relative_subject(ex: ActorRegistry, seg: SegmentLike, before_verb: str) -> str | None:
    """'... by Farid Anwar, a mediator from the conciliation service, who said': the name
    the relative pronoun stands for."""
    m = re.search(r"(?:^|[\s,])(?:who|which|that)((?:\s+\w+){0,3})$", before_verb)
    if m is None or any(w.lower() not in AUX for w in m.group(1).split()):
        return None
    left = before_verb[: m.start()].rstrip().rstrip(",").rstrip()
    left = _DIGIT_COMMA_RE.sub(r"\1_", left)
    names = ex.art.names[seg.id]
    ending = [n for n in _ending_at(names, left, len(left)) if not n.place]
    if not ending:
        app = re.search(r",\s*(?:the|a|an|its|his|her|their|\d)\b[^,;:\"“”]{1,90}$", left)
        if app:
            ending = _ending_at(names, left, len(left[: app.start()].rstrip()))
    return _name_key(ex, ending[-1], seg) if ending else None


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
        while before and before[-1].lower() in ("the", "a", "an"):
            before.pop()
        if before and before[-1].lower() in PREPOSITIONS:
            # "Ana Ruiz of the Harbour Trust said": the name that begins the phrase
            lead = seg.text[np_start : inside[0].start].split()
            first = inside[0]
            known = " " in first.text or ex.resolve_name(first.text) is not None
            if first is not name and known and all(w.lower() in ("the", "a", "an") for w in lead):
                name = first
            else:
                return group_subject(ex, seg, np, verb), seg.id
        key = ex.resolve_name(name.text)
        if key is None:
            kind = kind_of(name.text, title=name.title)
            if kind == "other" and verb in NOUNLIKE:
                return None, seg.id
            key = ex.register(name.text, kind, seg.id)
        return key, seg.id
    office = _OFFICE_RE.match(np)
    if office:  # "his office said", "the mayor's office said": the office's holder speaks
        holder = office.group("holder")
        if holder.lower() in ("his", "her"):
            key = ex.resolve_description("he" if holder.lower() == "his" else "she", seg.id)
        else:
            key = ex.resolve_description(holder.removesuffix("'s").removesuffix("’s"), seg.id)
        if key is not None and ex.actors[key].kind == "person":
            return key, ex.attribution_segment(key, seg.id)
    described = ex.resolve_description(np, seg.id)
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
    left = _DIGIT_COMMA_RE.sub(r"\1_", before_verb[:-1].rstrip())  # "1,400" is no boundary
    ending: list[NameSpan] = []
    # "Marek Hollis, an analyst at the Kestrel Institute, said", "Ruth Amankwah, chair of
    # the Rail Users Forum, said": the name before the appositive, not the body that ends it
    m = re.search(r",\s*((?:(?:the|a|an|its|his|her|their|which|who|whose|\d)\b|[a-z])"
                  r"[^,;:\"“”]{1,140})$", left)  # fmt: skip
    if m:
        ending = _ending_at(names, left, len(left[: m.start()].rstrip()))
    if not ending:
        ending = [n for n in _ending_at(names, left, len(left)) if not n.place]
    if not ending:
        m = re.search(r",[^,;:\"“”]{2,90}$", left)
        if m:
            ending = _ending_at(names, left, len(left[: m.start()].rstrip()))
    return _name_key(ex, ending[-1], seg) if ending else None


def _ending_at(names: list[NameSpan], text: str, at: int) -> list[NameSpan]:
    """The names that end at ``at``, or whose body noun does ("... Workers union")."""
    return [n for n in names if n.end == at or (n.head and text[n.end : at].strip() == n.head)]


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
    if head in COUNTRY_GROUPS | {"government"} and len(head_words) == 2:
        # "Tarvanian officials", "Swiss negotiators": the country speaks through them
        country = ex.country_of(head_words[0]) if head_words[0][:1].isupper() else None
        if country is None and head_words[0] in DEMONYMS:
            country = ex.resolve_name(DEMONYMS[head_words[0]])
        if country is not None:
            return country
    if kind != "group" and any(w[:1].isupper() for w in head_words[head_i + 1 :]):
        return None
    name = " ".join(words).rstrip(",.")
    return ex.resolve_name(name) or ex.register(name, kind, seg.id)
