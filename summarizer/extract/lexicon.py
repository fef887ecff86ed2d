"""Word lists and small text helpers for the candidate proposers.

Generic English news conventions (speech and action verbs, titles, organization and
government cues, country names), not tuned to any one article. Data only, plus the few
helpers that every proposer counts words with.
"""

from __future__ import annotations

import re
import unicodedata

from summarizer.cast.lexicon import STOP, UNSPACED_RE, WORD_RE


def _words(text: str) -> list[str]:
    return text.split()


# --- word lists (generic English news conventions) ---

NOT_TOPICS = frozenset(
    _words(
        """think thinks like made make makes around otherwise never back always away call
    open time times year years day days week weeks month months percent people person
    told telling want wants wanted need needs needed thing things part lot way ways
    really well good better best bad worse worst next last first second third
    something nothing anything everyone everything nobody anyone someone another
    whether although however because therefore meanwhile including including"""
    )
)

# Runs of Han and katakana: the characters that carry content (hiragana is mostly particles).
_CONTENT_HAN_RE = re.compile("[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# The most frequent English function words: a share of them tells English from the rest.
_ENGLISH_MARKERS = frozenset(_words("the and of to in is was that for on with said by are has"))

# --- small helpers ---


def stem_word(word: str) -> str:
    """A light, data-free normalization for counting words (not for display)."""
    w = word.lower().strip("'’-.")
    for suffix, keep in (("'s", 0), ("’s", 0), ("ies", 1), ("sses", 2), ("s", 0)):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            return w[: len(w) - len(suffix)] + ("y" if suffix == "ies" else "ss" * keep)[:keep]
    return w


def content_words(text: str) -> list[str]:
    """Counted words: English-normalized words of 3+ letters, and the character bigrams of
    Han and katakana runs (Chinese and Japanese have no spaces to find words by)."""
    bigrams = [run[i : i + 2] for run in _CONTENT_HAN_RE.findall(text) for i in range(len(run) - 1)]
    if bigrams or UNSPACED_RE.search(text):
        text = UNSPACED_RE.sub(" ", text)
    words = [
        stem_word(w)
        for w in WORD_RE.findall(text)
        if w.lower() not in STOP and len(w) > 2 and not w[0].isdigit()
    ]
    return words + bigrams


def looks_english(text: str) -> bool:
    """Whether the article is English, by the share of its words that are the commonest
    English function words (about a fifth in English news, almost none elsewhere)."""
    words = [w.lower() for w in WORD_RE.findall(text[:6000])]
    if not words:
        return False
    return sum(w in _ENGLISH_MARKERS for w in words) / len(words) >= 0.08


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:40].rstrip("-") or "actor"
