"""Actor candidates for articles that are not English: names as runs of capitalized words.

The English proposers read speech verbs, titles and appositives (:mod:`.speech`,
:mod:`.roles`); for other languages the program has no such word lists, so it offers only
what any cased script shows (Latin, Cyrillic, Greek, Armenian): a run of two to four
capitalized words (*Олег Тарасов*, *Bruno Bernard*, *Ayuntamiento de Valencia*). A word at
a sentence start counts only when the article also capitalizes it elsewhere. No role is
given (it would need the language's grammar); the kind is read from how the article
shortens the name: a recurring last word (*Тарасов*, *Тарасова*) is a person's surname, a
recurring first word a body's short name, otherwise ``other``.

A language that capitalizes every noun (German, Luxembourgish) makes a capitalized run
no sign of a name (*Die Brücke*, *Millionen Euro*): when over a quarter of the words inside
sentences are capitalized, no names are offered.

Scripts without case (Arabic, Hebrew, Chinese, Japanese, Thai...) give no candidates: a
name cannot be told from any other word there without a model or a list of names, so a
brief of such an article has no actors on this path (docs/languages.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from summarizer.cast.lexicon import PARTICLES, QUOTES, WORD_RE
from summarizer.cast.names import ArticleView, strip_dateline
from summarizer.extract.data import ActorCandidate, Kind, SegmentLike
from summarizer.extract.lexicon import slug

__all__ = ["capitalizes_nouns", "cased_actors"]

_MAX_WORDS = 4
# Over this share of capitalized words inside sentences, capitals mark nouns, not names
# (German news: about a third; English, French, Spanish, Russian: 4 to 15%).
_NOUN_CAPITALS = 0.25


@dataclass
class _Name:
    text: str
    first: int  # the first segment that states it
    segments: set[int]


def _is_capital(word: str) -> bool:
    return word[0].isupper()


def _runs(text: str) -> list[tuple[int, list[re.Match[str]]]]:
    """Runs of capitalized words (particles inside) joined by single spaces, with the offset
    of the sentence's first word (to tell a sentence start)."""
    skip = strip_dateline(text)
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for m in WORD_RE.finditer(text, skip):
        word = m.group()
        joined = bool(current) and text[current[-1].end() : m.start()] == " "
        if _is_capital(word) and (joined or not current):
            current.append(m)
        elif _is_capital(word):
            runs.append(current)
            current = [m]
        elif joined and word in PARTICLES:
            current.append(m)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [(skip, run) for run in runs if run]


def _alone(art: ArticleView) -> set[str]:
    """Capitalized words that end a name somewhere in the article (*Мэр Казани объявил*):
    before another capitalized word elsewhere, such a word is a name of its own."""
    return {run[-1].group() for seg in art.segments for _, run in _runs(seg.text)}


def _names_in(art: ArticleView, seg: SegmentLike, alone: set[str]) -> list[str]:
    found: list[str] = []
    for skip, run in _runs(seg.text):
        before = seg.text[skip : run[0].start()].rstrip()
        initial = not before or before[-1] in QUOTES + ":—–-(«„"
        words = list(run)
        if initial and words[0].group() not in art.midcaps:
            words.pop(0)  # a sentence's first word, capitalized only there
        while words and not _is_capital(words[-1].group()):
            words.pop()  # a particle cannot end a name
        while words and not _is_capital(words[0].group()):
            words.pop(0)
        capitals = sum(_is_capital(w.group()) for w in words)
        while capitals > 2 and words[0].group() in alone:
            # "мэр Казани Ильсур Метшин": a leading word that ends a name elsewhere (a
            # place in the genitive) is a name of its own
            words.pop(0)
            capitals -= 1
        if 2 <= capitals <= _MAX_WORDS and not any(w.group().isdigit() for w in words):
            found.append(seg.text[words[0].start() : words[-1].end()])
    return found


def _shortened(art: ArticleView, word: str, full: str) -> int:
    """Segments that use ``word`` (or an inflected form: same first letters) without the
    full name: how the article shortens the name."""
    stem = word[: max(4, len(word) - 2)]
    pattern = re.compile(rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)")
    return sum(1 for seg in art.body if pattern.search(seg.text.replace(full, " ")) is not None)


def _kind(art: ArticleView, name: str) -> Kind:
    words = [w for w in name.split() if _is_capital(w)]
    last, first = _shortened(art, words[-1], name), _shortened(art, words[0], name)
    if last > first:
        return "person"
    if first > last:
        return "organization"
    return "other"


def capitalizes_nouns(art: ArticleView) -> bool:
    """Whether capitals inside sentences are too common to mark names (German nouns)."""
    inside = [m.group()[0] for seg in art.body for m in list(WORD_RE.finditer(seg.text))[1:]]
    cased = [c for c in inside if c.isupper() or c.islower()]
    return bool(cased) and sum(c.isupper() for c in cased) / len(cased) > _NOUN_CAPITALS


def cased_actors(art: ArticleView) -> list[ActorCandidate]:
    """Names of two to four capitalized words in the body, ranked by how often the article
    names them (full or shortened) and how early."""
    if capitalizes_nouns(art):
        return []
    names: dict[str, _Name] = {}
    alone = _alone(art)
    for seg in art.body:
        for text in _names_in(art, seg, alone):
            key = text.casefold()
            if key not in names:
                names[key] = _Name(text, seg.id, set())
            names[key].segments.add(seg.id)
    out: list[ActorCandidate] = []
    used: Counter[str] = Counter()
    for n in names.values():
        kind = _kind(art, n.text)
        mentions = len(n.segments) + max(
            _shortened(art, n.text.split()[0], n.text), _shortened(art, n.text.split()[-1], n.text)
        )
        ident = slug(n.text)
        used[ident] += 1
        if used[ident] > 1:
            ident = f"{ident[:37]}-{used[ident]}"
        out.append(
            ActorCandidate(
                id=ident,
                name=n.text,
                kind=kind,
                role="",
                evidence=(n.first,),
                acts=tuple(sorted(n.segments)),
                score=round(mentions + 1.0 / (1 + n.first), 3),
            )
        )
    out.sort(key=lambda a: (-a.score, a.evidence[0]))
    return out
