"""The state of one grounding check: the article's index, what was found so far (the report
and the problems for a re-ask), and the check of one item's citations and claims (see
:mod:`.check`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.grounding.context import Context
from summarizer.grounding.quotes import ArticleIndex
from summarizer.grounding.support import Support, check_support, evidence_is_substantive
from summarizer.output.brief import (
    BriefContent,
    Citation,
    DroppedItem,
    GroundingReport,
    SupportLevel,
    Unestablished,
)
from summarizer.output.names import name_key

__all__ = ["Checker", "Claim", "Grounded", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One failed check, worded for the model."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Grounded:
    """The outcome of :func:`check`."""

    content: BriefContent
    problems: list[Problem]
    report: GroundingReport

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Claim:
    """One claim of an item: its field, its words, the kind of check
    (:func:`~summarizer.grounding.support.check_support`'s ``kind``) and who it is about."""

    label: str
    text: str
    kind: str
    subject: str | None = None


def _where(citations: Sequence[Citation]) -> str:
    numbers = sorted({c.segment for c in citations if c.segment is not None})
    if not numbers:
        return "its quotes"
    label = "segment" if len(numbers) == 1 else "segments"
    return f"{label} {', '.join(str(n) for n in numbers)}"


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers_only(claim: str, evidence: Sequence[str]) -> list[str]:
    """The check across languages: every number of the claim is in the evidence."""
    said = {n.replace(",", "").replace(".", "") for n in _NUMBER.findall(" ".join(evidence))}
    return [
        f"number {n!r} does not appear in the evidence"
        for n in _NUMBER.findall(claim)
        if n.replace(",", "").replace(".", "") not in said
    ]


@dataclass
class Checker:
    index: ArticleIndex
    # The brief is written in another language than the article: words cannot be compared,
    # so a claim is checked for substance and numbers only (see docs/languages.md).
    cross_language: bool = False
    written_in: str = "en"  # the brief's language: the headline is checked in it
    report: GroundingReport = field(default_factory=GroundingReport)
    problems: list[Problem] = field(default_factory=list)
    same_actor: dict[str, str] = field(default_factory=dict)  # a merged id -> the one kept

    def identity(self, name: str) -> str:
        """Who a name is: the cast's actor when the article's reading knows it, else the
        name's normalised key (titles dropped: "Minister Maria Okafor" is "maria okafor")."""
        own = name_key(name)
        if not self.cross_language and (self.index.language or "en") == "en":
            cast = self.index.cast
            key = cast.resolve(name)
            actor = cast.actors.get(key) if key is not None else None
            # only a reading that names the same one: the full name with or without its
            # title, a recorded alias, a person's surname ("Dravan" is not the Dravan
            # Farmers' Association)
            if actor is not None and (
                own == name_key(actor.name)
                or own in {name_key(a) for a in actor.aliases if " " in a.strip()}
                or (actor.kind == "person" and own == name_key(actor.name).split()[-1])
            ):
                return "cast:" + str(key)
        return own

    def context(self, citations: Sequence[Citation]) -> Context | None:
        """Who the cited segments are about and who says them (English articles)."""
        if self.cross_language or (self.index.language or "en") != "en":
            return None
        ids: list[int] = []
        for c in citations:
            if c.segment is not None:
                ids.append(c.segment)
            ids += [s.id for s in self.index.holding(c)]
        return Context(self.index.cast, tuple(dict.fromkeys(ids)))

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def drop(self, path: str, kind: str, content: Any, reasons: list[str]) -> None:
        self.report.dropped.append(
            DroppedItem(path=path, kind=kind, content=content, reasons=reasons)  # type: ignore[arg-type]
        )
        if kind == "item":
            self.report.items_dropped += 1

    # --- evidence ---

    def cite(self, path: str, refs: Sequence[int | str]) -> list[Citation]:
        """The citations of ``refs``. A segment or quote that is not there is a problem; it is
        listed as a dropped quote when others remain (else the caller drops the item)."""
        kept: list[Citation] = []
        missing: list[tuple[int, int | str, str]] = []
        for j, ref in enumerate(refs):
            self.report.quotes_checked += 1
            citation, reason = self._resolve(ref)
            if citation is None:
                self.report.quotes_dropped += 1
                self.problem(f"{path}.evidence[{j}]", reason)
                missing.append((j, ref, reason))
            elif citation not in kept:
                kept.append(citation)
        if kept:
            for j, ref, reason in missing:
                self.drop(f"{path}.evidence[{j}]", "quote", ref, [reason])
        return kept

    def _resolve(self, ref: int | str) -> tuple[Citation | None, str]:
        if isinstance(ref, str) and ref.strip().strip("[]").isdigit():
            ref = int(ref.strip().strip("[]"))  # "[3]" or "3": a segment number as text
        if isinstance(ref, int):
            citation = self.index.cite_segment(ref)
            if citation is None:
                count = len(self.index.segments)
                return None, f"segment {ref} does not exist (the article has 1 to {count})"
            self.report.quotes_verified += 1
            return citation, ""
        found = self.index.cite_quote(ref)
        if found is None:
            return None, f"quote {ref!r} does not occur in the article"
        citation, verbatim = found
        if verbatim:
            self.report.quotes_verified += 1
        else:
            self.report.quotes_repaired += 1
        return citation, ""

    def evidence_text(self, citations: Sequence[Citation]) -> list[str]:
        """What the citations say, as claim evidence: a whole segment stands as it is; a
        quote of a clause stands for the sentence that holds it; a bare name is no evidence
        of a claim (it shows only that someone is mentioned)."""
        texts: list[str] = []
        for c in citations:
            seg = self.index.segment(c.segment) if c.segment is not None else None
            if seg is not None and c.quote == seg.text:
                texts.append(c.quote)
            elif evidence_is_substantive(c.quote):
                texts.extend(s.text for s in self.index.holding(c) if s.text not in texts)
        return texts

    # --- claims ---

    def support(
        self, claim: str, citations: Sequence[Citation], *, kind: str, subject: str | None = None
    ) -> Support:
        """The verdict on ``claim`` against ``citations``."""
        self.report.claims_checked += 1
        evidence = self.evidence_text(citations)
        if not evidence:
            result = Support(
                False,
                ("the evidence is too thin: a bare name or a few words support no claim",),
                contradicted=True,
            )
        elif self.cross_language:
            self.report.claims_cross_language += 1
            reasons = _numbers_only(claim, evidence)
            result = Support(not reasons, tuple(reasons), contradicted=bool(reasons))
        else:
            result = check_support(
                claim,
                evidence,
                kind=kind,
                language=self.index.language or "en",
                subject=subject,
                context=self.context(citations),
            )
        if result.supported:
            self.report.claims_supported += 1
        elif result.contradicted:
            self.report.claims_dropped += 1
        else:
            self.report.claims_not_established += 1
        return result

    def unsupported(
        self, path: str, what: str, citations: Sequence[Citation], reasons: list[str]
    ) -> None:
        """Word a failed claim for the re-ask."""
        self.problem(
            path,
            f"{what} is not supported by its evidence ({_where(citations)}): "
            f"{'; '.join(reasons)}. Cite the segments that state it, or remove the item.",
        )

    def grounded(
        self, path: str, item: Any, claims: Callable[[list[Citation]], list[Claim]]
    ) -> tuple[list[Citation], list[str]] | None:
        """The item's citations and what the check could not establish (empty: every claim
        is supported), or None when a claim is contradicted (the item is dropped)."""
        before = len(self.problems)
        citations = self.cite(path, item.evidence)
        if not citations:
            missing = [p.message for p in self.problems[before:]]
            if not missing:
                missing = ["the item cites no evidence"]
                self.problem(path, missing[0])
            self.drop(path, "item", item.model_dump(), missing)
            return None
        failed: list[str] = []
        unsettled: list[str] = []
        for claim in claims(citations):
            result = self.support(claim.text, citations, kind=claim.kind, subject=claim.subject)
            if result.supported:
                continue
            if result.contradicted:
                what = f"{claim.label} {claim.text!r}"
                self.unsupported(f"{path}.{claim.label}", what, citations, list(result.reasons))
                failed += [f"{claim.label}: {r}" for r in result.reasons]
            else:
                unsettled += [f"{claim.label}: {r}" for r in result.reasons]
        if failed:
            self.drop(path, "item", item.model_dump(), failed + unsettled)
            return None
        return citations, unsettled

    def shown(self, path: str, unsettled: list[str]) -> SupportLevel:
        """Record an item shown at ``path`` of the brief: not established when ``unsettled``."""
        if not unsettled:
            return "supported"
        self.report.not_established.append(Unestablished(path=path, reasons=unsettled))
        return "not_established"
