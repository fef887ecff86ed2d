"""Who is who: the actors found so far, and how a name, a surname or a description
(*the union*, *she*) resolves to one of them.

The passes that fill the registry live in :mod:`.roles` (titles and appositives) and
:mod:`.speech` (subjects of speech and action verbs); :func:`.actors.find_actors` runs them
in order and then :meth:`ActorRegistry.settle` tidies the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.cast.lexicon import COUNTRIES, GOV_CUES, ORG_CUES, PRONOUNS, bare_word, has_cue
from summarizer.cast.names import ArticleView
from summarizer.cast.types import Kind

__all__ = ["ActorRegistry", "ActorState", "kind_of"]


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


def kind_of(name: str, *, title: str = "") -> Kind:
    words = name.split()
    if name in COUNTRIES:
        return "country"
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
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "person"
    return "other"


class ActorRegistry:
    """The actors of one article, keyed by their normalized full name."""

    def __init__(self, art: ArticleView) -> None:
        self.art = art
        self.actors: dict[str, ActorState] = {}  # key: normalized full name
        self.last_person: str | None = None
        self.last_plural: str | None = None
        self.speech: dict[int, list[tuple[str, int, str]]] = {}  # seg -> (actor key, attr, verb)

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
        if len(words) == 1 and words[0] in PRONOUNS:
            return self.last_person if words[0] != "they" else self.last_plural
        if words[0] not in ("the", "its", "their"):
            return None
        head = bare_word(words[-1])
        best: tuple[int, str] | None = None
        for key, actor in self.actors.items():
            if actor.kind in ("organization", "government") and head in key.split():
                rank = actor.first
                if best is None or rank > best[0]:
                    best = (rank, key)
        return best[1] if best else None

    def settle(self) -> None:
        """After the passes: reclassify shortened organizations and merge short keys."""
        self._organizations_by_first_word()
        self._merge_short_forms()

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
        """A one-word actor that starts exactly one organization's name is that organization."""
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

    def attribution_segment(self, key: str, seg_id: int) -> int:
        """The latest segment up to ``seg_id`` that names the actor (for a pronoun)."""
        actor = self.actors[key]
        names = {actor.name.lower(), *actor.aliases, actor.name.split()[-1].lower()}
        for seg in reversed([s for s in self.art.segments if s.id <= seg_id]):
            low = seg.text.lower()
            if any(re.search(rf"\b{re.escape(n)}\b", low) for n in names):
                return seg.id
        return seg_id
