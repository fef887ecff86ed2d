"""The review page (issue 22): the article beside its brief, every citation, every verdict.

The page is parsed back with the standard library's HTML parser: the article's text must
come back exactly, every citation's highlighted pieces must spell its quote, every link must
land on an id, and each verdict must be where its item is. The same checks run in Chromium
in ``test_review_browser.py``; these run without a browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from reviews import (
    ARTICLE,
    EXAMPLE,
    I18N,
    audited_brief,
    first_sentences_brief,
    long_article,
    long_brief,
)

from summarizer import Brief
from summarizer.article import load_article
from summarizer.formats.review import review_page
from summarizer.grounding import ArticleIndex

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
PREFIX = {
    "summary": "S",
    "actors": "A",
    "positions": "P",
    "disputes": "D",
    "next_steps": "N",
}  # item labels


class Page(HTMLParser):
    """What a reader (and a test) can find in a review page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.article: list[str] = []  # text of the article divs, markers excluded
        self.pieces: dict[int, list[str]] = {}  # citation number -> its highlighted pieces
        self.kinds: dict[int, set[str]] = {}  # citation number -> mark classes
        self.uncited: dict[int, str] = {}  # segment id -> grey text
        self.ids: set[str] = set()
        self.links: list[tuple[str | None, str]] = []  # (id of the enclosing item/marker, href)
        self.items: dict[str, str] = {}  # item id -> its text
        self.item_class: dict[str, str] = {}
        self.markers: dict[str, list[str]] = {}  # c3 -> the item ids it links to
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text_divs: list[dict[str, str]] = []
        self.parts: list[str] = []
        self.csp = ""
        self.feed(text)

    def _inside(self, name: str, cls: str | None = None) -> dict[str, str] | None:
        for tag, attrs in reversed(self.stack):
            if tag == name and (cls is None or cls in attrs.get("class", "").split()):
                return attrs
        return None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        self.tags.add(tag)
        self.attrs += attrs_list
        if tag not in ("meta", "br"):
            self.stack.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if tag == "div" and "text" in attrs.get("class", "").split():
            self.text_divs.append(attrs)
        if tag == "section" and "part" in attrs.get("class", "").split():
            self.parts.append(attrs["id"])
        if tag == "li" and "item" in attrs.get("class", "").split():
            self.items[attrs["id"]] = ""
            self.item_class[attrs["id"]] = attrs["class"]
        if tag == "sup" and attrs.get("class") == "cm":
            self.markers[attrs["id"]] = []
        if tag == "a" and attrs.get("href", "").startswith("#"):
            owner = self._inside("li", "item") or self._inside("sup", "cm")
            self.links.append((owner.get("id") if owner else None, attrs["href"][1:]))
            marker = self._inside("sup", "cm")
            if marker is not None:
                self.markers[marker["id"]].append(attrs["href"][1:])

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        top = self.stack[-1] if self.stack else ("", {})
        if top[0] == "script":
            self.scripts.append(data)
        if top[0] == "style":
            self.styles.append(data)
        item = self._inside("li", "item")
        if item is not None:
            self.items[item["id"]] += data
        if self._inside("div", "text") is None or self._inside("sup", "cm") is not None:
            return
        self.article.append(data)
        if top[0] == "mark":
            for n in top[1]["data-c"].split():
                self.pieces.setdefault(int(n), []).append(data)
                self.kinds.setdefault(int(n), set()).add(top[1]["class"])
        elif top[0] == "span" and top[1].get("class") == "u":
            seg = int(top[1]["data-s"])
            self.uncited[seg] = self.uncited.get(seg, "") + data

    def quote(self, number: int) -> str:
        return "".join(self.pieces[number])

    def cited_by(self, item_id: str) -> list[str]:
        """The quotes an item links to, through its citation numbers."""
        return [self.quote(int(h[1:])) for owner, h in self.links
                if owner == item_id and re.fullmatch(r"c\d+", h)]  # fmt: skip


def quotes(item: dict[str, Any]) -> set[str]:
    return {c["quote"] for c in item["evidence"]}


@pytest.fixture(scope="module")
def brief() -> Brief:
    return audited_brief()


@pytest.fixture(scope="module")
def page(brief: Brief) -> Page:
    return Page(review_page(brief, EXAMPLE).html)


