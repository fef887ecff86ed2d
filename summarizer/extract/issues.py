"""The issue two opposed sentences dispute, named in the words of one of them: what a
denial names (*the Tarvanian demand*), what was alleged (*accused the union of misleading
drivers*), demanded, offered or refused, else what the first reported; checked like any
claim (:func:`issue_of`)."""

from __future__ import annotations

import re

from summarizer.cast.lexicon import COMPANY_HEADS, NAME_HEADS, STOP
from summarizer.grounding.support import check_support

__all__ = ["ACCUSED_RE", "BACK_RE", "BARE_BACK_RE", "issue_of", "issue_phrases", "unquoted"]


def _words(text: str) -> list[str]:
    return text.split()


_DENIED = r"\b(?:denied|denies|rejected|rejects|dismissed|disputed|disputes)\s+"
_DENIED_THING = (
    r"(?:the\s+|this\s+|that\s+|these\s+|those\s+)?(?:\w+\s+)?(?P<what>claims?|charges?|"
    r"accusations?|allegations?|reports?|demands?|offers?|proposals?|plans?|figures?|"
    r"suggestions?|account|estimates?|warnings?|criticism|concerns?|findings?|decision|"
    r"ruling|bids?|approach|terms|requests?|conclusions?|assessment|version|idea)\b"
)
# A denial that points back at what another actor said ("denied the claim", "rejects
# Kemp's figures") ...
BACK_RE = re.compile(_DENIED + r"(?:\w+['’]s\s+)?" + _DENIED_THING, re.IGNORECASE)
# ... and, to name the issue, one whose owner may have two names ("De Vries's claim")
_NAMING_BACK_RE = re.compile(
    _DENIED + r"(?:(?:\w+\s+)?\w+['’]s\s+)?" + _DENIED_THING, re.IGNORECASE
)
# ... or just at what was said: "Pryce rejected that."
BARE_BACK_RE = re.compile(_DENIED + r"(?:this|that|it)\s*[,.;]", re.IGNORECASE)
ACCUSED_RE = re.compile(
    r"\b(?:accus\w+|suspect\w*|blam\w+)\s+(?P<who>[^,.;\"“”]{1,60}?)\s+(?:of|for)\s+"
    r"[\"“]?(?P<what>[^,.;\"“”]{4,120})",
    re.IGNORECASE,
)
_OBJECT_RE = re.compile(
    r"\b(?:vot\w+ against|demand\w*|wants?|wanted|seeks?|sought|offered|offers|proposed|"
    r"rejected|rejects|"
    r"refused|refuses|opposed|opposes|called for|calls for|pushed for|pushes for|"
    r"pressing for|insists on|insisted on|argued for|argues for)\s+(?P<what>[^,.;:\"“”]{4,140})",
    re.IGNORECASE,
)
_PLACE_WORDS = frozenset(
    _words("at in on outside inside from to after before during by with without")
)
_GENERIC = frozenset(
    _words(
        "claim claims charge charges accusation accusations allegation allegations report reports "
        "account accounts"
    )
)
_SAID_RE = re.compile(
    r"\b(?:said|says|reported|reports|claimed|claims)\s+(?:on \w+\s+|"
    r"this \w+\s+|last \w+\s+)?(?:that\s+)?(?P<what>[^,.;:\"“”]{4,140})",
    re.IGNORECASE,
)
_CUT_RE = re.compile(
    r"\s+(?:to make|to\s+\w+\s+up|which|who|while|but|because|before|after|as|if|unless|"
    r"until|and\s+\w+ed|and only|saying|arguing|adding)\b|\s+\d"
    r"|\s+(?:this|last|next)\s+(?:year|week|month)"
)
_DETERMINER_RE = re.compile(
    r"^(?:a|an|the|its|their|his|her|that|this|these|those)\s+", re.IGNORECASE
)
_MAX_ISSUE_WORDS = 10
# Words an issue phrase does not end on ("the company would need at least", "had come")
_DANGLING = frozenset(
    _words(
        "would could should might must need needs had has have come least most be been was "
        "were is are"
    )
)


def issue_of(first: str, second: str) -> str:
    """The issue two sentences dispute, in the words of one of them: what a denial names
    ("the Tarvanian demand"), what was alleged ("accused the union of misleading drivers
    ..."), demanded, offered or refused, else what the first reported; cut at a clause, a
    number or a time, at most ten words; the first that the claim check supports (a thing
    demanded or alleged keeps its verb: "demanding a pay rise", not "pay rise"). "" when none is."""
    for phrase in issue_phrases(first, second):
        if check_support(phrase, [first, second], kind="issue").supported:
            return phrase
    return ""


