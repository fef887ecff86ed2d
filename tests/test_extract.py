"""Choose-and-cite briefs (summarizer.extract): candidates, the request, the answer's mapping.

Everything here is deterministic and needs no model, except the one ``live_local`` test at
the end, which briefs a held-out article with the real embedded model (~15 s).
"""

from __future__ import annotations

import json
import logging
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

from summarizer.extract import (
    TOOL_NAME,
    baseline_draft,
    build_request,
    check_support,
    parse_answer,
    propose,
    segment,
)
from summarizer.testing import MockOpenAI, Reply, completion

ARTICLE = """\
Harbour board delays vote on ferry fares as unions object

KESTRA, 2 May: The Kestra Harbour Board postponed a vote on higher ferry fares on Tuesday, \
after two unions said the rise would push island workers off the boats.

Transport secretary Lina Moravec said the board needed more money to replace two ageing \
ferries. "We cannot run a 1970s fleet forever," Moravec told reporters. She added that \
discounts for island residents would stay in place.

The Seafarers Union rejected the plan and demanded a freeze on fares until 2027. \
"Every rise is paid by the people with the least choice," said its secretary, Tomas Reid.

The board will meet again on Friday to consider a smaller increase.
"""


@pytest.fixture
def segs() -> list[Any]:
    return list(segment(ARTICLE))


@pytest.fixture
def cands(segs: list[Any]) -> Any:
    return propose(ARTICLE, segs, title=ARTICLE.splitlines()[0])


def seg_id(segs: list[Any], start: str) -> int:
    return int(next(s.id for s in segs if s.text.startswith(start)))


def test_segments_are_exact_spans(segs: list[Any]) -> None:
    assert [s.id for s in segs] == list(range(1, len(segs) + 1))
    for s in segs:
        assert ARTICLE[s.start : s.end] == s.text


def test_actors_with_kinds_and_roles_in_the_articles_words(cands: Any, segs: list[Any]) -> None:
    by_name = {a.name: a for a in cands.actors}
    assert {"Lina Moravec", "Tomas Reid", "Seafarers Union", "Kestra Harbour Board"} <= set(by_name)
    moravec = by_name["Lina Moravec"]
    assert (moravec.kind, moravec.role) == ("person", "Transport secretary")
    assert by_name["Tomas Reid"].role == "its secretary"
    assert by_name["Seafarers Union"].kind == "organization"
    for actor in cands.actors:  # the evidence names the actor and states the role
        text = " ".join(cands.texts[i] for i in actor.evidence)
        assert actor.name in text and actor.role in text
    # the surname and "she" resolve to the full name: one actor, not three
    assert not {"Moravec", "She"} & set(by_name)
    assert len({a.id for a in cands.actors}) == len(cands.actors)


def test_positions_resolve_pronouns_and_quotes(cands: Any, segs: list[Any]) -> None:
    positions = {p.segment: p for p in cands.positions}
    she = seg_id(segs, "She added")
    assert positions[she].actor == "lina-moravec"
    assert positions[she].attribution == seg_id(segs, '"We cannot')  # names Moravec
    assert positions[seg_id(segs, "The Seafarers Union rejected")].actor == "seafarers-union"
    assert positions[seg_id(segs, '"Every rise')].actor == "tomas-reid"
    for p in cands.positions:
        assert p.topic.lower() in cands.texts[p.segment].lower()


def test_next_steps_with_time_and_certainty(cands: Any, segs: list[Any]) -> None:
    best = cands.next_steps[0]
    assert best.segment == seg_id(segs, "The board will meet again")
    # "to consider" hedges the meeting's outcome: the claim check would not let "scheduled"
    # stand, so the program says "proposed" rather than propose a step that is dropped
    assert (best.when, best.certainty) == ("on Friday", "proposed")
    assert not check_support("scheduled", [cands.texts[best.segment]], kind="certainty").supported


def test_summary_leads_with_the_lead_not_the_title(cands: Any, segs: list[Any]) -> None:
    assert cands.headline == ARTICLE.splitlines()[0]
    assert 1 not in cands.body and 1 not in cands.summary  # the title line
    assert cands.summary[0] == seg_id(segs, "KESTRA")


