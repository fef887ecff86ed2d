"""Who is who: the actors found so far, and how a name, a surname or a description
(*the union*, *she*) resolves to one of them.

The passes that fill the registry live in :mod:`.roles` (titles and appositives) and
:mod:`.speech` (subjects of speech and action verbs); :func:`.actors.find_actors` runs them
in order and then :meth:`ActorRegistry.settle` tidies the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.cast.lexicon import (
    BODY_FIRST,
    CAPITALS,
    COMPANY_HEADS,
    COUNTRIES,
    COUNTRY_NAMES,
    DEMONYMS,
    GOV_CUES,
    GOV_HEADS,
    NOT_COMPANY,
    ORG_CUES,
    PARTICLES,
    PRONOUNS,
    TITLES,
    WORD_RE,
    bare_word,
    demonym_forms,
    has_cue,
)
from summarizer.cast.names import ArticleView
from summarizer.cast.types import Kind

__all__ = ["ActorRegistry", "ActorState", "demonym_forms", "kind_of"]

# What only a state has: "Varholm's fisheries minister", "Lesmark's coastguard".
_STATE_NOUNS = (
    r"(?:minister|ministry|government|president|premier|parliament|coastguard|navy|army|"
    r"embassy|ambassador|cabinet|prime\s+minister|foreign\s+minister)\b"
)
_STATE_OF = re.compile(r"['’]s\s+(?:\w+\s+)?" + _STATE_NOUNS)
# Names of bodies that "the union" may stand for when no union is named as one.
_UNIONS = frozenset(["association", "federation", "guild", "syndicate", "confederation"])
# The words of a role that make its holder a country's or a body's leader.
_LEADERS = frozenset(["president", "minister", "chancellor", "premier", "leader", "king", "queen"])


@dataclass
class ActorState:
    name: str
    kind: Kind
    role: str = ""
    role_segment: int | None = None
    acts: list[int] = field(default_factory=list)
    speaks: list[int] = field(default_factory=list)
    mentions: int = 0
    first: int = 10**9
    aliases: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)  # capitalized titles written before the name
    gender: str | None = None  # "m" / "f" once a pronoun or a gendered title says so
    heads: set[str] = field(default_factory=set)  # body nouns written after it ("union")
    described: set[str] = field(default_factory=set)  # ... or before: "the consumer group X"


def kind_of(name: str, *, title: str = "", head: str = "") -> Kind:
    """The kind a name's own words say: a country (or its capital or other name), a body
    with a cue word or a body noun after it ("Port Halden Authority", "... Workers union"),
    a titled person, a person's two to four capitalized words; a lone word is a body."""
    words = name.split()
    if name in COUNTRIES or name in CAPITALS or name in COUNTRY_NAMES:
        return "country"
    if head:
        return "government" if head in GOV_HEADS else "organization"
    if has_cue(words, GOV_CUES):
        return "government"
    if has_cue(words, ORG_CUES):
        return "organization"
    if title:
        return "person"
    if len(words) == 1:
        # news introduces people by full name and shortens them to a surname, which
        # resolves to the person; a single name acting on its own is most often a body
        return "organization"
    if words[0] in BODY_FIRST:
        return "organization"  # "National Track", "United Nations": a body's first word
    if (
        2 <= len(words) <= 4
        and words[0][:1].isupper()
        and all(w[:1].isupper() or w in PARTICLES for w in words)
    ):
        return name_kind(name)
    return "other"


@lru_cache(maxsize=4096)
def name_kind(name: str) -> Kind:
    """A person's name or a company's, for two to four capitalized words with no title and
    no cue word ("Ana Ruiz", "Bayline Coaches"): probablepeople's CRF, trained on names;
    a person when it cannot tell."""
    import probablepeople

    try:
        _, kind = probablepeople.tag(name)
    except probablepeople.RepeatedLabelError:
        return "person"
    return "organization" if kind == "Corporation" else "person"


