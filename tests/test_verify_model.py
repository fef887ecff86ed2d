"""``--verify``: a second call judges each claim; it may only remove or flag, never add.
Also: cost in money, and ``--language``."""

from __future__ import annotations

import json
from typing import Any

from briefs import ARTICLE, draft_json

from summarizer import Summarizer
from summarizer.brief import Usage
from summarizer.config import load_settings
from summarizer.cost import price
from summarizer.formats import render
from summarizer.testing import FakeOpenAI, Reply, completion


def make(server: FakeOpenAI, **flags: Any) -> Summarizer:
    values = {"base_url": server.base_url, "model": "fake-model", "mode": "json_schema",
              "retry_max_wait_s": 0, **flags}  # fmt: skip
    return Summarizer(settings=load_settings(values))


def judging(verdicts: dict[int, str]) -> Any:
    """The brief for the first call; for the verifying call, the given verdicts (others
    entailed)."""

    def respond(request: dict[str, Any]) -> Reply:
        fmt = request.get("response_format", {}).get("json_schema", {})
        if fmt.get("name") != "verdicts":
            return Reply(body=completion(draft_json()))
        claims = request["messages"][1]["content"].count("Claim ")
        answer = {
            "verdicts": [
                {"claim": n, "verdict": verdicts.get(n, "entailed"), "reason": f"judged {n}"}
                for n in range(1, claims + 1)
            ]
        }
        return Reply(body=completion(json.dumps(answer), prompt_tokens=7, completion_tokens=5))

    return respond


def test_verify_removes_what_the_judge_rejects_and_flags_partly() -> None:
    with FakeOpenAI(responder=judging({1: "not_entailed", 2: "partly"})) as server:
        with make(server, verify=True) as s:
            brief = s.summarize(ARTICLE)
        judge_request = server.chat_requests[1]["json"]
    assert server.calls == 2  # the brief, then one verifying call
    assert "Claim 1: Dockworkers at Port Halden voted" in judge_request["messages"][1]["content"]
    assert [s.text for s in brief.summary] == ["Talks are due to resume on Thursday."]
    verdicts = {v.path: v.verdict for v in brief.grounding.verification or []}
    assert verdicts["summary[0]"] == "not_entailed" and verdicts["summary[1]"] == "partly"
    dropped = [d for d in brief.grounding.dropped if d.path == "summary[0]"]
    assert dropped and "not entailed" in dropped[0].reasons[0]
    assert brief.usage.requests == 2 and brief.usage.completion_tokens >= 5  # counted


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
