"""One actor identity: chunk merging and digest story grouping agree on who is who."""

from __future__ import annotations

from typing import Any

from summarizer.base.config import Settings
from summarizer.digest.config import SummarizerTable
from summarizer.digest.stories import canonical_ids
from summarizer.longform.merge import merge
from summarizer.output.brief import Actor, Brief, BriefContent, Citation, SummarySentence
from summarizer.output.names import acronym, aliases, fold, name_key, surname

# (part, id, name, kind): one person by title, full name and surname; an acronym; an
# ambiguous surname; an organisation whose first word is not a name of its own.
MENTIONS = [
    (0, "mo", "Minister Maria Okafor", "person"),
    (0, "eu", "EU", "organization"),
    (0, "as", "Anna Smith", "person"),
    (1, "okafor", "Okafor", "person"),
    (1, "union", "European Union", "organization"),
    (1, "js", "John Smith", "person"),
    (2, "maria", "Maria Okafor’s", "person"),
    (2, "smith", "Smith", "person"),
    (2, "acme", "Acme Corp", "organization"),
    (2, "acme2", "Acme", "organization"),
]


def _cite(quote: str) -> Citation:
    return Citation(quote=quote, start=0, end=len(quote))


def _actors(part: int) -> list[Actor]:
    return [
        Actor(id=i, name=n, kind=k, role="r", evidence=[_cite(f"q{p}{i}")])  # type: ignore[arg-type]
        for p, i, n, k in MENTIONS
        if p == part
    ]


def _draft(part: int) -> dict[str, Any]:
    return {
        "headline": "h",
        "summary": [SummarySentence(text="s", evidence=[_cite("q")])],
        "actors": _actors(part),
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }


def _partition(pairs: dict[tuple[int, str], str]) -> set[frozenset[tuple[int, str]]]:
    groups: dict[str, set[tuple[int, str]]] = {}
    for member, group in pairs.items():
        groups.setdefault(group, set()).add(member)
    return {frozenset(g) for g in groups.values()}


def test_chunk_merge_and_story_grouping_agree_on_who_is_the_same_actor() -> None:
    parts = [(part, BriefContent(**_draft(part))) for part in range(3)]
    merged = merge(parts)
    briefs = [
        Brief.model_validate(
            {
                **_draft(part),
                "source": {"content_hash": str(part)},
                "model": "m",
                "backend": "b",
                "prompt_version": "p",
                "usage": {},
                "attempts": 1,
                "latency_s": 0,
                "created_at": "2025-01-01T00:00:00Z",
                "grounding": {},
            }
        )  # fmt: skip
        for part in range(3)
    ]
    stories = {
        (part, actor_id): key
        for part, idmap in enumerate(canonical_ids(briefs))
        for actor_id, key in idmap.items()
    }
    assert _partition(merged.ids) == _partition(stories)
    expected = {
        frozenset({(0, "mo"), (1, "okafor"), (2, "maria")}),
        frozenset({(0, "eu"), (1, "union")}),
        frozenset({(2, "smith")}),
        frozenset({(2, "acme2")}),
    }
    assert expected <= _partition(stories)


def test_the_rules() -> None:
    assert name_key("  The  Élysée-Palace ") == "elysee palace"
    assert name_key("Dr. Jane O'Neil") == "jane o neil"
    assert fold("Putin’s PLAN") == "putin plan"
    assert surname("maria okafor") == "okafor" and acronym("bank of england") == "be"
    mentions = [("Smith", "person"), ("Anna Smith", "person"), ("John Smith", "person"),
                ("BoE", "organization"), ("Bank of England", "organization")]  # fmt: skip
    assert aliases(mentions) == {}  # an ambiguous surname; "BoE" is not written in capitals
    assert aliases([("ECB", "organization"), ("the European Central Bank", "other")]) == {
        "ecb": "european central bank"
    }
    # a surname stands for a person only
    assert aliases([("Okafor", "person"), ("Okafor Holdings", "organization")]) == {}


def test_the_digest_summarizer_table_has_every_setting() -> None:
    assert set(SummarizerTable.model_fields) == set(Settings.model_fields) - {"sources"}
