"""The cast of one article: who is who and who says what, built once per article.

:func:`read_cast` runs the passes in order over the article's segments: roles (titles and
appositives, every segment), subjects of speech and action verbs (the body), then the
mentions of every segment with pronouns and descriptions resolved (:mod:`.mentions`), and
the speakers of quotations that run on from an attributed sentence. The :class:`Cast` it
returns is what the claim check, the extractive proposer and the digest ask: who is this
name, whom does this sentence mention, who says it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.cast.lexicon import GOV_CUES, ORG_CUES, QUOTES, STOP, TITLES, bare_word, has_cue
from summarizer.cast.mentions import (
    Mention,
    gender_of,
    is_description,
    lookup,
    read_mentions,
)
from summarizer.cast.names import ArticleView
from summarizer.cast.registry import ActorRegistry, ActorState, kind_of
from summarizer.cast.roles import read_roles
from summarizer.cast.speech import read_subjects
from summarizer.cast.types import SegmentLike
from summarizer.output.names import acronym, name_key, name_tokens

__all__ = ["Cast", "Speech", "read_cast", "read_view"]


@dataclass(frozen=True, slots=True)
class Speech:
    """One attribution: ``actor`` says (or does, for action verbs) what ``segment`` reports.

    ``attribution`` is the segment that names the actor (an earlier one when the speaker is
    a pronoun or the quotation runs on); ``verb`` is the verb as written, or ``""`` for a
    quotation that continues the previous sentence's speaker.
    """

    segment: int
    actor: str
    verb: str
    attribution: int


@dataclass
class Cast:
    """The actors of one article, their mentions, and who speaks in each segment."""

    view: ArticleView
    registry: ActorRegistry
    mentions: dict[int, list[Mention]]
    speech: dict[int, list[Speech]] = field(default_factory=dict)
    affiliation: dict[str, str] = field(default_factory=dict)  # person -> body it speaks for
    same_as: dict[str, str] = field(default_factory=dict)  # "the company" -> its actor

    @property
    def actors(self) -> dict[str, ActorState]:
        return self.registry.actors

    def speakers(self, segment: int) -> list[str]:
        """The actors who speak (or act) in a segment, in order, resolved."""
        return list(dict.fromkeys(s.actor for s in self.speech.get(segment, [])))

    def agents(self, segment: int) -> list[str]:
        """The actors who speak in a segment or, when no one speaks in it, act in it
        (subjects of its speech or action verbs), resolved."""
        keys = self.speakers(segment)
        acting = [self.same_as.get(k, k) for k, a in self.actors.items() if segment in a.acts]
        if keys:  # what a speaker reports others doing is their report, not their acts
            acting = [k for k in acting if self._own_clause(segment, k)]
        return list(dict.fromkeys(keys + acting))

    def _own_clause(self, segment: int, key: str) -> bool:
        """Whether ``key`` is first named before anyone speaks in the segment, or in a
        clause of its own after what they say ("..., but Rhys has declined to comment")."""
        text = self.view.texts.get(segment, "")
        first = next((m.start for m in self.mentions.get(segment, []) if m.actor == key), None)
        if first is None:
            return False
        said = [text.find(f" {s.verb}") for s in self.speech.get(segment, []) if s.verb]
        said = [p for p in said if p >= 0]
        if not said or first < min(said):
            return True
        return bool(_CLAUSE_BREAK.search(text, min(said), first))

    def refers(self, segment: int) -> list[str]:
        """Every actor a segment names, refers to or hears speak, in order, once each."""
        keys = [m.actor for m in self.mentions.get(segment, [])] + self.speakers(segment)
        return list(dict.fromkeys(self.same_as.get(k, k) for k in keys))

    def resolve(self, name: str) -> str | None:
        """The actor a name as someone else writes it stands for: the full name, a
        surname, a title and name ("Minister Maria Okafor"), or an acronym."""
        if not name.strip():
            return None
        found = lookup(self.registry, name)
        if found is not None:
            return found
        key = name_key(name)
        tokens = key.split()
        for k, actor in self.actors.items():
            if name_key(actor.name) == key or key in {name_key(a) for a in actor.aliases}:
                return k
        persons = [k for k, a in self.actors.items() if a.kind == "person"]
        if len(tokens) >= 2:  # "Maria Okafor" for "Minister Maria T. Okafor"
            same = [k for k in persons if name_tokens(self.actors[k].name)[-1] == tokens[-1]
                    and name_tokens(self.actors[k].name)[0] == tokens[0]]  # fmt: skip
            if len(same) == 1:
                return same[0]
        if len(tokens) == 1:
            surname = [k for k in persons if name_tokens(self.actors[k].name)[-1] == tokens[0]]
            if len(surname) == 1:
                return surname[0]
            if name.strip().isupper():
                short = [k for k, a in self.actors.items() if acronym(name_key(a.name)) == key]
                if len(short) == 1:
                    return short[0]
        return None

    def describe(self, phrase: str) -> str | None:
        """The one actor a description stands for anywhere in the article ("the union",
        "the university", "the company's chief executive"): an organization whose name has
        its head noun, or a person whose role has it; None when none or several do."""
        words = [bare_word(w) for w in phrase.split()]
        if len(words) < 2 or words[0] not in ("the", "its", "their"):
            return None
        head = words[-1]
        found = [
            k for k, a in self.actors.items()
            if not is_description(a.name) and (
                (a.kind != "person" and head in {bare_word(w) for w in a.name.split()})
                or (a.kind == "person" and head in TITLES
                    and head in {bare_word(w) for w in (a.role or "").split()})
            )
        ]  # fmt: skip
        return found[0] if len(found) == 1 else None

    def forms(self, key: str) -> frozenset[str]:
        """Lower-case words a writer may use for the actor: the words of its name and of its
        other written forms, and the head words of its role and titles."""
        actor = self.actors[key]
        words: set[str] = set()
        for written in (actor.name, *actor.aliases):
            words |= {bare_word(w) for w in written.split()}
        for w in [*(actor.role or "").split(), *actor.titles]:
            if bare_word(w) in TITLES:
                words.add(bare_word(w))
        return frozenset(w for w in words if w and w not in STOP)

    def gender(self, key: str) -> str | None:
        return gender_of(self.actors[key])


def read_cast(text: str, segments: Sequence[SegmentLike], title: str | None = None) -> Cast:
    """Read the cast of an article from its segments (see the module docstring)."""
    return read_view(ArticleView(text, segments, title))


def read_view(view: ArticleView) -> Cast:
    """The cast of an article already prepared as an :class:`ArticleView`."""
    ex = ActorRegistry(view)
    for seg in view.segments:
        read_roles(ex, seg)
    for seg in view.body:
        read_subjects(ex, seg)
    ex.settle()
    _split_affiliated(ex)
    cast = Cast(view, ex, read_mentions(ex))
    _descriptions(cast)
    _attributions(cast)
    _affiliations(cast)
    return cast


_OF_BODY = re.compile(r"\s+of\s+(?:the\s+)?")
_CLAUSE_BREAK = re.compile(r";|,\s*(?:but|while|whereas|although)\b|\b(?:but|while|whereas)\s")
_PERSON_OF_BODY = re.compile(
    r"^(?P<person>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){1,2})\s+of\s+(?:the\s+)?(?P<body>[A-Z].+)$"
)


def _split_affiliated(ex: ActorRegistry) -> None:
    """ "Ana Ruiz of the Harbour Trust" read as one name is two actors: the person, and the
    body she speaks for (when the body's name has an organization's cue word)."""
    for key in list(ex.actors):
        actor = ex.actors.get(key)
        if actor is None:
            continue  # merged into a person found earlier
        m = _PERSON_OF_BODY.match(actor.name)
        if m is None or not has_cue(m.group("body").split(), ORG_CUES | GOV_CUES):
            continue
        person = lookup(ex, m.group("person")) or ex.register(
            m.group("person"), "person", actor.first
        )
        body = lookup(ex, m.group("body")) or ex.register(
            m.group("body"), kind_of(m.group("body")), actor.first
        )
        if key in (person, body):
            continue
        p = ex.actors[person]
        p.kind = "person"
        p.role = p.role or f"of the {m.group('body')}"
        p.role_segment = p.role_segment if p.role_segment is not None else actor.role_segment
        p.acts = sorted({*p.acts, *actor.acts})
        p.speaks = sorted({*p.speaks, *actor.speaks})
        p.aliases.add(key)
        ex.actors[body].aliases.discard(key)
        del ex.actors[key]
        surname = m.group("person").split()[-1].lower()
        alone = ex.actors.get(surname)
        if alone is not None and surname != person:  # "Ruiz said" met before the full name
            p.acts = sorted({*p.acts, *alone.acts})
            p.speaks = sorted({*p.speaks, *alone.speaks})
            p.aliases.add(surname)
            del ex.actors[surname]
            for found in ex.speech.values():
                found[:] = [(person if k == surname else k, a, v) for k, a, v in found]
        for found in ex.speech.values():
            found[:] = [(person if k == key else k, a, v) for k, a, v in found]


def _descriptions(cast: Cast) -> None:
    """An actor registered under a description ("the company said") is the actor that
    description refers to where it first speaks, when the mentions resolved it."""
    for key, actor in cast.actors.items():
        if not is_description(actor.name):
            continue
        for seg in sorted({*actor.speaks, *actor.acts}):
            text = cast.view.texts.get(seg, "").lower()
            at = text.find(actor.name.lower())
            for m in cast.mentions.get(seg, []):
                if m.start == at and m.actor != key and m.how == "description":
                    cast.same_as[key] = m.actor
                    break
            if key in cast.same_as:
                break
        if key not in cast.same_as:  # "the union" when the article names one union only
            head = bare_word(actor.name.split()[-1])
            bodies = [
                k for k, a in cast.actors.items()
                if a.kind != "person" and not is_description(a.name)
                and head in {bare_word(w) for w in a.name.split()}
            ]  # fmt: skip
            if len(bodies) == 1:
                cast.same_as[key] = bodies[0]


def _affiliations(cast: Cast) -> None:
    """The body a person speaks for, from the mentions inside their role ("Its chief
    executive, Liam Doherty" after the federation; "the company's project director"), or
    a body named right after them ("Hana Bekele of the International Crisis Monitor")."""
    for seg, found in cast.mentions.items():
        text = cast.view.texts.get(seg, "")
        for a, b in zip(found, found[1:], strict=False):
            person, body = cast.actors.get(a.actor), cast.actors.get(b.actor)
            if person is None or body is None or person.kind != "person" or body.kind == "person":
                continue
            if _OF_BODY.fullmatch(text[a.end : b.start]):
                cast.affiliation.setdefault(a.actor, cast.same_as.get(b.actor, b.actor))
    for key, actor in cast.actors.items():
        if actor.kind != "person" or not actor.role or actor.role_segment is None:
            continue
        text = cast.view.texts.get(actor.role_segment, "")
        at = text.find(actor.role)
        if at < 0:
            continue
        end = at + len(actor.role)
        for m in cast.mentions.get(actor.role_segment, []):
            other = cast.actors.get(cast.same_as.get(m.actor, m.actor))
            if at <= m.start < end and other is not None and other.kind != "person":
                cast.affiliation[key] = cast.same_as.get(m.actor, m.actor)
                break
        if key not in cast.affiliation and actor.role.lower().startswith(("its ", "their ")):
            owner = _last_body(cast, actor.role_segment, at)  # "The agency ... Its director"
            if owner is not None:
                cast.affiliation[key] = owner


def _last_body(cast: Cast, seg: int, before: int) -> str | None:
    """The body mentioned last before offset ``before`` of segment ``seg`` (within the two
    sentences before it): what an "its" there stands for."""
    for s in range(seg, seg - 3, -1):
        found = [m for m in cast.mentions.get(s, []) if s < seg or m.end <= before]
        for m in reversed(found):
            key = cast.same_as.get(m.actor, m.actor)
            other = cast.actors.get(key)
            if other is not None and other.kind != "person":
                return key
    return None


def _attributions(cast: Cast) -> None:
    """Who speaks in each segment: the subjects of its speech and action verbs; a quotation
    without a verb of its own continues the speaker of the sentence before it, in the same
    paragraph."""
    view = cast.view
    previous: SegmentLike | None = None
    for seg in view.segments:
        found: list[Speech] = []
        for key, attribution, verb in cast.registry.speech.get(seg.id, []):
            speaker = _gendered(cast, seg, cast.same_as.get(key, key), verb)
            if speaker is not None and found and _relative_pronoun_speaker(seg, verb):
                speaker = found[0].actor  # "an arrangement that he said would have eased"
            if speaker is not None and speaker in cast.actors:
                found.append(Speech(seg.id, speaker, verb, attribution))
        if not found and previous is not None and _runs_on(view.text, previous, seg):
            found = [
                Speech(seg.id, s.actor, "", s.attribution) for s in cast.speech[previous.id][:1]
            ]
        if found:
            cast.speech[seg.id] = found
        previous = seg if found else None


def _gendered(cast: Cast, seg: SegmentLike, key: str, verb: str) -> str | None:
    """The speaker of a "he said" / "she said": the person the mentions read the pronoun
    as (the previous sentence's subject first, gender kept) when this sentence or the one
    before names that person; the registry's last person named otherwise, unless that one
    has the other gender: then no one known (an unnamed engineer's "she said")."""
    actor = cast.actors.get(key)
    if actor is None or actor.kind != "person" or not verb:
        return key
    for m in cast.mentions.get(seg.id, []):
        word = m.text.lower()
        want = "m" if word == "he" else "f" if word == "she" else None
        after = seg.text[m.end :]  # offsets are the segment's own
        before = seg.text[: m.start].rstrip()
        if before and not before.endswith((",", '"', "”")):
            continue  # the subject ("She said", "On Thursday, she said"), not "which she said"
        if not (
            m.how == "pronoun"
            and want
            and m.actor != key
            and re.match(rf"\s+(?:\w+\s+){{0,2}}{re.escape(verb)}\b", after)
        ):
            continue
        named = {
            n.actor
            for i in (seg.id - 1, seg.id)
            for n in cast.mentions.get(i, [])
            if n.how == "name"
        }
        if m.actor in named:
            return m.actor  # "Simon Varga, who ..., said ... He said": Varga
        if gender_of(actor) is not None and want != gender_of(actor):
            return None
    return key


def _relative_pronoun_speaker(seg: SegmentLike, verb: str) -> bool:
    """Whether ``verb`` is said by a "he"/"she" inside a relative clause ("..., an
    arrangement that he said would have eased ..."): the sentence's own speaker again."""
    return (
        re.search(rf"\b(?:that|which|who)\s+(?:he|she)\s+{re.escape(verb)}\b", seg.text) is not None
    )


def _runs_on(text: str, before: SegmentLike, seg: SegmentLike) -> bool:
    """Whether ``seg`` is a quotation that goes on from ``before`` (same paragraph, or a
    new paragraph that opens with a quotation mark after an open one)."""
    gap = text[before.end : seg.start]
    stripped = seg.text.lstrip()
    opens = stripped[:1] in QUOTES
    inside = sum(before.text.count(q) for q in '"“”') % 2 == 1
    if _QUOTED.sub(" ", seg.text) and _SAID_BY_SOMEONE.search(_QUOTED.sub(" ", seg.text)):
        return False  # '"...," the councillor said': someone the cast could not name speaks
    return ("\n\n" not in gap and (opens or inside)) or (inside and opens)


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_SAID_BY_SOMEONE = re.compile(
    r"\b(?:said|says|told|added|stated|wrote|explained|insisted|argued)\b", re.IGNORECASE
)
