"""Grounding: quotes verbatim or repaired, names in the article, actor ids consistent."""

from __future__ import annotations

import pytest
from briefs import ARTICLE, INDEX, draft

from summarizer.grounding import ArticleIndex, check, withhold_unestablished


def test_segment_citations_become_exact_intervals() -> None:
    result = check(draft(), INDEX)
    assert result.ok, result.problems
    r = result.report
    assert r.quotes_checked == r.quotes_verified == 8 and r.quotes_dropped == 0
    assert r.claims_checked == r.claims_supported == 11 and r.claims_dropped == 0
    assert r.dropped == []
    for item in [*result.content.summary, *result.content.actors, *result.content.positions]:
        for c in item.evidence:
            assert ARTICLE[c.start : c.end] == c.quote
            assert INDEX.segment(c.segment or 0) is not None
    assert result.content.summary[1].evidence[0].quote == (
        "Talks are due to resume on Thursday at the offices of the regional labour board."
    )


def test_a_segment_that_does_not_exist_is_a_precise_problem() -> None:
    d = draft()
    d.summary[1].evidence = [99]
    result = check(d, INDEX)
    assert [str(p) for p in result.problems][0] == (
        f"summary[1].evidence[0]: segment 99 does not exist (the article has 1 to "
        f"{len(INDEX.segments)})"
    )
    assert len(result.content.summary) == 1


def test_a_number_given_as_text_is_a_segment() -> None:
    d = draft()
    d.summary[1].evidence = ["[13]"]
    result = check(d, INDEX)
    assert result.ok
    assert result.content.summary[1].evidence[0].segment == 13


@pytest.mark.parametrize(
    ("quote", "span"),
    [
        # straight quotes for curly ones, and the closing punctuation the model added
        (
            '"We are not against new machines, we are against losing our jobs to them,"',
            '"We are not against new machines, we are against losing our jobs to them,"',
        ),
        # an em dash and collapsed whitespace
        ("HALDEN, 3 March:   Dockworkers", "HALDEN, 3 March: Dockworkers"),
        # a curly apostrophe where the article has none is still the same text after NFKC
        ("Without automation, shipping lines", "Without automation, shipping lines"),
        # case differs: repaired to the article's own casing
        ("talks are due to resume on thursday", "Talks are due to resume on Thursday"),
    ],
)
def test_normalized_quote_is_repaired_to_the_exact_span(quote: str, span: str) -> None:
    found = INDEX.find(quote)
    assert found is not None
    assert found[0] == span
    assert found[0] in ARTICLE


def test_curly_and_dash_variants_are_repaired() -> None:
    text = "He said \u201cno deal\u201d \u2014 and left. It\u2019s over."
    index = ArticleIndex(text)
    assert index.find('He said "no deal" - and left') == (
        "He said \u201cno deal\u201d \u2014 and left",
        False,
    )
    assert index.find("It's over") == ("It\u2019s over", False)
    assert index.find("said \u201cno deal\u201d") == ("said \u201cno deal\u201d", True)


def test_repaired_quote_is_counted_and_replaced_in_the_draft() -> None:
    d = draft()
    d.positions[0].evidence = [
        "its members would not return to work until the Port Halden Authority WITHDREW its "
        "plan to install   automated cranes"
    ]
    result = check(d, INDEX)
    assert result.ok, result.problems
    assert result.report.quotes_repaired == 1
    (citation,) = result.content.positions[0].evidence
    assert citation.quote == (
        "its members would not return to work until the Port Halden Authority withdrew its "
        "plan to install automated cranes"
    )
    assert ARTICLE[citation.start : citation.end] == citation.quote
    assert citation.segment == 3


def test_missing_quote_is_a_precise_problem_and_the_item_is_dropped() -> None:
    d = draft()
    d.summary[1].evidence = ["Moscow has agreed to a ceasefire"]
    result = check(d, INDEX)
    assert [str(p) for p in result.problems] == [
        "summary[1].evidence[0]: quote 'Moscow has agreed to a ceasefire' does not occur "
        "in the article"
    ]
    assert len(result.content.summary) == 1
    assert result.report.items_dropped == 1
    dropped = [d for d in result.report.dropped if d.kind == "item"][0]
    assert dropped.path == "summary[1]"
    assert dropped.content["text"] == "Talks are due to resume on Thursday."