def issue_phrases(first: str, second: str) -> list[str]:
    """Candidate issue phrases, best first (see :func:`issue_of`)."""
    out: list[str] = []
    back = _NAMING_BACK_RE.search(unquoted(second))
    if back is not None:  # "rejected the Tarvanian demand": what the denial names
        named = re.match(
            r"(?:denied|denies|rejected|rejects|dismissed|disputed|disputes)\s+(?P<what>.+)",
            back.group(0) + second[back.end() :],
            re.IGNORECASE,
        )
        if named:
            words = _clip(_DETERMINER_RE.sub("", named.group("what")))
            if words and words[0].lower() not in _GENERIC:
                out.append(" ".join(words))
    for text, pattern in (
        (first, ACCUSED_RE),
        (second, ACCUSED_RE),
        (second, _OBJECT_RE),
        (first, _OBJECT_RE),
        (first, _FIGURE_DEMAND_RE),
        (first, _SAID_RE),
        (second, _SAID_RE),
    ):
        if pattern is _FIGURE_DEMAND_RE:  # "wants a 14 per cent rise": the figure demanded
            out += _figures_demanded(text)
            continue
        # an allegation may be quoted ("accused the mayor of "using the memo ...""); what
        # else is demanded or reported is read outside quotations
        for m in pattern.finditer(text if pattern is ACCUSED_RE else unquoted(text)):
            if pattern is _OBJECT_RE and BACK_RE.search(m.group(0)):
                continue  # "rejected the demand": the other sentence says what
            if pattern is _SAID_RE and _after_quote(text[: m.start()]):
                continue  # '"...," said the group's chief executive': who, not what
            what = _clip(_DETERMINER_RE.sub("", m.group("what").strip(" ,;:-—")))
            where = pattern is _SAID_RE and what and what[0].lower() in _PLACE_WORDS
            if where or (what and what[0][:1].isdigit()):
                continue  # "said at a news conference", "offered 3 percent": not what about
            one = what[0].lower() if len(what) == 1 else ""
            if one in NAME_HEADS or one in COMPANY_HEADS:
                continue  # "said the company ...": who, not what about
            if len(what) >= 2 or (what and len(what[0]) >= 5):
                # with its verb first: a thing demanded, offered or alleged is one side's,
                # not a fact ("demanding a pay rise", not "pay rise"); what was said or
                # reported is named by itself
                whole = _clip(m.group(0))
                phrases = [" ".join(what)]
                if len(whole) > len(what):
                    phrases.insert(0 if pattern is not _SAID_RE else 1, " ".join(whole))
                out += phrases
    return list(dict.fromkeys(p for p in out if p))


def _figures_demanded(text: str) -> list[str]:
    out = []
    for m in _FIGURE_DEMAND_RE.finditer(unquoted(text)):
        what = re.split(r"[,;:\"“”]|\.(?!\d)", m.group("what"))[0].split()[:_MAX_ISSUE_WORDS]
        cut = next((i for i, w in enumerate(what) if w.lower() in _FIGURE_STOPS), len(what))
        out.append(" ".join(what[:cut]))
    return out


_FIGURE_DEMAND_RE = re.compile(
    r"\b(?:wants?|wanted|demand\w*|seeks?|sought|calls? for|called for|is asking for)\s+"
    r"(?P<what>(?:an?\s+)?\d[^\n]{2,120})",
    re.IGNORECASE,
)
_FIGURE_STOPS = frozenset(_words("arguing saying while but which who because and"))


def _after_quote(before: str) -> bool:
    """Whether a verb of speech follows a quotation ('"...," said'), not an appositive
    ("Veltra's European president, Marco Benedetti, said")."""
    before = before.rstrip()
    if before.endswith(","):
        before = before[:-1].rstrip()
        return before[-1:] in '"”' or not re.search(r"\b[A-Z][\w'’\-]*$", before)
    return before[-1:] in '"”'


def _clip(what: str) -> list[str]:
    """The words of an issue phrase up to a clause, a number or a time; ten at most."""
    cut = _CUT_RE.search(what)
    if cut:
        what = what[: cut.start()]
    what = re.split(r"[,.;:\"“”]", what)[0]
    words = what.split()[:_MAX_ISSUE_WORDS]
    while words and (
        words[-1].lower() in STOP or words[-1].lower() in _DANGLING or not words[-1][:1].isalnum()
    ):
        words.pop()
    return words


def unquoted(text: str) -> str:
    """The sentence with quoted words blanked (what is alleged is said outside quotes)."""
    return re.sub(r"[\"“][^\"“”]*[\"”]", lambda m: " " * len(m.group()), text)
