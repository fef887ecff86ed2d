"""Briefs of non-Latin articles by the embedded model (SmolLM2-135M, the choose strategy),
replayed from cassettes recorded from the real embedded llama.cpp server.

Recorded with ``.venv/bin/python scripts/record-cassettes -k i18n`` (docs/testing.md). Each
brief goes through ``Summarizer`` as the CLI's default does: the program proposes the
article's own sentences (and, in a cased script, the names it shows), the model picks
under a grammar, and the grounding checks every item. What the choose path offers per
language is in docs/languages.md; the minimums asserted here are what it honestly reaches:
two summary sentences everywhere, three actors where the script has capitals.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURES, Recorded

from summarizer import Brief, verify
from summarizer.article import load_article

I18N = FIXTURES / "i18n"
# fixture, whether its script has capital letters (names can be proposed)
ARTICLES = [
    ("ru-novosibirsk-tarif", True),  # Cyrillic
    ("zh-shenzhen-ditie", False),  # Han: the article that crashed the choose path
    ("ar-amman-hafilat", False),  # Arabic
]


def citations(brief: Brief) -> list[Any]:
    items: list[Any] = [*brief.summary, *brief.actors, *brief.positions, *brief.next_steps]
    return [c for item in items for c in item.evidence]


@pytest.mark.vcr
@pytest.mark.needs_server("llama.cpp")
@pytest.mark.parametrize(("name", "cased"), ARTICLES, ids=[a for a, _ in ARTICLES])
def test_i18n_choose_brief(recorded: Recorded, vcr: Any, name: str, cased: bool) -> None:
    path = I18N / f"{name}.txt"
    with recorded.summarizer(strategy="choose") as summarizer:
        brief = summarizer.summarize(path)
    article = load_article(path)
    text = article.text
    # one call, whose tool schema offers summary sentences to choose from
    bodies = [json.loads(r.body) for r in vcr.requests if r.uri.endswith("/chat/completions")]
    assert len(bodies) == 1
    schema = bodies[0]["tools"][0]["function"]["parameters"]
    assert schema["properties"]["summary"]["minItems"] == 2
    # the model chooses sentences only: the actors are the program's reading (issue 20)
    assert "actors" not in schema["properties"]
    # every citation is the article's own text at its offsets
    for c in citations(brief):
        assert text[c.start : c.end] == c.quote, c
    # every claim supported; nothing dropped; the brief verifies again from scratch
    g = brief.grounding
    assert g.claims_checked == g.claims_supported > 0 and g.items_dropped == 0
    result = verify(brief, article)
    assert result.ok, [(i.path, i.reasons) for i in result.items if not i.supported]
    # the minimums the choose path reaches in this script
    assert brief.method == "extractive" and len(brief.summary) >= 2
    assert len(brief.actors) >= (3 if cased else 0)
    for s in brief.summary:
        assert s.extractive and s.text == s.evidence[0].quote
    for a in brief.actors:
        assert a.name in text and a.evidence and a.evidence[0].quote.count(a.name) >= 1
    assert brief.headline == text.splitlines()[0].strip()  # the article's headline line, as written
