"""Claims, not just quotes: a brief of false claims citing real, whole sentences must not pass.

The article is the repository's own (``tests/fixtures/articles/local-politics-bus-cuts.txt``,
so the tests run in a clean clone). Every citation of the false brief is a whole, substantive
sentence of it (never "the" or a bare name, which the trivial-quote rule would catch on its
own): only the claim-support check can tell that a proposal is not a decision, 18 percent is
not 28, "will not raise fares" is not "will raise fares", and June 24 is not June 17. With
the check stubbed to "always supported", these tests fail.
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

from summarizer import Brief
from summarizer.article import load_article
from summarizer.testing import FakeOpenAI, Reply, completion

ARTICLE = Path(__file__).resolve().parent / "fixtures" / "articles" / "local-politics-bus-cuts.txt"

# Segment numbers as the model is shown the article: [1] is the title, [2] the first sentence.
FALSE_BRIEF: dict[str, Any] = {
    "headline": "Westbrook council approves the mayor's bus cuts",
    "summary": [
        {"text": "The council approved cutting 14 of the city's 52 bus routes.", "evidence": [2]},
        {"text": "State funding for public transport fell by 28 percent.", "evidence": [5]},
    ],
    "actors": [
        {
            "id": "chen",
            "name": "Laura Chen",
            "kind": "person",
            "role": "Mayor who raised bus fares to close the gap",
            "evidence": [2, 7],
        }
    ],
    "positions": [
        {
            "actor": "chen",
            "topic": "fares",
            "stance": "Chen will raise fares on the people who can least afford it.",
            "evidence": [7],
        }
    ],
    "disputes": [],
    "next_steps": [
        {
            "action": "The council votes on the budget.",
            "actors": [],
            "when": "Tuesday, June 17",
            "certainty": "scheduled",
            "evidence": [8],
        },
        {
            "action": "The Westbrook Transit Authority has applied to the state for emergency "
            "funding.",
            "actors": [],
            "when": None,
            "certainty": "scheduled",
            "evidence": [30],
        },
    ],
}
FALSE_PATHS = ("headline", "summary[0]", "summary[1]", "positions[0]", "next_steps[0]",
               "next_steps[1]")  # fmt: skip


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


def test_the_cited_sentences_are_whole_and_substantive() -> None:
    """The premise: no quote here is trivial, so nothing but the claim check can object."""
    from summarizer.grounding import ArticleIndex

    segments = ArticleIndex(load_article(ARTICLE).text).segments
    cited = {n for item in _items(FALSE_BRIEF) for n in item["evidence"]}
    for n in cited:
        sentence = segments[n - 1].text
        assert len(sentence.split()) >= 9, sentence


def _items(brief: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for k in ("summary", "actors", "positions", "next_steps") for i in brief[k]]


def test_the_false_brief_fails_under_strict(liar: FakeOpenAI) -> None:
    result = cli(liar, "summarize", str(ARTICLE), "--strict", "--format", "json")
    assert result.returncode == 5, result.stderr
    assert result.stdout == ""
    assert "not supported" in result.stderr
    assert liar.calls == 3  # the first answer and two re-asks, each told what failed
    reask = liar.chat_requests[1]["json"]["messages"][-1]["content"]
    assert "summary[0].text" in reask and "Cite the segments that state it" in reask


def test_in_lenient_mode_every_false_item_is_dropped_and_listed(liar: FakeOpenAI) -> None:
    result = cli(liar, "summarize", str(ARTICLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    brief = Brief.model_validate_json(result.stdout)
    assert brief.summary == [] and brief.positions == [] and brief.next_steps == []
    assert "approves" not in brief.headline
    assert [a.role for a in brief.actors] == [None]  # Chen is in the article; the role is not
    dropped = {d.path: d for d in brief.grounding.dropped}
    for path in FALSE_PATHS:
        assert path in dropped, sorted(dropped)
        assert dropped[path].reasons, path
    assert dropped["actors[0].role"].kind == "claim"
    g = brief.grounding
    # true: next_steps[0]'s action and certainty (a vote is scheduled; its date is not 17),
    # and next_steps[1]'s certainty (every claim of an item is checked, even after one fails)
    assert (g.claims_checked, g.claims_supported, g.claims_dropped) == (10, 3, 7)


def test_whole_sentences_do_not_make_an_unrelated_claim_true(liar: FakeOpenAI) -> None:
    """A true claim and a false one, each citing a real, whole sentence: only the true one
    stays, at its exact offsets in the article the brief names."""
    brief = json.loads(json.dumps(FALSE_BRIEF))
    brief["summary"] = [
        {"text": "The council approved cutting 14 of the city's 52 bus routes.", "evidence": [2]},
        {"text": "Laura Chen proposed cutting 14 of the city's 52 bus routes.", "evidence": [2]},
    ]
    liar.default = Reply(body=completion(json.dumps(brief)))
    result = cli(liar, "summarize", str(ARTICLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = Brief.model_validate_json(result.stdout)
    assert [s.text for s in out.summary] == [
        "Laura Chen proposed cutting 14 of the city's 52 bus routes."
    ]
    citation = out.summary[0].evidence[0]
    text = load_article(ARTICLE).text  # the text whose SHA-256 the brief names
    assert out.source.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text[citation.start : citation.end] == citation.quote
    assert out.positions == []
