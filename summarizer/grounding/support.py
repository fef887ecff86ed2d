"""Does the evidence a brief item cites actually support what the item says?

:func:`check_support` is deterministic, offline and fast (each evidence string is analysed
once and cached). It compares a claim with the quotes it cites and fails it when any of
these checks fails:

1. **Substance.** At least one quote must be able to carry a claim: a clause of four or
   more words, or a whole sentence (:func:`evidence_is_substantive`). A bare name supports
   only that an actor exists.
2. **Numbers.** Every number, amount, percentage and year in the claim must be in the
   evidence, compared by value: ``40%`` = ``40 percent``, ``3m`` = ``3 million``,
   ``1,200`` = ``1200``, ``nine`` = ``9`` (number words up to twenty, and the tens).
3. **Dates.** Weekdays, months (``Dec.`` = ``December``), and ``tomorrow``, ``yesterday``,
   ``tonight`` in the claim must be in the evidence.
4. **Names.** Capitalised words that do not open a sentence, and acronyms, must be in the
   evidence; demonyms and possessives match by a shared stem prefix (Russia/Russian,
   Norway/Norwegian), acronyms also by initials (EU = European Union).
5. **Negation.** A content word the claim negates must be negated somewhere in the evidence,
   and a word the evidence only ever negates must not be asserted by the claim. Negators are
   ``not``/``no``/``never``/``without``/``n't`` and negative verbs (deny, reject, refuse,
   fail, decline), each scoping over the next few content words of its clause. A claim word
   whose antonym is in the evidence (accept/reject, rise/fall, guilty/innocent, ...) fails
   unless the polarity compensates ("did not accept" = "rejected").
6. **Modality.** A content word the claim asserts must not occur in the evidence only under
   a hedge: proposed, offered, could, may, might, suspects, alleged, plans to, wants, urged,
   threatened, considering, expected, whether, if, ... ("proposed a ceasefire" does not
   support "agreed to a ceasefire"), and urging frames: press/push/urge/ask/call on/
   demand/want/encourage X to/for V ("pressing Moscow to agree" does not support "Moscow
   agreed"). A claim that hedges where the evidence is certain passes.
7. **Attribution** (``subject`` given, for positions): the evidence must attribute the
   stance to that actor: the actor is the named speaker, or is mentioned, or (when no other
   speaker is named) a pronoun or "the union"-style reference stands for it. A quote whose
   named speaker is someone else fails.
8. **Coverage.** After case folding, Snowball stemming, a short irregular-verb table, a
   small set of general news paraphrase classes (said/told/warned, plan/proposal,
   rise/increase, ...) and a shared-prefix rule, at least :data:`COVERAGE` of the claim's
   content words (not function words) must occur in the evidence; a short claim (four
   content words or fewer, not a role or stance) must cover every one that is not a name
   or a light, general word (make, take, people, part, ...).
9. **Near forms and qualifiers.** An uncovered claim word that the evidence has in a near
   form meaning something else fails: the evidence word is the claim word with a 2-3
   letter prefix (end/extend, agree/disagree) or differs by a letter or two (accept/
   except). An uncovered adverb in -ly (narrowly, immediately) fails. A number the claim
   bounds one way ("at least 8") must not be bounded the other way in the evidence ("up
   to 8").

Languages: stemming and function words for the Snowball languages (English, French,
German, Spanish, Italian, Portuguese, Dutch, Russian, Arabic, ...; function-word lists for
the most common of them); negators for a dozen languages; hedges only in English. Chinese,
Japanese, Korean and Thai are compared by character bigrams (coverage and numbers and a
crude negation check only). A language with no stemmer falls back to prefix matching.

What it cannot do: it does not parse, so it cannot tell who did what to whom when the same
words appear in both ("A sued B" vs "B sued A"); it does not resolve pronouns beyond the
attribution rule; a paraphrase built from words outside its small synonym classes fails
coverage ("walked off the job" for "went on strike"); arithmetic the claim does ("two
weeks" for "14 days", a total of two figures) fails; a claim that is supported by the
article but not by the quotes it cites fails (by design); an unsupported claim made only of
words the evidence uses (a recombination, a swapped relation between two covered actors)
can pass, and so can a single swapped word in a long claim when it is neither an antonym
nor a near form ("restored" for "suspended"). It is a guard against unfaithful briefs,
not a proof of entailment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = ["COVERAGE", "Support", "check_support", "evidence_is_substantive"]

COVERAGE = 0.7
"""Share of the claim's content words that the evidence must contain (measured on
``benchmarks/faithfulness.py``)."""

_CJK_COVERAGE = 0.5
_SCOPE = 4  # content words a negator or hedge governs, within its clause


@dataclass(frozen=True, slots=True)
class Support:
    """The verdict on one claim: ``supported`` and, when not, short reasons in English."""

    supported: bool
    reasons: tuple[str, ...] = ()


# --------------------------------------------------------------------------- word lists


def _split(text: str) -> list[str]:
    return text.split()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STEMMERS = {
    "en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "nb": "norwegian", "fi": "finnish", "hu": "hungarian", "ro": "romanian", "tr": "turkish",
    "ru": "russian", "ar": "arabic", "el": "greek", "ca": "catalan", "cs": "czech",
    "pl": "polish", "id": "indonesian", "ga": "irish", "lt": "lithuanian", "sr": "serbian",
    "hi": "hindi", "ne": "nepali", "ta": "tamil", "fa": "persian", "hy": "armenian",
    "eu": "basque", "et": "estonian", "yi": "yiddish",
}  # fmt: skip
_BIGRAM_LANGS = {"zh", "ja", "ko", "th", "lo", "km", "my"}

_STOP: dict[str, frozenset[str]] = {
    "en": _words("""a an the and or but nor so yet if of to in on at by for from with into onto over
        under about around roughly approximately nearly almost some up down out off as than
        then this that these those there here it its it's he him his she her hers they them
        their theirs we us our ours i me my you your who whom whose which what when where
        why how be is are was were been being am have has had having do does did done will
        would shall should can could may might must also still just only even very too
        more most much many any all each both either other another such own same again
        further once per via its itself himself herself themselves mr mrs ms dr st one
        new now s says say said told tell whether"""),
    "fr": _words("""le la les un une des du de d l et ou mais donc car ni que qui quoi dont où à au
        aux en dans par pour sur sous avec sans ce cet cette ces il elle ils elles on nous
        vous je tu se sa son ses leur leurs est sont été être a ont avoir fait plus très
        aussi selon"""),
    "de": _words("""der die das den dem des ein eine einer eines einem einen und oder aber doch dass
        zu im in am an auf aus bei mit nach von vor für über unter um es er sie wir ihr ich
        sich sein seine ihre ist sind war waren hat haben wird werden wurde auch noch sehr
        mehr"""),
    "es": _words("""el la los las un una unos unas y o pero ni que de del a al en con por para sin
        sobre entre se su sus lo le les es son fue ha han ser estar está están muy más
        también según"""),
    "it": _words("""il lo la i gli le un una uno e o ma che di del della dei a al in con per su da
        si suo sua è sono ha hanno essere più anche"""),
    "pt": _words("""o a os as um uma e ou mas que de do da dos das em no na nos nas com por para
        se seu sua é são foi ser mais também"""),
    "ru": _words("""и в во на с со к ко по о об от до из за у для что чтобы как это этот эта эти
        он она они оно мы вы я его ее её их был была были быть есть но а или же ли бы то
        также еще ещё"""),
    "ar": _words("""في من على إلى الى عن مع أن ان إن هذا هذه ذلك تلك التي الذي الذين هو هي هم و
        أو او ثم قد كان كانت يكون بعد قبل عند كل"""),
}
_NEGATORS: dict[str, frozenset[str]] = {
    "en": _words("not no never none nobody nothing neither nor without cannot n't"),
    "fr": _words("ne pas jamais non sans aucun aucune rien personne"),
    "de": _words("nicht kein keine keinen keiner nie niemals ohne nichts"),
    "es": _words("no nunca ni sin ningún ninguna nada jamás"),
    "it": _words("non mai senza nessun nessuna niente"),
    "pt": _words("não nunca sem nenhum nenhuma nada"),
    "nl": _words("niet geen nooit zonder"),
    "ru": _words("не нет ни никогда без"),
    "ar": _words("لا لم لن ليس ليست غير دون بدون"),
    "sv": _words("inte ej aldrig utan ingen inget"),
    "tr": _words("değil yok hiç"),
    "pl": _words("nie nigdy bez"),
}
# Verbs that negate their object ("denied the report"), stems; and verbs that negate only
# before "to" ("failed to agree", "refused to sign", "declined to say").
_NEG_VERBS = _words("deni deny reject dismiss rebuff refut")
_NEG_VERBS_BEFORE_TO = _words("fail refus declin")

# Evidence-side hedges: what follows them is not asserted as a fact.
_HEDGES = _words(
    """could may might perhaps possibly possible likely unlikely probably should propose
    proposes proposed proposing proposal proposals suggest suggests suggested suggesting
    offered offering want wants wanted wanting seek seeks sought seeking hope hopes hoped
    hoping urge urges urged urging demand demands demanded demanding threaten threatens
    threatened threatening consider considers considering weighing mulling expect expects
    expected expecting suspect suspects suspected suspicion allege alleges alleged
    allegedly accuse accuses accused reportedly believe believes believed if unless
    whether intend intends intended promise promises promised pledge pledged pledges fear fears
    feared aim aims aiming"""
)
# Hedge words that are also nouns: after a determiner ("the proposal needs approval") they
# name a thing and hedge nothing, unless "to"/"for"/"that" follows ("a proposal to cut").
_NOUN_HEDGES = _words(
    "proposal proposals suspicion promise promises pledge pledges fear fears demand demands "
    "hope hopes aim aims"
)
_DETERMINERS = _words("the a an this that these those its his her their our my your any")
# Hedges that need "to"/"for"/"on" after them ("plans to", "called for", "asked ... to").
_HEDGES_BEFORE_TO = _words(
    "plan plans planned planning call calls called ask asks asked ready willing prepared"
)
# Urging frames: "pressing Moscow and Kyiv to agree", "pushed the board to accept",
# "lobbying Brussels for a harder line". What follows is wanted, not done: a hedge when
# "to"/"for" comes within the next few words of the clause.
_URGING = _words(
    """press presses pressed pressing push pushes pushed pushing urge urges urged urging
    encourage encourages encouraged encouraging persuade persuaded lobby lobbied lobbying
    pressure pressured pressuring implore implored invite invited invites tell told
    ask asks asked call calls called demand demanded demanding want wanted wants"""
)
_URGING_REACH = 6
# Extra claim-side hedges: nouns naming a non-fact ("Norway's proposal", "the offer").
_CLAIM_HEDGES = _HEDGES | _HEDGES_BEFORE_TO | _words("offer offers bid bids can")
_CONDITIONALS = frozenset({"if", "unless"})
_CERTAIN_AUX = _words("will is are was were has have had did agreed accepted confirmed announced")
_CLAUSE_BREAK = _words("but although though while whereas because however yet which who when")

_IRREGULAR = dict(
    pair.split(":")
    for pair in _split(
        """said:say says:say told:tell went:go gone:go took:take taken:take made:make
    got:get gave:give given:give came:come left:leave held:hold kept:keep met:meet paid:pay
    sold:sell bought:buy brought:bring thought:think found:find knew:know known:know
    won:win lost:lose rose:rise risen:rise fell:fall fallen:fall ran:run began:begin
    begun:begin spoke:speak spoken:speak wrote:write written:write chose:choose
    drove:drive driven:drive broke:break broken:break built:build sent:send spent:spend
    led:lead felt:feel heard:hear meant:mean stood:stand sought:seek struck:strike
    saw:see seen:see grew:grow grown:grow drew:draw drawn:draw threw:throw thrown:throw
    shown:show hid:hide lent:lend understood:understand withdrew:withdraw
    withdrawn:withdraw fought:fight caught:catch taught:teach sat:sit"""
    )
)
# General paraphrase classes of news prose (not tuned to any article): each set maps to
# one key. Kept short on purpose: a wider net lets unsupported claims through.
_CLASSES = [
    "say tell state warn write add note according insist argue explain report remark",
    "propose proposal offer suggest plan",
    "agree agreement deal accord pact accept",
    "deny denial reject refuse dismiss rebuff refute",
    "talk negotiate negotiation discuss discussion",
    "meet meeting session",
    "increase rise raise grow climb jump soar gain boost",
    "decrease fall drop shrink slump slide plunge lower reduce cut",
    "big large major huge",
    "small minor little",
    "company firm business",
    "worker employee staff workforce",
    "want seek demand wish",
    "urge call ask press",
    "begin start launch commence",
    "end finish conclude",
    "buy acquire acquisition purchase takeover",
    "sell sale",
    "ruling decision judgment verdict",
    "pay wage salary earnings",
    "strike walkout stoppage",
    "chief head leader boss",
    "government administration cabinet",
    "fear worry concern",
    "back support endorse favour favor",
    "oppose against resist",
    "more additional extra",
    "need require",
    "kill die dead death",
    "help assist aid",
    "limit cap ceiling",
    "lose loss",
]
_ANTONYMS = [
    ("accept", "reject"), ("approve", "reject"), ("agree", "refuse"), ("confirm", "deny"),
    ("admit", "deny"), ("win", "lose"), ("increase", "decrease"), ("open", "close"),
    ("keep", "close"), ("support", "oppose"), ("guilty", "innocent"), ("convict", "acquit"),
    ("uphold", "overturn"), ("allow", "ban"), ("allow", "forbid"), ("gain", "lose"),
    ("above", "below"), ("before", "after"), ("more", "less"), ("higher", "lower"),
    ("include", "exclude"), ("attend", "skip"), ("rule", "rule"),
]  # fmt: skip

_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAY_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip
_MONTH_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_RELATIVE_DAYS = {"tomorrow", "yesterday", "tonight"}
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        _split(
            """zero _ two three four five six seven eight nine ten eleven twelve thirteen
            fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
        )
    )
    if w != "_"
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90, "hundred": 100, "dozen": 12}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_TITLES = _words("""mr mrs ms dr st sir lord lady dame prof professor president minister councillor
    councilor senator judge justice mayor governor general sgt capt""")
