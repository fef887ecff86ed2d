"""Mentions: every place a segment refers to an actor, names and references resolved.

Run after the actors are known (:mod:`.roles`, :mod:`.speech`), segment by segment in
reading order, so that a reference resolves to what a reader has met so far:

- a **name** or a **surname** (*Ana Ruiz*, *Ruiz*), an acronym (*ICES*);
- a **pronoun**: *he*/*she*/*him*/*her*/*his* to the person last in focus whose gender does
  not contradict it (the speaker or subject of the sentences just read first), *they*/*its*
  /*their* to the last organization or group;
- a **description**: *the governor*, *the union*, *the company's chief executive*, *its
  chair*, *the two sides*: to the actor whose role or name holds the head noun (a person's
  role: *the prosecutor* is the person introduced as a prosecutor; an organization's name:
  *the union* is the Halden Dockworkers Union), the most recently met first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.cast.lexicon import GROUP_HEADS, ORG_HEADS, QUOTES, TITLES, bare_word
from summarizer.cast.names import ArticleView
from summarizer.cast.registry import ActorRegistry, ActorState

__all__ = ["FEMALE", "MALE", "Mention", "lookup", "read_mentions"]

MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
_PLURAL = frozenset({"they", "them", "their", "theirs", "its", "it"})
_GENDERED_TITLES = {
    "mr": "m", "mr.": "m", "sir": "m", "king": "m", "prince": "m", "spokesman": "m",
    "chairman": "m", "councilman": "m", "congressman": "m", "father": "m", "lord": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "dame": "f", "queen": "f",
    "princess": "f", "spokeswoman": "f", "chairwoman": "f", "councilwoman": "f",
    "congresswoman": "f", "mother": "f", "lady": "f",
}  # fmt: skip
_REF = re.compile(
    r"\b(?:(?P<desc>(?:the|its|their|his|her)\s+(?:[\w’'\-]+\s+){0,3}[\w\-]+)"
    r"|(?P<pron>he|she|him|her|his|hers|they|them|their|its)\b)",
    re.IGNORECASE,
)
_OF = re.compile(r"\s+of\s+(?:the\s+)?")
_DET = re.compile(r"\b(?:the|its|their|his|her|he|she|him|hers|they|them)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference to an actor: where in the segment, as written, and how it refers."""

    segment: int
    start: int  # offset in the segment's text
    end: int
    text: str
    actor: str  # the actor's registry key
    how: str  # "name", "pronoun" or "description"


def gender_of(actor: ActorState) -> str | None:
    """'m' or 'f' from a title or role word (Mrs, spokeswoman), else what pronouns said."""
    for word in (actor.role or "").split() + actor.titles:
        found = _GENDERED_TITLES.get(word.lower())
        if found:
            return found
    return actor.gender


class _Focus:
    """Who a reader has in mind: actors in the order last met, people and bodies apart, and
    the people of the last sentences in the order each sentence names them (its subject
    first)."""

    def __init__(self) -> None:
        self.people: list[str] = []
        self.bodies: list[str] = []
        self.sentences: list[list[str]] = []
        self.last_words: frozenset[str] = frozenset()  # of the bodies' names

    def met(self, key: str, actor: ActorState) -> None:
        row = self.people if actor.kind == "person" else self.bodies
        if key in row:
            row.remove(key)
        row.append(key)


def read_mentions(ex: ActorRegistry) -> dict[int, list[Mention]]:
    """Every mention of every segment, in reading order."""
    art = ex.art
    focus = _Focus()
    focus.last_words = _last_words(ex)
    out: dict[int, list[Mention]] = {}
    for seg in art.segments:
        found = _names(ex, art, seg.id)
        taken = [(m.start, m.end) for m in found]
        for start in _DET.finditer(seg.text):
            m = _REF.match(seg.text, start.start())
            if m is None or any(s <= start.start() < e for s, e in taken):
                continue
            if m.group("desc") and any(start.start() < s < m.end() for s, _ in taken):
                continue  # "the Port Halden Authority": the name is the mention
            if m.group("desc") and any(w[:1].isupper() for w in m.group("desc").split()[1:3]):
                continue  # "the 84-turbine Skerry Bank": a name, not a description
            mention = _reference(ex, focus, seg.id, m, found)
            if mention is not None:
                found.append(mention)
                taken.append((mention.start, mention.end))
        found.sort(key=lambda m: m.start)
        for mention in found:
            focus.met(mention.actor, ex.actors[mention.actor])
        people = [m.actor for m in found if ex.actors[m.actor].kind == "person"]
        if people:
            focus.sentences = [list(dict.fromkeys(people)), *focus.sentences[:2]]
        out[seg.id] = found
    return out


