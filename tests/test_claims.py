"""Claims, not just quotes: a brief of false claims citing real words must not pass.

The false brief of issue 10, answered by a scripted loopback model for the seed article:
every quote it gives occurs in the article ("Moscow", "Putin", "the", "said"), and none of
its claims is what the article says.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeopenai import FakeOpenAI, Reply, completion

from summarizer import Brief
from summarizer.article import load_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"the seed article is not at {SEED}")

FALSE_BRIEF: dict[str, Any] = {
    "headline": "Russia agrees to ceasefire as Kyiv concedes Donbas",
    "summary": [
        {"text": "Moscow has agreed to an immediate ceasefire.", "evidence": ["Moscow"]},
        {"text": "Zelensky agreed to give up the Donbas region.", "evidence": ["Zelensky"]},
    ],
    "actors": [
        {
            "id": "putin",
            "name": "Putin",
            "kind": "person",
            "role": "Russian president who accepted the US plan",
            "evidence": ["Putin"],
        }
    ],
    "positions": [
        {
            "actor": "putin",
            "topic": "US peace plan",
            "stance": "Putin accepts the US peace plan in full.",
            "evidence": ["the"],
        }
    ],
    "disputes": [],
    "next_steps": [
        {
            "action": "Trump and Putin will sign a peace treaty in Moscow on Friday.",
            "actors": ["putin"],
            "when": "Friday",
            "certainty": "scheduled",
            "evidence": ["said"],
        }
    ],
}


def cli(server: FakeOpenAI, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SUMMARIZER_BASE_URL": server.base_url,
        "SUMMARIZER_MODEL": "fake-model",
        "SUMMARIZER_MODE": "json_schema",
        "SUMMARIZER_RETRY_MAX_WAIT_S": "0",
        "SUMMARIZER_CACHE": "false",
    }
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.fixture
def liar() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.default = Reply(body=completion(json.dumps(FALSE_BRIEF)))
        yield fake


def test_the_false_brief_fails_under_strict(liar: FakeOpenAI) -> None:
    result = cli(liar, "summarize", str(SEED), "--strict", "--format", "json")
    assert result.returncode == 5, result.stderr
    assert result.stdout == ""
    assert "not supported" in result.stderr
    assert liar.calls == 3  # the first answer and two re-asks, each told what failed
    reask = liar.chat_requests[1]["json"]["messages"][-1]["content"]
    assert "summary[0].text" in reask and "Cite the segments that state it" in reask


def test_in_lenient_mode_every_false_item_is_dropped_and_listed(liar: FakeOpenAI) -> None:
    result = cli(liar, "summarize", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    brief = Brief.model_validate_json(result.stdout)
    assert brief.summary == [] and brief.positions == [] and brief.next_steps == []
    assert "ceasefire" not in brief.headline and "Donbas" not in brief.headline
    assert [a.role for a in brief.actors] == [None]  # Putin is in the article; the role is not
    dropped = {d.path: d for d in brief.grounding.dropped}
    for path in ("summary[0]", "summary[1]", "positions[0]", "next_steps[0]", "headline"):
        assert path in dropped, sorted(dropped)
        assert dropped[path].reasons, path
    assert dropped["actors[0].role"].kind == "claim"
    g = brief.grounding
    assert g.claims_checked >= 5 and g.claims_supported == 0
    assert g.claims_dropped == g.claims_checked


def test_false_claims_with_whole_sentences_as_evidence_are_still_caught(
    liar: FakeOpenAI,
) -> None:
    """Citing a real, whole sentence does not make an unrelated claim true."""
    brief = json.loads(json.dumps(FALSE_BRIEF))
    brief["summary"] = [
        {"text": "Moscow has agreed to an immediate ceasefire.", "evidence": [2]},
        {
            "text": "Kyiv and its Western allies suspect Russia of stalling the talks.",
            "evidence": [5],
        },
    ]
    brief["positions"][0]["evidence"] = [7]
    liar.default = Reply(body=completion(json.dumps(brief)))
    result = cli(liar, "summarize", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = Brief.model_validate_json(result.stdout)
    assert [s.text for s in out.summary] == [
        "Kyiv and its Western allies suspect Russia of stalling the talks."
    ]
    citation = out.summary[0].evidence[0]
    text = load_article(SEED).text  # the text whose SHA-256 the brief names
    assert out.source.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text[citation.start : citation.end] == citation.quote
    assert out.positions == []