_PRONOUNS = _words("he she they we i it his her their our its him them us")
_SPEECH = (
    r"said|says|told|tells|warned|warns|added|stated|wrote|argued|insisted|urged|denied|"
    r"claimed|explained|noted|announced|asked|replied|responded"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|da|al|bin|la|le))*"
_SPEAKER_BEFORE = re.compile(rf"({_NAME})\s*,?\s+(?:{_SPEECH})\b")
_SPEAKER_APPOSITIVE = re.compile(rf"({_NAME}),\s+[^,;.]{{1,80}},\s+(?:{_SPEECH})\b")
_SPEAKER_AFTER = re.compile(rf"\b(?:{_SPEECH})\s*,?\s+({_NAME})")
_ACCORDING = re.compile(rf"\baccording to\s+(?:the\s+)?({_NAME})")

_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<suffix>st|nd|rd|th|[a-zA-Z]{1,2}\b)?"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<punct>[.,;:!?\"“”«»()\[\]—–]|--)"
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_CJK_NEG = re.compile(r"[不没沒未无無非别別]|ない|ません|없|않|안 ")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@lru_cache(maxsize=64)
def _stemmer(lang: str) -> snowballstemmer.stemmer | None:
    # snowballstemmer hands out PyStemmer's C implementation when it is installed (a
    # dependency of this package): ~1.5 us a word instead of ~90 us in pure Python.
    name = _STEMMERS.get(lang)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=65536)