def test_candidates_are_deterministic(segs: list[Any]) -> None:
    assert propose(ARTICLE, segs) == propose(ARTICLE, segs)


def test_request_constrains_every_choice_to_candidate_ids(cands: Any, segs: list[Any]) -> None:
    request = build_request(ARTICLE, segs, cands)
    assert request["tool_choice"] == {"type": "function", "function": {"name": TOOL_NAME}}
    assert [m["role"] for m in request["messages"]] == ["user"]
    schema = request["tools"][0]["function"]["parameters"]
    props = schema["properties"]
    assert set(props) == {"summary", "actors", "positions", "next_steps"}
    assert set(props["summary"]["items"]["enum"]) <= set(cands.summary)
    assert set(props["actors"]["items"]["enum"]) <= {a.id for a in cands.actors}
    assert set(props["positions"]["items"]["enum"]) <= {p.segment for p in cands.positions}
    assert set(props["next_steps"]["items"]["enum"]) <= {n.segment for n in cands.next_steps}
    for prop in props.values():
        assert 0 < prop["minItems"] <= prop["maxItems"] <= len(prop["items"]["enum"])
    prompt = request["messages"][0]["content"]
    for i in props["positions"]["items"]["enum"]:  # every choice is shown, numbered
        assert f"[{i}] " in prompt


def assert_extractive_and_supported(draft: dict[str, Any], texts: dict[int, str]) -> None:
    names = {a["id"]: a["name"] for a in draft["actors"]}
    for item in draft["summary"]:
        assert item["extractive"] and item["text"] == texts[item["evidence"][0]]
    for item in draft["positions"]:
        assert item["extractive"] and item["stance"] == texts[item["evidence"][0]]
        assert item["actor"] in names
        quoted = [texts[i] for i in item["evidence"]]
        support = check_support(item["stance"], quoted, kind="stance", subject=names[item["actor"]])
        assert support.supported, support.reasons
    for item in draft["next_steps"]:
        assert item["extractive"] and item["action"] == texts[item["evidence"][0]]
        assert set(item["actors"]) <= set(names)
        if item["when"]:
            assert item["when"] in item["action"]
    for actor in draft["actors"]:
        stated = " ".join(texts[i] for i in actor["evidence"])
        assert actor["name"] in stated and actor["role"] in stated
    # the kinds of summarizer.grounding.support.check_support
    kinds = {"summary": "summary", "positions": "stance", "next_steps": "action"}
    for field, kind in kinds.items():
        for item in draft[field]:
            text = item.get("text") or item.get("stance") or item.get("action")
            quoted = [texts[i] for i in item["evidence"]]
            assert check_support(text, quoted, kind=kind).supported


def test_parse_answer_maps_choices_to_the_cited_segments(cands: Any, segs: list[Any]) -> None:
    texts = {s.id: s.text for s in segs}
    lead, she = seg_id(segs, "KESTRA"), seg_id(segs, "She added")
    answer: dict[str, list[Any]] = {
        "summary": [lead, seg_id(segs, "Transport secretary")],
        "actors": ["tomas-reid", "lina-moravec", "seafarers-union"],
        "positions": [she, seg_id(segs, '"Every rise')],
        "next_steps": [seg_id(segs, "The board will")],
    }
    draft = parse_answer(json.dumps(answer), segs, cands)
    assert [s["evidence"] for s in draft["summary"]] == [[lead], [answer["summary"][1]]]
    assert [a["id"] for a in draft["actors"]][:3] == answer["actors"]
    position = next(p for p in draft["positions"] if p["evidence"][0] == she)
    assert position["actor"] == "lina-moravec" and len(position["evidence"]) == 2
    step = next(n for n in draft["next_steps"] if n["evidence"] == answer["next_steps"])
    assert step["when"] == "on Friday" and draft["headline"] == cands.headline
    # the union rejects the plan the transport secretary defends: a dispute the program
    # read, each side its own sentence, the issue in the words of the rejection
    (dispute,) = draft["disputes"]
    assert [s["actors"] for s in dispute["sides"]] == [["lina-moravec"], ["seafarers-union"]]
    assert [s["claim"] for s in dispute["sides"]] == [texts[i] for i in dispute["evidence"][:2]]
    assert dispute["issue"] == "plan"
    assert_extractive_and_supported(draft, texts)