def test_the_article_comes_back_exactly_and_every_citation_spells_its_quote(
    brief: Brief, page: Page
) -> None:
    assert "".join(page.article) == ARTICLE  # the very text the offsets index
    data = brief.model_dump(mode="json")
    for section, prefix in PREFIX.items():
        for i, item in enumerate(data[section], 1):
            linked = page.cited_by(f"i-{prefix}{i}")
            assert set(linked) == quotes(item), (section, i)
    for number, pieces in page.pieces.items():  # a span's text is one citation's quote
        assert "".join(pieces) in ARTICLE, number
    assert len(page.pieces) == len(page.markers)


def test_links_go_both_ways(page: Page) -> None:
    for owner, target in page.links:
        assert target in page.ids, (owner, target)
    for owner, target in page.links:
        if owner and owner.startswith("i-") and re.fullmatch(r"c\d+", target):
            assert owner in page.markers[target], (owner, target)  # and back
    for marker, items in page.markers.items():
        for item in items:
            assert (item, marker) in page.links, (marker, item)


def test_every_verify_verdict_is_where_its_item_is(brief: Brief, page: Page) -> None:
    """--verify names items as they were before it removed the ones it judged not entailed;
    on the page each verdict is on the item it judged, now at its place in the brief."""
    verdicts = brief.grounding.verification or []
    assert verdicts
    gone = [(v.path.split("[")[0], int(v.path.split("[")[1].rstrip("]"))) for v in verdicts
            if v.verdict == "not_entailed" and not v.path.startswith("actors")]  # fmt: skip
    for v in verdicts:
        section, index = v.path.split("[")[0], int(v.path.split("[")[1].rstrip("]"))
        if (section, index) in gone:  # removed: listed with the dropped items
            assert any(v.reason in t for k, t in page.items.items() if k.startswith("i-X"))
            continue
        final = index - sum(1 for s, i in gone if s == section and i < index)
        shown = page.items[f"i-{PREFIX[section]}{final + 1}"]
        assert v.reason in shown, (v.path, final)
    # --verify judges only what the check could not establish (tests/reviews.py): each kind.
    assert sorted(v.verdict for v in verdicts) == [
        "entailed", "not_entailed", "not_entailed", "partly",
    ]  # fmt: skip
    assert gone == [("summary", 1)]  # the record: removed, the sentences after it moved up
    assert page.item_class["i-S2"] == "item supported"  # entailed: supported now
    assert "--verify: entailed: forty ships waiting offshore" in page.items["i-S2"]
    assert page.item_class["i-S3"] == "item not_established"  # partly: still not established
    assert "--verify: partly: the firms lose money" in page.items["i-S3"]
    assert "content words not covered by the evidence: 'blame', 'union'" in page.items["i-S3"]


def test_verdicts_in_place(brief: Brief, page: Page) -> None:
    # A role its evidence did not state: the actor stays; why its role went is on it.
    assert "(no role)" in page.items["i-A1"]
    for d in brief.grounding.dropped:
        if d.path.startswith("actors[") and d.path.endswith(".role"):
            assert all(r in page.items["i-A1"] for r in d.reasons)
    assert page.item_class["i-A2"] == "item supported"
    # Every dropped item is listed with its reasons; the spans only they cite are marked so.
    dropped = [d for d in brief.grounding.dropped]
    shown = [v for k, v in page.items.items() if k.startswith("i-X")]
    assert len(shown) == len(dropped) >= 5
    for d, text in zip(dropped, shown, strict=True):
        assert d.path in text
        assert all(reason in text for reason in d.reasons)
    negated = ARTICLE.index("Brandt said the authority was willing")
    number = next(n for n, p in page.pieces.items() if ARTICLE.find("".join(p)) == negated)
    assert page.kinds[number] == {"x"}  # cited by the dropped stance only
    stance = next(k for k, t in page.items.items() if "will drop the plan for the cranes" in t)
    assert stance.startswith("i-X")


def test_sentences_no_item_cites_are_grey(brief: Brief, page: Page) -> None:
    index = ArticleIndex(ARTICLE)
    cited = {(c.start, c.end) for item in [*brief.summary, *brief.actors, *brief.positions,
                                           *brief.disputes, *brief.next_steps]
             for c in item.evidence}  # fmt: skip
    for d in brief.grounding.dropped:
        if isinstance(d.content, dict):
            for n in d.content.get("evidence", []):
                seg = index.segment(n)
                assert seg is not None
                cited.add((seg.start, seg.end))
    expected = {s.id: s.text for s in index.segments
                if not any(a < s.end and s.start < b for a, b in cited)}  # fmt: skip
    assert page.uncited == expected and len(expected) >= 5