def _word_keys(lang: str, low: str) -> tuple[str, str]:
    """A word's stem and its key (the paraphrase class it belongs to, else the stem)."""
    stem = _stemmer(lang)
    if lang == "en":
        low = _IRREGULAR.get(low, low)
    st = stem.stemWord(low) if stem else low
    return st, (_class_keys()[0].get(st, st) if lang == "en" else st)


@lru_cache(maxsize=131072)
def _word_info(
    lang: str, low: str
) -> tuple[str, str, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool, str | None]:
    """Everything about a word that does not depend on its context, computed once:
    stem, key, function word, stop (function word, scale or number word), syntactic
    negator, negative verb, negative verb before "to", clause break, hedge, noun hedge,
    hedge before "to", claim-side hedge, date key."""
    english = lang == "en"
    st, key = _word_keys(lang, low)
    is_stop = low in _STOP.get(lang, frozenset())
    return (
        st,
        key,
        is_stop,
        is_stop or low in _SCALES or (english and low in _NUMBER_WORDS),
        low in _NEGATORS.get(lang, frozenset()),
        english and st in _NEG_VERBS,
        english and st in _NEG_VERBS_BEFORE_TO,
        low in _CLAUSE_BREAK,
        english and low in _HEDGES,
        low in _NOUN_HEDGES,
        english and low in _HEDGES_BEFORE_TO,
        english and low in _CLAIM_HEDGES,
        _day_key(low),
    )


