"""Issue 20: who the actors are, of what kind, and who speaks (summarizer.cast's reading).

Actor recall and kinds: a leader named once in the lead is an actor and a person; a title
before a name is split off ("US President", "Russian Foreign Minister"); a capital used for
its country is that country; places are not actors. Speakers: "Ana Ruiz of the Harbour
Trust said" is Ruiz; a company named inside a person's speech is not a speaker; "...," she
said in a statement; "According to X". The texts are written for these tests.
"""

from __future__ import annotations

from summarizer.cast import Cast, read_cast
from summarizer.grounding.segments import segment


def cast_of(text: str, title: str | None = None) -> Cast:
    return read_cast(text, list(segment(text)), title)


def seg_of(cast: Cast, start: str) -> int:
    return next(s.id for s in cast.view.segments if s.text.startswith(start))


def speaker_names(cast: Cast, seg: int) -> list[str]:
    return [cast.actors[k].name for k in cast.speakers(seg)]


LEAD = """\
US President Mark Ellery on Monday told Caldora to "stop stalling" on a grain deal, hours \
before his envoy Tom Reyes began talks with President Ivan Sorov in Caldora.

Ellery has been pressing Caldora and Varn to sign the deal since January.

Caldoran Foreign Minister Lena Dask said the talks were "useful but slow".

Sorov last month rejected a full opening of the ports, while the Caldoran government \
offered a partial one.

Talks resume in Geneva on Friday at the Palais des Nations.
"""


def test_leaders_named_in_the_lead_are_people_with_their_titles() -> None:
    cast = cast_of(LEAD)
    ellery = cast.actors[cast.resolve("Mark Ellery") or ""]
    assert (ellery.name, ellery.kind, ellery.role) == ("Mark Ellery", "person", "US President")
    assert cast.resolve("Ellery") == cast.resolve("Mark Ellery")  # one actor, not two
    dask = cast.actors[cast.resolve("Lena Dask") or ""]
    assert (dask.kind, dask.role) == ("person", "Caldoran Foreign Minister")
    sorov = cast.actors[cast.resolve("Ivan Sorov") or ""]  # named once, then by surname
    assert sorov.kind == "person"
    # "..., while the Caldoran government offered": the government speaks for Caldora
    assert speaker_names(cast, seg_of(cast, "Sorov last month")) == ["Ivan Sorov", "Caldora"]
    # a country known only by its demonym's rule ("Caldoran") is a country
    assert cast.actors[cast.resolve("Caldora") or ""].kind == "country"
    # places are where things happen, not actors
    assert cast.resolve("Geneva") is None and cast.resolve("Palais des Nations") is None
    assert speaker_names(cast, seg_of(cast, "Ellery has been pressing")) == ["Mark Ellery"]


CAPITALS = """\
Moscow on Tuesday rejected the proposal. Russia has said it will not withdraw.

Kyiv welcomed the plan, and Ukraine's foreign ministry said it would send a delegation.
"""


def test_a_capital_used_for_its_country_is_that_country() -> None:
    cast = cast_of(CAPITALS)
    russia = cast.resolve("Russia")
    assert russia is not None and cast.resolve("Moscow") == russia
    assert cast.actors[russia].kind == "country"
    assert speaker_names(cast, seg_of(cast, "Moscow on Tuesday")) == ["Russia"]
    assert cast.actors[cast.resolve("Kyiv") or ""].kind == "country"


SPEAKERS = """\
Harbour fees to double, port says

Ana Ruiz of the Harbour Trust said the new fees would drive small boats away.

Okafor said Altura had rejected the offer because it was too low.

"We will not sign a contract that costs jobs," she said in a statement.

According to the Port Authority, the fees have not risen since 2019.

The company said it would appeal. Northwind Shipping, which runs the ferries, declined to \
comment.
"""


