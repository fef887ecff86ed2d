"""The story tracker's parts, one rule each: the lines a newsroom reader flagged in issue 21.

Pure functions on text (no model, no store): bylines and datelines, figures, the day a
phrase names, which next steps still are, what a re-written line repeats, headlines cut at
a clause, surnames typed as anything, citations shown once.
"""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.digest.changes import development_score, repeats
from summarizer.digest.lines import numbers_of, quoted
from summarizer.digest.linking import Signature, link, shared_people, strength
from summarizer.digest.models import Quoted
from summarizer.digest.steps import step_kept
from summarizer.digest.text import (
    clean_line,
    figures,
    first_sentence,
    is_metadata,
    resolve_day,
    shorten,
)

TUESDAY = date(2025, 3, 4)


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("By Tomas Greer, Eastbridge Public Radio, 5 March 2025", None),
        ("By Maja Holt, Northern Business Ledger, 4 March 2025", None),
        ("Published: 2025-03-04", None),
        ("date 2025-03-04 MARSHOLM: Ferry crews walked off the job.",
         "Ferry crews walked off the job."),
        ("VELDHAVEN, 4 March 2025 — Viktor Hallberg pleaded not guilty.",
         "Viktor Hallberg pleaded not guilty."),
        ("HOLLIN: The library reopened on Monday.", "The library reopened on Monday."),
        ("A cap at half of last year's trade: a closure notice.",
         "A cap at half of last year's trade: a closure notice."),
        ("By the end of the day, the talks had failed.",
         "By the end of the day, the talks had failed."),
    ],
)  # fmt: skip
def test_bylines_and_datelines_never_reach_a_headline_or_summary(
    line: str, cleaned: str | None
) -> None:
    assert clean_line(line) == cleaned
    assert is_metadata(line) == (cleaned is None)


def test_figures_are_read_in_one_form_each() -> None:
    text = (
        "Members voted 412-88, or 412 votes to 88. The union wants 7 percent; Nordline offers "
        "3.5%. The budget rises to €230 million from 2 p.m. on 20 March 2025."
    )
    assert figures(text) == {"412-88", "7%", "3.5%", "230m", "2pm", "20 mar"}
    assert figures("The choir has 46 singers aged 12 to 19, founded in 1962.") == {"46", "12-19"}


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("on Wednesday", date(2025, 3, 5)),
        ("on Monday", date(2025, 3, 3)),  # news names the day just gone as "on Monday"
        ("by 20 March", date(2025, 3, 20)),
        ("from 1 May", date(2025, 5, 1)),
        ("next week", date(2025, 3, 10)),
        ("by the end of June", date(2025, 6, 30)),
        ("in 2022", date(2022, 12, 31)),
        ("2025-04-02", date(2025, 4, 2)),
        ("soon", None),
    ],
)
def test_the_day_a_phrase_names_is_read_from_the_articles_date(
    phrase: str, day: date | None
) -> None:
    assert resolve_day(phrase, TUESDAY) == day


@pytest.mark.parametrize(
    ("action", "when", "kept"),
    [
        ("Closing arguments will be heard on 18 March.", "on 18 March", True),
        ("The court will hear on Tuesday from Jonas Falk.", "on Tuesday", True),  # today
        ("No new talks had been scheduled by Monday evening.", "by Monday evening", False),
        ("Neither side said when talks might resume.", None, False),
        ("Ekberg repeated that the country could not accept a deal that capped exports "
         "from next year.", "next year", False),
        ('"I do not intend to let that become a week," Ekberg told reporters.', None, False),
        ("The inquiry heard on Monday that samples were taken.", "on Monday", False),
        ("The talks were due to end on Monday.", "on Monday", False),  # passed
        ("The company said it would review its schedules again on Wednesday.", "on Wednesday",
         True),
    ],
)  # fmt: skip
def test_a_next_step_is_still_ahead_and_says_so(action: str, when: str | None, kept: bool) -> None:
    assert step_kept(action, when, TUESDAY, TUESDAY)[0] is kept


def test_a_step_that_was_ahead_yesterday_has_passed_today() -> None:
    step = "Talks will resume at 2 p.m. on Wednesday."
    assert step_kept(step, "on Wednesday", TUESDAY, date(2025, 3, 5))[0]
    assert not step_kept(step, "on Wednesday", TUESDAY, date(2025, 3, 6))[0]