@lru_cache(maxsize=1)
def _class_keys() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    en = _stemmer("en")
    assert en is not None
    keys: dict[str, str] = {}
    for line in _CLASSES:
        words = line.split()
        key = "=" + words[0]
        for w in words:
            keys.setdefault(en.stemWord(w), key)
    antonyms: dict[str, set[str]] = {}
    for a, b in _ANTONYMS:
        if a == b:
            continue
        ka, kb = keys.get(en.stemWord(a), en.stemWord(a)), keys.get(en.stemWord(b), en.stemWord(b))
        antonyms.setdefault(ka, set()).add(kb)
        antonyms.setdefault(kb, set()).add(ka)
    return keys, {k: frozenset(v) for k, v in antonyms.items()}


# --------------------------------------------------------------------------- analysis


class _Tok:
    """One word of an analysed text (a plain slotted class: a frozen dataclass costs ~14 us
    to build per token, which dominated the analysis)."""

    __slots__ = (
        "text", "low", "stem", "key", "cap", "initial", "stop", "negator", "neg", "negcue",
        "syntactic", "hedge", "is_hedge", "index", "day",
    )  # fmt: skip

    def __init__(
        self,
        text: str,  # as written
        low: str,
        stem: str,
        key: str,  # stem, or the paraphrase class it belongs to
        cap: bool,  # written with a capital
        initial: bool,  # opens a sentence (or a quotation)
        stop: bool,
        negator: bool,  # is itself a negator
        neg: int,  # rank inside a negator's scope: 1 for its head word, 0 when not negated
        negcue: str,  # the negator governing it
        syntactic: bool,  # governed by not/no/never/without, not by a negative verb
        hedge: str,  # the hedge governing it ('' when none)
        is_hedge: bool,  # is itself a hedge
        index: int,
        day: str | None,  # the date key of a weekday/month/relative-day word
    ) -> None:
        self.text = text
        self.low = low
        self.stem = stem
        self.key = key
        self.cap = cap
        self.initial = initial
        self.stop = stop
        self.negator = negator
        self.neg = neg
        self.negcue = negcue
        self.syntactic = syntactic
        self.hedge = hedge
        self.is_hedge = is_hedge
        self.index = index
        self.day = day


@dataclass(frozen=True, slots=True)
class _Text:
    raw: str
    lang: str
    tokens: tuple[_Tok, ...]
    numbers: frozenset[float]
    number_text: tuple[tuple[float, str], ...]
    days: frozenset[str]
    day_text: tuple[tuple[str, str], ...]
    keys: dict[str, tuple[int, ...]]
    lows: frozenset[str]
    words: int
    bigrams: frozenset[str]
    cjk: bool


def _num_value(raw: str) -> float | None:
    if "," in raw and "." in raw:
        raw = raw.replace(",", "")
    elif "," in raw:
        parts = raw.split(",")
        raw = raw.replace(",", "") if all(len(p) == 3 for p in parts[1:]) else raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def _day_key(low: str) -> str | None:
    if low in _DAY_WORDS:
        return "day:" + low[:3]
    if low in _MONTH_WORDS:
        return "month:" + low[:3]
    if low in _RELATIVE_DAYS:
        return "rel:" + low
    return None


