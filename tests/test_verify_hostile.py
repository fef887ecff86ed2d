"""``summarizer verify`` given a hostile brief (issue 23 #12-#14): a brief that is not the
shape of one is bad input (exit 3, one line), citation offsets are checked against the
article, and nothing from the brief reaches the terminal with a control or bidi character."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_verify import GOOD_V1, TEXT, span

from summarizer.engine.verification import verify

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


def run(brief: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", "verify",
         str(brief), str(EXAMPLE), *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip


def v2() -> dict[str, Any]:
    """GOOD_V1 with a dispute and citations carrying offsets (schema 2's shape)."""
    brief = json.loads(json.dumps(GOOD_V1))
    brief["summary"][0]["evidence"] = [span("voted on Monday to extend their strike")]
    brief["disputes"] = [
        {
            "issue": "Dockworkers at Port Halden voted to extend their strike.",
            "sides": [{"actors": ["varga"], "claim": "The government would not intervene."}],
            "status": "open",
            "evidence": [
                span("Dockworkers at Port Halden voted on Monday to extend their strike"),
                span("Transport minister Elena Varga said the government would not intervene"),
            ],
        }
    ]
    return brief


# --- 12: not the shape of a brief -----------------------------------------------------------


def _evidence_5(b: dict[str, Any]) -> None:
    b["summary"][0]["evidence"] = 5


def _actors_5(b: dict[str, Any]) -> None:
    b["disputes"][0]["sides"][0]["actors"] = 5


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (_evidence_5, "summary[0].evidence is not a list"),
        (_actors_5, "disputes[0].sides[0].actors is not a list"),
    ],
)
def test_a_field_of_the_wrong_type_is_bad_input(tmp_path: Path, spoil: Any, said: str) -> None:
    brief = v2()
    spoil(brief)
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = run(path)
    assert result.returncode == 3, result.stderr
    assert said in result.stderr and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_deep_nesting_and_a_lone_surrogate_are_bad_input(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"headline": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    lone = tmp_path / "lone.json"
    lone.write_text(json.dumps({**GOOD_V1, "headline": "Port \ud800 Halden"}), encoding="utf-8")
    for path, said in ((deep, "nested"), (lone, "lone surrogate")):
        result = run(path)
        assert result.returncode == 3, result.stderr
        assert said in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr


# --- 13: offsets ------------------------------------------------------------------------------


GOOD = span("voted on Monday to extend their strike")
BAD_OFFSETS = {
    "negative": {**GOOD, "start": -10},
    "past-the-end": {**GOOD, "end": len(TEXT) + 50},
    "huge": {**GOOD, "start": 10**400, "end": 10**400 + 5},
    "strings": {**GOOD, "start": str(GOOD["start"]), "end": str(GOOD["end"])},
    "reversed": {**GOOD, "start": GOOD["end"], "end": GOOD["start"]},
    "nan": {**GOOD, "start": float("nan")},
    "elsewhere": {**GOOD, "start": GOOD["start"] + 1, "end": GOOD["end"] + 1},
}


@pytest.mark.parametrize("case", sorted(BAD_OFFSETS))
def test_citation_offsets_that_do_not_hold_the_quote_fail_the_item(
    tmp_path: Path, case: str
) -> None:
    brief = v2()
    brief["summary"][0]["evidence"] = [BAD_OFFSETS[case]]
    result = verify(brief, TEXT)
    bad = {i.path: i.reasons for i in result.items if not i.supported}
    assert list(bad) == ["summary[0]"], bad
    assert bad["summary[0]"][0].startswith("evidence[0]: ")
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief), encoding="utf-8")  # NaN and 10**400 as JSON has them
    assert run(path).returncode == 5


def test_offsets_that_hold_the_quote_pass() -> None:
    result = verify(v2(), TEXT)
    assert result.ok, [(i.path, i.reasons) for i in result.items if not i.supported]


# --- 14: the terminal -------------------------------------------------------------------------


def test_escapes_in_a_brief_never_reach_the_terminal(tmp_path: Path) -> None:
    brief = v2()
    brief["summary"][1]["text"] = "Talks \x1b]0;PWNED\x07resume\x9b2J on \u202eThursday.\nSECOND"
    brief["actors"][0]["name"] = "Elena \x1b[2J Varga"
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    for fmt in ("text", "json"):
        result = run(path, "--format", fmt)
        assert result.returncode in (0, 5), result.stderr
        out = result.stdout
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, out
        assert "\u202e" not in out
        assert not any(line.startswith("SECOND") for line in out.splitlines())
        assert "PWNED" in out  # the text is shown, without the controls
