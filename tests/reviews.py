"""Briefs for the review page's tests, made by the real pipeline against a scripted model.

:func:`audited_brief` briefs examples/port-strike.txt with a model that writes some faithful
items and some that grounding drops (an actor the article never names, a stance its
evidence negates, a wrong day) or cannot establish (a record the article does not claim, a
paraphrase, a sentence that adds a blame, a role its evidence does not state); with
``--verify`` the model judges what the check could not establish (and only that): the record
not entailed (removed: the items after it move up), the paraphrase entailed, the blame
partly, the role not entailed (taken away). Every kind of verdict the page shows, each
produced by the program's own checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from summarizer import Brief, Summarizer
from summarizer.article import load_article
from summarizer.base.config import load_settings
from summarizer.testing import MockOpenAI, Reply, completion

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "port-strike.txt"
ARTICLE = load_article(EXAMPLE).text  # as the program reads it (no final newline)
I18N = Path(__file__).resolve().parent / "fixtures" / "i18n"

GOOD_ROLE = "authority chief executive"


def audited_draft() -> dict[str, Any]:
    """Faithful and unfaithful items; the segment numbers ([n]) are port-strike.txt's."""
    return {
        "headline": "Port Halden dockworkers extend their strike",
        "summary": [
            {"text": "Dockworkers at Port Halden voted to extend their strike for another week.",
             "evidence": [2]},
            {"text": "The strike is the longest in the port's history.", "evidence": [2]},
            {"text": "The strike has stranded more than forty ships offshore.", "evidence": [9]},
            {"text": "Local firms blame the union for their losses.", "evidence": [10]},
        ],
        "actors": [
            {"id": "ghost", "name": "Olaf Nobody", "kind": "person", "role": "mediator",
             "evidence": [11]},
            {"id": "union", "name": "Halden Dockworkers Union", "kind": "organization",
             "role": "the government's appointed mediator", "evidence": [3]},
            {"id": "brandt", "name": "Daniel Brandt", "kind": "person", "role": GOOD_ROLE,
             "evidence": [6]},
        ],
        "positions": [
            {"actor": "brandt", "topic": "the cranes",
             "stance": "The authority will drop the plan for the cranes altogether.",
             "evidence": [15]},
            {"actor": "union", "topic": "automation",
             "stance": "Its members will not return to work until the Port Halden Authority "
                       "withdraws its plan to install automated cranes.",
             "evidence": [3]},
        ],
        "disputes": [
            {"issue": "The plan to install automated cranes at the container terminal",
             "sides": [{"actors": ["union"], "claim": "Members will not return to work until "
                                                     "the plan to install automated cranes is "
                                                     "withdrawn."},
                       {"actors": ["brandt"], "claim": "Without automation, shipping lines "
                                                      "will move their business to other "
                                                      "ports."}],
             "status": "stalled", "evidence": [3, 6]},
        ],
        "next_steps": [
            {"action": "Talks resume at the offices of the regional labour board",
             "actors": ["union", "brandt"], "when": "Friday", "certainty": "scheduled",
             "evidence": [13]},
            {"action": "Talks resume at the offices of the regional labour board",
             "actors": ["union", "brandt"], "when": "Thursday", "certainty": "scheduled",
             "evidence": [13]},
        ],
    }  # fmt: skip


JUDGED = {  # the verifying model's verdict on a claim, by words of the claim
    "longest": ("not_entailed", "the article does not compare this strike with others"),
    "stranded": ("entailed", "forty ships waiting offshore are stranded"),
    "blame": ("partly", "the firms lose money; the sentence does not say they blame the union"),
    "mediator": ("not_entailed", "the union is a side of the dispute, not its mediator"),
}


def _respond(request: dict[str, Any]) -> Reply:
    schema = request.get("response_format", {}).get("json_schema", {})
    if schema.get("name") != "verdicts":
        return Reply(body=completion(json.dumps(audited_draft())))
    claims = re.findall(r"^Claim (\d+): (.*)$", request["messages"][1]["content"], re.M)
    verdicts = []
    for n, claim in claims:
        verdict, reason = next((v for word, v in JUDGED.items() if word in claim),
                               ("entailed", "stated"))  # fmt: skip
        verdicts.append({"claim": int(n), "verdict": verdict, "reason": reason})
    return Reply(body=completion(json.dumps({"verdicts": verdicts})))


