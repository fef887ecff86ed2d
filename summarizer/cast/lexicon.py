"""Word lists of the cast (who is who and who says what): speech and action verbs, titles,
organization and government cues, group heads, countries; and the small text helpers that
names and roles are read with. Generic English news conventions, not tuned to any article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _words(text: str) -> list[str]:
    return text.split()


SPEECH = frozenset(
    _words(
        """said says say told tells warned warns wrote writes urged urges announced announces
    accused accuses denied denies added adds argued argues insisted insists claimed
    stated noted called rejected rejects demanded confirmed confirms promised
    promises pledged pledges vowed vows threatened threatens asked responded replied
    explained acknowledged admitted suggested suggests proposed maintained maintains
    countered criticised criticized criticises criticizes welcomed welcomes
    condemned condemns dismissed blamed blames praised defended defends disputed
    disputes questioned testified estimated predicted stressed stresses emphasised
    emphasized declared complained alleged alleges concluded believes believed
    opposed opposes supported backed cautioned conceded contended objected
    recommended ruled rules"""
    )
)
# Verbs of stance: what an actor wants, offers, refuses or suspects. Not speech, but they
# attribute a position as speech does ("Tarvania wants...", "The company has offered...").
STANCE = frozenset(
    _words(
        """wants want wanted seeks seek sought offered offers offer refused refuses refuse
    suspect suspects suspected pressing pressed presses pushed pushes pushing demanding
    insisting proposing opposing backing rejecting accusing urging threatening vowing
    pledging hopes hoped fears feared accepted accepts accept quoted reported reports
    alleged alleges"""
    )
)
# Words that are also common nouns: a subject must then be a name or a pronoun.
NOUNLIKE = frozenset(["says", "claims", "calls", "demands", "notes", "backs", "rules", "disputes"])
ACTION = frozenset(
    _words(
        """voted votes agreed agrees refused refuses declined declines filed files sued sues
    signed signs approved approves launched launches ordered orders appointed
    offered offers decided decides appealed charged fined raised bought acquired
    sold hired closed resigned struck met walked arrested seized plans planned
    intends intended wants sought seeks reported reports published released
    announced began begins started starts halted suspended withdrew postponed
    cancelled canceled freed detained captured attacked invaded deployed invited
    chaired hosted blocked banned imposed lifted cut increased reduced dropped
    abandoned joined left won lost"""
    )
)
AUX = frozenset(
    _words(
        """also later has have had will would is was were are did does do not never previously
    again then reportedly publicly recently separately earlier repeatedly once
    already still further privately jointly formally been being may might could should
    must can"""
    )
)
PRONOUNS = {"he": "person", "she": "person", "they": "plural"}
STOP = frozenset(
    _words(
        """a an the and or but if of in on at to for from by with without about after before as
    into over under than that this these those there here it its it's he she they we
    you i his her their our your my me him them us who whom whose which what when
    where why how is are was were be been being has have had do does did will would
    can could may might must shall should not no nor so too very also just only even
    still yet more most much many some any all each every both either neither other
    another such same own up down out off again further then once while during until
    since because though although whether per via among between through against
    within upon onto one two three new said says told according mr mrs ms dr cannot
    going being having"""
    )
)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = _words(
    """January February March April May June July August September October November
    December"""
)
NOT_NAMES = frozenset(
    [
        *WEEKDAYS,
        *MONTHS,
        *_words(
            """The A An This That These Those It He She They We I You His Her Their Our Its But And
    Or If In On At For From By With Without After Before As When While Where There
    Here What Who Why How Yes No Not Mr Mrs Ms Dr Sir Madam Today Tomorrow Yesterday
    Meanwhile However Earlier Later Last Next Some Many Most All Both Each One Two
    Three Four Five Several Since Until Under Over About According Also Instead
    Still Yet Despite Although Though Because"""
        ),
    ]
)
TITLES = frozenset(
    _words(
        """nurse teacher doctor driver worker student pensioner farmer engineer resident
    barrister owner shopkeeper mother father campaigner activist
    president vice prime minister ministers chancellor premier secretary spokesman
    spokeswoman spokesperson leader leaders chief executive ceo cfo coo chairman
    chairwoman chair chairperson director head governor mayor senator congressman
    congresswoman representative councillor councilor councilman councilwoman
    commissioner judge justice magistrate prosecutor attorney lawyer counsel
    solicitor barrister ambassador envoy negotiator official officer general colonel
    admiral commander captain sergeant lieutenant inspector detective sheriff
    superintendent professor economist analyst founder owner partner manager
    president's king queen prince princess pope bishop archbishop imam rabbi speaker
    deputy treasurer auditor regulator organiser organizer coordinator adviser
    advisor researcher scientist editor correspondent member trustee principal dean
    mediator diplomat dancer smuggler journalist reporter author writer artist singer
    musician player coach athlete pilot soldier defendant witness candidate lawmaker
    legislator organiser"""
    )
)
CAP_TITLES = frozenset(
    _words(
        """President Vice Prime Minister Chancellor Premier Secretary Judge Justice Mayor
    Governor Senator Sen. Rep. Representative Gov. Dr. Dr Mr. Mr Mrs. Mrs Ms. Ms Sir
    Dame General Gen. Colonel Col. Chief Commissioner Councillor Councilor
    Councilwoman Councilman Deputy Attorney Speaker Pope King Queen Prince Princess
    Sheikh Ambassador Inspector Detective Officer Professor Prof. Captain Capt.
    Bishop Archbishop Father Rabbi Imam Chairman Chairwoman Chair Spokesman
    Spokeswoman Director Executive Superintendent Sheriff Commander Lieutenant
    Sergeant Marshal Admiral Foreign Defence Defense Finance Interior Health
    Transport Education Labour Labor Economy Trade Energy Environment Agriculture
    Home State of"""
    )
)
# Words that begin the name of a body, never a person's: "National Track", "United Nations".
BODY_FIRST = frozenset(
    _words(
        """National United International Federal Royal Central Global Northern Southern
    Eastern Western New Great First General Public State City County Regional Metro
    Greater Grand Imperial Republic Democratic Popular People's Peoples Islamic Free"""
    )
)
# Words that name a place when they end a name (*Stanley Road*, *Black Sea*), or begin one
# (*Saint Petersburg*, *Mount Kenya*): a place is where something happens, not an actor.
PLACE_WORDS = frozenset(
    _words(
        """Road Street Avenue Lane Boulevard Square Sea Ocean River Valley Mountains Mountain
    Island Islands Bay Gulf Strait Lake Park Bridge Hall Palace Plaza Tower Station Region
    Province Coast Peninsula Desert Canal Highway Crossing Frontline Hill Hills Heights Beach
    Harbour Harbor Pass Plain Plains Basin Delta Forest Field Fields Quay Wharf Dock Docks
    Centre Center Stadium Arena"""
    )
)
PLACE_FIRST = frozenset(
    _words("""Saint St St. San Santa Sao Mount Mt Mt. Lake Cape Fort Gulf Palais Palazzo""")
)
# Before a name, these words make it a place ("in Geneva", "at the Palais des Nations").
LOCATIVE = frozenset(
    _words(
        """in at near outside inside across from to into towards toward throughout around via
    through within on onto along off beyond"""
    )
)
# Capitals and seats of government that news uses for their country ("Moscow said",
# "pressure on Kyiv", "the White House said"): the actor is the country.
CAPITALS = {
    "Moscow": "Russia", "Kyiv": "Ukraine", "Kiev": "Ukraine", "Washington": "United States",
    "White House": "United States", "Beijing": "China", "London": "United Kingdom",
    "Downing Street": "United Kingdom", "Paris": "France", "Berlin": "Germany",
    "Tokyo": "Japan", "Seoul": "South Korea", "Pyongyang": "North Korea", "Tehran": "Iran",
    "Ankara": "Turkey", "Damascus": "Syria", "Baghdad": "Iraq", "Kabul": "Afghanistan",
    "Riyadh": "Saudi Arabia", "Cairo": "Egypt", "New Delhi": "India", "Islamabad": "Pakistan",
    "Ottawa": "Canada", "Canberra": "Australia", "Warsaw": "Poland", "Rome": "Italy",
    "Madrid": "Spain", "Minsk": "Belarus", "Tbilisi": "Georgia", "Caracas": "Venezuela",
    "Havana": "Cuba", "Taipei": "Taiwan", "Hanoi": "Vietnam", "Manila": "Philippines",
    "Jakarta": "Indonesia", "Pretoria": "South Africa", "Nairobi": "Kenya", "Budapest": "Hungary",
    "Stockholm": "Sweden", "Oslo": "Norway", "Helsinki": "Finland", "Copenhagen": "Denmark",
    "Athens": "Greece", "Lisbon": "Portugal", "Dublin": "Ireland", "Bern": "Switzerland",
    "Brasilia": "Brazil", "Tel Aviv": "Israel", "Doha": "Qatar",
    "Abu Dhabi": "United Arab Emirates",
}  # fmt: skip
# Other names of a country, and demonyms that do not follow the -n / -ian / -ese / -i rule.
COUNTRY_NAMES = {
    "US": "United States", "U.S.": "United States", "USA": "United States",
    "America": "United States", "UK": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
}  # fmt: skip
DEMONYMS = {
    "Swiss": "Switzerland", "French": "France", "British": "United Kingdom",
    "Dutch": "Netherlands", "German": "Germany", "Chinese": "China", "Japanese": "Japan",
    "American": "United States", "US": "United States", "U.S.": "United States",
    "UK": "United Kingdom", "Turkish": "Turkey", "Polish": "Poland", "Spanish": "Spain",
    "Greek": "Greece", "Irish": "Ireland", "Danish": "Denmark", "Swedish": "Sweden",
    "Finnish": "Finland", "Norwegian": "Norway", "Belgian": "Belgium", "Saudi": "Saudi Arabia",
    "Emirati": "United Arab Emirates", "Filipino": "Philippines", "Portuguese": "Portugal",
    "Thai": "Thailand", "Vietnamese": "Vietnam", "Israeli": "Israel", "Pakistani": "Pakistan",
    "Iraqi": "Iraq", "Afghan": "Afghanistan", "Welsh": "Wales", "Scottish": "Scotland",
    "English": "England", "Czech": "Czechia", "Slovak": "Slovakia",
}  # fmt: skip
# The bodies a demonym names with a lowercase head ("Swiss foreign ministry", "Tarvanian
# parliament", "Russian state media", "Belmarkian forces"): heads that make the phrase an
# actor of its own, and groups that stand for the country itself.
DEMONYM_BODIES = frozenset(
    _words(
        """parliament government ministry cabinet army military navy police media daily
    newspaper broadcaster embassy delegation presidency judiciary"""
    )
)
COUNTRY_GROUPS = frozenset(
    _words("""officials authorities forces troops negotiators diplomats delegation leaders""")
)
# Lowercase words that follow a name and make it a body ("United Transit Workers union").
NAME_HEADS = frozenset(
    _words(
        """union party group company firm agency council ministry department government
    alliance coalition association federation committee board court authority bank
    airline institute university college hospital foundation trust charity network
    parliament assembly commission tribunal regulator consortium movement campaign
    daily newspaper broadcaster media cabinet embassy delegation presidency"""
    )
)
# Descriptions that name a company ("the company said"), and the cue words that say a
# body is something else (a union, a council, an agency...), which such a description
# does not stand for.
COMPANY_HEADS = frozenset(
    _words(
        """company firm operator carrier airline lender insurer retailer supplier manufacturer
    developer business employer chain maker producer owner broadcaster group"""
    )
)
NOT_COMPANY = frozenset(
    _words(
        """Union Council Association Agency Authority Ministry Department Court University
    College School Hospital Party Committee Commission Federation Alliance Forum Coalition
    Foundation Institute Church Club Society League Friends Movement Board Bureau Office
    Parliament Assembly Government Police Army Nations Tribunal Service Trust Network"""
    )
)
GOV_CUES = frozenset(
    _words(
        """Ministry Department Government Parliament Congress Senate Assembly Council
    Commission Court Tribunal Police Kremlin Cabinet Treasury Administration
    Presidency Pentagon Legislature Municipality Bundestag Duma Knesset Judiciary
    Prosecutor's Prosecutors Army Navy Military"""
    )
)
ORG_CUES = frozenset(
    _words(
        """Union Authority Company Co Co. Corp Corp. Corporation Inc Inc. Ltd Ltd. Plc PLC LLC
    Group Bank Party Agency Association Chamber Board Committee Federation Institute
    University College School Hospital Foundation Trust Fund Organisation
    Organization Alliance League Club Society Council Network Industries Holdings
    Partners Airlines Motors Systems Technologies Labs Press Times News Post Journal
    Reuters Bloomberg Office Center Centre Coalition Movement Front Federation
    Confederation Congress Forum Service Services Commission Exchange Port Airport
    Railway Railways Energy Oil Gas Pharma Pharmaceuticals Media Studios Capital
    Ventures Insurance Bureau Secretariat Church Mission Cooperative Co-operative
    Library Museum Theatre Friends Guild Syndicate Consortium Initiative Project Nations
    Buses Accountants Associates Brands Foods Mills Works Logistics Solutions Resources
    Enterprises Properties Investments Communications Entertainment Electronics Chemicals
    Mining Metals Steel Shipping Lines Telecom Bancorp Securities Markets Tribune Herald
    Gazette Courier Daily Broadcasting Television Radio Forces Express Airways Trains
    Rail Logistics Freight Motors"""
    )
)
ORG_HEADS = frozenset(
    _words(
        """union authority company firm corporation group bank party agency association chamber
    board committee federation institute university college school hospital
    foundation trust fund organisation organization alliance league club society
    council network ministry department government parliament congress senate
    assembly commission court tribunal police cabinet administration army military
    regulator council prosecutors prosecution defence defense airline operator
    employer employers insurer lender retailer manufacturer developer carrier
    utility watchdog charity campaign coalition consortium"""
    )
)
GOV_HEADS = frozenset(
    _words(
        """ministry department government parliament congress senate assembly commission court
    tribunal police cabinet administration army military prosecutors prosecution
    kremlin council municipality regulator"""
    )
)
GROUP_HEADS = frozenset(
    _words(
        """people police residents workers employees staff members protesters demonstrators
    voters citizens parents students teachers nurses doctors farmers drivers pilots
    dockworkers miners officials analysts investors shareholders economists critics
    opponents supporters activists campaigners lawmakers legislators senators
    ministers negotiators delegates prosecutors lawyers judges scientists
    researchers experts businesses traders unions leaders locals villagers families
    victims survivors customers passengers tenants landlords owners retailers
    authorities rebels troops soldiers fighters officers diplomats mediators
    creditors bondholders strikers allies partners scientists"""
    )
)
COUNTRIES = frozenset(
    _words(
        """Afghanistan Albania Algeria Angola Argentina Armenia Australia Austria Azerbaijan
    Bahrain Bangladesh Belarus Belgium Bolivia Bosnia Botswana Brazil Bulgaria
    Cambodia Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czechia
    Denmark Ecuador Egypt Estonia Ethiopia Finland France Georgia Germany Ghana
    Greece Guatemala Haiti Honduras Hungary Iceland India Indonesia Iran Iraq
    Ireland Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kosovo Kuwait Latvia
    Lebanon Libya Lithuania Luxembourg Madagascar Malaysia Mali Malta Mexico Moldova
    Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nepal Netherlands
    Nicaragua Niger Nigeria Norway Oman Pakistan Palestine Panama Paraguay Peru
    Philippines Poland Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore
    Slovakia Slovenia Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tajikistan
    Tanzania Thailand Tunisia Turkey Türkiye Uganda Ukraine Uruguay Uzbekistan
    Venezuela Vietnam Yemen Zambia Zimbabwe Britain Scotland Wales England"""
    )
) | frozenset(
    [
        "United States",
        "United Kingdom",
        "South Africa",
        "South Korea",
        "North Korea",
        "Saudi Arabia",
        "New Zealand",
        "Sri Lanka",
        "Ivory Coast",
        "United Arab Emirates",
        "Czech Republic",
        "U.S.",
        "UK",
        "US",
        "EU",
    ]
)
PREPOSITIONS = frozenset(
    _words("""at of in from for with by to on near outside inside across behind under over""")
)
CONNECTORS = frozenset(_words("""of for on and de del der van von bin al da du la le"""))
# Lower-case particles inside names in the Latin-script languages (*Ayuntamiento de
# Valencia*, *Ursula von der Leyen*); never the first or last word of a name.
PARTICLES = frozenset(
    _words("""de del della di da do dos das du des la le van von der den ten ter y e i al bin""")
)
ABBREVS = frozenset(["Ltd", "Inc", "Co", "Corp", "Jr", "Sr", "Bros", "St", "Mt"])
HONORIFICS = frozenset(["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame"])