@lru_cache(maxsize=4096)
def _analyze(text: str, lang: str, claim_side: bool) -> _Text:
    raw = unicodedata.normalize("NFKC", text).translate(_FOLD)
    cjk_chars = _CJK_CHAR.findall(raw)
    cjk = lang in _BIGRAM_LANGS or len(cjk_chars) > len(raw) / 4
    english = lang == "en"

    # Pass 1: items (words, numbers, punctuation), contractions split.
    items: list[tuple[str, str, int]] = []  # (kind, text, char offset)
    possessive: set[int] = set()  # items written with 's
    numbers: list[tuple[float, str]] = []
    for m in _TOKEN.finditer(raw):
        if m.group("num") is not None:
            value = _num_value(m.group("num"))
            suffix = (m.group("suffix") or "").lower()
            if value is not None:
                if suffix in _SCALES:
                    value *= _SCALES[suffix]
                items.append(("num", m.group(), m.start()))
                numbers.append((value, m.group()))
            continue
        if m.group("punct") is not None:
            items.append(("punct", m.group(), m.start()))
            continue
        word = m.group("word")
        low = word.lower()
        if low.endswith("'s"):
            word, low = word[:-2], low[:-2]
            possessive.add(len(items))
        if english and low.endswith("n't"):
            base = {"ca": "can", "wo": "will", "sha": "shall"}.get(low[:-3], low[:-3])
            items.append(("word", base, m.start()))
            items.append(("word", "not", m.start()))
            continue
        if english and low == "cannot":
            items.append(("word", "can", m.start()))
            items.append(("word", "not", m.start()))
            continue
        items.append(("word", word, m.start()))

    # Scale words and number words ("3 million", "nine percent", "twelve patients").
    for i, (kind, txt, _) in enumerate(items):
        low = txt.lower()
        if kind == "word" and english and low in _NUMBER_WORDS:
            numbers.append((float(_NUMBER_WORDS[low]), txt))
        if kind == "word" and low in _SCALES and len(low) > 2 and i > 0:
            prev = items[i - 1]
            prev_value: float | None = None
            if prev[0] == "num":
                prev_value = _num_value(prev[1])
            elif prev[1].lower() in _NUMBER_WORDS:
                prev_value = float(_NUMBER_WORDS[prev[1].lower()])
            if prev_value is not None:
                numbers.append((prev_value * _SCALES[low], prev[1] + " " + txt))

    # Pass 2: word tokens with sentence position, negation and hedge scopes.
    tokens: list[_Tok] = []
    neg_left = 0
    neg_rank = 0
    negcue = ""
    neg_syntactic = False
    neg_clause = False  # a negator has occurred in this clause
    hedge_left = 0
    hedge = ""
    claim_hedged = ""
    initial = True
    lows = [txt.lower() for _, txt, _ in items] + ["", ""]
    for i, (kind, txt, _) in enumerate(items):
        if kind == "punct":
            if txt in '.!?:"“”(«' or txt == "--":
                initial = True
            neg_left = hedge_left = 0  # quotation marks too: a quote is its own unit
            neg_clause = False
            continue
        if kind == "num":
            initial = False
            continue
        low = lows[i]
        (st, key, is_stop, tok_stop, is_syntactic, neg_verb, neg_verb_to, clause_break,
         hedge_word, noun_hedge, hedge_to, claim_hedge, day) = _word_info(lang, low)  # fmt: skip
        urging = english and low in _URGING
        if clause_break and not (low == "yet" and i > 0 and lows[i - 1] in _NEGATORS["en"]):
            neg_left = hedge_left = 0
            neg_clause = False
        elif neg_clause and (low == "or" or low == "nor"):
            neg_left, neg_rank = _SCOPE, 0  # "not pass a budget or raise fares"
        # Is this token itself a negator or a hedge?
        nxt = lows[i + 1]
        is_negator = is_syntactic or neg_verb or (neg_verb_to and nxt == "to")
        is_hedge = False
        if hedge_word or hedge_to or urging or (claim_side and claim_hedge):
            nxt2 = lows[i + 2]
            after_determiner = i > 0 and (lows[i - 1] in _DETERMINERS or (i - 1) in possessive)
            is_hedge = (
                (urging and any(w in ("to", "for") for w in lows[i + 1 : i + 1 + _URGING_REACH]))
                or (hedge_word and not (noun_hedge and after_determiner
                                     and nxt not in ("to", "for", "that")))
                or (hedge_to and ("to" in (nxt, nxt2) or nxt in ("for", "on")))
                or (claim_side and claim_hedge and not after_determiner)
            )  # fmt: skip
        cap = txt[:1].isupper()
        content = not is_stop and not is_negator and low not in _SCALES
        counts = content and not (cap and not initial)
        tokens.append(
            _Tok(
                txt,
                low,
                st,
                key,
                cap,
                initial,
                tok_stop,
                is_negator,
                neg_rank + 1 if (neg_left > 0 and counts) else 0,
                negcue if neg_left > 0 else "",
                neg_syntactic,
                hedge if hedge_left > 0 else "",
                is_hedge,
                len(tokens),
                day,
            )
        )
        initial = False
        if counts and neg_left > 0:
            neg_left -= 1
            neg_rank += 1
        if content and hedge_left > 0 and not is_hedge:
            hedge_left -= 1
        if is_negator:
            # A double negation ("not deny", "never failed to") cancels out.
            neg_left = 0 if (neg_left > 0 and neg_rank == 0) else _SCOPE
            neg_rank = 0
            negcue = txt
            neg_syntactic = is_syntactic
            neg_clause = True
        if is_hedge:
            hedge_left = _SCOPE + 1
            hedge = txt if low not in _HEDGES_BEFORE_TO else f"{txt} {nxt}"
            if claim_side and low not in _CONDITIONALS:
                claim_hedged = hedge

    if claim_side and claim_hedged:
        # A claim that hedges anywhere ("is possible", "may") asserts none of its words.
        for t in tokens:
            t.hedge = t.hedge or claim_hedged
    keys: dict[str, list[int]] = {}
    for t in tokens:
        keys.setdefault(t.key, []).append(t.index)
        if t.stem != t.key:
            keys.setdefault(t.stem, []).append(t.index)
    days: list[tuple[str, str]] = []
    for t in tokens:
        dk = t.day
        if dk is None or (t.low == "may" and (not t.cap or t.initial)):
            continue
        if t.low == "march" and not t.cap:
            continue
        days.append((dk, t.text))
    bigrams: frozenset[str] = frozenset()
    if cjk:
        chars = "".join(ch for ch in raw if ch.isalnum())
        bigrams = frozenset(chars[j : j + 2] for j in range(max(len(chars) - 1, 1)))
    return _Text(
        raw=raw,
        lang=lang,
        tokens=tuple(tokens),
        numbers=frozenset(round(v, 6) for v, _ in numbers),
        number_text=tuple((round(v, 6), s) for v, s in numbers),
        days=frozenset(k for k, _ in days),
        day_text=tuple(days),
        keys={k: tuple(v) for k, v in keys.items()},
        lows=frozenset(t.low for t in tokens),
        words=sum(1 for kind, _, _ in items if kind in ("word", "num")) + len(cjk_chars) // 2,
        bigrams=bigrams,
        cjk=cjk,
    )


