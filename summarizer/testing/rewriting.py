"""How the abstractive loopback model (:mod:`summarizer.testing.abstractive`) reads an
article and rewrites its sentences in its own words, faithfully.

:class:`Reader`: the numbered sentences, the article's cast (:func:`summarizer.cast.read_cast`)
and a stricter rule for speakers (a sentence is attributed only when it names its speaker
next to the verb, or names a role that one actor holds). The rewrites: datelines dropped,
reporting tails and appositives taken out, the passive turned active, a trailing clause
that only adds colour dropped, first-person words in the third person, "percent" as "%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Reader", "STANCE_VERB", "Seg", "active", "clean", "compress", "drop_appositive",
    "inside_quote", "sentence", "slug", "strip_tail", "third_person", "words",
]  # fmt: skip

DATE_PREFIX = re.compile(r"^\s*date\s+\d{4}-\d\d-\d\d\b[\s:]*", re.I)
DATELINE = re.compile(
    r"^[A-Z][A-Z .'’\-]{2,40}(?:\([^)]*\))?"
    r"(?:,\s*\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?)?\s*(?::|—|–)\s+"
)
BYLINE = re.compile(r"^By\s+[A-Z]", re.M)
SPEECH_WORDS = (
    "said says told tells warned warns insisted insists argued argues added adds stressed "
    "stresses claimed claims demanded demands denied denies admitted admits testified "
    "announced announces confirmed confirms accused accuses rejected rejects replied "
    "promised promises vowed vows urged urges"
)
SPEECH = SPEECH_WORDS.split(" ")
STANCE_VERB = {
    "warned": "warns", "insisted": "insists", "argued": "argues", "stressed": "stresses",
    "claimed": "claims", "demanded": "demands", "denied": "denies", "admitted": "admits",
    "testified": "testifies", "accused": "accuses", "rejected": "rejects", "promised": "promises",
    "vowed": "vows", "urged": "urges", "confirmed": "confirms", "announced": "announces",
}  # fmt: skip
FIRST_PERSON = {
    "i have": "{he} has", "i am": "{he} is", "i do": "{he} does", "i was": "{he} was",
    "i": "{he}", "me": "{him}", "my": "{his}", "mine": "{his}", "we": "they", "us": "them",
    "our": "their", "ours": "theirs", "i'm": "{he} is", "we're": "they are",
    "we've": "they have", "i've": "{he} has", "i'll": "{he} will", "we'll": "they will",
}  # fmt: skip


@dataclass
class Seg:
    id: int
    start: int
    end: int
    text: str


def clean(text: str) -> str:
    out = DATE_PREFIX.sub("", text, count=1)
    m = DATELINE.match(out)
    if m:
        out = out[m.end() :]
    out = out.strip()
    return out[:1].upper() + out[1:] if out else out


def slug(name: str) -> str:
    return re.sub(r"\W+", "_", name.lower()).strip("_")[:40] or "actor"


def words(text: str) -> set[str]:
    stop = {"the", "a", "an", "and", "of", "to", "in", "on", "for", "that", "was", "is", "it",
            "its", "with", "by", "at", "as", "had", "has", "have", "be", "would", "will", "not",
            "their", "they", "this", "from", "but", "said", "were", "are"}  # fmt: skip
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in stop}


@dataclass
class Reader:
    """The article as the model reads it: sentences, cast, who says what."""

    title: str | None
    segs: list[Seg]
    cast: Any = None
    ids: dict[str, str] = field(default_factory=dict)  # cast key -> actor id
    names: dict[str, str] = field(default_factory=dict)  # cast key -> name as written

    @classmethod
    def of(cls, title: str | None, numbered: list[tuple[int, str]]) -> Reader:
        from summarizer.cast import read_cast

        segs, pos = [], 0
        parts = []
        for n, text in numbered:
            segs.append(Seg(n, pos, pos + len(text), text))
            parts.append(text)
            pos += len(text) + 2
        reader = cls(title, segs)
        reader.cast = read_cast("\n\n".join(parts), segs, title)
        return reader

    def body(self) -> list[Seg]:
        return [
            s for s in self.segs
            if not BYLINE.match(s.text) and s.text.rstrip()[-1:] in ".!?\"”'"
            and (self.title is None or s.text.strip() != self.title.strip())
        ]  # fmt: skip

    def speaker(self, seg: Seg) -> tuple[str, str] | None:
        """(cast key, verb) when the sentence names its speaker next to the verb: "X said",
        "said X", "X, the ..., said", or "the <role> said" for the one actor with that role."""
        cast = self.cast
        text = seg.text
        verbs = "|".join(SPEECH)
        name = r"((?:[A-Z][\w'’\-]+\s+){0,3}[A-Z][\w'’\-]+)"
        for pattern in (
            rf"{name},[^,]{{3,80}},\s+({verbs})\b",
            rf"{name}\s+(?:also\s+|later\s+|had\s+)?({verbs})\b",
            rf"\b({verbs})\s+{name}\s*[.,]",
        ):
            for m in re.finditer(pattern, text):
                groups = m.groups()
                written, verb = (groups[1], groups[0]) if groups[0] in SPEECH else groups
                if inside_quote(text, m.start()) or re.search(
                    r"\b(?:where|when|after|as|while|which|who|because|although|if|since|once)"
                    r"\s+$",
                    text[max(0, m.start() - 12) : m.start()],
                ):
                    continue  # the speech is in a subordinate clause
                key = cast.resolve(written)
                if key is not None and cast.actors[key].kind in (
                    "person",
                    "organization",
                    "government",
                    "group",
                ):
                    return key, verb
        from summarizer.cast.lexicon import TITLES

        role = re.search(rf"\bthe ((?:[a-z]+\s+){{0,3}}[a-z]+)\s+({verbs})\b", text)
        if role and role.group(1).split()[-1] in TITLES and not inside_quote(text, role.start()):
            words = set(role.group(1).split())
            holders = [
                k for k, a in cast.actors.items()
                if a.role and words <= set(re.findall(r"[a-z]+", a.role.lower()))
            ]  # fmt: skip
            if len(holders) == 1:
                return holders[0], role.group(2)
        return None


def inside_quote(text: str, at: int) -> bool:
    return sum(text.count(q, 0, at) for q in '"“”') % 2 == 1


def third_person(text: str, gender: str | None) -> str:
    he, him, his = {"m": ("he", "him", "his"), "f": ("she", "her", "her")}.get(
        gender or "", ("they", "them", "their")
    )

    def swap(m: re.Match[str]) -> str:
        word = m.group()
        out = FIRST_PERSON[word.lower()].format(he=he, him=him, his=his)
        return out[:1].upper() + out[1:] if word[:1].isupper() and m.start() == 0 else out

    return re.sub(r"\b(?:I have|I am|I do|I was|I'm|I've|I'll|we're|we've|we'll|I|me|my|mine|"
                  r"we|us|our|ours)\b",
                  swap, text, flags=re.I)  # fmt: skip


def strip_tail(text: str) -> str:
    """Drop a reporting tail: "..., the ministry said." / "..., according to X."."""
    text = re.sub(r",\s+(?:the\s+)?[\w\s'’]{2,40}\s+(?:said|told \w+|added)\.?$", ".", text)
    text = re.sub(r",\s+according to [^,.]+\.?$", ".", text)
    return text


def drop_appositive(text: str) -> str:
    """'Per Solberg, a former labour court judge, was ...' -> 'Per Solberg was ...'."""
    name = r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}"
    return re.sub(rf"^({name}),\s+(?:a|an|the|who)\s[^,]{{3,80}},\s+", r"\1 ", text)


PASSIVE = re.compile(
    r"^(The [\w\s'’\-]{2,40}?) (?:was|were) (\w+ed)\b(.{0,60}?)\bby "
    r"((?:[a-z]+ ){0,2}[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,3})"
    r"((?:[,.]|\s(?:at|on|in|during|after|shortly|late|early)\b).*)$"
)


def active(text: str) -> str:
    """'The deal was announced at 4 a.m. by mediator Per Solberg ...' -> 'Mediator Per
    Solberg announced the deal at 4 a.m. ...'."""
    m = PASSIVE.match(text)
    if m is None:
        return text
    thing, verb, between, agent, rest = m.groups()
    agent = agent[:1].upper() + agent[1:]
    return f"{agent} {verb} {thing[:1].lower() + thing[1:]} {between.strip()} {rest.strip()}"


def compress(text: str) -> str:
    """Drop a trailing clause that only adds colour: ", where ...", ", which ...", ", ending
    ...", ", according to ..."."""
    return re.sub(r",\s+(?:where|which|ending|adding|saying|according to)\b[^.;]*(?=\.?$)", "",
                  text)  # fmt: skip


def sentence(text: str) -> str:
    text = " ".join(text.split()).replace(" percent", "%").replace(" per cent", "%")
    text = re.sub(r"\btold (?:reporters|journalists)\b", "said", text)
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."
