"""The digest's HTML in a real browser: headless Chromium at 1200 px and 400 px.

The third morning's digest of the three-day corpus (tests/fixtures/digest-days, with the
abstractive loopback model: developing stories, timelines with history, a wire re-write
"also reported", one-offs) is loaded, unmodified, in an ``<iframe>`` of the given width
inside a harness page; the harness (not the digest) measures the digest's document: its scroll width
against the frame's width, the contents links against the ids of the page, the scripts
in it. Chromium is driven by its command line (``--dump-dom``): no new Python dependency.
Headless windows are at least 500 px wide, hence the frame. Skipped without Chromium
(Debian: ``apt-get install -y chromium``).

``scripts/digest-screenshots`` uses :func:`fixture_digest` and :func:`screenshot` to
regenerate ``docs/digest-1200.png`` and ``docs/digest-400.png``.
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

from summarizer.digest.config import DigestConfig
from summarizer.testing import MockOpenAI
from summarizer.testing.abstractive import abstractive_responder
from summarizer.testing.digest import make_config
from summarizer.testing.storykey import replay


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def fixture_digest(root: Path) -> Path:
    """Three mornings of the digest-days corpus (tests/fixtures/digest-days: ongoing stories,
    a wire re-write, one-offs) with the abstractive loopback model; the third morning's HTML
    file: developing stories with what changed, timelines with history, "also reported"."""
    corpus = Path(__file__).parent / "fixtures" / "digest-days"
    mock = MockOpenAI(responder=abstractive_responder())

    def config(news: Path, day: str) -> DigestConfig:
        return make_config(mock, root, sources=[str(news)], out=root / f"out-{day}",
                           title="Morning digest")  # fmt: skip

    replay(corpus, root, config, transport=mock.transport)
    (page,) = (root / "out-day3").glob("*.html")
    return page


_HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head>
<body style="margin:0"><iframe id="f" src="{src}" style="width:{width}px;height:{height}px;
border:0"></iframe><script>
document.getElementById('f').addEventListener('load', function () {{
  var w = this.contentWindow, d = this.contentDocument;
  var links = Array.prototype.map.call(d.querySelectorAll('#contents a[href^="#"]'),
    function (a) {{ var id = a.getAttribute('href').slice(1);
      return [id, !!d.getElementById(id)]; }});
  var csp = d.querySelector('meta[http-equiv="Content-Security-Policy"]');
  var wide = Array.prototype.filter.call(d.querySelectorAll('body *'),
    function (e) {{ return e.getBoundingClientRect().right > w.innerWidth + 0.5; }})
    .map(function (e) {{ return e.tagName + '.' + e.className; }}).slice(0, 5);
  document.body.setAttribute('data-result', JSON.stringify({{
    scrollWidth: d.documentElement.scrollWidth, innerWidth: w.innerWidth,
    links: links, scripts: d.querySelectorAll('script').length,
    csp: csp ? csp.getAttribute('content') : null, title: d.title,
    ran: d.documentElement.getAttribute('data-ran'), wide: wide,
    details: d.querySelectorAll('details').length,
    open: d.querySelectorAll('details[open]').length,
    titled: d.querySelectorAll('sup a[title]').length }}));
}});
</script></body></html>"""


def _flags(browser: str) -> list[str]:
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--allow-file-access-from-files", "--virtual-time-budget=10000"]  # fmt: skip


def measure(browser: str, page: Path, width: int, height: int = 900) -> dict[str, Any]:
    harness = page.with_name(f"harness-{width}.html")
    harness.write_text(_HARNESS.format(src=page.name, width=width, height=height))
    done = subprocess.run(
        [*_flags(browser), "--window-size=1300,1000", "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    found = re.search(r'data-result="([^"]*)"', done.stdout)
    assert found, f"no result from chromium: {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def screenshot(browser: str, page: Path, width: int, out: Path, height: int = 1400) -> None:
    """A PNG of ``page`` at ``width`` px (400 px: framed, since headless windows are >= 500)."""
    if width >= 500:
        target, size = page.as_uri(), f"{width},{height}"
    else:
        harness = page.with_name(f"shot-{width}.html")
        harness.write_text(
            f'<!doctype html><html><body style="margin:0;background:#888"><iframe src="{page.name}"'
            f' style="width:{width}px;height:{height}px;border:0;background:#fff"></iframe>'
            "</body></html>"
        )
        target, size = harness.as_uri(), f"500,{height}"
    subprocess.run(
        [*_flags(browser), f"--window-size={size}", f"--screenshot={out}", target],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> str:
    found = chromium()
    if found is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    return found


@pytest.fixture
def page(tmp_path: Path) -> Path:
    return fixture_digest(tmp_path)


@pytest.mark.parametrize("width", [1200, 400])
def test_digest_page_in_chromium(browser: str, page: Path, width: int) -> None:
    result = measure(browser, page, width)

    assert result["innerWidth"] == width
    assert result["scrollWidth"] <= result["innerWidth"], result["wide"]  # no side scroll
    assert len(result["links"]) >= 5
    assert all(found for _, found in result["links"]), result["links"]  # contents -> stories
    assert result["scripts"] == 0 and "script-src 'none'" in result["csp"]
    assert result["details"] > 0 and result["open"] == 0  # cards collapsed by default
    assert result["titled"] > 0  # each citation shows its quote on hover


def test_no_script_runs_even_if_one_slips_in(browser: str, page: Path) -> None:
    """The CSP, not only the escaping: a script put into the page does not run."""
    text = page.read_text(encoding="utf-8")
    evil = "<script>document.documentElement.setAttribute('data-ran','yes')</script>"
    page.write_text(text.replace("</body>", evil + "</body>"), encoding="utf-8")
    result = measure(browser, page, 1200)
    assert result["scripts"] == 1 and result["ran"] is None
