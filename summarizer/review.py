"""The review page: the article beside its brief, every citation highlighted, every verdict shown.

One self-contained HTML file (inline CSS and one small inline script, both allowed by their
SHA-256 in a strict Content-Security-Policy; no network, no fonts, no external anything):

- the article exactly as the program read it (the text whose SHA-256 the brief records),
  split into its sentences as the brief was made (:class:`~summarizer.grounding.ArticleIndex`);
  every cited span is highlighted and numbered, and its number links to every item that cites
  it; a sentence no item cites is shown in grey, so a reader sees what the brief left out;
- each item of the brief beside it (above it on a narrow screen), labelled S1, A1, P1, D1, N1,
  with links to the spans it cites; its verdict in place: supported items plain, items whose
  claims were not established or that ``--verify`` flagged marked as such, items dropped by
  grounding listed (X1, ...) with their reasons and their spans marked differently;
  extractive items shown in quotation marks, as the article's own sentences;
- a long article in parts (sections with a contents list), each part rendered lazily by the
  browser (``content-visibility``), so a 30,000-word article opens in well under a second.

Links are plain ``#fragment`` anchors and work without script; the script only adds the
highlighting of an item's spans (and a span's items) on hover, focus and navigation.

Any brief that ``summarizer verify`` accepts can be reviewed: a dict of the same shape from
another tool (evidence as ``{quote, start, end}``, quoted strings or sentence numbers) has
its quotes located and its claims checked by :func:`summarizer.verify`. When the article is
not the text the brief was made from (its SHA-256 differs), quotes are located by their
words, as ``verify`` does, and the page says so (:attr:`Review.warnings`).

Design note: langextract's viewer (google/langextract, ``visualization.py``) nests
highlight spans and drives them with inline event handlers; here overlapping and crossing
citations are cut into flat pieces (every piece carries the numbers of the citations that
cover it), so any overlap renders and the DOM text of a citation's pieces is its quote.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.i18n import labels

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.brief import Brief
    from summarizer.grounding import ArticleIndex
    from summarizer.grounding.segments import Segment

__all__ = ["Review", "review_page"]

# Sections of a brief: (key, label prefix, the field that holds the item's text).
SECTIONS = (
    ("summary", "S", "text"),
    ("actors", "A", "role"),
    ("positions", "P", "stance"),
    ("disputes", "D", "issue"),
    ("next_steps", "N", "action"),
)
_PREFIX = {key: prefix for key, prefix, _ in SECTIONS}
_RTL = ("ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb")
PART_CHARS = 12_000
"""Characters per part when an article over :data:`LONG_CHARS` is split for reading."""
LONG_CHARS = 20_000


@dataclass
class Review:
    """A rendered review page and what the reader (and the command line) should know."""

    html: str
    article_matches: bool | None
    """Whether the article's SHA-256 is the brief's ``content_hash`` (None: it names none)."""
    warnings: list[str] = field(default_factory=list)
    citations: int = 0
    located: int = 0
    sentences: int = 0
    uncited: int = 0
    items: int = 0
    dropped: int = 0
    parts: int = 1


@dataclass
class _Cite:
    """One located span of the article and who cites it."""

    number: int
    start: int
    end: int
    kept: list[str] = field(default_factory=list)  # labels of brief items citing it
    dropped: list[str] = field(default_factory=list)  # labels of dropped items citing it
    doubtful: list[str] = field(default_factory=list)  # kept items not plainly supported


@dataclass
class _Item:
    label: str
    path: str
    body: str  # HTML
    status: str  # supported | not_established | flagged | unsupported | dropped
    notes: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)
    cites: list[_Cite] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # evidence not found in this text


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _brief_dict(brief: Brief | dict[str, Any] | str | Path) -> dict[str, Any]:
    from summarizer.brief import Brief
    from summarizer.verification import _load_brief

    if isinstance(brief, Brief):
        return brief.model_dump(mode="json")
    return _load_brief(brief)


def _lang_dir(language: str) -> str:
    code = language.split("-")[0].split("_")[0].lower()
    return f' lang="{_esc(code)}" dir="{"rtl" if code in _RTL else "ltr"}"'


class _Builder:
    """Collects the located citations and the items of one page."""

    def __init__(self, data: dict[str, Any], index: ArticleIndex) -> None:
        self.data = data
        self.index = index
        self.text = index.text
        language = data.get("language")
        self.label = labels(language if isinstance(language, str) else None)
        self.cites: dict[tuple[int, int], _Cite] = {}
        self.items: list[_Item] = []
        self.dropped: list[_Item] = []
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
            return f"“{_one_line(quote)[:160]}” is not in this text"
        return found[0], found[1]

    def cite(self, label: str, evidence: Any, item: _Item, *, kept: bool, relative: bool) -> None:
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
                c = self.cites[where] = _Cite(0, *where)
            who = c.kept if kept else c.dropped
            if label not in who:
                who.append(label)
            if kept and item.status != "supported" and label not in c.doubtful:
                c.doubtful.append(label)
            item.cites.append(c)

    # --- items ---------------------------------------------------------------------------

    def who(self, ids: Any) -> str:
        listed = [self.names.get(str(i), str(i)) for i in ids or [] if i is not None]
        return ", ".join(_esc(x) for x in listed) or "—"

    def body(self, section: str, raw: dict[str, Any], lang: str) -> str:
        """An item as HTML: its words (in quotation marks when extractive) and details."""
        label = self.label

        def words(text: Any) -> str:
            text = _one_line(text or "")
            quoted = f"“{_esc(text)}”" if raw.get("extractive") else _esc(text)
            return f'<span class="t"{lang} dir="auto">{quoted}</span>'

        if section == "summary":
            return words(raw.get("text"))
        if section == "actors":
            kind = str(raw.get("kind") or "other")
            role = raw.get("role")
            role_html = f": {words(role)}" if role else ' <span class="muted">(no role)</span>'
            name = f'<b{lang} dir="auto">{_esc(_one_line(raw.get("name") or ""))}</b>'
            return f"{name} ({_esc(label.get(kind, kind))}){role_html}"
        if section == "positions":
            topic = (
                "" if raw.get("extractive") else f" on {_esc(_one_line(raw.get('topic') or ''))}"
            )
            return f"<b>{self.who([raw.get('actor')])}</b>{topic}: {words(raw.get('stance'))}"
        if section == "disputes":
            sides = "".join(
                f"<li><b>{self.who(s.get('actors'))}</b>: {words(s.get('claim'))}</li>"
                for s in raw.get("sides") or []
                if isinstance(s, dict)
            )
            status = _esc(raw.get("status") or "")
            return f"{words(raw.get('issue'))} ({status})" + (
                f'<ul class="sides">{sides}</ul>' if sides else ""
            )
        certainty = str(raw.get("certainty") or "")
        when = f", {_esc(_one_line(raw['when']))}" if raw.get("when") else ""
        who = f"; {self.who(raw['actors'])}" if raw.get("actors") else ""
        return f"{words(raw.get('action'))} ({_esc(label.get(certainty, certainty))}{when}{who})"


def _path(path: str) -> tuple[str, str, int] | None:
    """``("chunks[2]", "positions", 3)`` of ``chunks[2].positions[3].stance``."""
    m = re.match(r"^(?:(.*)\.)?(summary|actors|positions|disputes|next_steps)\[(\d+)\]", path)
    return (m.group(1) or "", m.group(2), int(m.group(3))) if m else None


_JUDGED = "the verifying model"


def _judge_map(grounding: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``--verify`` verdicts by the path of the item in the final brief.

    The verdicts name items as they were before the verifying model removed the ones it
    judged not entailed; later items of the same list moved up by one for each removal."""
    verdicts = [v for v in grounding.get("verification") or [] if isinstance(v, dict)]
    removed: dict[str, list[int]] = {}
    for v in verdicts:
        p = _path(str(v.get("path", "")))
        if p and v.get("verdict") == "not_entailed" and p[1] != "actors":
            removed.setdefault(p[1], []).append(p[2])
    out: dict[str, dict[str, Any]] = {}
    for v in verdicts:
        p = _path(str(v.get("path", "")))
        if p is None or (v.get("verdict") == "not_entailed" and p[1] != "actors"):
            continue
        final = p[2] - sum(1 for i in removed.get(p[1], []) if i < p[2])
        out[f"{p[1]}[{final}]"] = v
    return out