def lookup(ex: ActorRegistry, name: str) -> str | None:
    """The actor a written name stands for, without changing the registry: the key itself,
    a recorded alias, a person's surname, an organization's first word."""
    key = name.lower()
    if key in ex.actors:
        return key
    for k, actor in ex.actors.items():
        if key in actor.aliases:
            return k
    words = key.split()
    if len(words) != 1:
        return None
    people = [k for k, a in ex.actors.items() if a.kind == "person" and k.split()[-1] == key]
    if len(people) == 1:
        return people[0]
    bodies = [
        k for k, a in ex.actors.items()
        if a.kind in ("organization", "government") and len(k.split()) > 1
        and k.split()[0] == key
    ]  # fmt: skip
    return bodies[0] if len(bodies) == 1 else None


def _names(ex: ActorRegistry, art: ArticleView, seg_id: int) -> list[Mention]:
    found = []
    for name in art.names[seg_id]:
        of = _OF.search(name.text)
        if of and lookup(ex, name.text[: of.start()]) and lookup(ex, name.text[of.end() :]):
            # "Ana Ruiz of the Harbour Trust": the person, and the body she speaks for
            left, right = name.text[: of.start()], name.text[of.end() :]
            person, body = lookup(ex, left), lookup(ex, right)
            assert person is not None and body is not None
            found.append(Mention(seg_id, name.start, name.start + len(left), left, person, "name"))
            found.append(Mention(seg_id, name.end - len(right), name.end, right, body, "name"))
            continue
        key = lookup(ex, name.text)
        if key is not None:
            found.append(Mention(seg_id, name.start, name.end, name.text, key, "name"))
    return found


def _inside_quote(text: str, at: int) -> bool:
    return sum(text.count(q, 0, at) for q in '"“”') % 2 == 1


def _reference(
    ex: ActorRegistry, focus: _Focus, seg_id: int, m: re.Match[str], found: list[Mention]
) -> Mention | None:
    text = ex.art.texts[seg_id]
    if _inside_quote(text, m.start()):
        return None  # "we", "he" inside a quotation belong to the speaker's own story
    if m.group("pron"):
        word = m.group("pron").lower()
        key = _pronoun(ex, focus, word, found, m.start())
        if key is None:
            return None
        return Mention(seg_id, m.start(), m.end(), m.group(), key, "pronoun")
    desc = m.group("desc")
    words = desc.split()
    owner = next((k for k, w in enumerate(words) if w.endswith(("'s", "’s"))), None)
    if owner is not None and owner >= 1:  # "the board's chief investigator": the board
        phrase = " ".join(words[: owner + 1])
        key, end = _description(ex, focus, phrase, found, m.start(), bodies_only=True)
        if key is not None:
            return Mention(seg_id, m.start(), m.start() + end, desc[:end], key, "description")
    key, end = _description(ex, focus, desc, found, m.start())
    if key is not None:
        return Mention(seg_id, m.start(), m.start() + end, m.group()[:end], key, "description")
    word = m.group().split()[0]
    if word.lower() not in ("its", "their", "his", "her"):
        return None
    key = _pronoun(ex, focus, word.lower(), found, m.start())  # a possessive on its own
    if key is None:
        return None
    return Mention(seg_id, m.start(), m.start() + len(word), word, key, "pronoun")


