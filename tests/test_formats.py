"""The output-format registry (summarizer/formats/): one module per format, found by name,
used by ``summarize --format``, ``batch collect`` and the digest's file names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from briefs import ARTICLE, draft_json
from typer.testing import CliRunner

import summarizer.formats as formats
from summarizer import Brief, Summarizer, render, render_many
from summarizer.cli.app import app
from summarizer.testing import MockOpenAI, Reply, completion

PACKAGE = Path(formats.__file__).parent


@pytest.fixture(scope="module")
def briefs() -> Iterator[list[Brief]]:
    mock = MockOpenAI()
    mock.default = Reply(body=completion(draft_json()))
    with Summarizer(base_url=mock.base_url, model="m", mode="json_schema",
                    transport=mock.transport) as s:  # fmt: skip
        yield [s.summarize(ARTICLE), s.summarize(ARTICLE.replace("Halden", "Varna"))]


def test_the_formats_are_the_modules_of_the_package() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    assert set(formats.names()) == modules
    assert {"json", "jsonl", "markdown", "text", "html"} <= modules
    for name in formats.names():
        chosen = formats.get(name)
        assert chosen.name == name and chosen.suffix and "/" in chosen.media_type
    with pytest.raises(ValueError, match="unknown format 'csv': use one of"):
        formats.get("csv")


def test_every_format_renders_one_brief_and_joins_many(briefs: list[Brief]) -> None:
    one, two = briefs
    for name in formats.names():
        alone, both = render(one, name), render_many(briefs, name)
        assert "Port Halden" in alone, name
        assert "Port Halden" in both and "Port Varna" in both, name
        assert both.index("Port Halden") < both.index("Port Varna"), name  # in order


def test_json_is_the_brief_and_an_array_for_many(briefs: list[Brief]) -> None:
    assert Brief.model_validate_json(render(briefs[0], "json")) == briefs[0]
    assert [Brief.model_validate(b) for b in json.loads(render_many(briefs, "json"))] == briefs
    lines = render_many(briefs, "jsonl").splitlines()
    assert [Brief.model_validate_json(line) for line in lines] == briefs


def test_summarize_takes_any_registered_format_and_refuses_others(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    refused = CliRunner().invoke(app, ["summarize", str(path), "--format", "csv"])
    assert refused.exit_code == 2 and "use one of" in refused.output
    mock = MockOpenAI()
    mock.default = Reply(body=completion(draft_json()))
    # the CLI builds its own client: the format is what is checked here, through the library
    with Summarizer(base_url=mock.base_url, model="m", mode="json_schema",
                    transport=mock.transport) as s:  # fmt: skip
        brief = s.summarize(path)
    assert render(brief, "text").startswith(brief.headline)
    assert "<!doctype html>" in render(brief, "html")
