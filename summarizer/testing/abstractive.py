"""A loopback model that writes abstractive briefs: its own words, faithful to what it cites.

:func:`abstractive_responder` answers a chat request the way a careful strong model would:
it reads the numbered article in the request (``[n] sentence``), works out who is who and
who says what (the article's cast, :func:`summarizer.cast.read_cast`, with a stricter rule
of its own for speakers: it attributes a sentence only when the sentence names its speaker
next to the verb, or names the speaker's role that one actor holds), and writes:

- a **headline** of its own: the lead's main clause, shortened;
- **summary** sentences rewritten: datelines dropped, a pronoun subject replaced by the
  name it stands for (citing the sentence that names them too), appositives and reporting
  tails taken out ("..., the ministry said"), "percent" as "%";
- **actors** with the roles the article gives them;
- **positions** in reported speech with a stance verb ("Dahl insists ...", "Brekke says
  ..."), first-person words turned to the third person;
- **disputes** where two actors' stances on shared words oppose (a refusal against a
  demand);
- **next steps**: sentences that say what will happen, with their day and certainty.

Every item cites the sentences it rests on by number. It never cites a sentence it did
not draw from. On a re-ask it answers again without the items the re-ask named (as a model
that cannot support them drops them); :attr:`AbstractiveModel.reasks` counts them.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from summarizer.testing.replies import Reply, completion

__all__ = ["AbstractiveModel", "abstractive_draft", "abstractive_responder", "numbered_article"]

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$")
_ARTICLE = re.compile(r"<<<(ARTICLE-[0-9a-f]+)\n(.*)\n\1>>>", re.S)
_DATE_PREFIX = re.compile(r"^\s*date\s+\d{4}-\d\d-\d\d\b[\s:]*", re.I)
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’\-]{2,40}(?:\([^)]*\))?"
    r"(?:,\s*\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?)?\s*(?::|—|–)\s+"
)
_BYLINE = re.compile(r"^By\s+[A-Z]", re.M)
_SPEECH_WORDS = (
    "said says told tells warned warns insisted insists argued argues added adds stressed "
    "stresses claimed claims demanded demands denied denies admitted admits testified "
    "announced announces confirmed confirms accused accuses rejected rejects replied "
    "promised promises vowed vows urged urges"
)
_SPEECH = _SPEECH_WORDS.split(" ")
_STANCE_VERB = {
    "warned": "warns", "insisted": "insists", "argued": "argues", "stressed": "stresses",
    "claimed": "claims", "demanded": "demands", "denied": "denies", "admitted": "admits",
    "testified": "testifies", "accused": "accuses", "rejected": "rejects", "promised": "promises",
    "vowed": "vows", "urged": "urges", "confirmed": "confirms", "announced": "announces",
}  # fmt: skip
_FIRST_PERSON = {
    "i have": "{he} has", "i am": "{he} is", "i do": "{he} does", "i was": "{he} was",
    "i": "{he}", "me": "{him}", "my": "{his}", "mine": "{his}", "we": "they", "us": "them",
    "our": "their", "ours": "theirs", "i'm": "{he} is", "we're": "they are",
    "we've": "they have", "i've": "{he} has", "i'll": "{he} will", "we'll": "they will",
}  # fmt: skip
_FUTURE = re.compile(
    r"\b(?:will|is due to|are due to|is to|are to|is scheduled|are scheduled|is expected to|"
    r"are expected to|plans to|intends to|set to|will be held)\b",
    re.I,
)
_WHEN = re.compile(
    r"\b(?:(?:on|by|from|until|before|after|in|next)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)|(?:January|February|March|April|June|July|August|"
    r"September|October|November|December)|week|month|year)\b(?:\s+\d{1,2}(?:\.\d\d)?\s*[ap]\.m\.)?",
)
_DECISION = re.compile(
    r"\b(?:agreed|approved|passed|voted|appointed|called off|ended|rejected|accepted|admitted|"
    r"signed|ruled|offered|extended|contradicted|testified|unveiled|presented|announced|"
    r"closed|reopened|won|demanded|opened)\b",
    re.I,
)
_FIGURE = re.compile(r"\d")


@dataclass
class _Seg:
    id: int
    start: int
    end: int
    text: str


def numbered_article(request: dict[str, Any]) -> tuple[str | None, list[tuple[int, str]]]:
    """The title and the numbered sentences ``(n, text)`` of the article in a chat request."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    body = _ARTICLE.search(user)
    lines = (body.group(2) if body else user).split("\n")
    title = next((ln[7:].strip() for ln in lines if ln.startswith("Title: ")), None)
    out = []
    for line in lines:
        m = _NUMBERED.match(line)
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return title, out


