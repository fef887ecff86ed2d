"""The digest's HTML in a real browser: headless Chromium at 1200 px and 400 px.

A digest of the fixture articles (two runs, so that stories are new, updated and have a
timeline) is loaded, unmodified, in an ``<iframe>`` of the given width inside a harness
page; the harness (not the digest) measures the digest's document: its scroll width
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
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from summarizer.digest.run import run_digest
from summarizer.testing import FakeOpenAI
from summarizer.testing.digest import CITY, PORT, UKRAINE, brief_responder, make_config

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
REALISTIC = sorted(p for p in FIXTURES.glob("*.txt") if p.stat().st_size > 2000)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def _synthetic(i: int, names: tuple[str, ...]) -> str:
    first, *rest = names
    return (
        f"Report number {i}: {first} met {' and '.join(rest) or 'nobody else'} on day {i}. "
        f"{first} said the talks were difficult after a long night of argument. "
        + "".join(f"{n} wants a different deal before the end of the month. " for n in rest)
        + "Negotiators will meet again next week."
    )


def fixture_digest(root: Path) -> Path:
    """Two digest runs over the fixture articles and a continuing story; the second
    digest's HTML file."""
    news = root / "news"
    for path in REALISTIC:
        _write(news, path.name, path.read_text(encoding="utf-8"))
    for i, names in enumerate([UKRAINE, PORT]):
        _write(news, f"story-{i}.txt", _synthetic(i, names))
    with FakeOpenAI(responder=brief_responder()) as model:
        config = make_config(model, root, sources=[str(news)], out=root / "out1")
        run_digest(config)
        for i, names in enumerate([UKRAINE[:2], PORT[1:], CITY], 10):
            _write(news, f"story-{i}.txt", _synthetic(i, names))
        # a week window: the first run's articles show again (unchanged, or as context)
        again = config.model_copy(update={"out": root / "out2", "since": timedelta(days=7)})
        run_digest(again)
    (page,) = (root / "out2").glob("*.html")
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