def _pronoun(
    ex: ActorRegistry, focus: _Focus, word: str, found: list[Mention], at: int
) -> str | None:
    if word in _PLURAL:
        # "its"/"their": the last body named before, in this sentence or earlier
        here = [m.actor for m in found if m.end <= at and ex.actors[m.actor].kind != "person"]
        return here[-1] if here else (focus.bodies[-1] if focus.bodies else None)
    want = "m" if word in MALE else "f"
    here = [m.actor for m in found if m.end <= at and ex.actors[m.actor].kind == "person"]
    # this sentence's people (the nearest first), then each earlier sentence's in the order
    # it names them (its subject first), then anyone met before
    earlier = [k for people in focus.sentences for k in people]
    for key in dict.fromkeys([*reversed(here), *earlier, *reversed(focus.people)]):
        actor = ex.actors[key]
        gender = gender_of(actor)
        if gender is None or gender == want:
            if gender is None:
                actor.gender = want  # the first pronoun that refers to someone says it
            return key
    return None


def _description(
    ex: ActorRegistry,
    focus: _Focus,
    phrase: str,
    found: list[Mention],
    at: int,
    *,
    bodies_only: bool = False,
) -> tuple[str | None, int]:
    """The actor a description such as 'the union' or 'its chief executive' names, and
    the length of the phrase that names it."""
    words = phrase.split()
    # the head noun: the longest prefix that ends in a title or an organization head and
    # names a known actor ("the federation and the developer" -> "the federation")
    for n in range(len(words), 1, -1):
        if any(c in w for w in words[1:n] for c in QUOTES):
            continue
        head = bare_word(words[n - 1])
        named = head in focus.last_words  # "the forum": the Rail Users Forum
        if bodies_only and head not in ORG_HEADS and head not in GROUP_HEADS and not named:
            continue
        if head in TITLES or head in ORG_HEADS or head in GROUP_HEADS or named:
            key = _by_head(ex, focus, head, words[0].lower(), found, at)
            if key is not None:
                return key, len(" ".join(words[:n]))
    return None, 0


def _last_words(ex: ActorRegistry) -> frozenset[str]:
    """The last words of the bodies' names ("forum", "trust", "accord")."""
    return frozenset(
        bare_word(a.name.split()[-1])
        for a in ex.actors.values()
        if a.kind != "person" and len(a.name.split()) > 1 and not is_description(a.name)
    )


def _by_head(
    ex: ActorRegistry, focus: _Focus, head: str, det: str, found: list[Mention], at: int
) -> str | None:
    order = [m.actor for m in found if m.end <= at]
    recent = [*reversed(order), *reversed(focus.people), *reversed(focus.bodies)]
    recent += [k for k in ex.actors if k not in recent]
    for key in dict.fromkeys(recent):
        actor = ex.actors[key]
        if is_description(actor.name):
            continue  # "the company" registered as an actor is not a name to match
        if actor.kind == "person":
            if head in TITLES and head in {bare_word(w) for w in (actor.role or "").split()}:
                return key
        elif head in {bare_word(w) for w in key.split()}:
            return key
    if head in GENERIC_BODIES:  # "the company": the last business named
        for key in dict.fromkeys(recent):
            actor = ex.actors[key]
            words = {bare_word(w) for w in key.split()}
            if (
                actor.kind == "organization"
                and not is_description(actor.name)
                and not words & (ORG_HEADS - GENERIC_BODIES)
            ):
                return key
    for key in dict.fromkeys(recent):  # "the government" as the article left it
        actor = ex.actors[key]
        if is_description(actor.name) and bare_word(actor.name.split()[-1]) == head:
            return key
    return None


GENERIC_BODIES = frozenset(
    {
        "company", "firm", "developer", "operator", "group", "business", "carrier", "lender",
        "insurer", "retailer", "manufacturer", "utility", "employer", "airline", "bank",
    }
)  # fmt: skip
"""Heads that name any business: "the company" is the last business the article named."""


@lru_cache(maxsize=4096)
def is_description(name: str) -> bool:
    """Whether a registered name is a description ("the company"), not a name."""
    words = name.split()
    return (
        len(words) >= 2
        and words[0].lower() in ("the", "its", "their")
        and all(w.islower() for w in words[1:])
    )