def _clean(text: str) -> str:
    out = _DATE_PREFIX.sub("", text, count=1)
    m = _DATELINE.match(out)
    if m:
        out = out[m.end() :]
    out = out.strip()
    return out[:1].upper() + out[1:] if out else out


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", name.lower()).strip("_")[:40] or "actor"


def _words(text: str) -> set[str]:
    stop = {"the", "a", "an", "and", "of", "to", "in", "on", "for", "that", "was", "is", "it",
            "its", "with", "by", "at", "as", "had", "has", "have", "be", "would", "will", "not",
            "their", "they", "this", "from", "but", "said", "were", "are"}  # fmt: skip
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in stop}


@dataclass
class _Reader:
    """The article as the model reads it: sentences, cast, who says what."""

    title: str | None
    segs: list[_Seg]
    cast: Any = None
    ids: dict[str, str] = field(default_factory=dict)  # cast key -> actor id
    names: dict[str, str] = field(default_factory=dict)  # cast key -> name as written

    @classmethod
    def of(cls, title: str | None, numbered: list[tuple[int, str]]) -> _Reader:
        from summarizer.cast import read_cast

        segs, pos = [], 0
        parts = []
        for n, text in numbered:
            segs.append(_Seg(n, pos, pos + len(text), text))
            parts.append(text)
            pos += len(text) + 2
        reader = cls(title, segs)
        reader.cast = read_cast("\n\n".join(parts), segs, title)
        return reader

    def body(self) -> list[_Seg]:
        return [
            s for s in self.segs
            if not _BYLINE.match(s.text) and s.text.rstrip()[-1:] in ".!?\"”'"
            and (self.title is None or s.text.strip() != self.title.strip())
        ]  # fmt: skip

    def speaker(self, seg: _Seg) -> tuple[str, str] | None:
        """(cast key, verb) when the sentence names its speaker next to the verb: "X said",
        "said X", "X, the ..., said", or "the <role> said" for the one actor with that role."""
        cast = self.cast
        text = seg.text
        verbs = "|".join(_SPEECH)
        name = r"((?:[A-Z][\w'’\-]+\s+){0,3}[A-Z][\w'’\-]+)"
        for pattern in (
            rf"{name},[^,]{{3,80}},\s+({verbs})\b",
            rf"{name}\s+(?:also\s+|later\s+|had\s+)?({verbs})\b",
            rf"\b({verbs})\s+{name}\s*[.,]",
        ):
            for m in re.finditer(pattern, text):
                groups = m.groups()
                written, verb = (groups[1], groups[0]) if groups[0] in _SPEECH else groups
                if _inside_quote(text, m.start()) or re.search(
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
        if role and role.group(1).split()[-1] in TITLES and not _inside_quote(text, role.start()):
            words = set(role.group(1).split())
            holders = [
                k for k, a in cast.actors.items()
                if a.role and words <= set(re.findall(r"[a-z]+", a.role.lower()))
            ]  # fmt: skip
            if len(holders) == 1:
                return holders[0], role.group(2)
        return None


def _inside_quote(text: str, at: int) -> bool:
    return sum(text.count(q, 0, at) for q in '"“”') % 2 == 1


def _third_person(text: str, gender: str | None) -> str:
    he, him, his = {"m": ("he", "him", "his"), "f": ("she", "her", "her")}.get(
        gender or "", ("they", "them", "their")
    )

    def swap(m: re.Match[str]) -> str:
        word = m.group()
        out = _FIRST_PERSON[word.lower()].format(he=he, him=him, his=his)
        return out[:1].upper() + out[1:] if word[:1].isupper() and m.start() == 0 else out

    return re.sub(r"\b(?:I have|I am|I do|I was|I'm|I've|I'll|we're|we've|we'll|I|me|my|mine|"
                  r"we|us|our|ours)\b",
                  swap, text, flags=re.I)  # fmt: skip


def _strip_tail(text: str) -> str:
    """Drop a reporting tail: "..., the ministry said." / "..., according to X."."""
    text = re.sub(r",\s+(?:the\s+)?[\w\s'’]{2,40}\s+(?:said|told \w+|added)\.?$", ".", text)
    text = re.sub(r",\s+according to [^,.]+\.?$", ".", text)
    return text


def _drop_appositive(text: str) -> str:
    """'Per Solberg, a former labour court judge, was ...' -> 'Per Solberg was ...'."""
    name = r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}"
    return re.sub(rf"^({name}),\s+(?:a|an|the|who)\s[^,]{{3,80}},\s+", r"\1 ", text)