def test_one_bad_quote_of_several_drops_only_that_quote() -> None:
    d = draft()
    d.actors[1].evidence = ["authority chief executive Daniel Brandt", "Brandt resigned"]
    result = check(d, INDEX)
    assert len(result.problems) == 1
    assert [a.id for a in result.content.actors] == ["union", "brandt"]
    assert [c.quote for c in result.content.actors[1].evidence] == [
        "authority chief executive Daniel Brandt"
    ]
    assert [(x.kind, x.content) for x in result.report.dropped] == [("quote", "Brandt resigned")]


def test_trivial_quotes_do_not_count_as_evidence() -> None:
    d = draft()
    d.next_steps[0].evidence = ["", "a"]
    result = check(d, INDEX)
    assert not result.ok
    assert result.content.next_steps == []


def test_a_bare_name_supports_no_claim() -> None:
    d = draft()
    d.summary[0].evidence = ["Daniel Brandt"]
    result = check(d, INDEX)
    assert "the evidence is too thin" in str(result.problems[0])
    assert [s.text for s in result.content.summary] == ["Talks are due to resume on Thursday."]


def test_an_unsupported_role_is_removed_and_the_actor_kept() -> None:
    d = draft()
    d.actors[1].role = "prime minister who ordered the strike to end"
    result = check(d, INDEX)
    assert [a.id for a in result.content.actors] == ["union", "brandt"]
    assert result.content.actors[1].role is None
    (dropped,) = result.report.dropped
    assert (dropped.path, dropped.kind) == ("actors[1].role", "claim")
    # the article calls him its chief executive: the re-ask says so in its own words
    assert str(result.problems[0]).startswith("actors[1].role: role 'prime minister")
    assert "the article says" in str(result.problems[0])


def test_a_role_the_evidence_only_does_not_cover_is_shown_as_not_established() -> None:
    d = draft()
    d.actors[1].role = "authority chief executive who has run the port since the spring"
    result = check(d, INDEX)
    brandt = result.content.actors[1]
    assert brandt.role == d.actors[1].role and brandt.support == "not_established"
    assert [u.path for u in result.report.not_established] == ["actors[1]"]
    assert not result.problems  # nothing contradicted: no re-ask


def test_a_stance_attributed_to_the_wrong_actor_is_dropped() -> None:
    d = draft()
    d.positions[0].actor = "brandt"  # the cited sentence is the union's
    result = check(d, INDEX)
    assert result.content.positions == []
    assert "positions[0]" in [x.path for x in result.report.dropped]


def test_scheduled_certainty_needs_unhedged_evidence_and_when_must_be_cited() -> None:
    d = draft()
    d.next_steps[0].evidence = [11]  # "ready to appoint a mediator if both sides asked"
    d.next_steps[0].action = "The government appoints a mediator"
    d.next_steps[0].when = "Friday"
    result = check(d, INDEX)
    assert result.content.next_steps == []
    reasons = " ".join(x for d in result.report.dropped for x in d.reasons)
    assert "Friday" in reasons and "certainty" in reasons


def test_invented_actor_name_is_dropped_with_everything_that_refers_to_it() -> None:
    d = draft()
    d.actors[1].name = "Xi Jinping"
    result = check(d, INDEX)
    messages = [str(p) for p in result.problems]
    assert "actors[1]: name 'Xi Jinping' does not occur in the article" in messages
    assert [a.id for a in result.content.actors] == ["union"]
    # the dispute keeps the grounded side; the next step loses the unknown id
    assert [s.actors for s in result.content.disputes[0].sides] == [["union"]]
    assert result.content.next_steps[0].actors == ["union"]
    kinds = sorted(x.kind for x in result.report.dropped)
    assert kinds == ["item", "reference", "reference"]


