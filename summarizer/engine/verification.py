"""Check any brief against an article: is every item supported by the evidence it cites?

Works on this project's briefs (schema 1: evidence as quoted strings; schema 2: citations
with offsets) and on any dict of the same shape made by another tool. Each item goes through
the same checks as a brief being made (:mod:`summarizer.grounding`): its evidence is
located in the article, and every claim it makes is checked against that evidence.

A brief is untrusted input. One that is not the shape of a brief (a section or an evidence
list that is not a list, JSON nested past :data:`MAX_DEPTH`, a string that is not valid
Unicode) is an :class:`~summarizer.base.errors.InputError` (exit 3). A citation that carries
offsets must hold: ``article[start:end] == quote`` with whole numbers in range, else the
item is not supported, whatever its quote says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.article import Article, load_article
from summarizer.base.errors import InputError
from summarizer.grounding import ArticleIndex, check
from summarizer.output.brief import (
    Brief,
    BriefDraft,
    DraftActor,
    DraftDispute,
    DraftNextStep,
    DraftPosition,
    DraftSummarySentence,
    Side,
)

__all__ = ["MAX_DEPTH", "Verification", "VerifiedItem", "load_brief", "verify"]

MAX_DEPTH = 32
"""How deeply a brief may nest (a brief needs 6 levels: brief, section, item, side, list)."""

_SECTIONS = {
    "summary": ("text", DraftSummarySentence),
    "actors": ("role", DraftActor),
    "positions": ("stance", DraftPosition),
    "disputes": ("issue", DraftDispute),
    "next_steps": ("action", DraftNextStep),
}


@dataclass(frozen=True)
class VerifiedItem:
    """One item of the brief: where it is, what it says, and whether the evidence backs it."""

    path: str
    text: str
    supported: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "text": self.text, "supported": self.supported,
                "reasons": self.reasons}  # fmt: skip


@dataclass
class Verification:
    """The verdict on every item; ``ok`` when all are supported."""

    items: list[VerifiedItem]
    article_matches: bool = True
    """Whether the article's SHA-256 is the one the brief names (when it names one)."""

    @property
    def supported(self) -> int:
        return sum(1 for i in self.items if i.supported)

    @property
    def unsupported(self) -> int:
        return len(self.items) - self.supported

    @property
    def ok(self) -> bool:
        return self.unsupported == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "supported": self.supported,
            "unsupported": self.unsupported,
            "article_matches": self.article_matches,
            "items": [i.to_dict() for i in self.items],
        }


