"""The review page in a real browser: headless Chromium at 1200 px and 400 px (issue 22).

Each page is loaded, unmodified, in an ``<iframe>`` of the given width inside a harness page
(headless windows are at least 500 px wide); the harness measures the page's document: its
scroll width, the text of every citation's highlighted pieces, where every link lands, which
elements the page's own script lit, whether the dropped items and their reasons are shown.
The test compares those with the brief. Chromium is driven by its command line
(``--dump-dom``): no new Python dependency. Skipped without Chromium (Debian:
``apt-get install -y chromium``).

``scripts/review-screenshots`` and ``benchmarks/review_page.py`` use :func:`chromium`,
:func:`measure` and :func:`screenshot`.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reviews import (
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


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


_HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head>
<body style="margin:0"><script>
var t0 = performance.now(), f = document.createElement('iframe');
f.style.cssText = 'width:{width}px;height:{height}px;border:0';
f.addEventListener('load', function () {{
  var t1 = performance.now(), w = f.contentWindow, d = f.contentDocument;
  var height = d.documentElement.scrollHeight, t2 = performance.now();
  var all = Array.prototype.slice, q = function (s, e) {{
    return all.call((e || d).querySelectorAll(s)); }};
  var visible = function (e) {{ var r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && w.getComputedStyle(e).visibility === 'visible'; }};
  var cites = {{}};
  q('.text mark[data-c]').forEach(function (m) {{
    m.getAttribute('data-c').split(' ').forEach(function (n) {{
      cites[n] = (cites[n] || '') + m.textContent; }}); }});
  var links = q('a[href^="#"]').map(function (a) {{
    var owner = a.closest('li.item, sup.cm');
    return [owner ? owner.id : null, decodeURIComponent(a.getAttribute('href').slice(1))]; }});
  var text = q('.text').map(function (t) {{
    var c = t.cloneNode(true); q('sup.cm', c).forEach(function (s) {{ s.remove(); }});
    return c.textContent; }}).join('');
  var items = {{}};
  q('li.item').forEach(function (li) {{ items[li.id] = {{ text: li.innerText,
    cls: li.className, visible: visible(li),
    reasons: q('.why li', li).map(function (r) {{ return [r.innerText, visible(r)]; }}) }}; }});
  var csp = d.querySelector('meta[http-equiv="Content-Security-Policy"]');
  var wide = q('body *').filter(function (e) {{
    return e.getBoundingClientRect().right > w.innerWidth + 0.5; }})
    .map(function (e) {{ return e.tagName + '.' + e.className; }}).slice(0, 5);
  document.body.setAttribute('data-result', JSON.stringify({{
    scrollWidth: d.documentElement.scrollWidth, innerWidth: w.innerWidth, wide: wide,
    cites: cites, links: links, ids: q('[id]').map(function (e) {{ return e.id; }}),
    text: text, items: items, lit: q('.on').map(function (e) {{
      return e.id || ('mark:' + e.getAttribute('data-c')); }}),
    langs: q('.text').map(function (t) {{ return [t.lang, t.dir,
      w.getComputedStyle(t).direction]; }}),
    parts: q('section.part').length, scripts: q('script').length,
    ran: d.documentElement.getAttribute('data-ran'), title: d.title,
    csp: csp ? csp.getAttribute('content') : null, height: height,
    load_ms: t1 - t0, layout_ms: t2 - t0 }}));
}});
f.src = '{src}';
document.body.appendChild(f);
</script></body></html>"""


def _flags(browser: str) -> list[str]:
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--allow-file-access-from-files"]  # fmt: skip


