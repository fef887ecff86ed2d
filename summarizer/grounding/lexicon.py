"""Word lists of the claim-support check (:mod:`summarizer.grounding.support`): function
words, negators, hedges, paraphrase classes, antonyms, dates, numbers, speaker patterns."""

from __future__ import annotations

import re

from summarizer.output.names import TITLES as NAME_TITLES


def _split(text: str) -> list[str]:
    return text.split()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STEMMERS = {
    "en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "nb": "norwegian", "fi": "finnish", "hu": "hungarian", "ro": "romanian", "tr": "turkish",
    "ru": "russian", "ar": "arabic", "el": "greek", "ca": "catalan", "cs": "czech",
    "pl": "polish", "id": "indonesian", "ga": "irish", "lt": "lithuanian", "sr": "serbian",
    "hi": "hindi", "ne": "nepali", "ta": "tamil", "fa": "persian", "hy": "armenian",
    "eu": "basque", "et": "estonian", "yi": "yiddish",
}  # fmt: skip
BIGRAM_LANGS = {"zh", "ja", "ko", "th", "lo", "km", "my"}

STOP: dict[str, frozenset[str]] = {
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
NEGATORS: dict[str, frozenset[str]] = {
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
NEG_VERBS = _words("deni deny reject dismiss rebuff refut refus declin")
NEG_VERBS_BEFORE_TO = _words("fail refus declin unabl littl")

# Evidence-side hedges: what follows them is not asserted as a fact.
HEDGES = _words(
    """could may might perhaps possibly possible likely unlikely probably should propose
    proposes proposed proposing proposal proposals suggest suggests suggested suggesting
    offered offering want wants wanted wanting seek seeks sought seeking hope hopes hoped
    hoping urge urges urged urging demand demands demanded demanding threaten threatens
    threatened threatening consider considers considering weighing mulling expect expects
    expected expecting suspect suspects suspected suspicion allege alleges alleged
    allegedly accuse accuses accused reportedly believe believes believed if unless
    whether intend intends intended promise promises promised pledge pledged pledges fear fears
    feared aim aims aiming suggestion suggestions anticipate anticipates anticipated
    anticipating"""
)
# Hedge words that are also nouns: after a determiner ("the proposal needs approval") they
# name a thing and hedge nothing, unless "to"/"for"/"that" follows ("a proposal to cut").
NOUN_HEDGES = _words(
    "proposal proposals suspicion promise promises pledge pledges fear fears demand demands "
    "hope hopes aim aims offer offers suggestion suggestions claim claims"
)
DETERMINERS = _words("the a an this that these those its his her their our my your any")
# Hedges that, after a determiner, are adjectives on a thing ("the proposed pipeline"): they
# hedge that thing only, not what is done to it.
ATTRIBUTIVE_HEDGES = _words(
    "proposed planned expected alleged suspected possible potential likely offered promised "
    "feared intended"
)
# Hedges that need "to"/"for"/"on" after them ("plans to", "called for", "asked ... to").
HEDGES_BEFORE_TO = _words(
    "plan plans planned planning call calls called ask asks asked ready willing prepared "
    "prepare prepares preparing"
)
# Urging frames: "pressing Moscow and Kyiv to agree", "pushed the board to accept",
# "lobbying Brussels for a harder line". What follows is wanted, not done: a hedge when
# "to"/"for" comes within the next few words of the clause.
URGING = _words(
    """press presses pressed pressing push pushes pushed pushing urge urges urged urging
    encourage encourages encouraged encouraging persuade persuaded lobby lobbied lobbying
    pressure pressured pressuring implore implored invite invited invites tell told
    ask asks asked call calls called demand demanded demanding want wanted wants"""
)
URGING_REACH = 6
# Extra claim-side hedges: nouns naming a non-fact ("Norway's proposal", "the offer").
CLAIM_HEDGES = HEDGES | HEDGES_BEFORE_TO | _words("offer offers bid bids can")
CONDITIONALS = frozenset({"if", "unless"})
CERTAIN_AUX = _words("will is are was were has have had did agreed accepted confirmed announced")
CLAUSE_BREAK = _words("but although though while whereas because however yet which who when")

IRREGULAR = dict(
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
    withdrawn:withdraw fought:fight caught:catch taught:teach sat:sit stole:steal
    stolen:steal froze:freeze frozen:freeze forgave:forgive forgiven:forgive bore:bear
    borne:bear swore:swear sworn:swear tore:tear torn:tear wore:wear worn:wear shook:shake
    shaken:shake forbade:forbid forbidden:forbid undertook:undertake undertaken:undertake
    overtook:overtake overtaken:overtake arose:arise arisen:arise fled:flee sped:speed
    sank:sink sunk:sink sprang:spring sprung:spring struck:strike stricken:strike
    hung:hang dealt:deal meant:mean bound:bind wound:wind upheld:uphold overturned:overturn
    oversaw:oversee overseen:oversee"""
    )
)
# General paraphrase classes of news prose (not tuned to any article): each set maps to
# one key. Kept short on purpose: a wider net lets unsupported claims through.
CLASSES = [
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
    "though although",
]
ANTONYMS = [
    ("accept", "reject"), ("approve", "reject"), ("agree", "refuse"), ("confirm", "deny"),
    ("admit", "deny"), ("win", "lose"), ("increase", "decrease"), ("open", "close"),
    ("keep", "close"), ("support", "oppose"), ("guilty", "innocent"), ("convict", "acquit"),
    ("uphold", "overturn"), ("allow", "ban"), ("allow", "forbid"), ("gain", "lose"),
    ("above", "below"), ("more", "less"), ("higher", "lower"),
    ("include", "exclude"), ("attend", "skip"), ("rule", "rule"),
]  # fmt: skip

DAY_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip
MONTH_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
RELATIVE_DAYS = {"tomorrow", "yesterday", "tonight"}
NUMBER_WORDS = {
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
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
TITLES = NAME_TITLES | _words("professor councillor councilor sgt")
"""Titles before a name (the one list of :mod:`summarizer.output.names`, and a few spellings)."""
PRONOUNS = _words("he she they we i it his her their our its him them us")
SPEECH = (
    r"said|says|told|tells|warned|warns|added|stated|wrote|argued|insisted|urged|denied|"
    r"claimed|explained|noted|announced|asked|replied|responded"
)
NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|da|al|bin|la|le))*"
SPEAKER_BEFORE = re.compile(rf"({NAME})\s*,?\s+(?:{SPEECH})\b")
SPEAKER_APPOSITIVE = re.compile(rf"({NAME}),\s+[^,;.]{{1,80}},\s+(?:{SPEECH})\b")
SPEAKER_AFTER = re.compile(rf"\b(?:{SPEECH})\s*,?\s+({NAME})")
ACCORDING = re.compile(rf"\baccording to\s+(?:the\s+)?({NAME})")

TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<suffix>st|nd|rd|th|[a-zA-Z]{1,2}\b)?"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<punct>[.,;:!?\"“”«»()\[\]—–]|--)"
)
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
CJK_NEG = re.compile(r"[不没沒未无無非别別]|ない|ません|없|않|안 ")
FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

# Claim-side values a kind="certainty" check accepts only from unhedged evidence.
CERTAIN_VALUES = _words(
    "certain confirmed scheduled definite definitive agreed fixed official firm set"
)
# Light, general words a paraphrase adds without adding a claim.
LIGHT = _words(
    """make take get give go come put set show see become remain people group part way
    thing time year day week month side issue matter case number total level also still
    well already because due"""
)
BOUND_LOW = ("at least", "more than", "over", "above", "upwards of", "no fewer than")
BOUND_HIGH = ("up to", "at most", "fewer than", "less than", "under", "below", "no more than")
