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
    assert {"json", "jsonl", "markdown", "text", "html", "review"} <= modules
    for name in formats.names():
        chosen = formats.get(name)
        assert chosen.name == name and chosen.suffix and "/" in chosen.media_type
    with pytest.raises(ValueError, match="unknown format 'csv': use one of"):
        formats.get("csv")


def test_every_format_renders_one_brief_and_joins_many(briefs: list[Brief]) -> None:
    one, two = briefs
    texts = [ARTICLE, ARTICLE.replace("Halden", "Varna")]  # each brief's article
    for name in formats.names():
        alone = render(one, name, article=texts[0])  # the formats that do not show it ignore it
        assert "Port Halden" in alone, name
        if formats.get(name).join is None:  # one file per brief (the review page): not joined
            with pytest.raises(ValueError, match="one file per brief"):
                render_many(briefs, name, articles=texts)
            assert render_many([two], name, articles=texts[1:]) == render(
                two, name, article=texts[1]
            )
            continue
        both = render_many(briefs, name, articles=texts)
        assert both == render_many(briefs, name), name
        assert "Port Halden" in both and "Port Varna" in both, name
        assert both.index("Port Halden") < both.index("Port Varna"), name  # in order


def test_the_review_format_needs_the_article(briefs: list[Brief]) -> None:
    """A brief holds its quotes and offsets, not the text: the review page is rendered with
    the article the brief was made from (docs/review.md), and refused without it."""
    with pytest.raises(ValueError, match="beside its article"):
        render(briefs[0], "review")
    page = render(briefs[0], "review", article=ARTICLE)
    assert page.startswith("<!doctype html>") and "SHA-256 matches" in page
    assert formats.get("review").suffix == "html"


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