def _lang(language: str) -> str:
    return (language or "en").lower().replace("_", "-").split("-")[0]


def evidence_is_substantive(quote: str, language: str = "en") -> bool:
    """Whether a quote can carry a claim: four or more words, or a whole sentence of two or
    more words (ends with . ! ? or a closing quote after one). A bare name cannot."""
    text = _analyze(quote, _lang(language), False)
    if text.words >= 4:
        return True
    stripped = quote.strip().rstrip("\"'”’»)")
    return text.words >= 2 and stripped[-1:] in (".", "!", "?", "。", "！", "？", "؟")


# --------------------------------------------------------------------------- matching


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(tok: _Tok, ev: _Text, *, name: bool) -> list[_Tok]:
    """Evidence tokens that count as the same word as ``tok``."""
    found = ev.keys.get(tok.key) or ev.keys.get(tok.stem)
    if found:
        return [ev.tokens[i] for i in found]
    out: list[_Tok] = []
    s = tok.stem
    for t in ev.tokens:
        if t.stop:
            continue
        p = _common_prefix(s, t.stem)
        shorter = min(len(s), len(t.stem))
        if (name and p >= 4 and p >= shorter - 3) or (p >= 5 and p >= shorter - 2):
            out.append(t)
    return out


def _has_initials(text: _Text, acronym: str) -> bool:
    """Whether consecutive content words spell ``acronym`` (EU = European Union)."""
    content = [t.low[0] for t in text.tokens if not t.stop]
    return acronym in "".join(content) and any(
        "".join(content[j : j + len(acronym)]) == acronym for j in range(len(content))
    )


def _is_name(tok: _Tok, title_case: bool) -> bool:
    if tok.stop or tok.low in _TITLES or tok.day is not None:
        return False
    if len(tok.text) >= 2 and tok.text.isupper() and tok.text.isalpha():
        return True  # an acronym
    return tok.cap and not tok.initial and not title_case


def _quoted(word: str) -> str:
    return f"'{word}'"


# --------------------------------------------------------------------------- attribution


def _speakers(raw: str) -> list[tuple[str, int]]:
    """Named speakers of reported speech in a quote, with the offset of their verb."""
    out: list[tuple[str, int]] = []
    for rx in (_SPEAKER_BEFORE, _SPEAKER_APPOSITIVE):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.end()))
    for rx in (_SPEAKER_AFTER, _ACCORDING):
        for m in rx.finditer(raw):
            out.append((m.group(1), m.start()))
    return out


def _name_parts(name: str) -> set[str]:
    parts = set()
    for w in re.findall(r"[^\W\d_]+", name):
        low = w.lower()
        if len(low) >= 3 and low not in _TITLES and low not in _STOP["en"]:
            parts.add(low)
    return parts


def _attribution(subject: str, quotes: list[_Text], *, role: bool) -> str | None:
    """None when the quotes attribute to ``subject``, else the reason they do not."""
    parts = _name_parts(subject)
    if not parts:
        return None
    named = weak = False
    other: str | None = None
    for q in quotes:
        mentions = [t for t in q.tokens if t.low in parts]
        if role:
            named = named or bool(mentions)
            weak = weak or any(t.low in _PRONOUNS for t in q.tokens)
            continue
        speakers = _speakers(q.raw)
        mine = [s for s in speakers if _name_parts(s[0]) & parts]
        theirs = [s for s in speakers if not _name_parts(s[0]) & parts and _name_parts(s[0])]
        if mine:
            named = True
        elif theirs:
            first_verb = min(pos for _, pos in theirs)
            reported = any(q.raw.lower().find(p, first_verb) >= 0 for p in parts)
            if reported:
                named = True
            else:
                other = other or theirs[0][0]
        elif mentions:
            named = True
        else:
            lows = q.lows
            if lows & _PRONOUNS or any(f"the {p}" in q.raw.lower() for p in subject_words(subject)):
                weak = True
    if named:
        return None
    if other is not None:
        return f"the evidence attributes this to {_quoted(other)}, not to {_quoted(subject)}"
    if weak:
        return None
    return f"the evidence does not mention {_quoted(subject)}"


def subject_words(subject: str) -> list[str]:
    """Lower-case common nouns of an actor's name ("Allied Nurses Union" -> union, nurses)."""
    return [w.lower() for w in re.findall(r"[^\W\d_]{4,}", subject)]