def test_speakers_of_speech_verbs_and_reported_speech() -> None:
    cast = cast_of(SPEAKERS, title="Harbour fees to double, port says")
    # "Ana Ruiz of the Harbour Trust said": the person speaks; the trust is only named
    assert speaker_names(cast, seg_of(cast, "Ana Ruiz")) == ["Ana Ruiz"]
    assert cast.actors[cast.resolve("Harbour Trust") or ""].kind == "organization"
    # a company named inside a person's speech is not a speaker
    okafor = seg_of(cast, "Okafor said")
    assert "Altura" not in speaker_names(cast, okafor)
    # "...," she said in a statement: the person last seen speaking
    assert speaker_names(cast, seg_of(cast, '"We will not sign')) == ["Ana Ruiz"]
    # According to X: X speaks
    assert speaker_names(cast, seg_of(cast, "According to")) == ["Port Authority"]


def test_the_company_and_the_union_are_the_bodies_named() -> None:
    text = (
        "The Coastline Drivers union, which represents 900 drivers at Bayline Coaches, is "
        "demanding a rise of 8 percent. The company has offered 3 percent.\n\n"
        "Bayline Coaches said the union's demand was unaffordable. The union said it would "
        "strike on Monday."
    )
    cast = cast_of(text)
    union, company = cast.resolve("Coastline Drivers"), cast.resolve("Bayline Coaches")
    assert union is not None and company is not None
    assert cast.actors[union].kind == cast.actors[company].kind == "organization"
    assert cast.speakers(seg_of(cast, "The Coastline Drivers union")) == [union]
    assert cast.speakers(seg_of(cast, "The company has offered")) == [company]
    assert cast.speakers(seg_of(cast, "The union said")) == [union]


def test_officials_of_a_country_speak_for_it() -> None:
    text = (
        "Tarmenia wants the border reopened. Belvan says it will stay shut.\n\n"
        "Tarmenian officials said they would complain to the council next week. "
        "A Belvanese minister declined to comment."
    )
    cast = cast_of(text)
    tarmenia = cast.resolve("Tarmenia")
    assert tarmenia is not None and cast.actors[tarmenia].kind == "country"
    assert cast.speakers(seg_of(cast, "Tarmenian officials")) == [tarmenia]


def test_the_person_before_an_appositive_speaks_not_the_body_it_names() -> None:
    text = (
        "Fares to rise\n\n"
        "Ruth Amankwah, chair of the Rail Users Forum, said the takeover was overdue.\n\n"
        "Lucy Harrow, whose constituency includes Northgate, said she would fight the plan.\n\n"
        "The Rail Users Forum, which represents commuters, said fares were too high.\n"
    )
    cast = cast_of(text)
    assert speaker_names(cast, seg_of(cast, "Ruth Amankwah")) == ["Ruth Amankwah"]
    assert speaker_names(cast, seg_of(cast, "Lucy Harrow")) == ["Lucy Harrow"]
    assert speaker_names(cast, seg_of(cast, "The Rail Users Forum")) == ["Rail Users Forum"]


def test_a_quotation_someone_unnamed_is_said_to_say_is_not_the_last_speakers() -> None:
    """Issue 21: '"...," the councillor said' after the mayor spoke is not the mayor's."""
    text = (
        "Library row\n\nMayor Clara Weiss defended the budget. "
        '"We were told for weeks that the library would stay open," the councillor said. '
        '"We will not cut the library," she said. "Nobody wants that."\n'
    )
    cast = cast_of(text)
    assert speaker_names(cast, seg_of(cast, '"We were told')) == []
    assert speaker_names(cast, seg_of(cast, '"We will not cut')) == ["Clara Weiss"]
    assert speaker_names(cast, seg_of(cast, '"Nobody wants')) == ["Clara Weiss"]


# --- who speaks: sources, unions by other names, surnames met first, "she" after a "he" ---