def measure(
    browser: str, page: Path, width: int, *, fragment: str = "", height: int = 900,
    virtual_time: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """The harness's findings about ``page`` in a ``width`` px frame (``fragment``: a
    ``#id`` to open it at). ``virtual_time=False`` for real timings (benchmarks)."""
    harness = page.with_name(f"harness-{width}.html")
    src = page.name + (f"#{fragment}" if fragment else "")
    harness.write_text(_HARNESS.format(src=src, width=width, height=height), encoding="utf-8")
    budget = ["--virtual-time-budget=10000"] if virtual_time else []
    done = subprocess.run(
        [*_flags(browser), *budget, "--window-size=1300,1000", "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    found = re.search(r'data-result="([^"]*)"', done.stdout)
    assert found, f"no result from chromium: {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def screenshot(browser: str, page: Path, width: int, out: Path, height: int = 1400) -> None:
    """A PNG of ``page`` at ``width`` px (under 500 px: framed, as headless windows are not
    narrower)."""
    if width >= 500:
        target, size = page.as_uri(), f"{width},{height}"
    else:
        harness = page.with_name(f"shot-{width}.html")
        harness.write_text(
            f'<!doctype html><html><body style="margin:0;background:#888"><iframe src="{page.name}"'
            f' style="width:{width}px;height:{height}px;border:0;background:#fff"></iframe>'
            "</body></html>",
            encoding="utf-8",
        )
        target, size = harness.as_uri(), f"500,{height}"
    subprocess.run(
        [*_flags(browser), "--virtual-time-budget=10000", f"--window-size={size}",
         f"--screenshot={out}", target],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> str:
    found = chromium()
    if found is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    return found


@pytest.fixture(scope="module")
def brief() -> Brief:
    return audited_brief()


@pytest.fixture(scope="module")
def page(brief: Brief, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.html"
    path.write_text(review_page(brief, EXAMPLE).html, encoding="utf-8")
    return path


def _expected(brief: Brief) -> dict[str, set[str]]:
    """Each item's id on the page and the quotes it cites, from the brief itself."""
    index = ArticleIndex(load_article(EXAMPLE).text)
    out: dict[str, set[str]] = {}
    for prefix, items in (("S", brief.summary), ("A", brief.actors), ("P", brief.positions),
                          ("D", brief.disputes), ("N", brief.next_steps)):  # fmt: skip
        for i, item in enumerate(items, 1):
            out[f"i-{prefix}{i}"] = {c.quote for c in item.evidence}
    for i, d in enumerate(brief.grounding.dropped, 1):
        cited = d.content.get("evidence", []) if isinstance(d.content, dict) else []
        out[f"i-X{i}"] = {seg.text for n in cited if (seg := index.segment(n)) is not None}
    return out


def _no_side_scroll(result: dict[str, Any], width: int) -> None:
    assert result["innerWidth"] == width
    assert result["scrollWidth"] <= result["innerWidth"], result["wide"]


@pytest.mark.parametrize("width", [1200, 400])
def test_review_page_in_chromium(browser: str, page: Path, brief: Brief, width: int) -> None:
    result = measure(browser, page, width)
    _no_side_scroll(result, width)
    assert result["text"] == load_article(EXAMPLE).text  # the article, exactly as read
    # Every highlighted span's text (in the DOM) is its citation's quote, item by item.
    links = [(owner, target) for owner, target in result["links"]]
    expected = _expected(brief)
    assert set(expected) == set(result["items"])
    for item, quotes in expected.items():
        numbers = [t[1:] for o, t in links if o == item and re.fullmatch(r"c\d+", t)]
        assert {result["cites"][n] for n in numbers} == quotes, item
    # Every link lands: item -> span, and the span's marker links back to the item.
    ids = set(result["ids"])
    assert all(target in ids for _, target in links), [t for _, t in links if t not in ids]
    for owner, target in links:
        if owner and owner.startswith("i-") and re.fullmatch(r"c\d+", target):
            assert (target, owner) in links, (owner, target)
    # A dropped item and its reasons are on the page, visible.
    dropped = [v for k, v in result["items"].items() if k.startswith("i-X")]
    assert len(dropped) == len(brief.grounding.dropped) >= 5
    for d, shown in zip(brief.grounding.dropped, dropped, strict=True):
        assert shown["visible"] and "dropped" in shown["cls"]
        reasons = [text for text, seen in shown["reasons"] if seen]
        assert all(any(r in text for text in reasons) for r in d.reasons), (d.reasons, reasons)
    # An item not established, with the verifying model's verdict on it, is marked so, visibly.
    partly = result["items"]["i-S3"]  # see tests/reviews.py
    assert partly["visible"] and "not_established" in partly["cls"]
    assert "not established" in partly["text"] and "--verify: partly" in partly["text"]
    assert result["scripts"] == 1 and "script-src 'sha256-" in result["csp"]


def test_the_page_script_lights_an_items_spans(browser: str, page: Path) -> None:
    """Opened at an item, its spans are lit by the page's own (hash-allowed) script."""
    result = measure(browser, page, 1200, fragment="i-N1")
    numbers = [t[1:] for o, t in result["links"] if o == "i-N1" and t.startswith("c")]
    assert numbers and "i-N1" in result["lit"]
    lit = {n for x in result["lit"] if x.startswith("mark:") for n in x[5:].split()}
    assert set(numbers) <= lit
    marker = measure(browser, page, 1200, fragment=f"c{numbers[0]}")
    assert "i-N1" in marker["lit"]  # a span lights every item that cites it


def test_no_other_script_runs(browser: str, page: Path, tmp_path: Path) -> None:
    evil = tmp_path / "evil.html"
    script = "<script>document.documentElement.setAttribute('data-ran','yes')</script>"
    evil.write_text(page.read_text(encoding="utf-8").replace("</body>", script + "</body>"))
    result = measure(browser, evil, 1200)
    assert result["scripts"] == 2 and result["ran"] is None


@pytest.mark.parametrize(
    ("fixture", "lang", "direction"),
    [("zh-shenzhen-ditie.txt", "zh", "ltr"), ("ar-amman-hafilat.txt", "ar", "rtl")],
)
@pytest.mark.parametrize("width", [1200, 400])
def test_cjk_and_right_to_left_articles(
    browser: str, tmp_path: Path, fixture: str, lang: str, direction: str, width: int
) -> None:
    text = load_article(I18N / fixture).text
    brief = first_sentences_brief(text)
    path = tmp_path / "review.html"
    path.write_text(review_page(brief, text).html, encoding="utf-8")
    result = measure(browser, path, width)
    _no_side_scroll(result, width)
    assert result["text"] == text
    assert result["langs"] == [[lang, direction, direction]]
    for i, summary in enumerate(brief.summary, 1):
        numbers = [t[1:] for o, t in result["links"] if o == f"i-S{i}" and t.startswith("c")]
        assert {result["cites"][n] for n in numbers} == {c.quote for c in summary.evidence}


def test_a_30000_word_article(browser: str, tmp_path: Path) -> None:
    text = long_article(30_000)
    path = tmp_path / "review.html"
    review = review_page(long_brief(text), text)
    path.write_text(review.html, encoding="utf-8")
    result = measure(browser, path, 1200)
    _no_side_scroll(result, 1200)
    assert result["text"] == load_article(text).text
    assert result["parts"] == review.parts >= 10
    assert all(f"part-{k}" in result["ids"] for k in range(1, review.parts + 1))