def _unestablished(grounding: dict[str, Any]) -> dict[str, list[str]]:
    """Why each item shown as not established is so (``grounding.not_established``: paths in
    the brief as it is), by path."""
    out: dict[str, list[str]] = {}
    for u in grounding.get("not_established") or []:
        if isinstance(u, dict) and isinstance(u.get("path"), str):
            out.setdefault(u["path"], []).extend(_one_line(r) for r in u.get("reasons") or [])
    return out


def _role_drops(dropped: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """Reasons a role was taken from an actor, by the actor's path in the final brief.

    Grounding names actors by their place in the model's answer (before dropped actors were
    removed); the verifying model by their place in the brief (it never removes an actor)."""
    gone = sorted(
        p[2]
        for d in dropped
        if d.get("kind") == "item" and (p := _path(str(d.get("path", "")))) and not p[0]
        and p[1] == "actors"
    )  # fmt: skip
    out: dict[str, list[tuple[str, str]]] = {}
    for d in dropped:
        path = str(d.get("path", ""))
        p = _path(path)
        if d.get("kind") != "claim" or p is None or p[0] or p[1] != "actors":
            continue
        reasons = [str(r) for r in d.get("reasons") or []]
        by_judge = any(r.startswith(_JUDGED) for r in reasons)
        final = p[2] if by_judge else p[2] - sum(1 for i in gone if i < p[2])
        what = f"role “{_one_line(d['content'])}” dropped" if d.get("content") else "role dropped"
        notes = out.setdefault(f"actors[{final}]", [])
        notes += [("", what + ":"), *(("miss", r) for r in reasons)]
    return out


def _dropped_body(b: _Builder, d: dict[str, Any], lang: str) -> str:
    content = d.get("content")
    kind = str(d.get("kind") or "item")
    p = _path(str(d.get("path", "")))
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
    return f'{what} <span class="t"{lang} dir="auto">“{_esc(_one_line(content))}”</span>'.strip()


def _cut_parts(text: str, n: int, index: ArticleIndex) -> list[int]:
    """Offsets that cut ``text`` into ``n`` parts of about equal size at paragraph breaks
    (else line breaks, else sentence starts), never inside a sentence."""
    if n <= 1 or not text:
        return []
    breaks = [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]
    if len(breaks) < n - 1:
        breaks = [m.end() for m in re.finditer(r"\n\s*", text)]
    if len(breaks) < n - 1:
        breaks = [s.start for s in index.segments[1:]]
    starts = [s.start for s in index.segments]
    cuts: list[int] = []
    for k in range(1, n):
        target = len(text) * k / n
        i = bisect.bisect_left(breaks, target)
        near = [b for b in breaks[max(0, i - 1) : i + 1] if 0 < b < len(text)]
        if not near:
            continue
        cut = min(near, key=lambda b: abs(b - target))
        j = bisect.bisect_right(starts, cut) - 1  # never inside a sentence
        if j >= 0 and index.segments[j].start < cut < index.segments[j].end:
            cut = index.segments[j].start
        if cut > (cuts[-1] if cuts else 0):
            cuts.append(cut)
    return cuts


def _covered(segments: list[Segment], starts: list[int], cites: list[_Cite]) -> list[bool]:
    """For each segment, whether any citation overlaps it."""
    covered = [False] * len(segments)
    for c in cites:
        for j in range(max(0, bisect.bisect_right(starts, c.start) - 1), len(segments)):
            if segments[j].start >= c.end:
                break
            if segments[j].end > c.start:
                covered[j] = True
    return covered


def _marker(c: _Cite) -> str:
    """A citation's number, and links to every item that cites it (before its span)."""
    links = " ".join(
        f'<a href="#i-{x}" class="{"x" if x.startswith("X") else "k"}" '
        f'aria-label="citation {c.number}: item {x}">{x}</a>'
        for x in [*c.kept, *c.dropped]
    )
    return f'<sup class="cm" id="c{c.number}"><span class="n">{c.number}</span> {links}</sup>'


def _mark(active: list[_Cite], piece: str) -> str:
    """A piece of text inside the citations ``active``: kept (k), only by items not plainly
    supported (w), only by dropped items (x); with the numbers of all of them."""
    numbers = " ".join(str(c.number) for c in sorted(active, key=lambda c: c.number))
    if any(c.kept for c in active):
        doubt = all(set(c.kept) <= set(c.doubtful) for c in active if c.kept)
        kind = "w" if doubt else "k"
    else:
        kind = "x"
    return f'<mark class="{kind}" data-c="{numbers}">{piece}</mark>'


def _article_html(
    text: str, index: ArticleIndex, cites: list[_Cite], cuts: list[int], lang: str
) -> tuple[str, list[tuple[int, int, int]], int]:
    """The article as flat pieces: uncited sentences, cited pieces (``<mark>`` with the
    numbers of every citation covering them), citation markers; in parts.

    Returns the HTML, each part's ``(start, end, citations)`` and the uncited count."""
    segments = index.segments
    bounds = {0, len(text), *cuts}
    for s in segments:
        bounds.update((s.start, s.end))
    for c in cites:
        bounds.update((c.start, c.end))
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    starting: dict[int, list[_Cite]] = {}
    for c in cites:
        starting.setdefault(c.start, []).append(c)
    seg_starts = [s.start for s in segments]
    covered = _covered(segments, seg_starts, cites)
    cut_set = set(cuts)
    parts: list[tuple[int, int, int]] = []
    out: list[str] = []
    active: list[_Cite] = []
    part_start, part_cites = 0, 0

    def open_part(k: int) -> None:
        out.append(
            f'<section class="part" id="part-{k}" aria-labelledby="h-part-{k}">'
            f'<h3 id="h-part-{k}">Part {k} of {len(cuts) + 1}</h3>'
            f'<div class="text"{lang}>'
            if cuts
            else f'<div class="text"{lang}>'
        )

    def close_part(end: int) -> None:
        out.append("</div></section>" if cuts else "</div>")
        parts.append((part_start, end, part_cites))

    open_part(1)
    for a, b in zip(points, points[1:], strict=False):
        if a in cut_set:
            close_part(a)
            part_start, part_cites = a, 0
            open_part(len(parts) + 1)
        active = [c for c in active if c.end > a]
        for c in sorted(starting.get(a, []), key=lambda c: c.number):
            active.append(c)
            part_cites += 1
            out.append(_marker(c))
        piece = _esc(text[a:b])
        j = bisect.bisect_right(seg_starts, a) - 1
        in_seg = j >= 0 and segments[j].start <= a < segments[j].end
        if active:
            out.append(_mark(active, piece))
        elif in_seg and not covered[j]:
            out.append(f'<span class="u" data-s="{segments[j].id}">{piece}</span>')
        else:
            out.append(piece)
    close_part(len(text))
    return "".join(out), parts, covered.count(False)


# --- the page ---------------------------------------------------------------------------------

_CSS = """*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f1f1f;margin:0;
overflow-wrap:anywhere}
a{color:#1a4fa0}a:focus-visible{outline:3px solid #1a4fa0;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;
padding:.3rem .6rem;z-index:2}
.wrap{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem;max-width:84rem;
margin:0 auto;padding:0 1rem}
@media (min-width:900px){.wrap{grid-template-columns:minmax(20rem,27rem) minmax(0,1fr)}
aside{position:sticky;top:0;max-height:100vh;overflow-y:auto;padding-right:.6rem}}
header{grid-column:1/-1;border-bottom:1px solid #ddd;padding:.8rem 0 .6rem}
h1{font-size:1.45rem;line-height:1.25;margin:.2rem 0 .3rem}
h2{font-size:1.05rem;margin:1rem 0 .3rem}h3{font-size:.95rem;margin:1rem 0 .3rem;color:#444}
.meta,.muted{color:#595959;font-size:.9rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.85rem;margin:.4rem 0 0;
padding:0;list-style:none}
.warn{background:#fff4e5;border-left:4px solid #b06000;padding:.4rem .7rem;margin:.5rem 0}
ol.items{list-style:none;padding:0;margin:0}
li.item{padding:.35rem .5rem;margin:.25rem 0;border-left:4px solid transparent;
border-radius:4px}
li.item.not_established,li.item.flagged{border-left-color:#b06000;background:#fffaf0}
li.item.unsupported,li.item.dropped{border-left-color:#b3261e;background:#fdf3f2}
li.item:target,li.item.on{outline:2px solid #1a4fa0;background:#eef4ff}
.lab{display:inline-block;min-width:2.1em;font:600 .75rem/1.5 ui-monospace,monospace;
background:#e8e8e8;border-radius:3px;padding:0 .3em;margin-right:.35em;text-align:center}
.badge{font-size:.75rem;font-weight:600;border-radius:3px;padding:0 .35em;margin-left:.3em;
white-space:nowrap}
.b-not_established,.b-flagged{background:#ffe2b8;color:#6b3a00}
.b-unsupported,.b-dropped{background:#f9d3cf;color:#8c1d18}
.why{margin:.15rem 0 0 1rem;padding:0;font-size:.88rem;color:#444}
.why li.miss{color:#8c1d18}
.sides{margin:.1rem 0;padding-left:1.1rem}
.cites{white-space:nowrap;font-size:.85rem}
.cites a{text-decoration:none;padding:0 .1em}
nav.toc ol{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;padding:0;margin:.2rem 0 1rem}
nav.toc li{border:1px solid #ccc;border-radius:4px;font-size:.85rem;background:#fff0a0}
nav.toc li.none{background:#f4f4f4}nav.toc a{display:inline-block;padding:.05rem .4rem;
min-width:2.2em;text-align:center}nav.toc small{color:#595959;padding-right:.35rem}
nav.jump{font-size:.88rem;margin:.3rem 0}
main{min-width:0}
.text{white-space:pre-wrap;max-width:44rem;font-size:1.02rem;line-height:1.7}
section.part{content-visibility:auto;contain-intrinsic-size:auto 3000px}
mark{color:inherit;border-radius:2px;padding:0}
mark.k{background:#fff0a0}
mark.w{background:#ffe2b8;border-bottom:2px dotted #b06000}
mark.x{background:#fde4e1;border-bottom:2px dashed #b3261e}
mark.on{outline:2px solid #1a4fa0;background:#d7e6ff}
.u{color:#6b6b6b}
sup.cm{font:600 .7rem/1 ui-monospace,monospace;white-space:nowrap;margin:0 .15em;
user-select:none;-webkit-user-select:none}
sup.cm .n{background:#1f1f1f;color:#fff;border-radius:3px;padding:0 .25em}
sup.cm a{text-decoration:none;padding:0 .1em}sup.cm a.x{color:#8c1d18}
sup.cm:target .n{background:#1a4fa0}
.key{display:inline-block;padding:0 .3em;border-radius:2px}
footer{grid-column:1/-1;border-top:1px solid #ddd;margin:1.5rem 0 1rem;padding-top:.5rem}
@media print{aside{position:static;max-height:none;overflow:visible}
section.part{content-visibility:visible}}"""

_SCRIPT = """(function(){var lit=[];
function clear(){lit.forEach(function(e){e.classList.remove('on')});lit=[]}
function light(n){document.querySelectorAll('[data-c~="'+n+'"]').forEach(function(e){
e.classList.add('on');lit.push(e)})}
function show(id){clear();var m=/^c(\\d+)$/.exec(id),el=document.getElementById(id);
if(m){light(m[1])}else if(el&&el.dataset.c){el.dataset.c.split(' ').forEach(light);
el.classList.add('on');lit.push(el)}}
function here(){show(decodeURIComponent(location.hash.slice(1)))}
window.addEventListener('hashchange',here);here();
document.addEventListener('mouseover',function(e){var t=e.target.closest&&
e.target.closest('li.item[data-c],sup.cm');if(t)show(t.id)});
document.addEventListener('focusin',function(e){var t=e.target.closest&&
e.target.closest('li.item[data-c],sup.cm');if(t)show(t.id)})})();"""


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


CSP = (
    f"default-src 'none'; style-src '{_sha(_CSS)}'; script-src '{_sha(_SCRIPT)}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
"""No network, no plugins; the page's own style and script only, each by its hash."""

_STATUS_WORDS = {
    "not_established": "not established",
    "flagged": "flagged by --verify",
    "unsupported": "not supported",
    "dropped": "dropped",
}


def _item_html(item: _Item) -> str:
    cites = sorted({c.number for c in item.cites})
    data = f' data-c="{" ".join(str(n) for n in cites)}"' if cites else ""
    links = "".join(f'<a href="#c{n}" aria-label="citation {n}">[{n}]</a>' for n in cites)
    badge = (
        f'<span class="badge b-{item.status}">{_STATUS_WORDS[item.status]}</span>'
        if item.status in _STATUS_WORDS and item.status != "dropped"  # its section says so
        else ""
    )
    notes = [f'<li class="{cls}">{_esc(text)}</li>' for cls, text in item.notes]
    notes += [f'<li class="miss">evidence not found: {_esc(m)}</li>' for m in item.missing]
    why = f'<ul class="why">{"".join(notes)}</ul>' if notes else ""
    return (
        f'<li class="item {item.status}" id="i-{item.label}"{data}>'
        f'<span class="lab">{item.label}</span>{item.body}{badge}'
        f' <span class="cites">{links}</span>{why}</li>'
    )


def _safe_url(url: Any) -> str | None:
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"'`]+$", url, re.I):
        return url
    return None


def _label_key(key: str) -> str:
    return "open_disputes" if key == "disputes" else key


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class _Page:
    """One review page being made: the brief as a dict, the article, and what was found."""

    def __init__(self, data: dict[str, Any], art: Article) -> None:
        from summarizer.grounding import ArticleIndex

        self.data = data
        self.art = art
        self.text = art.text
        self.source = _as_dict(data.get("source"))
        expected = self.source.get("content_hash")
        actual = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        self.matches = None if not isinstance(expected, str) else expected == actual
        grounding = data.get("grounding")
        self.ours = isinstance(grounding, dict) and data.get("schema_version") == 2
        self.grounding = _as_dict(grounding)
        self.index = ArticleIndex(self.text)
        self.b = _Builder(data, self.index)
        language = data.get("language")
        self.brief_lang = language if isinstance(language, str) else None
        self.article_lang = _lang_dir(self.index.language)
        self.item_lang = _lang_dir(self.brief_lang) if self.brief_lang else self.article_lang
        self.label = labels(self.brief_lang)
        chunks = data.get("chunks")
        self.chunks = chunks if isinstance(chunks, int) and chunks > 1 else 1
        self.warnings: list[str] = []
        self.checked: dict[str, Any] = {}
        self.why: dict[str, list[str]] = {}
        if self.matches is False:
            self.warnings.append(
                "this article is not the text the brief was made from (its SHA-256 differs): "
                "quotes were located by their words, as `summarizer verify` does, and the "
                "claims checked again against this text"
            )
        if not self.ours or self.matches is False:  # verdicts for this very text
            from summarizer.verification import verify

            self.checked = {v.path: v for v in verify(data, art).items}

    # --- the items and their verdicts --------------------------------------------------------

    def collect(self) -> None:
        b = self.b
        dropped = [d for d in self.grounding.get("dropped") or [] if isinstance(d, dict)]
        judged = _judge_map(self.grounding)
        roles = _role_drops(dropped)
        self.why = _unestablished(self.grounding)
        for key, prefix, _ in SECTIONS:
            for i, entry in enumerate(self.data.get(key) or []):
                raw = _as_dict(entry)
                path = f"{key}[{i}]"
                item = _Item(
                    f"{prefix}{i + 1}", path, b.body(key, raw, self.item_lang), "supported"
                )
                self.verdicts(item, key, raw, judged.get(path), roles.get(path, []))
                b.cite(item.label, raw.get("evidence"), item, kept=True, relative=False)
                b.items.append(item)
        for n, d in enumerate(dropped, 1):
            path = str(d.get("path") or "")
            p = _path(path)
            relative = p is not None and bool(p[0]) and not p[0].startswith("merged")
            item = _Item(f"X{n}", path, _dropped_body(b, d, self.item_lang), "dropped")
            kind = str(d.get("kind") or "item")
            item.notes.append(
                ("", f"a{'n' if kind == 'item' else ''} {kind} of the model's answer: {path}")
            )
            item.notes += [("miss", _one_line(r)) for r in d.get("reasons") or []]
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

    def verdicts(
        self, item: _Item, key: str, raw: dict[str, Any], verdict: Any, roles: list[tuple[str, str]]
    ) -> None:
        """The item's status and notes: not established (issue 19's ``support``), flagged by
        ``--verify``, a role taken away, or not supported by this text (verify, run now)."""
        why = self.why.get(item.path, [])
        if raw.get("support") == "not_established" or why:
            item.status = "not_established"
            what = "the role" if key == "actors" else "its claims"
            item.notes.append(("", f"the check could not establish {what} from the cited text"))
            item.notes += [("miss", r) for r in why]
        if isinstance(verdict, dict):  # every --verify verdict is shown; entailed ones plainly
            if verdict.get("verdict") != "entailed" and item.status == "supported":
                item.status = "flagged"
            reason = _one_line(verdict.get("reason") or "no reason given")
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
        head = [f'<h1 dir="auto"{self.item_lang}>{_esc(headline)}</h1>']
        meta = [
            _esc(x) for x in (source.get("site"), source.get("published")) if isinstance(x, str)
        ]
        url = _safe_url(source.get("url") or self.art.url)
        if url:
            meta.append(f'<a href="{_esc(url)}" rel="noopener noreferrer">{_esc(url)}</a>')
        made = [str(self.data[k]) for k in ("model", "backend", "method")
                if isinstance(self.data.get(k), str)]  # fmt: skip
        if made:
            meta.append("brief by " + _esc(" · ".join(made)))
        if self.chunks > 1:
            meta.append(f"briefed in {self.chunks} parts")
        if meta:
            head.append(f'<p class="meta">{" · ".join(meta)}</p>')
        statuses = [i.status for i in b.items]
        line = f"{len(b.items)} items: {statuses.count('supported')} supported"
        line += "".join(f", {statuses.count(s)} {_STATUS_WORDS[s]}"
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
        head.append(f'<p class="meta">{_esc(line)}</p>')
        head += [f'<p class="warn" role="note">{_esc(w[0].upper() + w[1:])}.</p>'
                 for w in self.warnings]  # fmt: skip
        if self.grounding.get("headline_support") == "not_established" or self.why.get("headline"):
            reasons = "; ".join(self.why.get("headline", [])) or "no reason recorded"
            head.append(
                '<p class="warn" role="note">The headline is not established by the summary\'s '
                f"cited sentences: {_esc(reasons)}.</p>"
            )
        headline_check = self.checked.get("headline")
        if headline_check is not None and not headline_check.supported:
            head.append(
                '<p class="warn" role="note">The headline is not supported by this text: '
                f"{_esc('; '.join(headline_check.reasons))}.</p>"
            )
        head.append(_LEGEND)
        return "".join(head)

    def aside(self) -> str:
        b, label = self.b, self.label
        counts = {key: len(self.data.get(key) or []) for key, _, _ in SECTIONS}
        jump = [f'<a href="#sec-{key}">{_esc(label[_label_key(key)])} ({n})</a>'
                for key, n in counts.items() if n]  # fmt: skip
        if b.dropped:
            jump.append(f'<a href="#sec-dropped">Dropped ({len(b.dropped)})</a>')
        jump.append('<a href="#article">The article</a>')
        out = [f'<nav class="jump" aria-label="Sections of the brief">{" · ".join(jump)}</nav>']
        if self.data.get("method") in ("extractive", "mixed"):
            out.append(f'<p class="muted">{_esc(label["quoted_note"])}</p>')
        start = 0
        for key, n in counts.items():
            entries, start = b.items[start : start + n], start + n
            if entries:
                out.append(
                    f'<section id="sec-{key}"><h2{_lang_dir(self.brief_lang or "en")}>'
                    f"{_esc(label[_label_key(key)])}</h2>"
                    f'<ol class="items">{"".join(_item_html(i) for i in entries)}</ol></section>'
                )
        if b.dropped:
            out.append(
                f'<section id="sec-dropped"><h2>Dropped by grounding ({len(b.dropped)})</h2>'
                '<p class="muted">Items the checks removed from the brief, and why; the spans '
                "they cite are marked with a dashed red line.</p>"
                f'<ol class="items">{"".join(_item_html(i) for i in b.dropped)}</ol></section>'
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


_LEGEND = (
    '<ul class="legend" aria-label="Legend"><li><mark class="k key">cited</mark> by an item</li>'
    '<li><mark class="w key">cited</mark> by an item not established, flagged or not '
    "supported</li>"
    '<li><mark class="x key">cited</mark> only by a dropped item</li>'
    '<li><span class="u">grey</span>: no item cites this sentence</li>'
    '<li><sup class="cm demo"><span class="n">1</span> S1</sup> a citation\'s number and the items '
    "that cite it</li></ul>"
)


def review_page(
    brief: Brief | dict[str, Any] | str | Path,
    article: str | Path | Article,
    *,
    title: str | None = None,
) -> Review:
    """The review page of ``brief`` beside ``article``.

    ``brief``: a :class:`~summarizer.brief.Brief`, a dict of the same shape (this project's
    JSON, or another tool's that ``summarizer verify`` accepts), or the path of a JSON file.
    ``article``: the text itself (a ``str``), a ``Path``, or an
    :class:`~summarizer.article.Article`, as :func:`summarizer.summarize` takes it.
    """
    from summarizer.article import Article, load_article

    art = article if isinstance(article, Article) else load_article(article)
    page = _Page(_brief_dict(brief), art)
    page.collect()
    # Citations are numbered in the order of the article; items link to them by number.
    ordered = sorted(page.b.cites.values(), key=lambda c: (c.start, -c.end))
    for n, c in enumerate(ordered, 1):
        c.number = n
    text = page.text
    parts_n = page.chunks if page.chunks > 1 else (
        math.ceil(len(text) / PART_CHARS) if len(text) > LONG_CHARS else 1
    )  # fmt: skip
    cuts = _cut_parts(text, parts_n, page.index)
    article_html, parts, uncited = _article_html(text, page.index, ordered, cuts,
                                                 page.article_lang)  # fmt: skip
    headline = _one_line(page.data.get("headline") or art.fallback_headline or "Review")
    html_text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_esc(title or 'Review: ' + headline)}</title><style>{_CSS}</style></head>"
        '<body><a class="skip" href="#article">Skip to the article</a><div class="wrap">'
        f"<header>{page.header(headline, len(ordered), uncited)}</header>"
        f'<aside aria-label="The brief">{page.aside()}</aside>'
        '<main id="article" aria-label="The article" tabindex="-1"><h2>The article</h2>'
        f"{page.contents(parts)}{article_html}</main>"
        f'<footer class="meta">{_esc(page.footer())}</footer></div>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )
    return Review(
        html=html_text,
        article_matches=page.matches,
        warnings=page.warnings,
        citations=len(ordered),
        located=page.b.evidence_found,
        sentences=len(page.index.segments),
        uncited=uncited,
        items=len(page.b.items),
        dropped=len(page.b.dropped),
        parts=len(parts),
    )