_PASSIVE = re.compile(
    r"^(The [\w\s'’\-]{2,40}?) (?:was|were) (\w+ed)\b(.{0,60}?)\bby "
    r"((?:[a-z]+ ){0,2}[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,3})"
    r"((?:[,.]|\s(?:at|on|in|during|after|shortly|late|early)\b).*)$"
)


def _active(text: str) -> str:
    """'The deal was announced at 4 a.m. by mediator Per Solberg ...' -> 'Mediator Per
    Solberg announced the deal at 4 a.m. ...'."""
    m = _PASSIVE.match(text)
    if m is None:
        return text
    thing, verb, between, agent, rest = m.groups()
    agent = agent[:1].upper() + agent[1:]
    return f"{agent} {verb} {thing[:1].lower() + thing[1:]} {between.strip()} {rest.strip()}"


def _compress(text: str) -> str:
    """Drop a trailing clause that only adds colour: ", where ...", ", which ...", ", ending
    ...", ", according to ..."."""
    return re.sub(r",\s+(?:where|which|ending|adding|saying|according to)\b[^.;]*(?=\.?$)", "",
                  text)  # fmt: skip


def _sentence(text: str) -> str:
    text = " ".join(text.split()).replace(" percent", "%").replace(" per cent", "%")
    text = re.sub(r"\btold (?:reporters|journalists)\b", "said", text)
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


