"""``summarizer verify`` and ``summarizer.verify``: any brief, checked against its article."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import load_article
from summarizer.engine.verification import Verification, verify

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"
TEXT = load_article(EXAMPLE).text


def span(quote: str) -> dict[str, Any]:
    start = TEXT.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


GOOD_V1: dict[str, Any] = {  # schema 1: evidence as plain strings
    "schema_version": 1,
    "headline": "Port Halden dockworkers extend their strike",
    "summary": [
        {
            "text": "Dockworkers at Port Halden voted to extend their strike for another week.",
            "evidence": ["Dockworkers at Port Halden voted on Monday to extend their strike"],
        },
        {
            "text": "Talks are due to resume on Thursday at the regional labour board.",
            "evidence": [
                "Talks are due to resume on Thursday at the offices of the regional labour board."
            ],
        },
    ],  # fmt: skip
    "actors": [
        {
            "id": "varga",
            "name": "Elena Varga",
            "kind": "person",
            "role": "Transport minister",
            "evidence": ["Transport minister Elena Varga said the government would not intervene"],
        }
    ],
}


def test_a_supported_v1_brief_passes() -> None:
    result = verify(GOOD_V1, EXAMPLE)
    assert isinstance(result, Verification)
    assert result.ok, [(i.path, i.reasons) for i in result.items if not i.supported]
    assert [i.path for i in result.items] == ["headline", "summary[0]", "summary[1]", "actors[0]"]
    assert all(i.supported and i.reasons == [] for i in result.items)


def test_v2_citations_with_offsets_and_an_article_object() -> None:
    brief = json.loads(json.dumps(GOOD_V1))
    brief["summary"][0]["evidence"] = [span("voted on Monday to extend their strike")]
    result = verify(brief, load_article(EXAMPLE))
    assert result.ok


def test_unsupported_items_say_why() -> None:
    brief = json.loads(json.dumps(GOOD_V1))
    brief["summary"][1]["text"] = "Talks resumed on Friday and a deal was signed."
    brief["actors"][0]["role"] = "Prime minister who ordered the strike to end"
    result = verify(brief, TEXT)
    bad = {i.path: i for i in result.items if not i.supported}
    assert set(bad) == {"summary[1]", "actors[0]"}
    assert any("Friday" in r for r in bad["summary[1]"].reasons)
    assert all(r.startswith("role:") for r in bad["actors[0]"].reasons)
    assert not result.ok and result.supported == 2 and result.unsupported == 2


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", "verify", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_cli_exit_0_when_every_item_is_supported(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(GOOD_V1), encoding="utf-8")
    result = run(str(path), str(EXAMPLE), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["supported"] == 4 and data["unsupported"] == 0
        assert {"path", "text", "supported", "reasons"} <= set(data["items"][0])
    else:
        assert result.stdout.rstrip().endswith("4 supported, 0 not supported")


def test_cli_exit_5_when_an_item_is_not_supported(tmp_path: Path) -> None:
    brief = json.loads(json.dumps(GOOD_V1))
    brief["summary"][0]["text"] = "Dockworkers voted to end their strike."
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = run(str(path), str(EXAMPLE), "--format", "json")
    assert result.returncode == 5, result.stderr
    items = {i["path"]: i for i in json.loads(result.stdout)["items"]}
    assert items["summary[0]"]["supported"] is False and items["summary[0]"]["reasons"]


@pytest.mark.parametrize(
    ("brief_text", "article"),
    [
        (None, str(EXAMPLE)),  # no brief file
        ("{not json", str(EXAMPLE)),
        ("[1, 2]", str(EXAMPLE)),  # JSON, but not an object
        (json.dumps(GOOD_V1), "/nonexistent/article.txt"),
    ],
)
def test_cli_exit_3_for_bad_input(tmp_path: Path, brief_text: str | None, article: str) -> None:
    path = tmp_path / "brief.json"
    if brief_text is not None:
        path.write_text(brief_text, encoding="utf-8")
    result = run(str(path), article)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_headline_is_checked_against_the_sentences_the_summary_quotes() -> None:
    """As the pipeline checks it against the segments its summary cites by number: a quote
    stands for the sentence that holds it."""
    brief = {
        "headline": "Port Halden dockworkers extend their strike for another week",
        "summary": [
            {
                "text": "Dockworkers voted to extend their strike for another week.",
                "evidence": ["Dockworkers at Port Halden voted on Monday"],
            }
        ],
    }
    result = verify(brief, EXAMPLE)
    assert result.ok, [(i.path, i.reasons) for i in result.items]
