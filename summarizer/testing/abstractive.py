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
from typing import Any

from summarizer.testing.replies import Reply, completion
from summarizer.testing.rewriting import (
    STANCE_VERB,
    Reader,
    Seg,
    active,
    clean,
    compress,
    drop_appositive,
    inside_quote,
    sentence,
    slug,
    strip_tail,
    third_person,
    words,
)

__all__ = ["AbstractiveModel", "abstractive_draft", "abstractive_responder", "numbered_article"]

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$")
_ARTICLE = re.compile(r"<<<(ARTICLE-[0-9a-f]+)\n(.*)\n\1>>>", re.S)
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


def abstractive_draft(title: str | None, numbered: list[tuple[int, str]]) -> dict[str, Any]:
    """A brief of the numbered article (``[(n, sentence)]``), in the model's own words."""
    r = Reader.of(title, numbered)
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
        r.ids[k] = slug(a.name)
        r.names[k] = a.name
        role = a.role.strip(" .") if a.role else ""
        actors.append({"id": r.ids[k], "name": a.name, "kind": a.kind, "role": role,
                       "evidence": [where]})  # fmt: skip

    # summary: the lead, then the sentences with the most figures and decisions
    def weight(s: Seg) -> float:
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
        text = sentence(active(compress(strip_tail(drop_appositive(clean(s.text))))))
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
    said: list[tuple[str, Seg, str]] = []
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
            content = third_person(quoted.group(1).rstrip(",. "), cast.gender(key))
        else:
            if verb in ("told", "tells", "warned", "urged", "accused"):
                m = re.search(rf"\b{verb}\s+(?:[\w'’]+\s+){{1,5}}?that\s+(.{{15,300}})$", s.text)
            else:
                m = re.search(
                    rf"\b{verb}\b(?:\s+(?:on|in|at|late|early)\s+\w+(?:\s+\w+)?)?"
                    rf"(?:\s+that)?\s+(.{{15,300}})$",
                    s.text,
                )
            if m is None or inside_quote(s.text, m.start(1)):
                continue
            content = m.group(1).rstrip(".")
        stance_verb = STANCE_VERB.get(verb, "says")
        stance = sentence(f"{name} {stance_verb} {content[:1].lower() + content[1:]}")
        topic = " ".join(sorted(words(content), key=lambda w: content.lower().index(w))[:3])
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
            or inside_quote(
                s.text,
                _FUTURE.search(s.text).start(),  # type: ignore[union-attr]
            )
        ):
            continue
        text = sentence(strip_tail(drop_appositive(clean(s.text))))
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


def _subject(r: Reader, seg: Seg, at: int) -> str | None:
    """The actor named (or described: "the union") before ``at`` in a sentence."""
    before = [m for m in r.cast.mentions.get(seg.id, []) if m.end <= at and m.actor in r.ids]
    return before[-1].actor if before else None


def _claim(r: Reader, key: str, seg: Seg) -> str:
    """The sentence with its subject ("The union", "It") written as the actor's name."""
    text = sentence(clean(seg.text))
    lead = next((m for m in r.cast.mentions.get(seg.id, []) if m.actor == key), None)
    if lead is not None and lead.how != "name" and text.startswith(lead.text):
        text = r.names[key] + text[len(lead.text) :]
    return text[:400]


def _demands_and_answers(r: Reader, body: list[Seg]) -> list[dict[str, Any]]:
    """A demand by one actor and an offer or refusal by another, sharing what it is about."""
    demands: list[tuple[str, Seg]] = []
    answers: list[tuple[str, Seg]] = []
    for seg in body:
        if seg.text.lstrip()[:1] in '"“':
            continue
        for pattern, into in ((_DEMAND, demands), (_ANSWER, answers)):
            m = pattern.search(seg.text)
            if m and not inside_quote(seg.text, m.start()):
                who = _subject(r, seg, m.start())
                if who is not None:
                    into.append((who, seg))
    for ka, sa in demands:
        for kb, sb in answers:
            shared = words(sa.text) & words(sb.text)
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
