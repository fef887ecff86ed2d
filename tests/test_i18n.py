"""Non-English articles: segmentation, citations, the claim-support check, and i18n labels.

Fixtures (``tests/fixtures/i18n``) are original news articles written for the repository in
eight languages and four scripts (Latin, Cyrillic, Arabic, Han/kana); the first line of each
is its title. Where the checker cannot do something in a language (no hedge list outside
English, no stemmer or negators for Ukrainian, Arabic negation that changes the verb form,
Japanese past negatives), the test asserts what it does and says so; strict xfails mark
defects that should be fixed, so they fail loudly once they are.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from summarizer.base.errors import ConfigurationError
from summarizer.base.i18n import LABEL_KEYS, LANGUAGES, labels, language_name
from summarizer.grounding import ArticleIndex
from summarizer.grounding.segments import detect_script_language, segment
from summarizer.grounding.support import check_support

FIXTURES = Path(__file__).parent / "fixtures" / "i18n"
FILES = sorted(FIXTURES.glob("*.txt"))
NAMES = [p.name for p in FILES]
CJK = ("zh", "ja")


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _lang(name: str) -> str:
    return name.split("-")[0]


def _segment_with(name: str, needle: str) -> str:
    for s in segment(_text(name), _lang(name)):
        if needle in s.text:
            return s.text
    raise AssertionError(f"{needle!r} is in no segment of {name}")


_needs_v2 = pytest.mark.skipif(
    not hasattr(ArticleIndex, "cite_segment"),
    reason="schema-2 citations (ArticleIndex.cite_segment/cite_quote) not merged yet",
)


# --------------------------------------------------------------------------- fixtures


def test_every_language_has_a_fixture() -> None:
    assert {_lang(n) for n in NAMES} >= {"fr", "de", "es", "ru", "uk", "ar", "zh", "ja"}


@pytest.mark.parametrize("name", NAMES)
def test_fixture_shape(name: str) -> None:
    text = _text(name)
    title, blank, *_ = text.split("\n")
    assert title.strip() and not blank.strip()
    if _lang(name) in CJK:
        assert " " not in text  # no spaces between words (the ideographic space in titles only)
        assert 400 <= len(re.findall(r"[^\s\d\W]", text)) <= 1000  # ~1.5 characters a word
    else:
        assert 250 <= len(text.split()) <= 450


# --------------------------------------------------------------------------- segmentation

# True sentence counts, title line included, counted by hand.
SENTENCES = {
    "ar-amman-hafilat.txt": 17,
    "de-bremen-bruecke.txt": 20,
    "es-valencia-pisos.txt": 15,
    "fr-lyon-transports.txt": 15,
    "ja-osaka-byoin.txt": 16,
    "ru-novosibirsk-tarif.txt": 17,
    "uk-lviv-ukryttia.txt": 18,
    "zh-shenzhen-ditie.txt": 18,
}
OVERSPLIT = {
    # sentencex ends a sentence at a German ordinal before a capitalised month in this
    # context ("am Dienstag, dem 11. Februar, die ..."), and at the French title "M."
    "de-bremen-bruecke.txt": "sentencex splits 'dem 11. Februar' after the ordinal",
    "fr-lyon-transports.txt": "sentencex (fr) splits after the title 'M.' in 'M. Bernard Vasseur'",
}


def test_counts_cover_every_fixture() -> None:
    assert set(SENTENCES) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["given", "detected"])
def test_segments_are_exact_slices_in_order(name: str, language: str) -> None:
    text = _text(name)
    segs = segment(text, _lang(name) if language == "given" else None)
    assert [s.id for s in segs] == list(range(1, len(segs) + 1))
    covered = [False] * len(text)
    prev_end = 0
    for s in segs:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.start >= prev_end
        prev_end = s.end
        covered[s.start : s.end] = [True] * (s.end - s.start)
    # Nothing is lost: every non-space character is in some segment.
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
    assert segs[0].text == text.split("\n")[0]  # the title is a segment of its own


_END_MARK = re.compile(r"[。！？!?؟][”」』\"»]?(?=.)")
_LATIN_END = re.compile(
    r"(?<!\bDr)(?<!\bM)(?<!\s\d)(?<!\s\d\d)[.!?][\"»“”]?\s+[«„\"“]?[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ]"
)


@pytest.mark.parametrize("name", NAMES)
def test_no_segment_spans_two_sentences(name: str) -> None:
    for s in segment(_text(name), _lang(name)):
        body = s.text.rstrip('”」』"»')
        assert not _END_MARK.search(body[:-1]), s.text
        if _lang(name) not in CJK:
            assert not _LATIN_END.search(s.text), s.text


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=OVERSPLIT[n]))
        if n in OVERSPLIT
        else n
        for n in NAMES
    ],
)
def test_sentence_count(name: str) -> None:
    assert len(segment(_text(name), _lang(name))) == SENTENCES[name]


@pytest.mark.parametrize("name", sorted(OVERSPLIT))
def test_oversplit_is_by_one_segment(name: str) -> None:
    """What the over-split costs today: one extra segment, still exact slices."""
    assert len(segment(_text(name), _lang(name))) == SENTENCES[name] + 1


def test_german_with_english_rules_splits_more() -> None:
    """With no language given a Latin-script article is segmented with English rules."""
    text = _text("de-bremen-bruecke.txt")
    assert len(segment(text)) > len(segment(text, "de"))


def test_cjk_and_arabic_sentence_marks() -> None:
    zh = segment(_text("zh-shenzhen-ditie.txt"), "zh")
    assert any(s.text.endswith("！") for s in zh) and any(s.text.endswith("？") for s in zh)
    # A closing quote stays with its sentence.
    assert any(s.text.endswith("。”") for s in zh)
    ja = segment(_text("ja-osaka-byoin.txt"), "ja")
    assert any(s.text == "本当に補えるのか？" for s in ja)
    ar = segment(_text("ar-amman-hafilat.txt"), "ar")
    assert any(s.text == "هل ستنخفض الأجرة إذا تراجعت أسعار الوقود؟" for s in ar)


# --------------------------------------------------------------------------- script detection

DETECTED = {
    "fr": "en",  # Latin script: the script's rules, not the language (see docs/languages.md)
    "de": "en",
    "es": "en",
    "ru": "ru",
    "uk": "ru",  # Cyrillic: Ukrainian is not told from Russian
    "ar": "ar",
    "zh": "zh",
    "ja": "ja",  # kana present
}


@pytest.mark.parametrize("name", NAMES)
def test_detect_script_language(name: str) -> None:
    assert detect_script_language(_text(name)) == DETECTED[_lang(name)]


# --------------------------------------------------------------------------- citations


@_needs_v2
@pytest.mark.parametrize("name", NAMES)
def test_cite_every_segment(name: str) -> None:
    text = _text(name)
    index = ArticleIndex(text, language=_lang(name))
    count = len(segment(text, _lang(name)))
    for n in range(1, count + 1):
        c = index.cite_segment(n)
        assert c is not None and c.segment == n
        assert text[c.start : c.end] == c.quote
    assert index.cite_segment(0) is None
    assert index.cite_segment(count + 1) is None


@_needs_v2
@pytest.mark.parametrize("name", NAMES)
def test_cite_verbatim_span_inside_a_segment(name: str) -> None:
    text = _text(name)
    index = ArticleIndex(text, language=_lang(name))
    seg = max(segment(text, _lang(name)), key=lambda s: len(s.text))
    third = len(seg.text) // 3
    quote = seg.text[third : 2 * third]
    assert text.count(quote) == 1
    found = index.cite_quote(quote)
    assert found is not None
    citation, verbatim = found
    assert verbatim and citation.quote == quote
    assert text[citation.start : citation.end] == quote
    assert citation.segment == seg.id


# (fixture, quote as a model or a user might type it, the article's own span)
VARIANTS = [
    # Half-width digits and punctuation for the article's full-width ones (NFKC).
    (
        "zh-shenzhen-ditie.txt",
        "于2025年3月12日批准了地铁票价调整方案",
        "于２０２５年３月１２日批准了地铁票价调整方案",
    ),
    (
        "zh-shenzhen-ditie.txt",
        "调整后,约90%的乘客票价不会发生变化",
        "调整后，约９０％的乘客票价不会发生变化",
    ),
    # Straight quotes for curly ones, inside CJK text with no spaces.
    ("zh-shenzhen-ditie.txt", '这一建议"需要进一步测算"', "这一建议“需要进一步测算”"),
    # Full-width digits for the article's half-width ones, and half-width katakana.
    ("ja-osaka-byoin.txt", "受け入れを約１２００件断った", "受け入れを約1200件断った"),
    (
        "ja-osaka-byoin.txt",
        "府立中河内救命救急ｾﾝﾀｰを統合する",
        "府立中河内救命救急センターを統合する",
    ),
    # Curly apostrophe for the straight one.
    (
        "fr-lyon-transports.txt",
        "C’est une décision de justice sociale",
        "C'est une décision de justice sociale",
    ),
    ("uk-lviv-ukryttia.txt", "Представник об’єднання батьків", "Представник об'єднання батьків"),
    # Straight quotes for „…“, «…» and curly ones for straight.
    (
        "de-bremen-bruecke.txt",
        '"Eine Sanierung kauft uns zwanzig Jahre, ein Tunnel hundert", sagte Ober',
        "„Eine Sanierung kauft uns zwanzig Jahre, ein Tunnel hundert“, sagte Ober",
    ),
    (
        "es-valencia-pisos.txt",
        "“Llevábamos seis años pidiéndolo”, afirmó Josep Martí",
        '"Llevábamos seis años pidiéndolo", afirmó Josep Martí',
    ),
    (
        "ru-novosibirsk-tarif.txt",
        'оператор "Экология-Новосибирск" приветствовал решение',
        "оператор «Экология-Новосибирск» приветствовал решение",
    ),
    (
        "ar-amman-hafilat.txt",
        'إن الزيادة "تثقل كاهل العمال والطلاب"',
        "إن الزيادة «تثقل كاهل العمال والطلاب»",
    ),
    # A full-width Latin letter and an em dash typed as a hyphen.
    ("ru-novosibirsk-tarif.txt", "парк мусоровозов», - заявил", "парк мусоровозов», — заявил"),
]


@_needs_v2
@pytest.mark.parametrize(("name", "given", "span"), VARIANTS)
def test_cite_quote_repairs_variants(name: str, given: str, span: str) -> None:
    text = _text(name)
    assert given not in text and span in text
    found = ArticleIndex(text, language=_lang(name)).cite_quote(given)
    assert found is not None, given
    citation, verbatim = found
    assert not verbatim
    assert citation.quote == span
    assert text[citation.start : citation.end] == citation.quote
    holder = [s for s in segment(text, _lang(name)) if s.start <= citation.start < s.end]
    assert [citation.segment] == [s.id for s in holder]


@_needs_v2
@pytest.mark.parametrize(
    "given",
    [
        pytest.param("من ٥٠ إلى ٦٥ قرشاً", id="arabic-indic-digits"),
        pytest.param("مجلس أمانة عمان الكبرى", id="without-shadda"),
    ],
)
@pytest.mark.xfail(
    strict=True,
    reason="NFKC keeps Arabic-Indic digits and harakat (shadda): such a quote is not repaired",
)
def test_arabic_variants_not_yet_repaired(given: str) -> None:
    assert ArticleIndex(_text("ar-amman-hafilat.txt"), language="ar").cite_quote(given)


@_needs_v2
def test_invented_quote_is_not_cited() -> None:
    index = ArticleIndex(_text("zh-shenzhen-ditie.txt"), language="zh")
    assert index.cite_quote("深圳市决定对全日制学生实行半价优惠") is None


# --------------------------------------------------------------------------- claim support

# language -> (fixture, text in the evidence segment, faithful, wrong number, negation flip)
SUPPORT = {
    "fr": (
        "fr-lyon-transports.txt",
        "par 98 voix",
        "Le conseil de la Métropole de Lyon a adopté le 3 mars la gratuité des transports "
        "pour les moins de 18 ans.",
        "Le conseil de la Métropole de Lyon a adopté par 89 voix contre 52 la gratuité des "
        "transports pour les moins de 18 ans.",
        "Le conseil de la Métropole de Lyon n'a pas adopté la gratuité des transports pour "
        "les moins de 18 ans.",
    ),
    "de": (
        "de-bremen-bruecke.txt",
        "rund 27 Monate",
        "Die Arbeiten sollen im Juni 2026 beginnen und rund 27 Monate dauern.",
        "Die Arbeiten sollen im Juni 2026 beginnen und rund 24 Monate dauern.",
        "Die Arbeiten sollen im Juni 2026 nicht beginnen und rund 27 Monate dauern.",
    ),
    "es": (
        "es-valencia-pisos.txt",
        "con 17 votos",
        "El pleno del Ayuntamiento de Valencia aprobó el 20 de marzo una moratoria de dos "
        "años para nuevas licencias de pisos turísticos.",
        "El pleno del Ayuntamiento de Valencia aprobó con 19 votos a favor una moratoria de "
        "dos años para nuevas licencias de pisos turísticos.",
        "El pleno del Ayuntamiento de Valencia no aprobó una moratoria de dos años para "
        "nuevas licencias de pisos turísticos.",
    ),
    "ru": (
        "ru-novosibirsk-tarif.txt",
        "142 рубля",
        "С 1 июля 2025 года жители будут платить 142 рубля в месяц вместо 118 рублей.",
        "С 1 июля 2025 года жители будут платить 124 рубля в месяц вместо 118 рублей.",
        "С 1 июля 2025 года жители не будут платить 142 рубля в месяц вместо 118 рублей.",
    ),
    "uk": (
        "uk-lviv-ukryttia.txt",
        "у 47 школах",
        "Львівська міська рада 6 лютого ухвалила програму ремонту укриттів у 47 школах.",
        "Львівська міська рада 6 лютого ухвалила програму ремонту укриттів у 74 школах.",
        "Львівська міська рада 6 лютого не ухвалила програму ремонту укриттів у 47 школах.",
    ),
    "ar": (
        "ar-amman-hafilat.txt",
        "الشركة تدرس",
        "قال إن الشركة تدرس تمديد ساعات العمل على الخطوط الرئيسية حتى منتصف الليل.",
        "قال إن الشركة تدرس تمديد ساعات العمل على 12 خطاً رئيسياً حتى منتصف الليل.",
        "قال إن الشركة لا تدرس تمديد ساعات العمل على الخطوط الرئيسية.",
    ),
    "zh": (
        "zh-shenzhen-ditie.txt",
        "批准了地铁票价调整方案",
        "深圳市发改委于2025年3月12日批准了地铁票价调整方案。",
        "深圳市发改委于2025年3月21日批准了地铁票价调整方案。",
        "深圳市发展和改革委员会没有批准地铁票价调整方案。",
    ),
    "ja": (
        "ja-osaka-byoin.txt",
        "統合する計画",
        "大阪府は2025年2月18日、府立病院を統合する計画を正式に決定した。",
        "大阪府は2025年2月28日、府立病院を統合する計画を正式に決定した。",
        "大阪府は2月18日、府立病院を統合する計画を決定していない。",
    ),
}


def _support(lang: str, claim: str, needle: str | None = None, **kw: str) -> tuple[bool, str]:
    name = SUPPORT[lang][0]
    evidence = _segment_with(name, needle or SUPPORT[lang][1])
    result = check_support(claim, [evidence], kind=kw.pop("kind", "summary"), language=lang, **kw)
    return result.supported, " ".join(result.reasons)


@pytest.mark.parametrize("lang", sorted(SUPPORT))
def test_faithful_restatement_is_kept(lang: str) -> None:
    ok, why = _support(lang, SUPPORT[lang][2])
    assert ok, why


@pytest.mark.parametrize("lang", sorted(SUPPORT))
def test_wrong_number_is_caught(lang: str) -> None:
    ok, why = _support(lang, SUPPORT[lang][3])
    assert not ok and "number" in why


NEGATION_CAUGHT = {"fr", "de", "es", "ru", "ar", "zh", "ja"}


@pytest.mark.parametrize("lang", sorted(NEGATION_CAUGHT))
def test_negation_flip_is_caught(lang: str) -> None:
    ok, why = _support(lang, SUPPORT[lang][4])
    assert not ok and ("negation" in why or "not supported" in why), why


@pytest.mark.xfail(
    strict=True,
    reason="no Snowball stemmer and no negator list for uk: a "
    "flipped claim passes on word coverage (docs/languages.md)",
)
def test_ukrainian_negation_flip_is_caught() -> None:
    assert _support("uk", SUPPORT["uk"][4])[0] is False


def test_russian_rules_catch_the_ukrainian_flip_and_keep_the_faithful_claim() -> None:
    """Checked with Russian rules (what script detection picks for Cyrillic), the shared
    negator "не" catches the Ukrainian flip, and the faithful claim still passes."""
    flipped, faithful = SUPPORT["uk"][4], SUPPORT["uk"][2]
    evidence = _segment_with("uk-lviv-ukryttia.txt", "у 47 школах")
    assert not check_support(flipped, [evidence], kind="summary", language="ru").supported
    assert check_support(faithful, [evidence], kind="summary", language="ru").supported


@pytest.mark.xfail(
    strict=True,
    reason='لم takes the jussive: "لم يقر" against the '
    'evidence\'s perfect "أقر" is a different stem, so the negated verb is '
    "uncovered rather than contradicted, and coverage passes",
)
def test_arabic_negation_that_changes_the_verb_form_is_caught() -> None:
    claim = "لم يقر مجلس أمانة عمّان الكبرى رفع أجرة الحافلات داخل المدينة من 50 إلى 65 قرشاً."
    assert _support("ar", claim, "من 50 إلى 65")[0] is False


@pytest.mark.xfail(
    strict=True,
    reason="the CJK negation cue list has ない/ません but not なかった: a past negative passes",
)
def test_japanese_past_negative_is_caught() -> None:
    claim = "大阪府は2025年2月18日、府立病院を統合する計画を正式に決定しなかった。"
    assert _support("ja", claim)[0] is False


@pytest.mark.xfail(
    strict=True,
    reason="CJK negation compares whether a negation character "
    "occurs at all: when the evidence has one (不变), a flipped claim with "
    "another (没有) passes",
)
def test_chinese_negation_flip_is_caught_when_the_evidence_has_a_negator() -> None:
    claim = "起步价没有维持2元，超过32公里后每增加12公里加收1元，新票价5月1日起执行。"
    assert _support("zh", claim, "起步价维持")[0] is False


# A proposal restated as a decision (overreach). The hedge list is English only.
PROPOSALS = {
    "fr": (
        "a proposé à la place",
        "Claire Fontaine a obtenu une réduction de 50 % pour les familles "
        "dont le quotient familial est inférieur à 900 euros.",
    ),
    "de": (
        "schlug stattdessen",
        "Der Senat hat den Tunnel unter der Weser beschlossen, "
        "der 410 Millionen Euro kosten würde.",
    ),
    "es": (
        "propuso una tasa",
        "El ayuntamiento aprobó una tasa turística de 3 euros por noche "
        "para las ayudas al alquiler.",
    ),
    "ru": (
        "Лебедева предложила",
        "Совет депутатов отложил повышение до января 2026 года "
        "и провел независимый аудит расходов оператора.",
    ),
    "ar": ("اقترح عضو المجلس", "أقر المجلس بطاقة دفع موحدة تمنح الطلاب خصماً بنسبة 30 في المئة."),
    "zh": ("此前提出", "深圳市决定对全日制学生实行半价优惠。"),
    "ja": (
        "分院として残すよう提案",
        "大阪府は現在の救命救急センターを分院として残すことを決めた。",
    ),
}


@pytest.mark.parametrize("lang", sorted(PROPOSALS))
@pytest.mark.xfail(
    strict=True,
    reason="modality is checked in English only: a proposal "
    "restated as a decision passes in other languages (docs/languages.md)",
)
def test_proposal_as_decision_is_caught_outside_english(lang: str) -> None:
    needle, claim = PROPOSALS[lang]
    ok, _ = _support(lang, claim, needle)
    assert not ok


def test_proposal_as_decision_is_caught_in_english() -> None:
    evidence = ["The opposition leader proposed a 50 percent discount for low-income families."]
    claim = "The council agreed a 50 percent discount for low-income families."
    assert not check_support(claim, evidence, kind="summary", language="en").supported


def test_names_in_non_latin_scripts() -> None:
    # Cyrillic and Arabic: a speaker swapped for another actor is caught.
    ok, why = _support(
        "ru",
        "Ирина Лебедева заявила, что без повышения оператор не сможет обновить парк мусоровозов.",
        "парк мусоровозов»",
    )
    assert not ok and "Лебедева" in why
    ok, why = _support(
        "ar",
        "قال ليث العبادي إن المجلس لا يستطيع تحسين الخدمة من دون موارد.",
        "لا يمكننا تحسين",
    )
    assert not ok and "العبادي" in why
    # Arabic has no capitals: a role attributed to the wrong actor is caught by attribution.
    ok, why = _support(
        "ar", "رئيس لجنة النقل في المجلس", "سامر الحديدي", kind="role", subject="ليث العبادي"
    )
    assert not ok and "ليث العبادي" in why


def test_chinese_swapped_speaker_passes() -> None:
    """No word boundaries and no capitals: a swapped speaker is a few uncovered bigrams out
    of many, under the 50% coverage threshold."""
    claim = "王志强说，约90%的乘客票价不会发生变化。"
    assert _support("zh", claim, "约９０％的乘客")[0] is True


@pytest.mark.xfail(strict=True, reason="kind='name' matches whole words; CJK has no spaces")
def test_chinese_bare_name_is_found() -> None:
    assert _support("zh", "林晓东", "约９０％的乘客", kind="name")[0]


def test_full_width_numbers_compare_by_value() -> None:
    ok, why = _support("zh", "约90%的乘客票价不会发生变化。", "约９０％的乘客")
    assert ok, why
    ok, why = _support("zh", "约80%的乘客票价不会发生变化。", "约９０％的乘客")
    assert not ok and "80" in why


def test_claim_in_another_language_fails_on_words() -> None:
    """Why --language needs its own rule: a faithful French claim against Russian evidence
    shares only its numbers with it."""
    evidence = [_segment_with("ru-novosibirsk-tarif.txt", "142 рубля")]
    claim = (
        "À partir du 1er juillet 2025, les habitants paieront 142 roubles par mois au lieu de 118."
    )
    result = check_support(claim, evidence, kind="summary", language="fr")
    assert not result.supported
    assert not any("number" in r for r in result.reasons)


# --------------------------------------------------------------------------- i18n


def test_languages_table() -> None:
    assert set(LANGUAGES) >= {"en", "fr", "de", "es", "ru", "uk", "ar", "zh", "ja"}
    assert LANGUAGES["ja"].native == "日本語" and LANGUAGES["uk"].english == "Ukrainian"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("fr", "French"),
        ("FR", "French"),
        ("pt-BR", None),
        ("zh-Hans", "Chinese"),
        ("uk_UA", "Ukrainian"),
    ],
)
def test_language_name(code: str, name: str | None) -> None:
    if name is None:
        with pytest.raises(ConfigurationError):
            language_name(code)
    else:
        assert language_name(code) == name


def test_unknown_language_message_lists_codes() -> None:
    with pytest.raises(ConfigurationError) as err:
        language_name("xx")
    message = str(err.value)
    assert "\n" not in message and "'xx'" in message
    assert all(code in message for code in LANGUAGES)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_labels_complete_and_translated(code: str) -> None:
    got = labels(code)
    assert tuple(got) == LABEL_KEYS
    assert all(v.strip() for v in got.values())
    if code != "en":
        english = labels("en")
        assert got["summary"] != english["summary"] and got["sources"] != english["sources"]
        assert got["quoted_note"] != english["quoted_note"]


def test_labels_fallback_and_copy() -> None:
    assert labels("pt") == labels("en") == labels(None)
    assert labels("en")["open_disputes"] == "Open disputes"
    assert labels("de-AT")["next_steps"] == "Nächste Schritte"
    mine = labels("fr")
    mine["summary"] = "x"
    assert labels("fr")["summary"] == "Résumé"


# --- --language with the embedded default's choose strategy ---


@pytest.mark.block_network()
@pytest.mark.parametrize("fmt", ["markdown", "text", "html"])
def test_language_on_the_choose_path_sets_labels_only(fmt: str) -> None:
    """With the choose strategy nothing is written: every item is an article sentence, so
    ``--language fr`` changes the rendered labels, never the Russian quotes, and the claims
    are checked word by word in the article's language (none across languages)."""
    from summarizer import Summarizer
    from summarizer.article import load_article
    from summarizer.base.config import load_settings
    from summarizer.extract import TOOL_NAME
    from summarizer.formats import render
    from summarizer.testing import MockOpenAI, Reply, completion

    mock = MockOpenAI()
    mock.script(Reply(body=completion(tool_args="{}", tool_name=TOOL_NAME)))
    values = {"base_url": mock.base_url, "model": "fake-model", "mode": "tools",
              "strategy": "choose", "language": "fr", "timeout_s": 5.0}  # fmt: skip
    path = FIXTURES / "ru-novosibirsk-tarif.txt"
    with Summarizer(settings=load_settings(values, env={}), transport=mock.transport) as s:
        brief = s.summarize(path)
    text = load_article(path).text
    page = render(brief, fmt)
    french, english = labels("fr"), labels("en")
    assert brief.language == "fr" and brief.method == "extractive"
    assert french["summary"] in page and english["summary"] not in page
    shown = html.escape if fmt == "html" else str
    if fmt != "text":
        assert shown(french["quoted_note"]) in page
    for item in brief.summary:
        quote = item.evidence[0]
        assert item.text == quote.quote == text[quote.start : quote.end]
        assert re.search(r"[а-я]", item.text)  # still Russian: nothing is translated
        assert shown(quote.quote) in page
    assert brief.actors  # names the Cyrillic script shows, their kinds labelled in French
    for actor in brief.actors:
        assert f"({shown(french[actor.kind])})" in page and f"({actor.kind})" not in page
    g = brief.grounding
    assert g.claims_cross_language == 0 and g.claims_checked == g.claims_supported > 0


