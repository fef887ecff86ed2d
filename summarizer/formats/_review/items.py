"""The items of a review page: each item of the brief (and each dropped one) with its
words, its verdict and notes, and the located spans of the article that it cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarizer.base.i18n import labels
from summarizer.formats._review.common import esc, item_path, one_line

if TYPE_CHECKING:
    from summarizer.grounding import ArticleIndex

__all__ = ["STATUS_WORDS", "Builder", "Cite", "Item", "dropped_body", "item_html"]


@dataclass
class Cite:
    """One located span of the article and who cites it."""

    number: int
    start: int
    end: int
    kept: list[str] = field(default_factory=list)  # labels of brief items citing it
    dropped: list[str] = field(default_factory=list)  # labels of dropped items citing it
    doubtful: list[str] = field(default_factory=list)  # kept items not plainly supported


@dataclass
class Item:
    label: str
    path: str
    body: str  # HTML
    status: str  # supported | not_established | flagged | unsupported | dropped
    notes: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)
    cites: list[Cite] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # evidence not found in this text


class Builder:
    """Collects the located citations and the items of one page."""

    def __init__(self, data: dict[str, Any], index: ArticleIndex) -> None:
        self.data = data
        self.index = index
        self.text = index.text
        language = data.get("language")
        self.label = labels(language if isinstance(language, str) else None)
        self.cites: dict[tuple[int, int], Cite] = {}
        self.items: list[Item] = []
        self.dropped: list[Item] = []
        self.names = {
            str(a.get("id")): str(a.get("name") or a.get("id"))
            for a in data.get("actors") or []
            if isinstance(a, dict)
        }
        self.evidence_total = 0
        self.evidence_found = 0

    # --- evidence ------------------------------------------------------------------------

    def locate(self, entry: Any, *, relative: bool = False) -> tuple[int, int] | str:
        """``(start, end)`` of one evidence entry in the text, or why it was not found."""
        if isinstance(entry, bool):
            return "not a citation"
        if isinstance(entry, str) and entry.strip().strip("[]").isdigit():
            entry = int(entry.strip().strip("[]"))
        if isinstance(entry, int):
            if relative:
                return f"sentence {entry} of a part of the article (not located here)"
            seg = self.index.segment(entry)
            return (seg.start, seg.end) if seg else f"sentence {entry} does not exist"
        quote: Any = entry
        if isinstance(entry, dict):
            quote, start, end = entry.get("quote"), entry.get("start"), entry.get("end")
            if (  # offsets that hold the quote in this text are used as they are
                isinstance(quote, str)
                and isinstance(start, int)
                and isinstance(end, int)
                and self.text[start:end] == quote
            ):
                return start, end
            if not isinstance(quote, str) and isinstance(entry.get("segment"), int):
                return self.locate(int(entry["segment"]), relative=relative)
        if not isinstance(quote, str) or not quote.strip():
            return "an empty citation"
        found = self.index.locate(quote)
        if found is None:
            return f"“{one_line(quote)[:160]}” is not in this text"
        return found[0], found[1]

    def cite(self, label: str, evidence: Any, item: Item, *, kept: bool, relative: bool) -> None:
        for entry in evidence if isinstance(evidence, list) else []:
            self.evidence_total += 1
            where = self.locate(entry, relative=relative)
            if isinstance(where, str):
                item.missing.append(where)
                continue
            self.evidence_found += 1
            if where[1] <= where[0]:
                continue
            c = self.cites.get(where)
            if c is None:
                c = self.cites[where] = Cite(0, *where)
            who = c.kept if kept else c.dropped
            if label not in who:
                who.append(label)
            if kept and item.status != "supported" and label not in c.doubtful:
                c.doubtful.append(label)
            item.cites.append(c)

    # --- items ---------------------------------------------------------------------------

    def who(self, ids: Any) -> str:
        listed = [self.names.get(str(i), str(i)) for i in ids or [] if i is not None]
        return ", ".join(esc(x) for x in listed) or "—"

    def body(self, section: str, raw: dict[str, Any], lang: str) -> str:
        """An item as HTML: its words (in quotation marks when extractive) and details."""
        label = self.label

        def words(text: Any) -> str:
            text = one_line(text or "")
            quoted = f"“{esc(text)}”" if raw.get("extractive") else esc(text)
            return f'<span class="t"{lang} dir="auto">{quoted}</span>'

        if section == "summary":
            return words(raw.get("text"))
        if section == "actors":
            kind = str(raw.get("kind") or "other")
            role = raw.get("role")
            role_html = f": {words(role)}" if role else ' <span class="muted">(no role)</span>'
            name = f'<b{lang} dir="auto">{esc(one_line(raw.get("name") or ""))}</b>'
            return f"{name} ({esc(label.get(kind, kind))}){role_html}"
        if section == "positions":
            topic = "" if raw.get("extractive") else f" on {esc(one_line(raw.get('topic') or ''))}"
            return f"<b>{self.who([raw.get('actor')])}</b>{topic}: {words(raw.get('stance'))}"
        if section == "disputes":
            sides = "".join(
                f"<li><b>{self.who(s.get('actors'))}</b>: {words(s.get('claim'))}</li>"
                for s in raw.get("sides") or []
                if isinstance(s, dict)
            )
            status = esc(raw.get("status") or "")
            return f"{words(raw.get('issue'))} ({status})" + (
                f'<ul class="sides">{sides}</ul>' if sides else ""
            )
        certainty = str(raw.get("certainty") or "")
        when = f", {esc(one_line(raw['when']))}" if raw.get("when") else ""
        who = f"; {self.who(raw['actors'])}" if raw.get("actors") else ""
        return f"{words(raw.get('action'))} ({esc(label.get(certainty, certainty))}{when}{who})"


def dropped_body(b: Builder, d: dict[str, Any], lang: str) -> str:
    content = d.get("content")
    kind = str(d.get("kind") or "item")
    p = item_path(str(d.get("path", "")))
    if isinstance(content, dict) and p is not None:
        if "error" in content:  # a part of a long article that could not be briefed
            span = ""
            if isinstance(content.get("start"), int) and isinstance(content.get("end"), int):
                span = f" (characters {content['start']}–{content['end']})"
            return f"a part of the article could not be briefed{span}"
        return b.body(p[1], content, lang)
    if content is None:
        return '<span class="muted">(its text is not kept in the brief)</span>'
    what = {"quote": "a citation", "reference": "actor id", "claim": "claim"}.get(kind, "")
    return f'{what} <span class="t"{lang} dir="auto">“{esc(one_line(content))}”</span>'.strip()


STATUS_WORDS = {
    "not_established": "not established",
    "flagged": "flagged by --verify",
    "unsupported": "not supported",
    "dropped": "dropped",
}


def item_html(item: Item) -> str:
    cites = sorted({c.number for c in item.cites})
    data = f' data-c="{" ".join(str(n) for n in cites)}"' if cites else ""
    links = "".join(f'<a href="#c{n}" aria-label="citation {n}">[{n}]</a>' for n in cites)
    badge = (
        f'<span class="badge b-{item.status}">{STATUS_WORDS[item.status]}</span>'
        if item.status in STATUS_WORDS and item.status != "dropped"  # its section says so
        else ""
    )
    notes = [f'<li class="{cls}">{esc(text)}</li>' for cls, text in item.notes]
    notes += [f'<li class="miss">evidence not found: {esc(m)}</li>' for m in item.missing]
    why = f'<ul class="why">{"".join(notes)}</ul>' if notes else ""
    return (
        f'<li class="item {item.status}" id="i-{item.label}"{data}>'
        f'<span class="lab">{item.label}</span>{item.body}{badge}'
        f' <span class="cites">{links}</span>{why}</li>'
    )