def test_the_concrete_change_outscores_a_quotation_and_a_line_already_shown() -> None:
    known = {"412-88", "7%", "3.5%"}
    deal = "Members voted 68-32 to accept a 5.5 percent rise, ending the strike."
    quote = '"We are tired," Dahl said, "and tired crews are not safe crews."'
    old = "Members voted 412-88 for an indefinite strike."
    assert development_score(deal, known, set()) > development_score(quote, known, set())
    assert development_score(deal, known, set()) > development_score(old, known, set())
    assert development_score(old, known, {"members voted 412 88 for an indefinite strike"}) < 0


def test_a_line_repeats_its_headline_unless_it_adds_figures_or_words() -> None:
    headline = "Brenmouth council passes amended housing budget by 41 votes to 29"
    assert repeats("The council passed the amended housing budget by 41 votes to 29.", headline)
    assert not repeats(
        "Brenmouth city council approved a €230 million housing budget on Wednesday night, "
        "clearing the way for 1,550 new social rented homes.",
        headline,
    )


def test_headlines_are_cut_at_a_clause_never_inside_a_word() -> None:
    lead = (
        "Per Solberg, a former labour court judge, was appointed on Tuesday evening to mediate "
        "in the Nordline ferry strike, and both the company and the crews' union agreed to meet"
    )
    cut = shorten(lead, 120)
    assert len(cut) <= 121 and lead.startswith(cut.rstrip("…"))
    assert cut.endswith("strike")
    long = "The government and the Meridian Customs Union agreed late on Wednesday to cut the " + (
        "Union's tariff on steel from 25 percent to 10 percent for up to 1.8 million tonnes"
    )
    cut = shorten(long, 100)
    assert cut.endswith("…") and long.startswith(cut[:-1])
    assert long[len(cut) - 1] == " "  # the cut is at a word boundary
    assert first_sentence("Tom Achterberg does not look like a winner. He won.") == (
        "Tom Achterberg does not look like a winner"
    )


def test_a_surname_typed_as_anything_is_the_person_whose_full_name_another_gives() -> None:
    """The issue's "Oyelaran" typed as an organization never joined "Marcus Oyelaran"."""
    one = Signature.of(["marcus oyelaran", "anna berg"], ["redcastle", "choir"], ["choir", "prize"])
    other = Signature.of(["ines holm"], ["redcastle"], ["choir", "audit"], lone=["oyelaran"])
    assert shared_people(one, other) == 0
    assert strength(one, other, frozenset()) is not None  # the lone surname counts
    smiths = Signature.of(["anna smith"], [], []), Signature.of(["john smith"], [], [])
    assert shared_people(*smiths) == 0


def test_a_story_joins_at_most_one_open_story_and_keeps_to_its_size() -> None:
    port = Signature.of(["ingrid dahl", "tomas brekke"], ["nordline", "skerra"], ["strike"])
    court = Signature.of(["viktor hallberg", "sofia berg"], ["brightwater"], ["trial"])
    both = Signature.of(["ingrid dahl", "tomas brekke", "viktor hallberg", "sofia berg"],
                        ["nordline", "brightwater"], ["strike", "trial"])  # fmt: skip
    groups = link([both, port], [port, court])
    # both articles join the open port story; the court story is not merged into it
    assert {tuple(g): s for g, s in groups} == {(0, 1): 0}
    many = [Signature.of(["ingrid dahl", "tomas brekke"], [], [f"w{i}"]) for i in range(30)]
    assert max(len(g) for g, _ in link(many, [], max_size=12)) == 12


def test_citations_are_shown_once_and_article_sentences_quoted() -> None:
    quotes = [Quoted(text="a", article="x"), Quoted(text="b", article="x"),
              Quoted(text="c", article="y")]  # fmt: skip
    assert numbers_of(quotes, {"x": 5, "y": 2}) == [5, 2]
    assert quoted("The strike is over.", True) == "“The strike is over.”"
    assert quoted("The strike is over.", False) == "The strike is over."
    assert quoted("“It is over,” she said.", True) == "“‘It is over,’ she said.”"
    assert quoted('"It is over," she said.', True) == "“‘It is over,’ she said.”"
