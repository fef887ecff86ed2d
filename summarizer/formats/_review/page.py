"""A review page being made: the brief's items and their verdicts, read from this project's
brief (its model) or from another tool's dict (checked by ``summarizer verify`` for the
page), and the header, the brief's column, the parts' contents and the footer."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from summarizer.base.i18n import labels
from summarizer.formats._review.common import (
    SECTIONS,
    as_dict,
    esc,
    item_path,
    label_key,
    lang_dir,
    one_line,
    safe_url,
)
from summarizer.formats._review.items import STATUS_WORDS, Builder, Item, dropped_body, item_html
from summarizer.formats._review.style import LEGEND
from summarizer.formats._review.verdicts import judge_map, role_drops

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.output.brief import Brief

__all__ = ["Page"]


class Page:
    """One review page being made: the brief, the article, and what was found."""

    def __init__(self, data: dict[str, Any], model: Brief | None, art: Article) -> None:
        """``data``: the brief as a dict; ``model``: the same brief as this project's model
        (None for another tool's brief, or one of an older schema)."""
        from summarizer.grounding import ArticleIndex

        self.data = data
        self.art = art
        self.text = art.text
        self.source = as_dict(data.get("source"))
        expected = self.source.get("content_hash")
        actual = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        self.matches = None if not isinstance(expected, str) else expected == actual
        self.ours = model is not None
        self.grounding = as_dict(data.get("grounding"))
        self.index = ArticleIndex(self.text)
        self.b = Builder(data, self.index)
        language = data.get("language")
        self.brief_lang = language if isinstance(language, str) else None
        self.article_lang = lang_dir(self.index.language)
        self.item_lang = lang_dir(self.brief_lang) if self.brief_lang else self.article_lang
        self.label = labels(self.brief_lang)
        chunks = data.get("chunks")
        self.chunks = chunks if isinstance(chunks, int) and chunks > 1 else 1
        self.warnings: list[str] = []
        self.checked: dict[str, Any] = {}
        # What this project's check could not establish (the items' ``support``), and why
        # (``grounding.not_established``, by the item's path in the brief as it is).
        self.unsure: set[str] = set()
        self.why: dict[str, list[str]] = {}
        self.headline_unsure = False
        if model is not None:
            self.unsure = {
                f"{key}[{i}]"
                for key, _, _ in SECTIONS
                for i, entry in enumerate(getattr(model, key))
                if entry.support == "not_established"
            }
            for u in model.grounding.not_established:
                self.why.setdefault(u.path, []).extend(one_line(r) for r in u.reasons)
            self.headline_unsure = model.grounding.headline_support == "not_established"
        if self.matches is False:
            self.warnings.append(
                "this article is not the text the brief was made from (its SHA-256 differs): "
                "quotes were located by their words, as `summarizer verify` does, and the "
                "claims checked again against this text"
            )
        if not self.ours or self.matches is False:  # verdicts for this very text
            from summarizer.engine.verification import verify

            self.checked = {v.path: v for v in verify(data, art).items}

    # --- the items and their verdicts --------------------------------------------------------

    def collect(self) -> None:
        b = self.b
        dropped = [d for d in self.grounding.get("dropped") or [] if isinstance(d, dict)]
        judged = judge_map(self.grounding)
        roles = role_drops(dropped)
        for key, prefix, _ in SECTIONS:
            for i, entry in enumerate(self.data.get(key) or []):
                raw = as_dict(entry)
                path = f"{key}[{i}]"
                item = Item(f"{prefix}{i + 1}", path, b.body(key, raw, self.item_lang), "supported")
                self.verdicts(item, key, judged.get(path), roles.get(path, []))
                b.cite(item.label, raw.get("evidence"), item, kept=True, relative=False)
                b.items.append(item)
        for n, d in enumerate(dropped, 1):
            path = str(d.get("path") or "")
            p = item_path(path)
            relative = p is not None and bool(p[0]) and not p[0].startswith("merged")
            item = Item(f"X{n}", path, dropped_body(b, d, self.item_lang), "dropped")
            kind = str(d.get("kind") or "item")
            item.notes.append(
                ("", f"a{'n' if kind == 'item' else ''} {kind} of the model's answer: {path}")
            )
            item.notes += [("miss", one_line(r)) for r in d.get("reasons") or []]
            content = d.get("content")
            if isinstance(content, dict) and kind == "item":
                b.cite(item.label, content.get("evidence"), item, kept=False, relative=relative)
            b.dropped.append(item)
        missing = b.evidence_total - b.evidence_found
        if missing:
            self.warnings.append(
                f"{missing} of {b.evidence_total} citations could not be located in this text "
                "(listed with their items)"
            )

    def verdicts(self, item: Item, key: str, verdict: Any, roles: list[tuple[str, str]]) -> None:
        """The item's status and notes: not established (its ``support``), flagged by
        ``--verify``, a role taken away, or not supported by this text (verify, run now)."""
        if item.path in self.unsure:
            item.status = "not_established"
            what = "the role" if key == "actors" else "its claims"
            item.notes.append(("", f"the check could not establish {what} from the cited text"))
            item.notes += [("miss", r) for r in self.why.get(item.path, [])]
        if isinstance(verdict, dict):  # every --verify verdict is shown; entailed ones plainly
            if verdict.get("verdict") != "entailed" and item.status == "supported":
                item.status = "flagged"
            reason = one_line(verdict.get("reason") or "no reason given")
            item.notes.append(("", f"--verify: {verdict.get('verdict')}: {reason}"))
        item.notes += roles
        found = self.checked.get(item.path)
        if found is not None and not found.supported:
            # verify names claims it could not establish "not established: ..." (issue 19)
            doubt = all(r.startswith("not established") for r in found.reasons)
            if item.status in ("supported", "flagged") or not doubt:
                item.status = "not_established" if doubt else "unsupported"
            item.notes += [
                (
                    "miss",
                    r if r.startswith("not established") else f"not supported by this text: {r}",
                )
                for r in found.reasons
            ]

    # --- the parts of the page ---------------------------------------------------------------

    def header(self, headline: str, cited: int, uncited: int) -> str:
        b, source = self.b, self.source
        head = [f'<h1 dir="auto"{self.item_lang}>{esc(headline)}</h1>']
        meta = [esc(x) for x in (source.get("site"), source.get("published")) if isinstance(x, str)]
        url = safe_url(source.get("url") or self.art.url)
        if url:
            meta.append(f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>')
        made = [str(self.data[k]) for k in ("model", "backend", "method")
                if isinstance(self.data.get(k), str)]  # fmt: skip
        if made:
            meta.append("brief by " + esc(" · ".join(made)))
        if self.chunks > 1:
            meta.append(f"briefed in {self.chunks} parts")
        if meta:
            head.append(f'<p class="meta">{" · ".join(meta)}</p>')
        statuses = [i.status for i in b.items]
        line = f"{len(b.items)} items: {statuses.count('supported')} supported"
        line += "".join(f", {statuses.count(s)} {STATUS_WORDS[s]}"
                        for s in ("not_established", "flagged", "unsupported")
                        if statuses.count(s))  # fmt: skip
        line += (
            f"; {len(b.dropped)} dropped by grounding · {cited} cited spans · "
            f"{uncited} of {len(self.index.segments)} sentences uncited"
        )
        if self.matches is True:
            line += " · this is the text the brief was made from (SHA-256 matches)"
        elif self.matches is None:
            line += " · the brief names no text hash: quotes located by their words"
        head.append(f'<p class="meta">{esc(line)}</p>')
        head += [f'<p class="warn" role="note">{esc(w[0].upper() + w[1:])}.</p>'
                 for w in self.warnings]  # fmt: skip
        if self.headline_unsure:
            reasons = "; ".join(self.why.get("headline", [])) or "no reason recorded"
            head.append(
                '<p class="warn" role="note">The headline is not established by the summary\'s '
                f"cited sentences: {esc(reasons)}.</p>"
            )
        headline_check = self.checked.get("headline")
        if headline_check is not None and not headline_check.supported:
            head.append(
                '<p class="warn" role="note">The headline is not supported by this text: '
                f"{esc('; '.join(headline_check.reasons))}.</p>"
            )
        head.append(LEGEND)
        return "".join(head)

    def aside(self) -> str:
        b, label = self.b, self.label
        counts = {key: len(self.data.get(key) or []) for key, _, _ in SECTIONS}
        jump = [f'<a href="#sec-{key}">{esc(label[label_key(key)])} ({n})</a>'
                for key, n in counts.items() if n]  # fmt: skip
        if b.dropped:
            jump.append(f'<a href="#sec-dropped">Dropped ({len(b.dropped)})</a>')
        jump.append('<a href="#article">The article</a>')
        out = [f'<nav class="jump" aria-label="Sections of the brief">{" · ".join(jump)}</nav>']
        if self.data.get("method") in ("extractive", "mixed"):
            out.append(f'<p class="muted">{esc(label["quoted_note"])}</p>')
        start = 0
        for key, n in counts.items():
            entries, start = b.items[start : start + n], start + n
            if entries:
                out.append(
                    f'<section id="sec-{key}"><h2{lang_dir(self.brief_lang or "en")}>'
                    f"{esc(label[label_key(key)])}</h2>"
                    f'<ol class="items">{"".join(item_html(i) for i in entries)}</ol></section>'
                )
        if b.dropped:
            out.append(
                f'<section id="sec-dropped"><h2>Dropped by grounding ({len(b.dropped)})</h2>'
                '<p class="muted">Items the checks removed from the brief, and why; the spans '
                "they cite are marked with a dashed red line.</p>"
                f'<ol class="items">{"".join(item_html(i) for i in b.dropped)}</ol></section>'
            )
        if not b.items and not b.dropped:
            out.append('<p class="muted">This brief has no items.</p>')
        return "".join(out)

    def contents(self, parts: list[tuple[int, int, int]]) -> str:
        if len(parts) < 2:
            return ""
        toc = "".join(
            f'<li{"" if c else " class=none"}><a href="#part-{k}" aria-label="Part {k}, '
            f'{c} citation{"s" if c != 1 else ""}">{k}</a><small>{c}</small></li>'
            for k, (_, _, c) in enumerate(parts, 1)
        )
        note = (
            f"The brief was made in {self.chunks} parts; the article is shown in as many parts "
            "of about equal size (the model's parts overlapped, and their exact bounds are not "
            "recorded in the brief)."
            if self.chunks > 1
            else "A long article, shown in parts."
        )
        return (
            f'<nav class="toc" aria-label="Parts of the article"><p class="muted">{note} '
            "Each part and the citations in it:</p>"
            f"<ol>{toc}</ol></nav>"
        )

    def footer(self) -> str:
        g = self.grounding
        if not self.ours:
            return (
                "This brief was not made by summarizer: its quotes were located and its claims "
                "checked by summarizer verify for this page."
            )
        return (
            f"Grounding: {g.get('claims_supported', 0)} of {g.get('claims_checked', 0)} claims "
            f"supported; {g.get('quotes_checked', 0)} citations checked "
            f"({g.get('quotes_dropped', 0)} not found); {g.get('items_dropped', 0)} item(s) "
            "dropped."
        )
