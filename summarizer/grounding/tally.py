"""What the word-by-word pass of the claim-support check has found so far (shared by
:mod:`.coverage` and :mod:`.polarity`)."""

from __future__ import annotations

from summarizer.grounding.context import Context

__all__ = ["Tally"]


class Tally:
    """What the word-by-word pass has found so far."""

    __slots__ = (
        "reasons", "hard", "uncovered", "heavy", "acts", "covered", "flagged", "context",
        "forms", "anywhere", "stance", "issue", "action", "hedged", "role",
    )  # fmt: skip

    def __init__(self, reasons: list[str], hard: list[str], context: Context | None) -> None:
        self.reasons = reasons  # not established
        self.hard = hard  # contradicted
        self.context = context
        self.uncovered: list[str] = []
        self.heavy: list[str] = []  # uncovered words that are not light/general
        self.acts: list[str] = []  # of those, verbs in the past tense
        self.forms: frozenset[str] = frozenset()  # the words of the actor a role is about
        self.anywhere = False  # a name may come from anywhere in the article (an issue)
        self.stance = False  # the claim is a position's stance or a dispute side's claim
        self.issue = False  # the claim is what a dispute is about
        self.action = False  # the claim is a next step's action
        self.hedged: list[str] = []  # claim words the evidence only hedges
        self.role = False  # the claim is an actor's role
        self.covered = 0
        self.flagged = False

    def flag(self, reason: str) -> None:
        self.hard.append(reason)
        self.flagged = True
