"""The CLI as users run it: a real subprocess against a scripted loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from briefs import ARTICLE, draft, draft_json
from fakeopenai import FakeOpenAI, Reply, completion

from summarizer import Brief

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


def cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.default = Reply(body=completion(draft_json()))
        yield fake


@pytest.fixture
def backend(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("SUMMARIZER_BASE_URL", server.base_url)
    monkeypatch.setenv("SUMMARIZER_MODEL", "fake-model")
    monkeypatch.setenv("SUMMARIZER_MODE", "json_schema")
    monkeypatch.setenv("SUMMARIZER_RETRY_MAX_WAIT_S", "0")
    return server


def test_json_on_stdout_only_and_valid_against_the_published_schema(
    backend: FakeOpenAI,
) -> None:
    import jsonschema

    result = cli("summarize", str(EXAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    schema = json.loads(cli("schema", "brief").stdout)
    jsonschema.validate(json.loads(result.stdout), schema)
    brief = Brief.model_validate_json(result.stdout)
    assert brief.headline == draft().headline
    for item in [*brief.summary, *brief.actors, *brief.positions, *brief.disputes]:
        assert all(q in ARTICLE for q in item.evidence)
    assert "{" not in result.stderr


def test_json_is_the_default_when_stdout_is_not_a_terminal(backend: FakeOpenAI) -> None:
    result = cli("summarize", str(EXAMPLE))
    assert result.returncode == 0
    assert json.loads(result.stdout)["schema_version"] == 1


def test_markdown_and_text_formats(backend: FakeOpenAI) -> None:
    md = cli("summarize", str(EXAMPLE), "--format", "markdown")
    assert md.returncode == 0
    assert md.stdout.startswith("# Port Halden strike extended")
    assert "## Open disputes" in md.stdout
    text = cli("summarize", str(EXAMPLE), "-f", "text")
    assert "Next steps:" in text.stdout


def test_stdin_and_output_file(backend: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "brief.json"
    result = cli("summarize", "-", "--output", str(out), stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert Brief.model_validate_json(out.read_text()).attempts == 1
    assert [p.name for p in out.parent.iterdir()] == ["brief.json"]


def test_flag_beats_environment(backend: FakeOpenAI) -> None:
    cli("summarize", str(EXAMPLE), "--model", "flag-model")
    assert backend.chat_requests[-1]["json"]["model"] == "flag-model"
    cli("summarize", str(EXAMPLE))
    assert backend.chat_requests[-1]["json"]["model"] == "fake-model"


def test_exit_2_for_usage_errors() -> None:
    assert cli("summarize").returncode == 2
    assert cli("summarize", "x", "--no-such-flag").returncode == 2
    assert cli("summarize", "x", "--format", "yaml").returncode == 2


def test_exit_2_for_configuration_errors(isolated: Path) -> None:
    (isolated / "config.toml").write_text("max_reasks = 'many'\n")
    result = cli("summarize", str(EXAMPLE))
    assert result.returncode == 2
    assert result.stderr.startswith("summarizer: error: setting max_reasks")


def test_exit_3_for_bad_input_one_line_no_traceback(backend: FakeOpenAI, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    for source in (str(tmp_path / "missing.txt"), str(empty), "ftp://example.com/a"):
        result = cli("summarize", source)
        assert result.returncode == 3, (source, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("summarizer: error:"), lines
        assert "Traceback" not in result.stderr
    assert backend.calls == 0


def test_exit_4_for_backend_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_ATTEMPTS", "1")
    result = cli("summarize", str(EXAMPLE), "--base-url", "http://127.0.0.1:9/v1", "--model", "m")
    assert result.returncode == 4
    assert "cannot reach http://127.0.0.1:9/v1" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_5_under_strict_and_debug_shows_traceback(backend: FakeOpenAI) -> None:
    bad = draft()
    bad.positions[0].evidence = ["not in the article"]
    backend.default = Reply(body=completion(bad.model_dump_json()))
    lenient = cli("summarize", str(EXAMPLE), "--max-reasks", "0")
    assert lenient.returncode == 0
    assert "dropped 1 ungrounded item" in lenient.stderr
    assert Brief.model_validate_json(lenient.stdout).grounding.items_dropped == 1
    strict = cli("summarize", str(EXAMPLE), "--strict", "--max-reasks", "0")
    assert strict.returncode == 5
    assert "Traceback" not in strict.stderr
    debug = cli("--debug", "summarize", str(EXAMPLE), "--strict", "--max-reasks", "0")
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_many_sources_one_bad_keeps_the_others(backend: FakeOpenAI, tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text(ARTICLE)
    result = cli("summarize", str(EXAMPLE), str(tmp_path / "missing.txt"), str(second))
    assert result.returncode == 3
    briefs = json.loads(result.stdout)
    assert len(briefs) == 2
    assert "missing.txt" in result.stderr


def test_schema_command_prints_the_brief_schema() -> None:
    result = cli("schema", "brief")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Brief"
    assert "grounding" in schema["properties"]


def test_backends_command_explains_the_choice(backend: FakeOpenAI) -> None:
    result = cli("backends")
    assert result.returncode == 0, result.stderr
    assert f"base_url  {backend.base_url}" in result.stdout
    assert "base_url: environment SUMMARIZER_BASE_URL" in result.stdout
    assert "answers (HTTP 200)" in result.stdout


def test_every_command_has_help() -> None:
    import typer.main

    from summarizer.cli.app import app

    root = typer.main.get_command(app)
    commands = getattr(root, "commands", {})
    assert {"summarize", "schema", "backends", "serve-local"} <= set(commands)

    def walk(group: object, prefix: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            assert (command.help or "").strip(), f"{' '.join([*prefix, name])} has no help"
            walk(command, [*prefix, name])

    walk(root, [])
    result = cli("--help")
    text = " ".join(result.stdout.split())
    assert "Exit codes" in text and "3 bad input" in text