class ActorRegistry:
    """The actors of one article, keyed by their normalized full name."""

    def __init__(self, art: ArticleView) -> None:
        self.art = art
        self.actors: dict[str, ActorState] = {}  # key: normalized full name
        self.last_person: str | None = None  # the person last seen speaking or acting
        self.last_named: str | None = None  # the person last named
        self.last_plural: str | None = None
        self.last_seen: dict[str, int] = {}  # actor key -> the last segment that named it
        self.speech: dict[int, list[tuple[str, int, str]]] = {}  # seg -> (actor key, attr, verb)
        # every capitalized word of the article: the demonyms that make a name a country
        self.capwords = {
            w for seg in art.segments for w in WORD_RE.findall(seg.text) if w[:1].isupper()
        }

    def is_country(self, name: str) -> bool:
        """A country by the lists, or by its demonym written in the article ("Tarvania"
        when "Tarvanian" occurs)."""
        if name in COUNTRIES or name in CAPITALS or name in COUNTRY_NAMES:
            return True
        return " " not in name and bool(demonym_forms(name) & self.capwords)

    def country_of(self, demonym: str) -> str | None:
        """The registered country a demonym names ("Tarvanian" -> tarvania), or None."""
        for key, actor in self.actors.items():
            if actor.kind != "country":
                continue
            forms = {actor.name, *(a.title() for a in actor.aliases)}
            if any(demonym in demonym_forms(f) for f in forms):
                return key
            if DEMONYMS.get(demonym) in forms:
                return key
        return None

    # registry
    def register(self, name: str, kind: Kind, seg: int) -> str:
        key = name.lower()
        actor = self.actors.get(key)
        if actor is None:
            actor = self.actors[key] = ActorState(name=name, kind=kind, first=seg)
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
            if (  # "De Vries" for "Maarten de Vries"
                actor.kind == "person"
                and 1 < len(words) < len(parts)
                and parts[-len(words) :] == words
                and words[0] in PARTICLES
            ):
                return k
            if (
                actor.kind in ("organization", "government")
                and len(words) == 1
                and len(parts) > 1
                and parts[0] == words[0]
                and not self.is_state(name)
            ):
                return k
            if len(parts) == 1 and words and words[-1] == parts[0] and len(words) > 1:
                # a longer form seen after a short one: keep the longer as the name
                actor.aliases.add(k)
                actor.name = name
                self.actors[key] = self.actors.pop(k)
                return key
        return None

    def is_state(self, name: str) -> bool:
        """Whether the article gives a one-word name what only a state has ("Varholm's
        fisheries minister", "Lesmark's coastguard")."""
        text = self.art.text
        return (
            " " not in name
            and _STATE_OF.search(text) is not None
            and re.search(rf"\b{re.escape(name)}['’]s\s+(?:\w+\s+)?{_STATE_NOUNS}", text)
            is not None
        )

    def seen(self, key: str, seg: int) -> None:
        """Note that actor ``key`` was named in segment ``seg`` (descriptions resolve to the
        body named last)."""
        self.last_seen[key] = max(seg, self.last_seen.get(key, -1))

    def resolve_description(self, np: str, seg: int | None = None) -> str | None:
        """'the union' -> the Halden Dockworkers Union; 'the company' -> the company named
        last; 'the Ukrainian leader' -> the person with that role; 'he' -> the last person.
        With ``seg``, only actors named by then count."""
        words = np.lower().split()
        if not words:
            return None
        if len(words) == 1 and words[0] in PRONOUNS:
            if words[0] == "they":
                return self.last_plural
            return self.last_person or self.last_named
        if words[0] not in ("the", "its", "their"):
            return None
        head = bare_word(words[-1])
        best: tuple[tuple[int, int], str] | None = None
        for key, actor in self.actors.items():
            if seg is not None and actor.first > seg:
                continue
            seen = self.last_seen.get(key, actor.first)
            if actor.kind == "person":
                if head in TITLES and self._fits_person(actor, head, np.split()[1:-1]):
                    rank = (2, seen)
                else:
                    continue
            elif actor.kind not in ("organization", "government"):
                continue
            elif (
                head in actor.heads
                or head in actor.described
                or (head in key.split() and not actor.heads)
            ):
                # a body noun written after the name is what it is: "the Social Union
                # party" is a party, not "the union"
                rank = (2, seen)
            elif head == "union" and actor.kind == "organization" and set(key.split()) & _UNIONS:
                rank = (1, seen)  # a union by another name: "the Association of ... Pilots"
            elif (
                head in COMPANY_HEADS
                and actor.kind == "organization"
                and not actor.heads
                and not has_cue(actor.name.split(), NOT_COMPANY)
            ):
                # "the company": the company the story is about (most named so far)
                rank = (1, actor.mentions + len(actor.acts))
            else:
                continue
            if best is None or rank > best[0]:
                best = (rank, key)
        return best[1] if best else None

    def _fits_person(self, actor: ActorState, head: str, modifiers: list[str]) -> bool:
        """Whether 'the <modifiers> <head>' describes this person: the head is a word of
        the person's role ("the prosecutor"), or "leader" for a head of state or government,
        and a modifier naming a country is the country of the role ("the Ukrainian leader"
        for "Ukraine's leader", "the US leader" for "US President")."""
        role = [bare_word(w) for w in [*(actor.role or "").split(), *actor.titles]]
        if head not in role and not (head == "leader" and set(role) & _LEADERS):
            return False
        for word in modifiers:
            if not word[:1].isupper():
                continue
            country = DEMONYMS.get(word) or COUNTRY_NAMES.get(word) or word
            forms = {bare_word(country), bare_word(word)} | {
                bare_word(c) for c in (DEMONYMS.get(word),) if c
            }
            stem = [bare_word(w) for w in role]
            if not forms & set(stem) and not any(
                bare_word(word) in {d.lower() for d in demonym_forms(w.title())} for w in stem
            ):
                return False
        return True

    def settle(self) -> None:
        """After the passes: reclassify shortened organizations and people, merge short
        keys, and fold a country's capital and other names into the country."""
        self._organizations_by_first_word()
        self._persons_by_last_word()
        self._merge_short_forms()
        self._merge_countries()

    def _persons_by_last_word(self) -> None:
        # "Emil Varda ... Varda said": a name shortened to its last word is a person
        alone = {n.text for names in self.art.names.values() for n in names if " " not in n.text}
        for actor in self.actors.values():
            words = actor.name.split()
            if (
                actor.kind in ("organization", "other")
                and not actor.heads
                and len(words) > 1
                and words[-1] in alone
                and words[0] not in alone
                and not has_cue(words, ORG_CUES | GOV_CUES)
            ):
                actor.kind = "person"

    def _merge_countries(self) -> None:
        """'Moscow', 'Washington', 'US' are Russia and the United States when the article
        names those too: one actor, the country's name, the others as aliases."""
        for key in list(self.actors):
            actor = self.actors[key]
            country = CAPITALS.get(actor.name) or COUNTRY_NAMES.get(actor.name)
            if country is None or country.lower() not in self.actors or key == country.lower():
                continue
            self.merge(key, country.lower())

    def merge(self, key: str, into: str) -> None:
        """Fold actor ``key`` into actor ``into``: its segments, mentions and aliases."""
        actor, target = self.actors[key], self.actors[into]
        target.acts = sorted({*target.acts, *actor.acts})
        target.speaks = sorted({*target.speaks, *actor.speaks})
        target.mentions += actor.mentions
        target.aliases |= {key, *actor.aliases}
        target.heads |= actor.heads
        target.described |= actor.described
        target.first = min(target.first, actor.first)
        if not target.role and actor.role:
            target.role, target.role_segment = actor.role, actor.role_segment
        del self.actors[key]
        for found in self.speech.values():
            found[:] = list(dict.fromkeys((into if k == key else k, a, v) for k, a, v in found))

    def _organizations_by_first_word(self) -> None:
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

    def _merge_short_forms(self) -> None:
        """A one-word actor that starts or ends exactly one organization's name is that
        organization; one that ends exactly one person's name (and no body's) is that person."""
        for key in list(self.actors):
            actor = self.actors[key]
            if " " in key or actor.role:
                continue
            if self.is_state(actor.name):
                actor.kind = "country"  # "Varholm's fisheries minister": a state, not the
                continue  # "Varholm Fishermen's Association" its name begins
            longer = [
                k
                for k, a in self.actors.items()
                if (k.startswith(key + " ") or k.endswith(" " + key))
                and a.kind in ("organization", "government")
            ]
            if len(longer) == 1:
                self.merge(key, longer[0])
                continue
            # "Pym told the inquiry", read before "a former engineer, Gareth Pym," was
            people = [
                k for k, a in self.actors.items() if a.kind == "person" and k.endswith(" " + key)
            ]
            if not longer and len(people) == 1:
                self.merge(key, people[0])

    def attribution_segment(self, key: str, seg_id: int) -> int:
        """The latest segment up to ``seg_id`` that names the actor (for a pronoun)."""
        actor = self.actors[key]
        names = {actor.name.lower(), *actor.aliases, actor.name.split()[-1].lower()}
        for seg in reversed([s for s in self.art.segments if s.id <= seg_id]):
            low = seg.text.lower()
            if any(re.search(rf"\b{re.escape(n)}\b", low) for n in names):
                return seg.id
        return seg_id
