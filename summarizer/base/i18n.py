"""Languages a brief can be written in, and the labels of a rendered brief in each.

``--language CODE`` (config ``language``) asks the model to write the brief in that
language; quotes always stay verbatim in the article's own language. The Markdown, text
and HTML renderers take their section headings and fixed phrases from :func:`labels`, so
the page reads in the brief's language for every code in :data:`LANGUAGES`; any other
code a caller passes to :func:`labels` gets the English labels (the renderer never fails
on a label). :func:`language_name` is strict: it is what validates a configured code.
"""

from __future__ import annotations

from typing import NamedTuple

from summarizer.base.errors import ConfigurationError

__all__ = ["LABEL_KEYS", "LANGUAGES", "Language", "labels", "language_name", "normalize_code"]


class Language(NamedTuple):
    """A supported language: its English name and its name in the language itself."""

    english: str
    native: str


LANGUAGES: dict[str, Language] = {
    "en": Language("English", "English"),
    "fr": Language("French", "Français"),
    "de": Language("German", "Deutsch"),
    "es": Language("Spanish", "Español"),
    "ru": Language("Russian", "Русский"),
    "uk": Language("Ukrainian", "Українська"),
    "ar": Language("Arabic", "العربية"),
    "zh": Language("Chinese", "中文"),
    "ja": Language("Japanese", "日本語"),
}