def test_parse_answer_accepts_a_whole_completion(cands: Any, segs: list[Any]) -> None:
    args = {"summary": [cands.summary[1], cands.summary[0]], "positions": [], "next_steps": []}
    completion = {
        "choices": [
            {
                "message": {
                    "tool_calls": [{"function": {"name": TOOL_NAME, "arguments": json.dumps(args)}}]
                }
            }
        ]
    }
    draft = parse_answer(completion, segs, cands)
    assert {s["evidence"][0] for s in draft["summary"]} == set(cands.summary[:2])


@pytest.mark.parametrize(
    "answer",
    [
        "not json",
        "",
        None,
        {"summary": [999, "x", -1], "actors": ["nobody"], "positions": [1], "next_steps": [1]},
        {"summary": [3, 3, 3]},
    ],
)
def test_bad_or_short_answers_are_topped_up_from_the_ranking(
    answer: Any, cands: Any, segs: list[Any]
) -> None:
    draft = parse_answer(answer, segs, cands)
    assert len(draft["summary"]) >= 2 and len(draft["actors"]) >= 3
    assert len(draft["positions"]) >= 2 and len(draft["next_steps"]) >= 1
    assert len({s["evidence"][0] for s in draft["summary"]}) == len(draft["summary"])
    assert_extractive_and_supported(draft, {s.id: s.text for s in segs})


def test_baseline_is_lead_and_speech_subjects(segs: list[Any]) -> None:
    draft = baseline_draft(ARTICLE, segs, title=ARTICLE.splitlines()[0])
    assert draft["summary"][0]["text"].startswith("KESTRA")
    assert "Moravec" in {a["name"] for a in draft["actors"]}
    assert draft["positions"] == [] and draft["next_steps"] == []


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "articles").glob("*.txt")), ids=lambda p: p.stem
)
def test_fixture_articles_meet_the_minimums_without_a_model(path: Path) -> None:
    from summarizer.article import load_article

    article = load_article(path)
    if len(article.text.split()) < 200:
        pytest.skip("an encoding fixture, not a news article")
    segs = list(segment(article.text))
    draft = parse_answer({}, segs, propose(article.text, segs, title=article.title))
    assert len(draft["summary"]) >= 2 and len(draft["actors"]) >= 3
    assert len(draft["positions"]) >= 2 and len(draft["next_steps"]) >= 1
    assert_extractive_and_supported(draft, {s.id: s.text for s in segs})


# --- any language ---

I18N = FIXTURES / "i18n"

# Written for this test (not a fixture): a name after a title and a genitive place name, a
# surname used alone later, a second person introduced at a sentence start.
RUSSIAN = """\
Мэр Казани объявил о ремонте Кировского моста

Мэр Казани Ильсур Метшин в среду объявил, что ремонт Кировского моста начнётся в апреле.
«Мы закроем мост на три месяца», — сказал Метшин журналистам.
Депутат городской думы Анна Петрова предложила сначала построить временную переправу.
По словам Петровой, без переправы жители Заречья потеряют по часу в день.
"""
GERMAN = """\
Die Stadt Kassel saniert die Fuldabrücke

Die Stadt Kassel will die Fuldabrücke im Sommer für drei Monate sperren.
Nach Angaben der Verwaltung kostet die Sanierung rund vier Millionen Euro.
Der Verkehrsclub Hessen fordert mehr Busse während der Bauzeit.
"""
ARABIC = """\
بلدية إربد تقرر توسيع شبكة الحافلات

قررت بلدية إربد يوم الاثنين توسيع شبكة الحافلات لتشمل ثلاثة أحياء جديدة.
وقال رئيس البلدية إن المشروع سيكلف نحو مليوني دينار.
"""