def test_not_established_is_shown_from_the_brief_json(brief: Brief) -> None:
    """Issue 19's ``support`` verdict, before and after ``Brief`` has the field: read from the
    JSON (the path other tools' briefs take too)."""
    data = brief.model_dump(mode="json")
    data["positions"][0]["support"] = "not_established"
    data["actors"][1]["support"] = "not_established"
    data["next_steps"][0]["support"] = "supported"
    # and why, as issue 19's grounding report lists it (paths in the brief as it is)
    data["grounding"]["not_established"] = [
        {"path": "positions[0]", "reasons": ["stance: 'withdraws' is not stated"]},
        {"path": "headline", "reasons": ["'extend' is not in the summary's sentences"]},
    ]
    data["grounding"]["headline_support"] = "not_established"
    html = unescape(review_page(data, EXAMPLE).html)
    page = Page(review_page(data, EXAMPLE).html)
    assert "not_established" in page.item_class["i-P1"]
    assert "could not establish its claims" in page.items["i-P1"]
    assert "stance: 'withdraws' is not stated" in page.items["i-P1"]
    assert "The headline is not established" in html and "'extend' is not in" in html
    assert "not_established" in page.item_class["i-A2"]
    assert "could not establish the role" in page.items["i-A2"]
    assert page.item_class["i-N1"] == "item supported"
    brandt = next(n for n in page.pieces if page.quote(n).startswith('"Without automation'))
    assert page.kinds[brandt] == {"k"}  # also cited by D1, which is plainly supported
    as_is = Page(review_page(brief, EXAMPLE).html)  # only what the brief marks, by its model
    marked = {k for k, c in as_is.item_class.items() if "not_established" in c}
    assert marked == {f"i-S{i}" for i, x in enumerate(brief.summary, 1)
                      if x.support == "not_established"} == {"i-S3"}  # fmt: skip


def test_a_brief_from_another_tool(tmp_path: Path) -> None:
    """Quotes as strings (one with other quotation marks, one by sentence number), no
    offsets, no hash: located as verify locates them, and the claims checked for the page."""
    other = {
        "headline": "Dock strike goes on",
        "summary": [
            {"text": "Dockworkers at Port Halden voted on Monday to extend their strike.",
             "evidence": ["Dockworkers at Port Halden voted on Monday to extend their strike"]},
            {"text": "The union accepted retraining.", "evidence": [8]},
        ],
        "actors": [{"id": "okafor", "name": "Maria Okafor", "kind": "person",
                    "role": "union leader",
                    "evidence": [{"quote": "“We are not against new machines, we are against "
                                           "losing our jobs to them,” union leader Maria Okafor "
                                           "told reporters"}]}],
        "next_steps": [{"action": "Talks resume on Friday.", "actors": [], "when": "Friday",
                        "certainty": "scheduled",
                        "evidence": ["a sentence the article does not have"]}],
    }  # fmt: skip
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    review = review_page(path, EXAMPLE)
    page = Page(review.html)
    assert review.article_matches is None
    assert page.cited_by("i-S1") == [
        "Dockworkers at Port Halden voted on Monday to extend their strike"
    ]
    assert page.cited_by("i-S2")[0].startswith("The union rejected the offer")
    assert page.cited_by("i-A1")[0].startswith('"We are not against')  # repaired to the text
    assert "not supported by this text" in page.items["i-S2"]
    assert "unsupported" in page.item_class["i-S2"]
    assert "evidence not found" in page.items["i-N1"] and "unsupported" in page.item_class["i-N1"]
    assert page.item_class["i-S1"].split()[1] == "supported"
    assert any("could not be located" in w for w in review.warnings)