SOURCES = """\
Pilots at Skyvane Airways will strike this month after pay talks broke down.

The Association of Commercial Pilots, which represents 1,100 pilots, said its members had \
voted for action. Karel Voss, a spokesman for the Social Union party, said a new law would \
"punish working people".

The union wants a 14 per cent rise over two years.

Captain Lorna Fairweather chairs the association's council. According to her, the airline \
has refused to discuss rest periods at all.

Critics of the deal, led by the consumer group Fairbill, say it falls hardest on pensioners. \
The group wants the fee to be means-tested.

His account was challenged by a former engineer at the plant, Gareth Pym, who gave \
evidence last Thursday. Pym told the inquiry that his manager had ignored the warnings.

Vantel's chief executive, Julian Maske, said he was disappointed. Corvex's chief executive, \
Sunita Rao, was more cautious. Speaking to analysts, she said the company was "considering \
all options".

A Norvex engineer, who asked not to be named, said staff had been told little. "We read \
about it in the news," she said.
"""


def test_the_source_of_a_report_speaks_not_the_one_it_reports() -> None:
    cast = cast_of(SOURCES)
    # "According to her, the airline has refused ...": her report, not the airline's stance
    assert speaker_names(cast, seg_of(cast, "According to her")) == ["Lorna Fairweather"]


def test_the_union_is_the_union_not_a_party_with_union_in_its_name() -> None:
    cast = cast_of(SOURCES)
    assert speaker_names(cast, seg_of(cast, "The union wants")) == [
        "Association of Commercial Pilots"
    ]
    # "the consumer group Fairbill": "The group" is Fairbill
    assert speaker_names(cast, seg_of(cast, "The group wants")) == ["Fairbill"]


def test_a_surname_met_after_the_full_name_is_one_person() -> None:
    cast = cast_of(SOURCES)
    assert speaker_names(cast, seg_of(cast, "Pym told")) == ["Gareth Pym"]
    assert cast.resolve("Pym") == cast.resolve("Gareth Pym")


def test_she_is_not_the_he_named_last() -> None:
    cast = cast_of(SOURCES)
    assert speaker_names(cast, seg_of(cast, "Speaking to analysts")) == ["Sunita Rao"]
    # an unnamed engineer's "she said" is no known actor's stance
    assert speaker_names(cast, seg_of(cast, '"We read about it')) == []


PLACES = """\
date 2026-05-11 PORT ELLIS: A recount in the Ellsworth North district has confirmed the \
Citizens' Movement as winner of the seat.

With Ellsworth North decided, the Citizens' Movement holds 31 of the assembly's 61 seats.

The Harbour Party's leader, Simon Varga, who has governed the region for the past eight years \
and remains in office as caretaker premier, said the recount had been "rushed".

He said 212 postal ballots had been wrongly rejected.

The National Environment Agency also faced questions. Its director, Lydia Osei, said \
inspections had fallen.
"""


def test_a_district_is_a_place_and_he_is_the_subject_before() -> None:
    cast = cast_of(PLACES)
    assert cast.resolve("Ellsworth North") is None  # "the Ellsworth North district"
    assert speaker_names(cast, seg_of(cast, "The Harbour Party's leader")) == ["Simon Varga"]
    assert speaker_names(cast, seg_of(cast, "He said 212")) == ["Simon Varga"]
    # "Its director" speaks for the agency named just before
    osei = cast.resolve("Lydia Osei") or ""
    assert cast.affiliation.get(osei) == cast.resolve("National Environment Agency")


REPORTED = """\
Brightwave, the third-largest operator, says the merger would leave it unable to compete.

Vantel's chief executive, Julian Maske, said he was disappointed. Brightwave's chief \
executive, Leo Haddad, said Maske had refused to discuss selling part of the network, an \
arrangement that he said would have eased the authority's concerns.
"""


def test_the_subject_of_a_reported_clause_does_not_speak() -> None:
    cast = cast_of(REPORTED)
    # "Haddad said Maske had refused ...": Haddad's report, his the "he said" inside it
    assert speaker_names(cast, seg_of(cast, "Brightwave's chief")) == ["Leo Haddad"]