LABEL_KEYS: tuple[str, ...] = (
    "summary",
    "actors",
    "positions",
    "open_disputes",
    "next_steps",
    "grounding",
    "sources",
    "quoted_note",
    "not_established",
    "scheduled",
    "proposed",
    "possible",
    # actor kinds
    "person",
    "organization",
    "government",
    "country",
    "group",
    "other",
)
"""The keys every :func:`labels` mapping has."""

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "actors": "Actors",
        "positions": "Positions",
        "open_disputes": "Open disputes",
        "next_steps": "Next steps",
        "grounding": "Grounding",
        "sources": "Sources in the article",
        "quoted_note": "Items in quotation marks are sentences of the article itself.",
        "not_established": "not established by the cited sentences",
        "scheduled": "scheduled",
        "proposed": "proposed",
        "possible": "possible",
        "person": "person",
        "organization": "organization",
        "government": "government",
        "country": "country",
        "group": "group",
        "other": "other",
    },
    "fr": {
        "summary": "Résumé",
        "actors": "Acteurs",
        "positions": "Positions",
        "open_disputes": "Désaccords en cours",
        "next_steps": "Prochaines étapes",
        "grounding": "Vérification des sources",
        "sources": "Sources dans l'article",
        "quoted_note": "Les éléments entre guillemets sont des phrases de l'article lui-même.",
        "not_established": "non établi par les phrases citées",
        "scheduled": "prévu",
        "proposed": "proposé",
        "possible": "possible",
        "person": "personne",
        "organization": "organisation",
        "government": "gouvernement",
        "country": "pays",
        "group": "groupe",
        "other": "autre",
    },
    "de": {
        "summary": "Zusammenfassung",
        "actors": "Beteiligte",
        "positions": "Positionen",
        "open_disputes": "Offene Streitpunkte",
        "next_steps": "Nächste Schritte",
        "grounding": "Belege",
        "sources": "Belegstellen im Artikel",
        "quoted_note": "Einträge in Anführungszeichen sind Sätze aus dem Artikel selbst.",
        "not_established": "von den zitierten Sätzen nicht belegt",
        "scheduled": "geplant",
        "proposed": "vorgeschlagen",
        "possible": "möglich",
        "person": "Person",
        "organization": "Organisation",
        "government": "Regierung",
        "country": "Land",
        "group": "Gruppe",
        "other": "Sonstige",
    },
    "es": {
        "summary": "Resumen",
        "actors": "Actores",
        "positions": "Posiciones",
        "open_disputes": "Disputas abiertas",
        "next_steps": "Próximos pasos",
        "grounding": "Verificación de fuentes",
        "sources": "Fuentes en el artículo",
        "quoted_note": "Los elementos entre comillas son frases del propio artículo.",
        "not_established": "no establecido por las frases citadas",
        "scheduled": "previsto",
        "proposed": "propuesto",
        "possible": "posible",
        "person": "persona",
        "organization": "organización",
        "government": "gobierno",
        "country": "país",
        "group": "grupo",
        "other": "otro",
    },
    "ru": {
        "summary": "Кратко",
        "actors": "Участники",
        "positions": "Позиции",
        "open_disputes": "Открытые споры",
        "next_steps": "Дальнейшие шаги",
        "grounding": "Проверка по тексту",
        "sources": "Источники в статье",
        "quoted_note": "Пункты в кавычках — это предложения из самой статьи.",
        "not_established": "не подтверждено цитируемыми предложениями",
        "scheduled": "запланировано",
        "proposed": "предложено",
        "possible": "возможно",
        "person": "человек",
        "organization": "организация",
        "government": "правительство",
        "country": "страна",
        "group": "группа",
        "other": "другое",
    },
    "uk": {
        "summary": "Коротко",
        "actors": "Учасники",
        "positions": "Позиції",
        "open_disputes": "Відкриті суперечки",
        "next_steps": "Наступні кроки",
        "grounding": "Перевірка за текстом",
        "sources": "Джерела в статті",
        "quoted_note": "Пункти в лапках — це речення з самої статті.",
        "not_established": "не підтверджено цитованими реченнями",
        "scheduled": "заплановано",
        "proposed": "запропоновано",
        "possible": "можливо",
        "person": "особа",
        "organization": "організація",
        "government": "уряд",
        "country": "країна",
        "group": "група",
        "other": "інше",
    },
    "ar": {
        "summary": "الملخص",
        "actors": "الأطراف",
        "positions": "المواقف",
        "open_disputes": "الخلافات القائمة",
        "next_steps": "الخطوات التالية",
        "grounding": "التحقق من المصادر",
        "sources": "المصادر في المقال",
        "quoted_note": "العناصر الواردة بين علامتي تنصيص هي جمل من المقال نفسه.",
        "not_established": "لم تثبته الجمل المقتبسة",
        "scheduled": "مقرر",
        "proposed": "مقترح",
        "possible": "محتمل",
        "person": "شخص",
        "organization": "منظمة",
        "government": "حكومة",
        "country": "دولة",
        "group": "مجموعة",
        "other": "أخرى",
    },
    "zh": {
        "summary": "摘要",
        "actors": "相关方",
        "positions": "立场",
        "open_disputes": "未决争议",
        "next_steps": "后续步骤",
        "grounding": "依据核查",
        "sources": "文中出处",
        "quoted_note": "带引号的条目是文章原句。",
        "not_established": "引用的句子未能证实",
        "scheduled": "已安排",
        "proposed": "已提议",
        "possible": "可能",
        "person": "人物",
        "organization": "组织",
        "government": "政府",
        "country": "国家",
        "group": "群体",
        "other": "其他",
    },
    "ja": {
        "summary": "要約",
        "actors": "関係者",
        "positions": "立場",
        "open_disputes": "未解決の争点",
        "next_steps": "今後の予定",
        "grounding": "根拠の確認",
        "sources": "記事内の出典",
        "quoted_note": "かぎ括弧内の項目は記事の原文です。",
        "not_established": "引用文では確認できない",
        "scheduled": "予定",
        "proposed": "提案",
        "possible": "可能性",
        "person": "人物",
        "organization": "組織",
        "government": "政府",
        "country": "国",
        "group": "団体",
        "other": "その他",
    },
}


def normalize_code(code: str) -> str:
    """``code`` as a primary language subtag: ``"FR"``, ``"fr-CA"``, ``"fr_FR"`` -> ``"fr"``."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def language_name(code: str) -> str:
    """The English name of a supported language (``"fr"`` -> ``"French"``).

    Region subtags are ignored (``"pt-BR"`` is ``"pt"``). Raises :class:`ConfigurationError`
    for a code that is not in :data:`LANGUAGES`.
    """
    found = LANGUAGES.get(normalize_code(code))
    if found is None:
        known = ", ".join(sorted(LANGUAGES))
        raise ConfigurationError(f"unknown language {code!r}: use one of {known}")
    return found.english


def labels(code: str | None) -> dict[str, str]:
    """The rendered brief's section labels and fixed phrases in language ``code``.

    Keys are :data:`LABEL_KEYS`. A code without its own labels (or None) gets English. The
    returned dict is a fresh copy the caller may change.
    """
    lang = normalize_code(code) if code else "en"
    return dict(_LABELS.get(lang, _LABELS["en"]))