def _choose_brief(mock: MockOpenAI, source: Any, **flags: Any) -> Any:
    """A brief through Summarizer on the choose path; the model answers nothing ({}), so
    the brief is the program's own ranking (what a 135M model's worst answer gives)."""
    from summarizer import Summarizer
    from summarizer.base.config import load_settings

    mock.script(Reply(body=completion(tool_args="{}", tool_name=TOOL_NAME)))
    values = {
        "base_url": mock.base_url,
        "model": "fake-model",
        "mode": "tools",
        "strategy": "choose",
        "timeout_s": 5.0,
        **flags,
    }
    with Summarizer(settings=load_settings(values, env={}), transport=mock.transport) as s:
        return s.summarize(source)


@pytest.mark.block_network()
@pytest.mark.parametrize("path", sorted(I18N.glob("*.txt")), ids=lambda p: p.stem)
def test_choose_path_briefs_every_script(
    mock: MockOpenAI, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 14's crash: a Chinese article had no summary candidate (sentences of fewer than
    six space-separated words were left out) and the choose path raised pydantic's
    ValidationError. Every language now gets a summary of its own sentences, verbatim."""
    from summarizer.article import load_article

    with caplog.at_level(logging.INFO, logger="summarizer.extract.run"):
        brief = _choose_brief(mock, path)
    text = load_article(path).text
    assert brief.method == "extractive" and len(brief.summary) >= 2
    # the parts with nothing to choose from are named (-v), not silently empty
    assert "no candidates for actors, positions, next_steps" in caplog.text or brief.actors
    assert "positions, next_steps" in caplog.text
    for item in brief.summary:
        assert item.extractive and item.text == item.evidence[0].quote
    for item in [*brief.summary, *brief.actors]:
        for c in item.evidence:
            assert text[c.start : c.end] == c.quote
    g = brief.grounding
    assert g.claims_checked == g.claims_supported > 0 and g.items_dropped == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("one two three", 3),
        ("深圳市发展和改革委员会于３月１２日批准了方案。", 11),  # 19 Han characters / 2, and 3, 12
        ("大阪府は２０２５年に決定した。", 6),
        ("กรุงเทพมหานคร ประกาศ", 4),  # Thai: about four characters a word
    ],
)
def test_text_length_counts_characters_where_words_are_unspaced(text: str, words: int) -> None:
    from summarizer.cast.lexicon import text_length

    assert text_length(text) == words


def test_content_words_of_chinese_are_character_bigrams() -> None:
    from summarizer.extract.lexicon import content_words

    assert content_words("地铁票价") == ["地铁", "铁票", "票价"]
    assert content_words("Harbour board delays vote") == ["harbour", "board", "delay", "vote"]


def test_names_in_a_cased_script_are_actors() -> None:
    segs = list(segment(RUSSIAN))
    cands = propose(RUSSIAN, segs, title=RUSSIAN.splitlines()[0])
    found = {a.name: a for a in cands.actors}
    assert set(found) == {"Ильсур Метшин", "Анна Петрова"}
    assert found["Ильсур Метшин"].kind == "person"  # the surname recurs alone
    assert found["Анна Петрова"].kind == "person"  # ... inflected (Петровой)
    assert found["Ильсур Метшин"].role == ""  # no role without the language's grammar
    assert cands.positions == () and cands.next_steps == ()  # English cues only


def test_noun_capitalizing_text_offers_no_names() -> None:
    """German capitalizes every noun: capitals are no sign of a name there."""
    segs = list(segment(GERMAN, "de"))
    cands = propose(GERMAN, segs, title=GERMAN.splitlines()[0])
    assert cands.actors == () and len(cands.summary) >= 2


def test_uncased_scripts_offer_no_names_but_a_summary() -> None:
    segs = list(segment(ARABIC))
    cands = propose(ARABIC, segs, title=ARABIC.splitlines()[0])
    assert cands.actors == () and len(cands.summary) == 2


@pytest.mark.parametrize(
    "text",
    [
        "…",
        "x",
        "短。",
        "一二三四五六七八九十" * 30 + "。",  # one long sentence, no title
        "一二三四五六七八九十" * 50 + "。\n\n短い文です。",  # one too long for an item
        "Титул\n\nКоротко.",
        "🙂🙂🙂\n\n🙂",
        "Ολυμπιακός Πειραιάς: ο Γιώργος Παπαδόπουλος είπε ότι η ομάδα θα παίξει.",
        "שלום עולם. " * 5,
        "A " * 150,  # a 150-word line with no final stop: no headline of over 200 characters
    ],
)
@pytest.mark.block_network()
def test_odd_articles_give_a_brief_not_an_error(mock: MockOpenAI, text: str) -> None:
    """Whatever the article, the choose path proposes a summary, and gives a brief whose
    sentence is kept, or, when every item is dropped (a lone "…" is no evidence of
    anything), a BriefValidationError (exit 5) that says what was dropped and why: an empty
    brief is a failure, never a brief with nothing in it (issue 20)."""
    from summarizer.article import Article
    from summarizer.base.errors import BriefValidationError

    segs = list(segment(text))
    assert propose(text, segs, title=None).summary, "a sentence is always a candidate"
    try:
        brief = _choose_brief(mock, Article(text=text))
    except BriefValidationError as exc:
        assert exc.message.startswith("the brief is empty") and exc.problems
        assert all(":" in problem for problem in exc.problems)  # path: reasons
        return
    assert brief.summary or brief.actors or brief.positions or brief.next_steps
    for item in [*brief.summary, *brief.actors]:
        for c in item.evidence:
            assert text[c.start : c.end] == c.quote


@pytest.mark.block_network()
def test_an_article_with_no_sentence_is_a_validation_error(mock: MockOpenAI) -> None:
    from summarizer.article import Article
    from summarizer.base.errors import BriefValidationError

    for text in (" \n ", "长" * 401 + "。"):  # nothing, or one sentence too long for an item
        with pytest.raises(BriefValidationError, match="no sentence to propose"):
            _choose_brief(mock, Article(text=text))
    assert mock.calls == 0  # refused before the model was asked


# --- the real embedded model ---

HELDOUT = FIXTURES / "heldout" / "local-library-closures.txt"


def _embedded() -> Path | None:
    from summarizer.model.backends import embedded_model_path

    return embedded_model_path() if find_spec("llama_cpp") else None


@pytest.mark.live_local
@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
@pytest.mark.skipif(_embedded() is None, reason="the [local] extra is not installed")
def test_live_embedded_model_chooses_a_supported_brief() -> None:
    """The README's default, end to end: no key, no settings, the embedded model briefs a
    held-out article (in no prompt and no other test) with the choose strategy; the brief
    has the minimum items and every item passes the claim-support check again."""
    from summarizer import Summarizer, verify
    from summarizer.article import load_article

    article = load_article(HELDOUT)
    with Summarizer() as summarizer:
        assert summarizer.backend.embedded and summarizer.strategy == "choose"
        started = time.monotonic()
        brief = summarizer.summarize(article)
        seconds = time.monotonic() - started
    assert brief.method == "extractive" and brief.backend == "embedded"
    assert brief.usage.cost is not None and brief.usage.cost.amount == 0  # nobody bills it
    assert len(brief.summary) >= 2 and len(brief.actors) >= 3
    assert len(brief.positions) >= 2 and len(brief.next_steps) >= 1
    g = brief.grounding
    assert g.claims_checked == g.claims_supported > 0 and g.items_dropped == 0
    result = verify(brief, article)
    assert result.ok, [(i.path, i.reasons) for i in result.items if not i.supported]
    for item in [*brief.summary, *brief.positions, *brief.next_steps]:
        assert item.extractive  # the article's own sentence, shown as a quotation
    assert seconds < 120, f"model time {seconds:.1f}s"  # ~10-30 s here; generous under load


# --- issue 20: disputes, every attributed position, the time of a step, long articles ---

DISPUTED = """\
Bus drivers to strike as pay talks fail