@pytest.mark.parametrize("strategy", ["choose", "write"])
def test_cli_says_once_that_language_sets_only_labels_on_the_choose_path(
    strategy: str, tmp_path: Path
) -> None:
    """Nothing is silent: ``--language`` with the choose strategy cannot translate quoted
    sentences, and the command says so on stderr (once), while stdout holds the brief."""
    import os
    import subprocess
    import sys

    from summarizer.extract import TOOL_NAME
    from summarizer.testing import FakeOpenAI, Reply, completion

    def respond(request: dict[str, Any]) -> Reply:
        return Reply(body=completion(tool_args="{}", tool_name=TOOL_NAME))

    with FakeOpenAI(responder=respond) as fake:
        done = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()", "summarize",
             str(FIXTURES / "ru-novosibirsk-tarif.txt"), "--base-url", fake.base_url,
             "--model", "fake-model", "--mode", "tools", "--strategy", strategy,
             "--language", "fr", "--no-cache", "-f", "json"],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "SUMMARIZER_HOME": str(tmp_path)},
        )  # fmt: skip
    notice = "--language fr sets the labels only"
    if strategy == "choose":
        assert done.returncode == 0, done.stderr
        assert done.stderr.count(notice) == 1
        assert json.loads(done.stdout)["language"] == "fr"
    else:  # the write path writes in French: no notice (the fake's answer is not a brief)
        assert notice not in done.stderr
