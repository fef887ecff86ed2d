"""Issue 23 #11: an item's evidence list longer than the schema's cap never costs the brief.

A careful strong model cites a two-sided dispute's issue and each side's own sentences (4-5
citations); strict structured outputs cannot tell it a cap. Such an answer is a brief, with
the dispute; a list longer than ``MAX_CITATIONS`` keeps its first citations and the rest are
reported in ``grounding.dropped``, never a validation failure that loses the whole brief.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarizer import Summarizer
from summarizer.output.brief import MAX_CITATIONS
from summarizer.testing import MockOpenAI, Reply, completion

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


def answer(dispute_evidence: list[int]) -> dict[str, Any]:
    """A faithful brief of the example article (its segments as numbered in the prompt)."""
    return {
        "headline": "Dockworkers at Port Halden extend their strike",
        "summary": [
            {"text": "Dockworkers at Port Halden voted on Monday to extend their strike.",
             "evidence": [2]},
            {"text": "Talks are due to resume on Thursday at the regional labour board.",
             "evidence": [13]},
        ],
        "actors": [
            {"id": "union", "name": "Halden Dockworkers Union", "kind": "organization",
             "role": "", "evidence": [3]},
            {"id": "brandt", "name": "Daniel Brandt", "kind": "person",
             "role": "authority chief executive", "evidence": [6]},
        ],
        "positions": [],
        "disputes": [
            {
                "issue": "The union and the authority disagree over automated cranes.",
                "sides": [
                    {"actors": ["union"],
                     "claim": "The union will not return until the crane plan is withdrawn."},
                    {"actors": ["brandt"],
                     "claim": "The authority says the cranes keep the port competitive."},
                ],
                "status": "open",
                "evidence": dispute_evidence,
            }
        ],
        "next_steps": [],
    }  # fmt: skip


def brief_of(reply: dict[str, Any], **kwargs: Any) -> Any:
    mock = MockOpenAI()
    mock.default = Reply(body=completion(json.dumps(reply)))
    with Summarizer(
        base_url=mock.base_url,
        model="fake-model",
        mode="strict",
        transport=mock.transport,
        max_reasks=2,
        **kwargs,
    ) as s:
        brief = s.summarize(EXAMPLE)
    return brief, mock


def reasked_about_length(mock: MockOpenAI) -> list[str]:
    """Re-asks that name an evidence list's length (a re-ask about another check may come)."""
    asks = [r["json"]["messages"][-1]["content"] for r in mock.chat_requests[1:]]
    return [a for a in asks if "evidence" in a and "at most" in a]


def test_a_dispute_citing_its_issue_and_each_side_is_kept() -> None:
    """Five citations: the issue (3, 5) and each side's own sentences (3, 8; 5, 6)."""
    brief, mock = brief_of(answer([3, 5, 6, 8, 15]))
    assert not reasked_about_length(mock)
    assert len(brief.disputes) == 1 and len(brief.disputes[0].evidence) == 5
    assert not [d for d in brief.grounding.dropped if d.path.startswith("disputes")]


def test_a_list_over_the_cap_keeps_its_first_citations_and_reports_the_rest() -> None:
    cited = [3, 5, 6, 8, 15, 4, 7, 2, 9, 13]  # ten: two over the cap
    brief, mock = brief_of(answer(cited))
    assert not reasked_about_length(mock)
    assert len(brief.disputes) == 1
    assert [c.segment for c in brief.disputes[0].evidence] == cited[:MAX_CITATIONS]
    cut = [d for d in brief.grounding.dropped if d.kind == "quote"]
    assert [(d.path, d.content) for d in cut] == [
        ("disputes[0].evidence[8]", 9),
        ("disputes[0].evidence[9]", 13),
    ]
    assert all("not checked" in d.reasons[0] for d in cut)
    assert brief.grounding.quotes_dropped >= 2
