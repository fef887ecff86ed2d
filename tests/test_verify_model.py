"""``--verify``: a second call judges each claim; it may only remove or flag, never add.
Also: cost in money, and ``--language``."""

from __future__ import annotations

import json
from typing import Any

from briefs import ARTICLE, draft_json

from summarizer import Summarizer
from summarizer.base.config import load_settings
from summarizer.engine.cost import price
from summarizer.formats import render
from summarizer.output.brief import Usage
from summarizer.testing import FakeOpenAI, Reply, completion


def make(server: FakeOpenAI, **flags: Any) -> Summarizer:
    values = {"base_url": server.base_url, "model": "fake-model", "mode": "json_schema",
              "retry_max_wait_s": 0, **flags}  # fmt: skip
    return Summarizer(settings=load_settings(values))


# Two claims the deterministic check cannot establish (an adverb the sentence lacks, a
# paraphrase outside its word lists) and one it can: only the first two go to the judge.
UNSURE = [
    {"text": "Dockworkers at Port Halden voted overwhelmingly to extend their strike for "
             "another week.", "evidence": [2]},
    {"text": "The strike has stranded more than forty ships offshore.", "evidence": [9]},
    {"text": "Talks are due to resume on Thursday.", "evidence": [13]},
]  # fmt: skip


def judging(verdicts: dict[int, str], **overrides: Any) -> Any:
    """The brief for the first call; for the verifying call, the given verdicts (others
    entailed)."""

    def respond(request: dict[str, Any]) -> Reply:
        fmt = request.get("response_format", {}).get("json_schema", {})
        if fmt.get("name") != "verdicts":
            return Reply(body=completion(draft_json(**overrides)))
        claims = request["messages"][1]["content"].count("Claim ")
        answer = {
            "verdicts": [
                {"claim": n, "verdict": verdicts.get(n, "entailed"), "reason": f"judged {n}"}
                for n in range(1, claims + 1)
            ]
        }
        return Reply(body=completion(json.dumps(answer), prompt_tokens=7, completion_tokens=5))

    return respond


def test_verify_judges_what_the_check_could_not_establish() -> None:
    """The judge is asked only about the items shown as not established: one judged not
    entailed is removed (and reported), one judged partly stays shown as not established,
    and what the check established is not asked again."""
    responder = judging({1: "not_entailed", 2: "partly"}, summary=UNSURE)
    with FakeOpenAI(responder=responder) as server:
        with make(server, verify=True) as s:
            brief = s.summarize(ARTICLE)
        asked = server.chat_requests[1]["json"]["messages"][1]["content"]
    assert server.calls == 2  # the brief, then one verifying call
    assert asked.count("Claim ") == 2 and "Talks are due" not in asked
    assert "Claim 1: Dockworkers at Port Halden voted overwhelmingly" in asked
    assert "Claim 2: The strike has stranded" in asked
    assert [s.text for s in brief.summary] == [UNSURE[1]["text"], UNSURE[2]["text"]]
    assert [s.support for s in brief.summary] == ["not_established", "supported"]
    verdicts = {v.path: v.verdict for v in brief.grounding.verification or []}
    assert verdicts == {"summary[0]": "not_entailed", "summary[1]": "partly"}
    dropped = [d for d in brief.grounding.dropped if d.path == "summary[0]"]
    assert dropped and "not entailed" in dropped[0].reasons[0]
    assert brief.usage.requests == 2 and brief.usage.completion_tokens >= 5  # counted


def test_verify_asks_nothing_when_the_check_established_everything() -> None:
    responder = judging({1: "not_entailed"})
    with FakeOpenAI(responder=responder) as server, make(server, verify=True) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 1  # every claim established: no verifying call is spent
    assert brief.grounding.verification == []  # verified, with nothing left to judge
    assert len(brief.summary) == 2


def test_without_verify_there_is_no_second_call() -> None:
    with FakeOpenAI(responder=judging({1: "not_entailed"})) as server, make(server) as s:
        brief = s.summarize(ARTICLE)
    assert server.calls == 1 and brief.grounding.verification is None
    assert len(brief.summary) == 2


def test_cost_is_known_for_a_priced_provider_and_null_otherwise() -> None:
    usage = Usage(prompt_tokens=2000, completion_tokens=500)
    live = price(usage, model="gpt-4o-mini", base_url="https://api.openai.com/v1")
    batch = price(usage, model="gpt-4o-mini", base_url="https://api.openai.com/v1", batch=True)
    assert live is not None and batch is not None and live.currency == "USD"
    assert live.amount > 0 and abs(batch.amount - live.amount / 2) < 1e-9  # batch: half price
    assert price(usage, model="gpt-4o-mini", base_url="http://127.0.0.1:8080/v1") is None
    assert price(usage, model="no-such-model-xyz", base_url="https://api.openai.com/v1") is None
    with FakeOpenAI(default=Reply(body=completion(draft_json()))) as server, make(server) as s:
        assert s.summarize(ARTICLE).usage.cost is None  # a loopback server has no price


def test_language_asks_for_it_labels_the_page_and_checks_numbers_only() -> None:
    french = json.loads(draft_json())
    french["summary"][1]["text"] = "Les négociations reprennent jeudi."  # faithful, in French
    french["headline"] = "Les dockers prolongent la grève"
    with FakeOpenAI(default=Reply(body=completion(json.dumps(french)))) as server:
        with make(server, language="fr", max_reasks=0) as s:
            brief = s.summarize(ARTICLE)
        system = server.chat_requests[0]["json"]["messages"][0]["content"]
    assert "Write every field of the brief in French" in system
    assert brief.language == "fr"
    assert brief.summary[1].text == "Les négociations reprennent jeudi."  # kept: numbers only
    assert brief.grounding.claims_cross_language > 0
    md = render(brief, "markdown")
    assert "## Résumé" in md and "## Acteurs" in md
    assert 'lang="fr"' in render(brief, "html")