def summarizer_for(mock: MockOpenAI, **flags: Any) -> Summarizer:
    values = {"base_url": mock.base_url, "model": "fake-model", "mode": "json_schema",
              "retry_max_wait_s": 0, "max_reasks": 0, "cache": False, **flags}  # fmt: skip
    return Summarizer(settings=load_settings(values, env={}), transport=mock.transport)


def audited_brief() -> Brief:
    """The brief of port-strike.txt with drops, an item not established, a role taken away
    and --verify verdicts (entailed, partly, not entailed)."""
    mock = MockOpenAI(responder=_respond)
    with summarizer_for(mock, verify=True) as s:
        return s.summarize(EXAMPLE)


def first_sentences(request: dict[str, Any], count: int = 3) -> Reply:
    """A model whose brief of any article is its first ``count`` sentences, cited."""
    user = request["messages"][1]["content"]
    cited: list[tuple[Any, str]] = [
        (int(n), t) for n, t in re.findall(r"^\[(\d+)\] (.+)$", user, re.M)[:count]
    ]
    if not cited:  # the reduce call of a long article: the parts' summaries, quoted
        cited = [(int(n), q) for n, q in re.findall(r'^ +\[(\d+)\] "(.*)"$', user, re.M)[:count]]
    draft = {"headline": cited[0][1][:200],
             "summary": [{"text": t, "evidence": [n]} for n, t in cited],
             "actors": [], "positions": [], "disputes": [], "next_steps": []}  # fmt: skip
    return Reply(body=completion(json.dumps(draft)))


def first_sentences_brief(text: str) -> Brief:
    """A brief whose summary is the article's first three sentences (any language)."""
    with summarizer_for(MockOpenAI(responder=first_sentences)) as s:
        return s.summarize(text)


PEOPLE = ("Maria Okafor", "Jonas Lindqvist", "Aiko Tanaka", "Rafael Moreno", "Leila Haddad",
          "Pieter de Vries")  # fmt: skip
"""The people of :func:`long_article` (benchmarks/chunking.py's generator)."""


def extractive(request: dict[str, Any]) -> Reply:
    """A model that briefs any article, chunk or reduce call as a careful extractive model
    would: four summary sentences, and each person of :data:`PEOPLE` it names as an actor
    with up to three of the sentences that name them as positions (every item cited)."""
    user = request["messages"][1]["content"]
    numbered = [(int(n), t) for n, t in re.findall(r"^\[(\d+)\] (.+)$", user, re.M)]
    if not numbered:  # the reduce call: the parts' summaries with their cited sentences
        numbered = [(int(n), t) for n, t in re.findall(r'^ +\[(\d+)\] "(.*)"$', user, re.M)]
    actors: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    for name in PEOPLE:
        said = [(n, t) for n, t in numbered if name in t][:3]
        if said:
            key = name.split()[-1].lower()
            actors.append({"id": key, "name": name, "kind": "person", "role": "",
                           "evidence": [said[0][0]]})  # fmt: skip
            positions += [{"actor": key, "topic": "", "stance": t, "evidence": [n]}
                          for n, t in said]  # fmt: skip
    draft = {"headline": numbered[0][1][:200],
             "summary": [{"text": t, "evidence": [n]} for n, t in numbered[:4]],
             "actors": actors, "positions": positions[:15], "disputes": [],
             "next_steps": []}  # fmt: skip
    return Reply(body=completion(json.dumps(draft)))


def long_brief(text: str) -> Brief:
    """A brief of a long article in parts, by :func:`extractive`."""
    mock = MockOpenAI(responder=extractive)
    with summarizer_for(mock, max_requests_per_brief=5000, chunk_concurrency=8) as s:
        return s.summarize(text)


def long_article(words: int = 30_000) -> str:
    """A deterministic news-like article of at least ``words`` words, in paragraphs."""
    sys_path = str(ROOT / "benchmarks")
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from chunking import make_article  # benchmarks/chunking.py: the long-article generator

    return str(make_article(words))
