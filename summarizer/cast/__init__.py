"""The cast of an article: who is who and who says what (one owner of actor identity).

:func:`read_cast` reads an article's segments once into a :class:`Cast`: its actors (names,
kinds, roles, aliases), every mention of them with pronouns and descriptions resolved
(*he*, *the union*, *its chair*), and who speaks in each segment. The claim check
(:mod:`summarizer.grounding`), the extractive proposer (:mod:`summarizer.extract`) and the
digest ask it who is who; :mod:`summarizer.output.names` is the normaliser its keys build on.
"""

from __future__ import annotations

from summarizer.cast.mentions import Mention
from summarizer.cast.model import Cast, Speech, read_cast, read_view
from summarizer.cast.names import ArticleView, NameSpan
from summarizer.cast.registry import ActorRegistry, ActorState, kind_of
from summarizer.cast.types import Kind, SegmentLike

__all__ = [
    "ActorRegistry",
    "ActorState",
    "ArticleView",
    "Cast",
    "Kind",
    "Mention",
    "NameSpan",
    "SegmentLike",
    "Speech",
    "kind_of",
    "read_cast",
    "read_view",
]