def load_brief(brief: Brief | dict[str, Any] | str | Path) -> dict[str, Any]:
    """A brief as a dict: a :class:`Brief` dumped as its JSON, a dict as it is, or a JSON
    file's object (:class:`InputError` when it cannot be read or is not a JSON object)."""
    if isinstance(brief, Brief):
        return brief.model_dump(mode="json")
    if isinstance(brief, dict):
        _check_shape(brief, None)
        return brief
    path = Path(brief)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the brief: {exc.strerror or exc}", source=str(path)) from exc
    except RecursionError:
        raise InputError(
            f"the brief is nested too deeply (more than {MAX_DEPTH} levels)", source=str(path)
        ) from None
    except ValueError as exc:
        raise InputError(f"the brief is not JSON: {exc}", source=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("the brief is not a JSON object", source=str(path))
    _check_shape(data, str(path))
    return data


_LISTS = ("evidence", "sides", "actors")


def _check_shape(data: dict[str, Any], source: str | None) -> None:
    """InputError unless ``data`` has a brief's shape where the checks read it: sections and
    evidence lists are lists, items and sides are objects, nothing nests past MAX_DEPTH,
    and every string is valid Unicode (no lone surrogate)."""

    def bad(where: str, problem: str) -> InputError:
        return InputError(f"the brief is not valid: {where} {problem}", source=source)

    stack: list[tuple[Any, str, int]] = [(data, "brief", 0)]
    while stack:  # iterative: a hostile depth cannot exhaust the stack
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise bad(where, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise bad(where, "holds a lone surrogate (not valid Unicode)") from None
        elif isinstance(value, dict):
            stack += [(v, f"{where}.{k}", depth + 1) for k, v in value.items()]
            stack += [(k, f"{where} (a key)", depth + 1) for k in value if isinstance(k, str)]
        elif isinstance(value, list):
            stack += [(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    for name in _SECTIONS:
        section = data.get(name)
        if section is None:
            continue
        if not isinstance(section, list):
            raise bad(name, "is not a list")
        for i, item in enumerate(section):
            if not isinstance(item, dict):
                raise bad(f"{name}[{i}]", "is not an object")
            for field_name in _LISTS:
                value = item.get(field_name)
                if value is not None and not isinstance(value, list):
                    raise bad(f"{name}[{i}].{field_name}", "is not a list")
            for j, side in enumerate(item.get("sides") or []):
                if not isinstance(side, dict):
                    raise bad(f"{name}[{i}].sides[{j}]", "is not an object")
                if side.get("actors") is not None and not isinstance(side["actors"], list):
                    raise bad(f"{name}[{i}].sides[{j}].actors", "is not a list")


def _offsets_problem(entry: dict[str, Any], text: str) -> str | None:
    """Why a citation's offsets do not hold its quote (None: they do, or it has none)."""
    if "start" not in entry and "end" not in entry:
        return None
    quote, start, end = entry.get("quote"), entry.get("start"), entry.get("end")
    shown = f"[{str(start)[:20]}, {str(end)[:20]})"
    if type(start) is not int or type(end) is not int:
        return f"offsets {shown} are not whole numbers"
    if not 0 <= start <= end <= len(text):
        return f"offsets {shown} are outside the article (0 to {len(text)})"
    if not isinstance(quote, str) or text[start:end] != quote:
        return f"the article at {shown} is not the quote"
    return None


def _ref(entry: Any, text: str) -> int | str | None:
    """One evidence entry as the checker takes it: a segment number or a quote."""
    if isinstance(entry, bool):
        return None
    if isinstance(entry, int | str):
        return entry
    if isinstance(entry, dict):
        quote = entry.get("quote")
        if isinstance(quote, str):
            return quote
        if type(entry.get("segment")) is int:
            return int(entry["segment"])
    return None


def _item(model: type[Any], raw: Any, text: str) -> Any:
    """``raw`` (a dict from any tool) as a draft item, leniently: missing fields are empty."""
    raw = raw if isinstance(raw, dict) else {}
    refs = [r for r in (_ref(e, text) for e in raw.get("evidence") or []) if r is not None]
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = raw.get(name)
        if name == "evidence":
            value = refs
        elif name == "sides":
            value = [Side.model_construct(actors=[str(a) for a in s.get("actors") or []],
                                          claim=str(s.get("claim") or ""))
                     for s in value or [] if isinstance(s, dict)]  # fmt: skip
        elif name in ("actors",) and model is not DraftActor:
            value = [str(a) for a in value or []]
        elif name == "when":
            value = value if isinstance(value, str) and value.strip() else None
        elif value is None:
            value = "" if info.annotation is not None else None
        elif not isinstance(value, str):
            value = str(value)
        values[name] = value if value is not None else ""
    if model is DraftNextStep and values.get("certainty") not in (
        "scheduled",
        "proposed",
        "possible",
    ):
        values["certainty"] = "possible"
    return model.model_construct(**values)


def _offset_reasons(data: dict[str, Any], text: str) -> dict[str, list[str]]:
    """Every item's citations whose offsets do not hold their quote, as reasons."""
    found: dict[str, list[str]] = {}
    for name in _SECTIONS:
        for i, raw in enumerate(data.get(name) or []):
            for j, entry in enumerate(raw.get("evidence") or []):
                problem = _offsets_problem(entry, text) if isinstance(entry, dict) else None
                if problem is not None:
                    found.setdefault(f"{name}[{i}]", []).append(f"evidence[{j}]: {problem}")
    return found


def _draft(data: dict[str, Any], text: str) -> BriefDraft:
    def items(name: str) -> list[Any]:
        model = _SECTIONS[name][1]
        return [_item(model, raw, text) for raw in data.get(name) or []]

    return BriefDraft.model_construct(
        headline=str(data.get("headline") or ""),
        summary=items("summary"),
        actors=items("actors"),
        positions=items("positions"),
        disputes=items("disputes"),
        next_steps=items("next_steps"),
    )


def _verdicts(
    data: dict[str, Any],
    dropped: dict[str, list[str]],
    claims: dict[str, list[str]],
    offsets: dict[str, list[str]],
) -> list[VerifiedItem]:
    items: list[VerifiedItem] = []
    if data.get("headline"):
        reasons = dropped.get("headline", [])
        items.append(VerifiedItem("headline", str(data["headline"]), not reasons, reasons))
    for name, (field_name, _) in _SECTIONS.items():
        for i, raw in enumerate(data.get(name) or []):
            path = f"{name}[{i}]"
            raw = raw if isinstance(raw, dict) else {}
            text = str(raw.get(field_name) or raw.get("name") or "")
            if name == "actors":
                text = f"{raw.get('name', '')}: {raw.get('role') or ''}".rstrip(": ")
            reasons = offsets.get(path, []) + dropped.get(path, []) + claims.get(path, [])
            items.append(VerifiedItem(path, text, not reasons, reasons))
    return items


def verify(
    brief: Brief | dict[str, Any] | str | Path, article: str | Path | Article
) -> Verification:
    """Check every item of ``brief`` against ``article``.

    ``brief``: a :class:`Brief`, a dict of the same shape (evidence entries may be plain
    quoted strings, segment numbers, or ``{quote, start, end}`` objects), or the path of a
    JSON file. ``article``: the article text itself (a ``str``), a ``Path``, or an
    :class:`Article`, as :func:`summarizer.summarize` takes it.
    """
    data = load_brief(brief)
    art = article if isinstance(article, Article) else load_article(article)
    # The article's own title needs no support: it is the article's words, as in a brief.
    grounded = check(
        _draft(data, art.text),
        ArticleIndex(art.text),
        min_summary=0,
        fallback_headline=art.fallback_headline,
    )
    dropped: dict[str, list[str]] = {}
    claims: dict[str, list[str]] = {}
    for d in grounded.report.dropped:
        if d.kind == "item":
            dropped.setdefault(d.path, []).extend(d.reasons)
        elif d.kind == "claim":  # an actor's role: the actor exists, its role is not supported
            claims.setdefault(d.path.rsplit(".", 1)[0], []).extend(
                f"{d.path.rsplit('.', 1)[1]}: {r}" for r in d.reasons
            )
    # Items shown but not established are listed by their place in the checked brief, which
    # leaves out the dropped ones: map them back to the places in the brief given.
    for name in _SECTIONS:
        kept = [i for i in range(len(data.get(name) or [])) if f"{name}[{i}]" not in dropped]
        for u in grounded.report.not_established:
            section, _, rest = u.path.partition("[")
            if section == name and int(rest.rstrip("]")) < len(kept):
                path = f"{name}[{kept[int(rest.rstrip(']'))]}]"
                claims.setdefault(path, []).extend(f"not established: {r}" for r in u.reasons)
    for u in grounded.report.not_established:
        if u.path == "headline":
            dropped.setdefault("headline", []).extend(f"not established: {r}" for r in u.reasons)
    expected = (
        (data.get("source") or {}).get("content_hash")
        if isinstance(data.get("source"), dict)
        else None
    )
    actual = hashlib.sha256(art.text.encode("utf-8")).hexdigest()
    offsets = _offset_reasons(data, art.text)
    return Verification(
        _verdicts(data, dropped, claims, offsets), article_matches=expected in (None, actual)
    )