# --------------------------------------------------------------------------- the check


def _certainty_word(claim: _Text, tok: _Tok) -> str:
    for t in reversed(claim.tokens[: tok.index]):
        if t.low in _CERTAIN_AUX:
            return f"{t.text} {tok.text}" if t.index == tok.index - 1 else t.text
        if not t.stop:
            break
    return tok.text


_CERTAIN_VALUES = _words(
    "certain confirmed scheduled definite definitive agreed fixed official firm set"
)


def _check_certainty(claim: str, quotes: list[_Text]) -> list[str]:
    value = claim.strip().lower()
    if value not in _CERTAIN_VALUES:
        return []
    for q in quotes:
        for t in q.tokens:
            if t.is_hedge:
                said = _quoted(t.text)
                return [f"{_quoted(claim.strip())} is not supported: the evidence says {said}"]
    return []


def _check_cjk(claim: _Text, quotes: list[_Text]) -> list[str]:
    reasons: list[str] = []
    ev_bigrams: set[str] = set()
    for q in quotes:
        ev_bigrams |= q.bigrams
    if claim.bigrams:
        covered = len(claim.bigrams & ev_bigrams) / len(claim.bigrams)
        if covered < _CJK_COVERAGE:
            reasons.append(f"only {covered:.0%} of the claim's text is covered by the evidence")
    claim_neg = bool(_CJK_NEG.search(claim.raw))
    ev_neg = any(_CJK_NEG.search(q.raw) for q in quotes)
    if claim_neg != ev_neg:
        reasons.append("negation differs between the claim and the evidence")
    return reasons


_SHORT = 4  # a claim with this many content words or fewer must cover every heavy one
# Light, general words a paraphrase adds without adding a claim.
_LIGHT = _words(
    """make take get give go come put set show see become remain people group part way
    thing time year day week month side issue matter case number total level also still
    well already because due"""
)
_BOUND_LOW = ("at least", "more than", "over", "above", "upwards of", "no fewer than")
_BOUND_HIGH = ("up to", "at most", "fewer than", "less than", "under", "below", "no more than")


def _near_form(a: str, b: str) -> bool:
    """Whether two different words look alike enough to be confused for each other while
    meaning something else: one is the other with a prefix (end/extend, agree/disagree,
    stored/restored) or they differ by one or two letters in place (accept/except)."""
    if a == b or min(len(a), len(b)) < 3:
        return False
    long, short = (a, b) if len(a) >= len(b) else (b, a)
    if long.endswith(short) and 2 <= len(long) - len(short) <= 3:
        return True
    if len(a) == len(b) and len(a) >= 5:
        diff = sum(x != y for x, y in zip(a, b, strict=True))
        return diff <= 2 and a[2:] != b[2:] or (diff <= 2 and a[:2] != b[:2])
    return False


def _uncovered_word(tok: _Tok, quotes: list[_Text]) -> str | None:
    """A reason when an uncovered claim word is contradicted or is an added qualifier."""
    for q in quotes:
        for t in q.tokens:
            if (
                not t.stop
                and not t.cap
                and _near_form(tok.low, t.low)
                and _near_form(tok.stem, t.stem)
            ):
                return f"{_quoted(tok.text)} is not supported: the evidence says {_quoted(t.text)}"
    if tok.low.endswith("ly") and len(tok.low) > 5 and not tok.cap:
        return f"{_quoted(tok.text)} is not supported: the evidence does not say so"
    return None


def _bound(raw: str, at: int) -> int:
    """+1 when a lower-bound phrase ("at least", "more than") ends just before ``at``, -1
    for an upper bound ("up to", "fewer than"), 0 otherwise."""
    before = raw[max(0, at - 20) : at].lower().rstrip(" $£€")
    if before.endswith(_BOUND_LOW):
        return 1
    if before.endswith(_BOUND_HIGH):
        return -1
    return 0


def _check_bounds(claim: str, quotes: list[str]) -> list[str]:
    """A number the claim bounds one way ("at least 8") must not be bounded the other way
    in the evidence ("up to 8")."""
    out: list[str] = []
    for m in _NUMBER_TEXT.finditer(claim):
        cb = _bound(claim, m.start())
        if not cb:
            continue
        for q in quotes:
            i = q.find(m.group())
            while i >= 0:
                eb = _bound(q, i)
                if eb and eb != cb:
                    out.append(f"{_quoted(m.group())} is bounded the other way in the evidence")
                    return out
                i = q.find(m.group(), i + 1)
    return out


_NUMBER_TEXT = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b")