def abstractive_draft(title: str | None, numbered: list[tuple[int, str]]) -> dict[str, Any]:
    """A brief of the numbered article (``[(n, sentence)]``), in the model's own words."""
    r = _Reader.of(title, numbered)
    cast = r.cast
    body = r.body()
    # actors: people and bodies the article shows acting or speaking, most active first
    keys = sorted(
        (k for k, a in cast.actors.items()
         if a.kind in ("person", "organization", "government", "group")),
        key=lambda k: (-(len(cast.actors[k].speaks) + len(cast.actors[k].acts)),
                       cast.actors[k].first),
    )[:10]  # fmt: skip
    actors = []
    for k in keys:
        a = cast.actors[k]
        first = next((s.id for s in r.segs if k in cast.refers(s.id)), None)
        where = a.role_segment or first
        if where is None:
            continue
        r.ids[k] = _slug(a.name)
        r.names[k] = a.name
        role = a.role.strip(" .") if a.role else ""
        actors.append({"id": r.ids[k], "name": a.name, "kind": a.kind, "role": role,
                       "evidence": [where]})  # fmt: skip

    # summary: the lead, then the sentences with the most figures and decisions
    def weight(s: _Seg) -> float:
        t = s.text
        return (
            len(_FIGURE.findall(t)) * 0.5 + 2 * bool(_DECISION.search(t))
            - 3 * (t.lstrip()[:1] in "\"“") - 0.02 * max(0, len(t) - 220)
        )  # fmt: skip

    chosen = [body[0]] if body else []
    chosen += sorted((s for s in body[1:8] if weight(s) > 1), key=lambda s: -weight(s))[:2]
    for s in body[1:]:  # two sentences at least: the next that is not a quotation
        if len(chosen) >= 2:
            break
        if (
            s not in chosen
            and s.text.lstrip()[:1] not in '"“'
            and not re.match(r"^(He|She|It|They)\b", s.text)
        ):
            chosen.append(s)
    summary: list[dict[str, Any]] = []
    for s in sorted(chosen, key=lambda s: s.id):
        text = _sentence(_active(_compress(_strip_tail(_drop_appositive(_clean(s.text))))))
        evidence = [s.id]
        lead_pronoun = re.match(r"^(He|She|It|They)\b", text)
        if lead_pronoun:
            who = next((m.actor for m in cast.mentions.get(s.id, [])
                        if m.start == 0 and m.how == "pronoun"), None)  # fmt: skip
            if who is None or who not in r.names:
                continue
            text = r.names[who] + text[len(lead_pronoun.group()) :]
            naming = next((x.id for x in reversed(r.segs) if x.id < s.id
                           and who in [m.actor for m in cast.mentions.get(x.id, [])
                                       if m.how == "name"]), None)  # fmt: skip
            if naming is not None:
                evidence = [naming, s.id]
        summary.append({"text": text[:400], "evidence": evidence})
    headline = ""
    if summary:
        lead = str(summary[0]["text"]).rstrip(".")
        cut = re.search(r",\s|\s(?:as|after|while|when|because)\s", lead[40:])
        headline = lead[: 40 + cut.start()] if cut else lead
        headline = headline[:150]

    # positions: sentences that name their speaker
    positions: list[dict[str, Any]] = []
    said: list[tuple[str, _Seg, str]] = []
    for s in body:
        if re.match(r"\s*(?:When|After|As|While|If|Although|Because|Since|Before|Once)\b", s.text):
            continue  # the speech is in a subordinate clause: the main clause says something else
        found = r.speaker(s)
        if found is None or found[0] not in r.ids or cast.actors[found[0]].kind == "group":
            continue
        key, verb = found
        person = cast.actors[key].kind == "person" and len(r.names[key].split()) > 1
        name = r.names[key].split()[-1] if person else r.names[key]
        quoted = re.match(r"\s*[\"“]([^\"“”]{15,300}?)[,.]?[\"”]", s.text)
        if quoted:
            content = _third_person(quoted.group(1).rstrip(",. "), cast.gender(key))
        else:
            if verb in ("told", "tells", "warned", "urged", "accused"):
                m = re.search(rf"\b{verb}\s+(?:[\w'’]+\s+){{1,5}}?that\s+(.{{15,300}})$", s.text)
            else:
                m = re.search(
                    rf"\b{verb}\b(?:\s+(?:on|in|at|late|early)\s+\w+(?:\s+\w+)?)?"
                    rf"(?:\s+that)?\s+(.{{15,300}})$",
                    s.text,
                )
            if m is None or _inside_quote(s.text, m.start(1)):
                continue
            content = m.group(1).rstrip(".")
        stance_verb = _STANCE_VERB.get(verb, "says")
        stance = _sentence(f"{name} {stance_verb} {content[:1].lower() + content[1:]}")
        topic = " ".join(sorted(_words(content), key=lambda w: content.lower().index(w))[:3])
        positions.append({"actor": r.ids[key], "topic": topic or "the dispute",
                          "stance": stance[:400], "evidence": [s.id]})  # fmt: skip
        said.append((key, s, content))
    positions = positions[:8]

    # disputes: a demand by one actor against an offer or a refusal by another
    disputes = _demands_and_answers(r, body)

    # next steps: what the article says will happen
    steps = []
    for s in body:
        if (
            not _FUTURE.search(s.text)
            or s.text.lstrip()[:1] in '"“'
            or _inside_quote(
                s.text,
                _FUTURE.search(s.text).start(),  # type: ignore[union-attr]
            )
        ):
            continue
        text = _sentence(_strip_tail(_drop_appositive(_clean(s.text))))
        if re.match(r"^(He|She|It|They)\b", text):
            continue
        when = _WHEN.search(s.text)
        low = s.text.lower()
        certainty = ("possible" if re.search(r"\b(?:could|may|might|expected|should|if)\b", low)
                     else "proposed" if re.search(r"\b(?:plans?|propos\w+|intends?)\b", low)
                     else "scheduled")  # fmt: skip
        first = cast.mentions.get(s.id, [])[:1]  # the subject: a mention that opens it
        who = [r.ids[m.actor] for m in first if m.start <= 3 and m.actor in r.ids]
        steps.append({"action": text[:400], "actors": who,
                      "when": when.group().strip() if when else None,
                      "certainty": certainty, "evidence": [s.id]})  # fmt: skip
    return {
        "headline": headline,
        "summary": summary[:4],
        "actors": actors[:15],
        "positions": positions,
        "disputes": disputes,
        "next_steps": steps[:5],
    }