The Coastline Drivers union, which represents 900 drivers at Bayline Coaches, is demanding a \
pay rise of 8 percent this year. The company has offered 3 percent.

Bayline's chief executive, Olu Hart, accused the union of misleading drivers about the \
company's accounts. Union secretary Mia Lund denied the charge.

The Kremlin denied the claim, while Beijing warned against "irresponsible remarks".

Lund said Friday that the union would discuss further action in the future. A meeting with \
the mediator would take place in Leeds from 2 to 6 March, the mediator said.
"""


def test_disputes_pair_opposed_stances_each_side_its_own_sentence(mock: MockOpenAI) -> None:
    segs = list(segment(DISPUTED))
    cands = propose(DISPUTED, segs, title=DISPUTED.splitlines()[0])
    pairs = {
        (cands.texts[d.sides[0].segment][:20], cands.texts[d.sides[1].segment][:20]): d.issue
        for d in cands.disputes
    }
    # a demand and an offer; an accusation and its denial
    assert pairs[("The Coastline Driver", "The company has offe")] == "demanding a pay rise"
    accused = pairs[("Bayline's chief exec", "Union secretary Mia ")]
    assert accused.startswith("accused the union of misleading drivers")
    # through the whole pipeline: the disputes survive the claim check, in the article's words
    brief = _choose_brief(mock, DISPUTED)
    names = {a.id: a.name for a in brief.actors}
    sides = [[names[s.actors[0]] for s in d.sides] for d in brief.disputes]
    assert ["Coastline Drivers", "Bayline Coaches"] in sides
    assert ["Olu Hart", "Mia Lund"] in sides
    for d in brief.disputes:
        assert d.extractive and [s.claim for s in d.sides] == [c.quote for c in d.evidence[:2]]
        assert d.issue in d.evidence[0].quote or d.issue in d.evidence[1].quote
    assert brief.method == "extractive"


def test_a_sentence_with_two_speakers_gives_two_positions() -> None:
    segs = list(segment(DISPUTED))
    cands = propose(DISPUTED, segs, title=None)
    both = next(s.id for s in segs if s.text.startswith("The Kremlin denied"))
    assert sorted(p.actor for p in cands.positions if p.segment == both) == ["beijing", "kremlin"]


def test_when_is_the_time_of_the_step_not_of_the_statement() -> None:
    segs = list(segment(DISPUTED))
    steps = {cands_text[:20]: n for n in propose(DISPUTED, segs, title=None).next_steps
             for cands_text in [next(s.text for s in segs if s.id == n.segment)]}  # fmt: skip
    # "said Friday that ... would discuss ... in the future": only the statement is dated
    assert steps["Lund said Friday tha"].when is None
    # a range stays whole, and "would take place" is scheduled
    meeting = steps["A meeting with the m"]
    assert (meeting.when, meeting.certainty) == ("from 2 to 6 March", "scheduled")


def test_a_refusal_and_a_quoted_forecast_are_not_next_steps() -> None:
    text = (
        "Harbour talks stall\n\n"
        "The port authority said on Monday that it would not tolerate further delays.\n\n"
        '"It will take a long time to rebuild trust," the union leader Ana Ruiz said.\n\n'
        "The two sides will meet again on Thursday at the labour board."
    )
    segs = list(segment(text))
    starts = {next(s.text for s in segs if s.id == n.segment)[:12]
              for n in propose(text, segs, title=None).next_steps}  # fmt: skip
    assert starts == {"The two side"}


def test_a_long_article_is_chosen_part_by_part(mock: MockOpenAI) -> None:
    """Issue 20: a chunked article takes the choose path too: one short request per part
    (no actors in it: they are the whole article's), the best of every part merged, every
    item still the article's own sentence and supported."""
    from summarizer import verify

    parts = [
        DISPUTED.split("\n\n", 1)[1].replace("Bayline", name).replace("Olu Hart", person)
        for name, person in (("Bayline", "Olu Hart"), ("Harlow", "Ada Voss"), ("Tamsin", "Ed Roe"))
    ]
    text = "Strikes spread across the region\n\n" + "\n\n".join(parts)
    mock.default = Reply(body=completion(tool_args="{}", tool_name=TOOL_NAME))
    brief = _choose_brief(mock, text, max_input_tokens=300, chunk_tokens=300, chunk_overlap=0)
    chats = mock.chat_requests
    assert brief.chunks == len(chats) >= 3
    for chat in chats:  # each part asks only for its own segments, never for actors
        schema = chat["json"]["tools"][0]["function"]["parameters"]["properties"]
        assert "actors" not in schema and "summary" in schema
    # one answer per part; usage.requests adds the planner's tokenizer probes
    assert brief.attempts == len(chats) and brief.usage.requests >= len(chats)
    # the whole article's actors, from every part
    assert {"Olu Hart", "Ada Voss", "Ed Roe"} <= {a.name for a in brief.actors}
    assert len(brief.summary) >= 2 and len(brief.positions) >= 2 and brief.next_steps
    assert brief.method == "extractive" and verify(brief, text).ok


OPPOSED = """\
Talks on pilots' pay break down

Pilots at Skyvane Airways will strike after talks with the Association of Commercial Pilots \
broke down, the Culture Ministry said.

The union wants a 14 per cent rise spread over two years. Skyvane says it can afford 6 per \
cent over the same period.

Some scientists on the mission had argued for a landing near the lunar south pole. "We would \
all have loved the pole, but we could not accept that level of risk on our first landing," \
mission manager Samuel Osei said.

The consumer group Fairbill has accused the ministry of ignoring its submission to the review. \
The ministry said every submission had been considered.
"""


def test_disputes_from_two_figures_an_argument_and_an_answer_to_an_accusation() -> None:
    segs = list(segment(OPPOSED))
    cands = propose(OPPOSED, segs, title=OPPOSED.splitlines()[0])
    pairs = {
        (cands.texts[d.sides[0].segment][:12], cands.texts[d.sides[1].segment][:12]): d.issue
        for d in cands.disputes
    }
    # a figure demanded and another offered, with no verb of refusal
    assert pairs[("The union wa", "Skyvane says")] == "a 14 per cent rise spread over two years"
    # an argument for one landing site and a refusal of it
    assert pairs[("Some scienti", '"We would al')].startswith("argued for a landing")
    # the accused answering the accusation
    assert pairs[("The consumer", "The ministry")].startswith("accused the ministry of ignoring")
    for d in cands.disputes:  # each issue in the words of one side, and supported
        assert any(d.issue in cands.texts[s.segment] for s in d.sides)


QUOTA = """\
date 2026-04-02 SKARPNES: Talks between Varholm and Lesmark on the mackerel quota broke down.

Varholm wants its share of the total catch raised to 32 per cent from 24 per cent. Lesmark \
insists the 24 per cent share agreed in 2019 should stand until a survey is completed.

Varholm's fisheries minister, Henrik Aasgaard, said the fish had moved. The Varholm \
Fishermen's Association said its boats would stay in port. Lesmark said the stock had not \
moved at all.
"""


def test_a_state_is_not_the_association_its_name_begins_and_two_shares_oppose() -> None:
    segs = list(segment(QUOTA))
    cands = propose(QUOTA, segs, title=None)
    names = {a.id: a.name for a in cands.actors}
    (dispute,) = [
        d for d in cands.disputes if cands.texts[d.sides[0].segment].startswith("Varholm wants")
    ]
    # "Varholm's fisheries minister": Varholm is a state, not the Fishermen's Association
    assert [names[s.actor] for s in dispute.sides] == ["Varholm", "Lesmark"]
    assert dispute.issue in cands.texts[dispute.sides[0].segment]


CONTRAST = """\
Carmaker to close Castelbrook plant

Veltra Motors will close its Castelbrook plant next year, the company said on Monday.

The Amalgamated Motor Workers' Union wants the government to take a stake in the plant. \
Business Secretary Nadia Ferrante, however, said the government would not take a stake in a \
car plant.
"""


def test_a_however_sets_a_side_against_the_one_before() -> None:
    segs = list(segment(CONTRAST))
    cands = propose(CONTRAST, segs, title=CONTRAST.splitlines()[0])
    names = {a.id: a.name for a in cands.actors}
    sides = [[names[s.actor] for s in d.sides] for d in cands.disputes]
    assert ["Amalgamated Motor Workers' Union", "Nadia Ferrante"] in sides
    # without the "however" the two sentences are not set against each other
    plain = CONTRAST.replace(", however,", "")
    assert not propose(plain, list(segment(plain)), title=None).disputes