def check_support(
    claim: str,
    evidence: Sequence[str],
    *,
    kind: str = "claim",
    language: str = "en",
    subject: str | None = None,
) -> Support:
    """Whether ``evidence`` (the quotes or segments an item cites) supports ``claim``.

    ``kind`` names what the claim is: ``claim``/``summary`` (a sentence), ``headline``
    (title case is not read as names), ``role``, ``stance`` (with ``subject``), ``issue``,
    ``side``, ``action``, ``when``, ``certainty`` (a one-word value such as "scheduled",
    checked only against hedges in the evidence), or ``name`` (a bare actor name: a quote
    that contains it is enough). ``subject`` is the actor a stance is attributed to (for a
    ``role``, the actor the role describes). See the module docstring for the checks and
    their limits.
    """
    lang = _lang(language)
    quotes_raw = [q for q in evidence if q and q.strip()]
    if not claim.strip():
        return Support(False, ("the claim is empty",))
    if not quotes_raw:
        return Support(False, ("no evidence is cited",))
    quotes = [_analyze(q, lang, False) for q in quotes_raw]
    c = _analyze(claim, lang, True)

    if kind == "name":
        parts = _name_parts(claim) or {claim.strip().lower()}
        if any(parts & q.lows for q in quotes):
            return Support(True)
        return Support(False, (f"name {_quoted(claim.strip())} is not in the evidence",))

    if not any(evidence_is_substantive(q, lang) for q in quotes_raw):
        return Support(
            False, ("evidence is too thin (a bare name supports only that an actor exists)",)
        )

    if kind == "certainty":
        reasons = _check_certainty(claim, quotes)
        return Support(not reasons, tuple(reasons))

    reasons = []
    # Numbers.
    ev_numbers: set[float] = set()
    for q in quotes:
        ev_numbers |= q.numbers
    seen: set[float] = set()
    for value, text in c.number_text:
        if value not in ev_numbers and value not in seen:
            seen.add(value)
            reasons.append(f"number {_quoted(text)} does not appear in the evidence")
    # Dates.
    ev_days: set[str] = set()
    for q in quotes:
        ev_days |= q.days
    for key, text in c.day_text:
        if key not in ev_days:
            reasons.append(f"{_quoted(text)} does not appear in the evidence")

    reasons += _check_bounds(c.raw, [q.raw for q in quotes])

    if c.cjk:
        reasons += _check_cjk(c, quotes)
        return Support(not reasons, tuple(reasons))

    # Attribution.
    if subject and subject.strip() and kind in ("stance", "position", "role"):
        why = _attribution(subject.strip(), quotes, role=kind == "role")
        if why:
            reasons.append(why)

    # Word by word: names, negation, modality, coverage.
    _, antonyms = _class_keys()
    words = [t for t in c.tokens if not t.stop and not t.negator and t.day is None]
    caps = [t for t in words if t.cap and len(t.low) > 3]
    title_case = kind == "headline" or (len(words) >= 4 and len(caps) / len(words) > 0.6)
    uncovered: list[str] = []
    heavy: list[str] = []  # uncovered words that are not light/general
    covered = 0
    flagged = False
    for tok in words:
        is_name = _is_name(tok, title_case)
        occ: list[_Tok] = []
        for q in quotes:
            occ += _occurrences(tok, q, name=is_name)
        if (
            not occ
            and is_name
            and tok.text.isupper()
            and any(_has_initials(q, tok.low) for q in quotes)
        ):
            covered += 1
            continue
        if not occ:
            # An antonym in the evidence: contradiction unless the polarity compensates.
            opposite = None
            for q in quotes:
                for k in antonyms.get(tok.key, ()):
                    for i in q.keys.get(k, ()):
                        opposite = q.tokens[i]
            if opposite is not None:
                # Same polarity on both sides means the two say opposite things.
                if bool(tok.neg) == bool(opposite.neg):
                    if not flagged:
                        reasons.append(
                            f"{_quoted(_certainty_word(c, tok))} is not supported: "
                            f"the evidence says {_quoted(opposite.text)}"
                        )
                        flagged = True
                else:
                    covered += 1
                continue
            if is_name:
                reasons.append(f"name {_quoted(tok.text)} is not in the evidence")
            elif not flagged:
                why = _uncovered_word(tok, quotes)
                if why:
                    reasons.append(why)
                    flagged = True
            uncovered.append(tok.text)
            if not is_name and not tok.cap and tok.low not in _LIGHT and tok.key not in _LIGHT:
                heavy.append(tok.text)
            continue
        covered += 1
        if is_name or tok.cap or flagged:
            continue
        # Negation: the claim's negated head word must be negated in the evidence; a word
        # the evidence only ever negates (not, no, never, without) must not be asserted.
        if tok.neg == 1 and not any(o.neg or o.negator for o in occ):
            reasons.append(
                f"{_quoted(tok.negcue + ' ' + tok.text)} is not supported: "
                f"the evidence says {_quoted(occ[0].text)}"
            )
            flagged = True
            continue
        if not tok.neg and all(0 < o.neg <= 2 and o.syntactic for o in occ):
            reasons.append(
                f"{_quoted(_certainty_word(c, tok))} is not supported: "
                f"the evidence says {_quoted(occ[0].negcue + ' ' + occ[0].text)}"
            )
            flagged = True
            continue
        # Modality: asserted in the claim, only hedged in the evidence.
        if not tok.hedge and all(o.hedge for o in occ):
            reasons.append(
                f"{_quoted(_certainty_word(c, tok))} is not supported: "
                f"the evidence says {_quoted(occ[0].hedge)}"
            )
            flagged = True

    total = covered + len(uncovered)
    if heavy and total <= _SHORT and not flagged and kind not in ("role", "stance"):
        # A short claim has no slack: each of its few content words carries meaning.
        listed = ", ".join(_quoted(w) for w in dict.fromkeys(heavy))
        reasons.append(f"content words not covered by the evidence: {listed}")
    elif total and covered / total < COVERAGE:
        listed = ", ".join(_quoted(w) for w in dict.fromkeys(uncovered))
        reasons.append(f"content words not covered by the evidence: {listed}")
    return Support(not reasons, tuple(dict.fromkeys(reasons)))
