"""A valid brief draft of examples/port-strike.txt, for tests that need a known-good answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarizer.brief import BriefDraft
from summarizer.grounding import ArticleIndex

ARTICLE = (Path(__file__).parent.parent / "examples" / "port-strike.txt").read_text()
INDEX = ArticleIndex(ARTICLE)


def draft(**overrides: Any) -> BriefDraft:
    data: dict[str, Any] = {
        "headline": "Port Halden strike extended",
        "summary": [
            {
                "text": "Dockworkers extended their strike.",
                "evidence": ["voted on Monday to extend their strike for another week"],
            },
            {
                "text": "Talks resume on Thursday.",
                "evidence": ["Talks are due to resume on Thursday"],
            },
        ],
        "actors": [
            {
                "id": "union",
                "name": "Halden Dockworkers Union",
                "kind": "organization",
                "role": "striking union",
                "evidence": ["The Halden Dockworkers Union said its members would not return"],
            },
            {
                "id": "brandt",
                "name": "Daniel Brandt",
                "kind": "person",
                "role": "authority chief executive",
                "evidence": ["authority chief executive Daniel Brandt said in a statement"],
            },
        ],
        "positions": [
            {
                "actor": "union",
                "topic": "automation",
                "stance": "Wants the crane plan withdrawn.",
                "evidence": ["withdrew its plan to install automated cranes"],
            }
        ],
        "disputes": [
            {
                "issue": "Automated cranes",
                "sides": [
                    {"actors": ["union"], "claim": "Jobs will be lost."},
                    {"actors": ["brandt"], "claim": "Automation keeps the port competitive."},
                ],
                "status": "stalled",
                "evidence": ["talks with the port authority broke down over pay and automation"],
            }
        ],
        "next_steps": [
            {
                "action": "Talks resume",
                "actors": ["union", "brandt"],
                "when": "Thursday",
                "certainty": "scheduled",
                "evidence": ["Talks are due to resume on Thursday"],
            }
        ],
    }
    data.update(overrides)
    return BriefDraft.model_validate(data)


def draft_json(**overrides: Any) -> str:
    return draft(**overrides).model_dump_json()
