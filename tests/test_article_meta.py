"""Issue 20: a plain-text article's metadata lines and dateline are read, never briefed.

The date goes to ``Article.published`` (which the digest relies on), the outlet of a byline
to ``Article.site``; the headline is the title line, else the lead sentence shortened at a
clause boundary, never cut inside a word and never starting with a dateline or metadata.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.article import load_article
from summarizer.article.meta import read_head, shorten_headline
from summarizer.base.errors import InputError


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    return load_article(path)


def test_a_date_line_and_dateline_before_the_lead(tmp_path: Path) -> None:
    article = _load(
        tmp_path,
        " date 2026-03-11 OSLO: Fisheries Minister Kari Lunde on Tuesday told the northern "
        "councils to \u201cstop waiting\u201d for a quota deal, hours before the talks with the "
        "coastal fleet resumed in Bergen.\n\nThe fleet wants a larger share.\n",
    )
    assert article.published == "2026-03-11"
    assert article.dateline == "OSLO"
    assert article.title is None  # the first line is the lead sentence, not a headline
    assert article.text.startswith("Fisheries Minister Kari Lunde on Tuesday")
    assert "date 2026" not in article.text and "OSLO" not in article.text
    headline = article.fallback_headline
    assert headline == (
        "Fisheries Minister Kari Lunde on Tuesday told the northern councils to "
        "\u201cstop waiting\u201d for a quota deal"
    )


def test_title_byline_and_published_lines(tmp_path: Path) -> None:
    article = _load(
        tmp_path,
        "Ferry fares to rise by a fifth in April\n\n"
        "By Jane Roe, Harbour Times\n"
        "Published: 14 May 2026\n\n"
        "The ferry company said on Monday that fares would rise by 20 percent.\n",
    )
    assert article.title == "Ferry fares to rise by a fifth in April"
    assert article.published == "2026-05-14"
    assert article.site == "Harbour Times"
    assert article.text == (
        "Ferry fares to rise by a fifth in April\n\n"
        "The ferry company said on Monday that fares would rise by 20 percent."
    )
    assert article.fallback_headline == "Ferry fares to rise by a fifth in April"


def test_a_byline_may_carry_the_date_and_a_time_is_kept(tmp_path: Path) -> None:
    article = _load(
        tmp_path,
        "Dock talks stall\nBy Jane Roe, The Harbour Times, 3 June 2026\n\n"
        "The union walked out of the talks on Tuesday evening.\n",
    )
    assert (article.published, article.site) == ("2026-06-03", "The Harbour Times")
    head = read_head("Updated: 2026-06-03T18:05:00+02:00\n\nThe union walked out.")
    assert head.published == "2026-06-03T18:05:00+02:00"


def test_a_dateline_without_a_year_gives_no_date(tmp_path: Path) -> None:
    article = _load(
        tmp_path,
        "Probe lands safely\n\nTROMSO, 9 September (Polar Wire) \u2014 The agency's probe "
        "landed on the ice shelf on Wednesday, the agency said.\n",
    )
    assert article.published is None
    assert article.dateline == "TROMSO, 9 September (Polar Wire)"
    assert article.text.split("\n\n")[1].startswith("The agency's probe landed")


def test_only_metadata_is_not_an_article(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="only metadata"):
        _load(tmp_path, "By Jane Roe, Harbour Times\nPublished: 14 May 2026\n")


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        (  # a clause after a comma: cut there
            "The port authority on Monday approved a plan to automate the container terminal, "
            "a move the dockworkers' union has fought for two years.",
            "The port authority on Monday approved a plan to automate the container terminal",
        ),
        (  # a list of names is not a clause: the cut waits for the verb's clause to end
            "Prime Minister Ana Costa, Finance Minister Rui Lopes, union leader Marta Pires and "
            "employers' chief Joao Reis on Friday signed a wage pact without the teachers' "
            "unions, which said they would strike in May.",
            "Prime Minister Ana Costa, Finance Minister Rui Lopes, union leader Marta Pires and "
            "employers' chief Joao Reis on Friday signed a wage pact",
        ),
        ("A short lead stays whole.", "A short lead stays whole"),
    ],
)
def test_the_lead_shortened_at_a_clause_never_mid_word(sentence: str, headline: str) -> None:
    shortened = shorten_headline(sentence)
    assert shortened == headline
    assert sentence.startswith(shortened)  # the article's own words, from the start


def test_a_lead_without_any_clause_boundary_is_cut_between_words() -> None:
    sentence = " ".join(["word"] * 60) + "."
    shortened = shorten_headline(sentence)
    assert shortened.endswith("\u2026") and len(shortened) <= 112
    assert sentence.startswith(shortened[:-1])  # whole words only


@pytest.mark.parametrize(
    ("lead", "dateline"),
    [
        ("TROMSØ: The council voted on Monday to close the mine for good.", "TROMSØ"),
        (
            "SÃO PAULO, 3 May (Wire) — The council voted on Monday to close it.",
            "SÃO PAULO, 3 May (Wire)",
        ),
        (
            "LONDON (Reuters) - Britain said on Monday that it would act at once.",
            "LONDON (Reuters)",
        ),
    ],
)
def test_datelines_in_any_script_s_capitals(tmp_path: Path, lead: str, dateline: str) -> None:
    article = _load(tmp_path, f"Mine to close\n\n{lead}\n")
    assert article.dateline == dateline
    assert article.text == "Mine to close\n\n" + lead[
        lead.index(dateline) + len(dateline) :
    ].lstrip(" :—-")


def test_a_sentence_with_a_colon_is_no_dateline(tmp_path: Path) -> None:
    article = _load(tmp_path, "Title\n\nThe minister: we will act on Monday, she told reporters.\n")
    assert article.dateline is None and article.text.endswith("she told reporters.")
