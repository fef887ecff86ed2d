"""A valid brief draft of examples/port-strike.txt, for tests that need a known-good answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarizer.grounding import ArticleIndex
from summarizer.output.brief import BriefDraft

ARTICLE = (Path(__file__).parent.parent / "examples" / "port-strike.txt").read_text()
INDEX = ArticleIndex(ARTICLE)


def draft(**overrides: Any) -> BriefDraft:
    """A faithful brief: every claim is what the cited segment ([n], 1-based) says."""
    data: dict[str, Any] = {
        "headline": "Port Halden dockworkers extend their strike",
        "summary": [
            {
                "text": "Dockworkers at Port Halden voted to extend their strike for another week.",
                "evidence": [2],
            },
            {"text": "Talks are due to resume on Thursday.", "evidence": [13]},
        ],
        "actors": [
            {
                "id": "union",
                "name": "Halden Dockworkers Union",
                "kind": "organization",
                "role": "the dockworkers' union",
                "evidence": [3],
            },
            {
                "id": "brandt",
                "name": "Daniel Brandt",
                "kind": "person",
                "role": "authority chief executive",
                "evidence": [6],
            },
        ],
        "positions": [
            {
                "actor": "union",
                "topic": "automation",
                "stance": "Its members will not return to work until the Port Halden Authority "
                "withdraws its plan to install automated cranes.",
                "evidence": [3],
            }
        ],
        "disputes": [
            {
                "issue": "The plan to install automated cranes at the container terminal",
                "sides": [
                    {
                        "actors": ["union"],
                        "claim": "Members will not return to work until the "
                        "plan to install automated cranes is withdrawn.",
                    },
                    {
                        "actors": ["brandt"],
                        "claim": "Without automation, shipping lines will "
                        "move their business to other ports.",
                    },
                ],
                "status": "stalled",
                "evidence": [3, 6],
            }
        ],  # fmt: skip
        "next_steps": [
            {
                "action": "Talks resume at the offices of the regional labour board",
                "actors": ["union", "brandt"],
                "when": "Thursday",
                "certainty": "scheduled",
                "evidence": [13],
            }
        ],
    }
    data.update(overrides)
    return BriefDraft.model_validate(data)


def draft_json(**overrides: Any) -> str:
    return draft(**overrides).model_dump_json()