def test_another_text_than_the_brief_was_made_from(brief: Brief) -> None:
    changed = "EDITOR'S NOTE: updated on 4 March.\n\n" + ARTICLE.replace("forty", "fifty")
    review = review_page(brief, changed)
    page = Page(review.html)
    assert review.article_matches is False
    assert "SHA-256 differs" in review.warnings[0]
    assert "".join(page.article) == load_article(changed).text
    assert page.cited_by("i-N1") == [q for q in quotes(brief.model_dump()["next_steps"][0])]
    shift = len("EDITOR'S NOTE: updated on 4 March.\n\n")
    start = brief.next_steps[0].evidence[0].start + shift
    assert changed[start:].startswith(page.cited_by("i-N1")[0])  # located again, not reused


def test_the_page_is_self_contained_with_a_strict_csp(page: Page) -> None:
    csp = page.csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    (script,) = page.scripts
    (style,) = page.styles

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"script-src 'sha256-{sha(script)}'" in csp
    assert f"style-src 'sha256-{sha(style)}'" in csp
    assert not [v for n, v in page.attrs if n in ("src", "srcset", "action")]
    assert not [n for n, _ in page.attrs if n.startswith("on") or n == "style"]
    assert len(script) < 1200  # small


def test_markup_in_an_article_and_a_brief_is_text() -> None:
    text = (HOSTILE / "script-tags.txt").read_text(encoding="utf-8")
    brief = first_sentences_brief(text).model_dump(mode="json")
    brief["summary"][0]["text"] = '<img src=x onerror=alert(1)> "><script>alert(3)</script>'
    brief["source"]["url"] = "javascript:alert(4)"
    html = review_page(brief, text).html
    page = Page(html)
    assert "".join(page.article) == load_article(text).text
    assert page.tags <= {
        "html", "head", "meta", "title", "style", "body", "a", "div", "header", "h1", "h2",
        "h3", "p", "ul", "ol", "li", "aside", "nav", "section", "span", "b", "main", "mark",
        "sup", "footer", "script",
    }, page.tags  # fmt: skip
    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]
    assert "javascript:" not in " ".join(v or "" for _, v in page.attrs)


@pytest.mark.parametrize(
    ("fixture", "lang", "direction"),
    [("zh-shenzhen-ditie.txt", "zh", "ltr"), ("ar-amman-hafilat.txt", "ar", "rtl"),
     ("ja-osaka-byoin.txt", "ja", "ltr")],
)  # fmt: skip
def test_the_article_carries_its_language_and_direction(
    fixture: str, lang: str, direction: str
) -> None:
    text = (I18N / fixture).read_text(encoding="utf-8")
    page = Page(review_page(first_sentences_brief(text), text).html)
    assert "".join(page.article) == load_article(text).text
    assert page.text_divs and all(
        d["lang"] == lang and d["dir"] == direction for d in page.text_divs
    )
    assert page.cited_by("i-S1") and all(q in text for q in page.cited_by("i-S1"))


def test_a_long_article_is_shown_in_parts() -> None:
    text = long_article(30_000)
    brief = long_brief(text)
    review = review_page(brief, text)
    page = Page(review.html)
    assert brief.chunks == review.parts == len(page.parts) >= 10
    assert "".join(page.article) == load_article(text).text
    assert {f"part-{k}" for k in range(1, review.parts + 1)} == set(page.parts)
    assert all(f"part-{k}" in [t for _, t in page.links] for k in range(1, review.parts + 1))
    for prefix, items in (("S", brief.summary), ("A", brief.actors), ("P", brief.positions)):
        assert items
        for i, item in enumerate(items, 1):
            assert set(page.cited_by(f"i-{prefix}{i}")) == {c.quote for c in item.evidence}
    # no sentence is cut by a part: each grey sentence comes back whole
    index = ArticleIndex(text)
    assert review.uncited == len(page.uncited) > len(index.segments) // 2
    assert all(page.uncited[s.id] == s.text for s in index.segments if s.id in page.uncited)


# --- the command line ----------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), input="",
    )  # fmt: skip