def test_unknown_actor_id_in_a_position_is_reported_and_dropped() -> None:
    d = draft()
    d.positions[0].actor = "okafor"
    result = check(d, INDEX)
    assert [str(p) for p in result.problems] == [
        "positions[0].actor: actor 'okafor' is not the id of any grounded actor"
    ]
    assert result.content.positions == []


def test_duplicate_actors_by_id_and_by_name() -> None:
    d = draft()
    twin = d.actors[0].model_copy(update={"id": "union2"})
    same_id = d.actors[1].model_copy(update={"name": "Maria Okafor"})
    d.actors = [*d.actors, twin, same_id]
    result = check(d, INDEX)
    messages = [str(p) for p in result.problems]
    # the same actor under another id is merged: not a fault to re-ask, but listed
    (merged,) = [d for d in result.report.dropped if d.path == "actors[2]"]
    assert merged.reasons == ["the same actor as 'union' (merged)"]
    assert "actors[3]: id 'brandt' is used by an earlier actor" in messages
    assert [a.id for a in result.content.actors] == ["union", "brandt"]


def test_an_actor_named_twice_is_one_and_keeps_what_is_said_of_it() -> None:
    d = draft()
    d.actors.append(d.actors[1].model_copy(update={"id": "ceo", "name": "Brandt"}))
    d.positions[0] = d.positions[0].model_copy(update={"actor": "union"})
    ceo_says = d.positions[0].model_copy(update={"actor": "ceo"})
    result = check(d.model_copy(update={"positions": [d.positions[0]]}), INDEX)
    assert [a.id for a in result.content.actors] == ["union", "brandt"]
    brief = check(d.model_copy(update={"positions": [ceo_says]}), INDEX)
    assert [p.actor for p in brief.content.positions] in ([], ["brandt"])  # never "ceo"


def test_actor_name_is_repaired_to_the_article_spelling() -> None:
    d = draft()
    d.actors[1].name = "daniel brandt"
    result = check(d, INDEX)
    assert result.ok
    assert result.content.actors[1].name == "Daniel Brandt"


def test_too_short_summary_is_a_problem_but_nothing_is_dropped() -> None:
    d = draft()
    d.summary = d.summary[:1]
    result = check(d, INDEX)
    assert [str(p) for p in result.problems] == ["summary: write 2 to 4 sentences, not 1"]
    assert len(result.content.summary) == 1
    assert result.report.dropped == []


def test_a_headline_the_summary_does_not_support_is_replaced() -> None:
    d = draft(headline="Port Halden dockworkers vote on Friday to extend strike")  # Monday
    result = check(d, INDEX, fallback_headline="Dockworkers at Port Halden extend strike")
    assert result.content.headline == "Dockworkers at Port Halden extend strike"
    assert [x.path for x in result.report.dropped] == ["headline"]
    assert any(p.path == "headline" for p in result.problems)


def test_a_headline_the_summary_does_not_establish_is_marked_and_withheld_under_strict() -> None:
    d = draft(headline="Port Halden strike ends as union accepts automation")
    fallback = "Dockworkers at Port Halden extend strike"
    result = check(d, INDEX, fallback_headline=fallback)
    assert result.content.headline == d.headline
    assert result.report.headline_support == "not_established"
    assert [u.path for u in result.report.not_established] == ["headline"]
    strict = withhold_unestablished(result, fallback)
    assert strict.content.headline == fallback
    assert [x.path for x in strict.report.dropped] == ["headline"]


def test_headline_is_replaced_when_no_summary_sentence_survives() -> None:
    d = draft(headline="Moscow agrees to a ceasefire")
    for sentence in d.summary:
        sentence.evidence = ["nothing like this is in the article"]
    result = check(d, INDEX, fallback_headline="Dockworkers at Port Halden extend strike")
    assert result.content.summary == []
    assert result.content.headline == "Dockworkers at Port Halden extend strike"
    dropped = [x for x in result.report.dropped if x.path == "headline"]
    assert dropped and dropped[0].content == "Moscow agrees to a ceasefire"
    # with a grounded summary the model's headline stays
    assert check(draft(), INDEX, fallback_headline="other").content.headline == draft().headline