_DEMAND = re.compile(r"\b(?:wants|demands|demanded|is seeking|are seeking|calls for|called for)\b")
_ANSWER = re.compile(r"\b(?:has offered|offered|rejected|refused|has put forward|will not)\b")


def _subject(r: _Reader, seg: _Seg, at: int) -> str | None:
    """The actor named (or described: "the union") before ``at`` in a sentence."""
    before = [m for m in r.cast.mentions.get(seg.id, []) if m.end <= at and m.actor in r.ids]
    return before[-1].actor if before else None


def _claim(r: _Reader, key: str, seg: _Seg) -> str:
    """The sentence with its subject ("The union", "It") written as the actor's name."""
    text = _sentence(_clean(seg.text))
    lead = next((m for m in r.cast.mentions.get(seg.id, []) if m.actor == key), None)
    if lead is not None and lead.how != "name" and text.startswith(lead.text):
        text = r.names[key] + text[len(lead.text) :]
    return text[:400]


def _demands_and_answers(r: _Reader, body: list[_Seg]) -> list[dict[str, Any]]:
    """A demand by one actor and an offer or refusal by another, sharing what it is about."""
    demands: list[tuple[str, _Seg]] = []
    answers: list[tuple[str, _Seg]] = []
    for seg in body:
        if seg.text.lstrip()[:1] in '"“':
            continue
        for pattern, into in ((_DEMAND, demands), (_ANSWER, answers)):
            m = pattern.search(seg.text)
            if m and not _inside_quote(seg.text, m.start()):
                who = _subject(r, seg, m.start())
                if who is not None:
                    into.append((who, seg))
    for ka, sa in demands:
        for kb, sb in answers:
            shared = _words(sa.text) & _words(sb.text)
            if ka == kb or sa.id == sb.id or not shared:
                continue
            wanted = _DEMAND.search(sa.text)
            assert wanted is not None
            issue = re.split(r",|;|\.|\s(?:and|but|which|because)\s", sa.text[wanted.end() :])[0]
            if len(issue.split()) < 2:
                continue
            return [{
                "issue": "The demand for " + issue.strip().rstrip("."),
                "sides": [{"actors": [r.ids[ka]], "claim": _claim(r, ka, sa)},
                          {"actors": [r.ids[kb]], "claim": _claim(r, kb, sb)}],
                "status": "open",
                "evidence": [sa.id, sb.id],
            }]  # fmt: skip
    return []


_PROBLEM = re.compile(r"\b(summary|actors|positions|disputes|next_steps)\[(\d+)\]")


def _without(draft: dict[str, Any], reask: str) -> dict[str, Any]:
    """The draft without the items a re-ask named (a model that cannot support them)."""
    drop: dict[str, set[int]] = {}
    for m in _PROBLEM.finditer(reask):
        drop.setdefault(m.group(1), set()).add(int(m.group(2)))
    out = dict(draft)
    for section, indexes in drop.items():
        out[section] = [x for i, x in enumerate(draft[section]) if i not in indexes]
    if "headline" in reask.split("\n", 3)[0] or re.search(r"^headline\b", reask, re.M):
        out["headline"] = out["summary"][0]["text"][:150] if out["summary"] else draft["headline"]
    return out


class AbstractiveModel:
    """The responder, with counts: requests answered and re-asks among them."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.requests = 0
        self.reasks = 0
        self._lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> Reply:
        messages = request.get("messages", [])
        title, numbered = numbered_article(request)
        draft = abstractive_draft(title, numbered)
        users = [m for m in messages if m.get("role") == "user"]
        with self._lock:
            self.requests += 1
            if len(users) > 1:
                self.reasks += 1
        for reask in users[1:]:
            draft = _without(draft, str(reask.get("content") or ""))
        answer = json.dumps(draft)
        tools = request.get("tools")
        if tools:
            name = tools[0]["function"]["name"]
            return Reply(body=completion(tool_args=answer, tool_name=name), delay_s=self.delay_s)
        return Reply(body=completion(answer), delay_s=self.delay_s)


def abstractive_responder(*, delay_s: float = 0.0) -> AbstractiveModel:
    """A responder for :class:`~summarizer.testing.FakeOpenAI` or
    :class:`~summarizer.testing.MockOpenAI` that writes abstractive briefs."""
    return AbstractiveModel(delay_s=delay_s)