def test_review_command(brief: Brief, tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(brief.model_dump_json(), encoding="utf-8")
    out = tmp_path / "pages" / "review.html"
    done = cli("review", str(path), str(EXAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == review_page(brief, EXAMPLE).html
    assert "wrote" in done.stderr and "warning" not in done.stderr
    stdout = cli("review", str(path), str(EXAMPLE))
    assert stdout.returncode == 0 and stdout.stdout == out.read_text(encoding="utf-8")
    # An array of briefs (what summarize writes for several sources): the article's one.
    other = first_sentences_brief("Another article. It says two things. And a third.")
    path.write_text(f"[{other.model_dump_json()}, {brief.model_dump_json()}]", encoding="utf-8")
    assert cli("review", str(path), str(EXAMPLE), "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == review_page(brief, EXAMPLE).html


def test_review_command_says_when_the_text_differs(brief: Brief, tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(brief.model_dump_json(), encoding="utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(ARTICLE + "\nA correction was appended.\n", encoding="utf-8")
    done = cli("review", str(path), str(changed), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 0
    assert "summarizer: warning: this article is not the text the brief was made from" in (
        done.stderr
    )
    assert "SHA-256 differs" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_review_command_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    done = cli("review", str(bad), str(EXAMPLE))
    assert done.returncode == 3 and done.stderr.count("\n") == 1, done.stderr
    assert cli("review", str(tmp_path / "missing.json"), str(EXAMPLE)).returncode == 3
    good = tmp_path / "good.json"
    good.write_text("{}", encoding="utf-8")
    assert cli("review", str(good), str(tmp_path / "missing.txt")).returncode == 3
    assert cli("review", str(good), str(EXAMPLE), "-o", str(tmp_path)).returncode == 2


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_summarize_format_review(tmp_path: Path) -> None:
    from reviews import first_sentences

    from summarizer.testing import FakeOpenAI

    env = ["--model", "fake-model", "--mode", "json_schema", "--max-reasks", "0"]
    with FakeOpenAI(responder=first_sentences) as server:
        one = cli("summarize", str(EXAMPLE), "--base-url", server.base_url, *env,
                  "-f", "review", "-o", str(tmp_path / "one.html"))  # fmt: skip
        brief = cli("summarize", str(EXAMPLE), "--base-url", server.base_url, *env, "-f", "json")
        nurses = Path(__file__).parent / "fixtures" / "articles" / "labour-nurses-strike.txt"
        many = cli("summarize", str(EXAMPLE), str(nurses), "--base-url", server.base_url,
                   *env, "-f", "review", "-o", str(tmp_path / "pages"))  # fmt: skip
        refused = cli("summarize", str(EXAMPLE), str(nurses), "--base-url", server.base_url,
                      *env, "-f", "review")  # fmt: skip
        calls = server.calls
    assert one.returncode == 0, one.stderr
    made = Brief.model_validate_json(brief.stdout)
    assert (tmp_path / "one.html").read_text(encoding="utf-8") == review_page(made, EXAMPLE).html
    assert many.returncode == 0, many.stderr
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        "labour-nurses-strike.review.html", "port-strike.review.html",
    ]  # fmt: skip
    assert refused.returncode == 2 and "-o FOLDER" in refused.stderr
    assert calls == 2  # port-strike once (then from the cache), the nurses once; the refusal none


# --- the digest ----------------------------------------------------------------------------


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_digest_cards_link_to_each_articles_review_page(tmp_path: Path) -> None:
    from summarizer.digest.run import run_digest
    from summarizer.testing import FakeOpenAI
    from summarizer.testing.digest import PORT, UKRAINE, brief_responder, make_config
    from summarizer.testing.digest import write_articles as write

    news = tmp_path / "news"
    write(news, [UKRAINE, UKRAINE[:2], PORT])
    with FakeOpenAI(responder=brief_responder()) as server:
        digest = run_digest(make_config(server, tmp_path, sources=[str(news)]))
    out = tmp_path / "out"
    (digest_html,) = out.glob("digest-*.html")
    cards = Page(digest_html.read_text(encoding="utf-8"))
    linked = [v for n, v in cards.attrs if n == "href" and v and v.startswith("reviews/")]
    stories = {uid for story in digest.stories for uid in story.sources}
    assert len(linked) == len(stories) == 3  # every article of every card
    by_id = {a.id: a for a in digest.articles}
    for name in linked:
        uid = name.split("/")[1].split("-")[0]
        page = Page((out / name).read_text(encoding="utf-8"))  # beside the digest files
        origin = by_id[uid].origin
        assert origin is not None
        assert "".join(page.article) == load_article(Path(origin)).text
        assert "SHA-256 matches" in (out / name).read_text(encoding="utf-8")
        assert page.pieces  # its citations highlighted
    markdown = next(out.glob("digest-*.md")).read_text(encoding="utf-8")
    assert "reviews/" not in markdown  # only the HTML digest links to the pages