WORD_RE = re.compile(r"[^\W_][\w'’\-]*")
QUOTES = '"“”«»'
# What ends a sentence in the scripts the segmenter knows (a line without it is a headline).
SENTENCE_ENDS = (".", "!", "?", '"', "”", "。", "！", "？", "」", "』", "؟", "।", "»")

# Scripts written without spaces between words, and about how many characters make a word
# there: Han and kana (about two), Thai, Lao, Khmer and Myanmar (about four). Hangul is
# written with spaces, so it counts as words like Latin script does.
_HAN_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SOUTHEAST = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_HAN_KANA_RE = re.compile(f"[{_HAN_KANA}]")
_SOUTHEAST_RE = re.compile(f"[{_SOUTHEAST}]")
UNSPACED_RE = re.compile(f"[{_HAN_KANA}{_SOUTHEAST}]+")


def demonym_forms(name: str) -> set[str]:
    """The adjectives a country's name takes by rule (Russia -> Russian, Ukraine ->
    Ukrainian, Belmark -> Belmarkian, Japan -> Japanese, Israel -> Israeli)."""
    stem = name[:-1] if name[-1:] in "aeiouy" else name
    return {name + "n", name + "ian", stem + "ian", name + "ese", stem + "ese", name + "i",
            name + "ish", stem + "an"} - {name}  # fmt: skip


def text_length(text: str) -> int:
    """How many words a text has: spaced words, plus the characters of scripts written
    without spaces divided by their usual word length (2 for Han and kana, 4 for Thai)."""
    if not UNSPACED_RE.search(text):
        return len(text.split())
    han = len(_HAN_KANA_RE.findall(text))
    southeast = len(_SOUTHEAST_RE.findall(text))
    spaced = [w for w in UNSPACED_RE.sub(" ", text).split() if any(c.isalnum() for c in w)]
    return len(spaced) + han // 2 + southeast // 4


def normalize(text: str) -> str:
    return " ".join(text.split()).strip(" .").lower()


def has_cue(words: Sequence[str], cues: frozenset[str]) -> bool:
    return any(w in cues or w.rstrip(".") in cues for w in words)


def bare_word(word: str) -> str:
    """'Leader's,' -> 'leader'."""
    w = word.lower().strip(".,;:'’")
    return w.removesuffix("'s").removesuffix("’s")
