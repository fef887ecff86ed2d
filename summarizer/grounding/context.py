"""Who the cited sentences are about and who says them: the article's cast, as a claim sees it.

A claim is checked against the sentences it cites, but those sentences are read as a reader
reads them, in the article: "He said" is the person the article last spoke of, "the union"
is the union it named, "its chair" is the chair of the body before. :class:`Context` holds,
for the segments one item cites, the actors they refer to (names, pronouns and descriptions
resolved by :mod:`summarizer.cast`) and the actors who speak in them, so that

- a name the claim uses is covered when the cited sentences refer to that actor, by any
  of the words the article uses for it ("Governor Ana Ruiz" for "the governor");
- a stance, a side or a role is attributed to its actor when that actor (or the body it
  speaks for) speaks in, or is the subject of, a cited sentence; and it is *contradicted*
  when the cited sentences give it to someone else;
- a claim that says who said something ("Okafor says ...") is contradicted when the cited
  sentence has another speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from summarizer.cast import Cast
from summarizer.cast.lexicon import ORG_HEADS, SPEECH, TITLES, bare_word
from summarizer.output.names import acronym, fold, name_key

__all__ = ["Context", "claim_sources_with_words", "claim_speakers"]

_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:of\s+(?:the\s+)?|de\s+|van\s+|von\s+)?[A-Z][\w'’.\-]*)*"
_SPEECH = "|".join(sorted(SPEECH | {"wants", "demands", "argues", "believes", "says"}))
_CLAIM_BEFORE = re.compile(rf"({_NAME})(?:'s?)?,?\s+(?:\w+ly\s+)?(?:{_SPEECH})\b")
_CLAIM_AFTER = re.compile(rf"[,\"”]\s*(?:{_SPEECH}),?\s+({_NAME})")
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+(?:the\s+)?({_NAME})")


_AGENTS_FOR = re.compile(
    r"^(?:lawyers?|attorneys?|counsel|solicitors?|barristers?|representatives?|advisers?|"
    r"spokes(?:man|woman|men|women|people|person))\s+(?:for|of)\s+(.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Context:
    """The cast of the article and the segments one item cites."""

    cast: Cast
    segments: tuple[int, ...]

    @cached_property
    def refers(self) -> tuple[str, ...]:
        """Actors the cited segments name, refer to or hear speak, in order."""
        keys: list[str] = []
        for s in self.segments:
            keys += self.cast.refers(s)
        return tuple(dict.fromkeys(keys))

    @cached_property
    def speakers(self) -> tuple[str, ...]:
        """Actors who speak or act in the cited segments."""
        keys: list[str] = []
        for s in self.segments:
            keys += self.cast.agents(s)
        return tuple(dict.fromkeys(keys))

    @cached_property
    def words(self) -> frozenset[str]:
        """Lower-case words that stand for an actor the cited segments refer to: its names,
        aliases, role and titles (the article's own words for it)."""
        out: set[str] = set()
        for key in self.refers:
            out |= self.forms(key)
        return frozenset(out)

    @cached_property
    def nearby(self) -> tuple[str, ...]:
        """The sentences right before and after the cited ones, in the same paragraph: the
        context a reader reads them in ("He added that ..." after the sentence that says
        what he was talking about)."""
        view = self.cast.view
        order = [s.id for s in view.segments]
        spans = {s.id: (s.start, s.end) for s in view.segments}
        out: list[str] = []
        for seg in self.segments:
            if seg not in spans:
                continue
            at = order.index(seg)
            for other in (
                order[at - 1] if at else None,
                order[at + 1] if at + 1 < len(order) else None,
            ):
                if other is None or other in self.segments:
                    continue
                a, b = sorted((spans[seg], spans[other]))
                if "\n\n" not in view.text[a[1] : b[0]]:
                    out.append(view.texts[other])
        return tuple(dict.fromkeys(out))

    def forms(self, key: str) -> frozenset[str]:
        actor = self.cast.actors[key]
        words = set(self.cast.forms(key))
        words |= {bare_word(w) for w in (actor.role or "").split() if w[:1].isupper()}
        return frozenset(words)

    def in_article(self, word: str) -> bool:
        """Whether a capitalized word occurs anywhere in the article."""
        return re.search(rf"\b{re.escape(word)}\b", self.cast.view.text) is not None

    def forms_of_subject(self, name: str) -> frozenset[str]:
        """The words of an actor and of the body it speaks for (what its role may say)."""
        key = self.resolve(name)
        if key is None:
            return frozenset()
        body = self.cast.affiliation.get(key)
        return self.forms(key) | (self.forms(body) if body else frozenset())

    def resolve(self, name: str) -> str | None:
        return self.cast.resolve(name)

    def linked(self, a: str, b: str) -> bool:
        """Whether actor ``a`` speaks for or belongs to ``b`` (or is ``b``): a person whose
        role names the body ("the authority's chief executive", "chair of the Harbour
        Trust"), or a body whose only such person it is."""
        if a == b or self.same(a, b):
            return True
        return self._member(a, b) or self._member(b, a)

    def same(self, a: str, b: str) -> bool:
        """Whether two of the cast's actors are one: a description the cast tied to a name
        ("the union"), or an acronym and the name it stands for ("NUE", "National Union of
        Educators")."""
        same_as = self.cast.same_as
        if same_as.get(a, a) == same_as.get(b, b):
            return True
        x, y = self.cast.actors[a], self.cast.actors[b]
        for short, long in ((x, y), (y, x)):
            written = short.name.strip()
            initials = written.isupper() and len(written) >= 2 and " " not in written
            if initials and acronym(name_key(long.name)) == written.lower():
                return True
            if written.lower() in {w.lower() for w in long.aliases}:
                return True
        return False

    def _member(self, person: str, body: str) -> bool:
        p, o = self.cast.actors[person], self.cast.actors[body]
        agent = _AGENTS_FOR.match(p.name)
        if agent is not None and o.kind != "person":  # "Lawyers for Holloway": for the company
            named = fold(agent.group(1))
            return named in fold(o.name) or fold(o.name) in named
        if p.kind != "person" or o.kind == "person":
            return False
        if self.cast.affiliation.get(person) == body:
            return True
        if not p.role:
            return False
        role = fold(p.role)
        name = fold(o.name)
        if name and name in role:
            return True
        head = name.split()[-1] if name else ""
        if head in ORG_HEADS and re.search(rf"\b{re.escape(head)}\b", role):
            same_head = [
                k for k, a in self.cast.actors.items()
                if a.kind != "person" and fold(a.name).split()[-1:] == [head]
            ]  # fmt: skip
            return same_head == [body]
        return False

    def attributes_to(self, key: str, claim: str = "", *, reported: bool = True) -> bool:
        """Whether the cited segments give what they say to ``key``: it (or one it speaks
        for, or who speaks for it) speaks in one of them, or, in a segment without a
        speaker, is its first actor; or it is the subject of what a speaker reports
        ("Brandt said the authority was willing ..."). In a sentence where two speak
        ("Ashby said ..., while Kerr said ..."), it must speak the part that says
        ``claim``. ``reported=False``: only who speaks counts (a claim that names its
        source: "Mulgrew said ..." is not said by Mulgrew when Aziz said Mulgrew had ...)."""
        for s in self.segments:
            speakers = self.cast.agents(s)
            mentions = self.cast.mentions.get(s, [])
            if claim and len(set(self.cast.speakers(s))) > 1:
                owner = self._clause_speaker(s, claim)
                if owner is not None:
                    if self.linked(key, owner):
                        return True
                    continue
            if any(self.linked(key, k) for k in speakers):
                return True
            if not speakers and mentions and self.linked(key, mentions[0].actor):
                return True
            if reported and speakers and self._reported_subject(s, key):
                return True  # a stance, not a claim that names who said it
        return False

    def _clause_speaker(self, segment: int, claim: str) -> str | None:
        """Who speaks the part of a two-speaker sentence that the claim's words are from:
        each speaker's part runs from their name to the next speaker's; None when no part
        has clearly more of the claim's words (the whole sentence quoted has no one owner)."""
        from summarizer.grounding.analysis import analyze
        from summarizer.grounding.words import STEM, TOKSTOP

        text = self.cast.view.texts.get(segment, "")
        starts: list[tuple[int, str]] = []
        for sp in self.cast.speech.get(segment, []):
            at = [m.start for m in self.cast.mentions.get(segment, []) if m.actor == sp.actor]
            if at and sp.actor not in [k for _, k in starts]:
                starts.append((min(at), sp.actor))
        starts.sort()
        if len(starts) < 2:
            return None
        names = {w for _, k in starts for w in self.forms(k)}
        wanted = {
            p[STEM] for p, low in zip(analyze(claim, "en", True).props,
                                      analyze(claim, "en", True).low, strict=True)
            if not p[TOKSTOP] and low not in names
        }  # fmt: skip
        stems = []
        for n, (start, _key) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
            begin = 0 if n == 0 else start
            part = analyze(text[begin:end], "en", False)
            stems.append({p[STEM] for p in part.props if not p[TOKSTOP]})
        scores = []
        whole = True
        for n, (_start, key) in enumerate(starts):
            # a word every part has ("said", "would not") tells the parts apart not at all
            own = stems[n].difference(*(x for m, x in enumerate(stems) if m != n))
            scores.append((len(wanted & own), key))
            whole = whole and len(wanted & own) >= 0.6 * len(own)
        if whole:
            return None  # the sentence quoted whole: each speaker's part is in it
        scores.sort(reverse=True)
        best, second = scores[0][0], scores[1][0]
        # one part's words, the others' a word at most or under half as many; a claim that
        # quotes the whole sentence has no one owner (each speaker's part is in it)
        if best >= 2 and (second <= 1 or 2 * second < best):
            return scores[0][1]
        return None

    def _reported_subject(self, segment: int, key: str) -> bool:
        """Whether ``key`` is the first actor mentioned after the speaker's verb."""
        text = self.cast.view.texts.get(segment, "")
        speech = self.cast.speech.get(segment, [])
        mentions = self.cast.mentions.get(segment, [])
        for sp in speech:
            if not sp.verb:
                continue
            own = [x.end for x in mentions if x.actor == sp.actor]
            m = re.compile(rf"\b{re.escape(sp.verb)}\b").search(text, own[0] if own else 0)
            if m is None:
                continue
            after = [x for x in mentions if x.start >= m.end() and x.actor != sp.actor]
            if after and after[0].actor == key and after[0].start - m.end() <= 12:
                return True
        return False

    def others(self, key: str) -> list[str]:
        """The speakers of the cited segments that are not ``key`` nor linked to it."""
        return [k for k in self.speakers if not self.linked(key, k)]

    def name_of(self, key: str) -> str:
        return self.cast.actors[key].name


def claim_sources_with_words(claim: str) -> list[tuple[str, str]]:
    """(name, what the claim says that name says) for each "X says ..." of a claim: the
    words after the verb, to the next clause ("; ", ", and ")."""
    out = []
    for m in _CLAIM_BEFORE.finditer(claim):
        words = [w for w in m.group(1).split() if bare_word(w) not in TITLES]
        said = re.split(r";|,\s+(?:and|but|while)\s+", claim[m.end() :])[0]
        if words:
            out.append((" ".join(words), said))
    return out


def claim_speakers(claim: str) -> list[str]:
    """Names a claim gives as the source of what it reports: "Okafor says ...", "..., said
    the minister Elena Varga", "according to the ministry"."""
    found = [m.group(1) for m in _CLAIM_BEFORE.finditer(claim)]
    found += [m.group(1) for m in _CLAIM_AFTER.finditer(claim)]
    found += [m.group(1) for m in _ACCORDING.finditer(claim)]
    out = []
    for name in found:
        words = [w for w in name.split() if bare_word(w) not in TITLES]
        if words:
            out.append(" ".join(words))
    return out
