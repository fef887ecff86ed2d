"""The CLI as users run it: a real subprocess against a scripted loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from briefs import ARTICLE, draft, draft_json

from summarizer import Brief
from summarizer.article import load_article
from summarizer.testing import FakeOpenAI, Reply, completion

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "port-strike.txt"


def cli(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    prelude: str = "",
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"{prelude}from summarizer.cli.app import main; main()", *args],
        input=stdin if stdin is not None or preexec_fn is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec_fn,
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
    # offsets are into the article as loaded (its dateline read apart: issue 20)
    text = load_article(EXAMPLE).text
    assert ARTICLE.startswith(text.split("\n")[0]) and "HALDEN, 3 March:" not in text
    for item in [*brief.summary, *brief.actors, *brief.positions, *brief.disputes]:
        assert all(text[c.start : c.end] == c.quote for c in item.evidence)
    assert "{" not in result.stderr


def test_json_is_the_default_when_stdout_is_not_a_terminal(backend: FakeOpenAI) -> None:
    result = cli("summarize", str(EXAMPLE))
    assert result.returncode == 0
    assert json.loads(result.stdout)["schema_version"] == 2


def test_markdown_and_text_formats(backend: FakeOpenAI) -> None:
    md = cli("summarize", str(EXAMPLE), "--format", "markdown")
    assert md.returncode == 0
    assert md.stdout.startswith("# Port Halden dockworkers extend their strike")
    assert "## Open disputes" in md.stdout
    assert "[^1]: “" in md.stdout  # the citations, as footnotes with their quotes
    text = cli("summarize", str(EXAMPLE), "-f", "text")
    assert "Next steps:" in text.stdout and "Sources in the article:" in text.stdout
    html = cli("summarize", str(EXAMPLE), "-f", "html")
    assert html.stdout.startswith("<!doctype html>") and "<script" not in html.stdout
    assert 'title="Talks are due to resume on Thursday' in html.stdout  # hover shows the quote


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


def test_an_empty_brief_is_exit_5_with_one_line(backend: FakeOpenAI) -> None:
    """Issue 20: nothing of the answer survived grounding; that is no brief, and says why
    (never exit 0 with nothing)."""
    bad = draft()
    for part in (bad.summary, bad.actors, bad.positions, bad.disputes, bad.next_steps):
        for item in part:
            item.evidence = ["words that are not in the article at all"]
    bad.actors = []
    backend.default = Reply(body=completion(bad.model_dump_json()))
    result = cli("summarize", str(EXAMPLE), "--max-reasks", "0")
    assert result.returncode == 5
    lines = result.stderr.strip().splitlines()
    assert any("the brief is empty" in line and "items dropped" in line for line in lines)
    assert "Traceback" not in result.stderr and result.stdout == ""


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


# --- issue 13: the one-line contract, early configuration checks, secrets in URLs ----------


class _Site(ThreadingHTTPServer):
    """A loopback site: ``/redirect`` sends to ``target``; every request's headers are kept."""

    daemon_threads = True
    target = ""
    seen: list[tuple[str, dict[str, str]]]


class _Page(BaseHTTPRequestHandler):
    server: _Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.endswith("/models") and self.server.target:
            self.send_response(302)
            self.send_header("Location", self.server.target + "/v1/models")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (Path(__file__).parent / "fixtures" / "articles" / "no-text.html").read_bytes()
        if self.path.endswith("/models"):
            body = b'{"data": []}'
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if b"<" in body else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def sites() -> Iterator[tuple[_Site, _Site]]:
    """Two sites on two loopback addresses: 127.0.0.1 and 127.0.0.2."""
    servers = [_Site((host, 0), _Page) for host in ("127.0.0.1", "127.0.0.2")]
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}) for s in servers
    ]
    for server, thread in zip(servers, threads, strict=True):
        server.seen = []
        thread.start()
    try:
        yield servers[0], servers[1]
    finally:
        for server, thread in zip(servers, threads, strict=True):
            server.shutdown()
            server.server_close()
            thread.join()


def _base(site: _Site) -> str:
    host, port = site.server_address[:2]
    return f"http://{host!s}:{port}"


def _one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: "), lines
    return lines[0]


def test_backends_probe_drops_the_key_on_a_redirect_to_another_host(
    sites: tuple[_Site, _Site],
) -> None:
    first, second = sites
    first.target = _base(second)
    key = "sk-test-REDIRECT-0123456789abcdef"
    result = cli("backends", "--base-url", _base(first) + "/v1", "--model", "m",
                 env={"OPENAI_API_KEY": key})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "answers (HTTP 200)" in result.stdout
    assert first.seen[0][1].get("authorization") == f"Bearer {key}"
    assert second.seen and "authorization" not in second.seen[0][1]


def test_url_credentials_are_redacted_in_backends_and_errors(sites: tuple[_Site, _Site]) -> None:
    host, port = sites[0].server_address[:2]
    url = f"http://alice:pa55w0rd-XYZ@{host!s}:{port}/v1?token=tok-SECRET-123"
    shown = cli("backends", "--base-url", url, "--model", "m")
    assert shown.returncode == 0, shown.stderr
    assert "pa55w0rd" not in shown.stdout and "tok-SECRET" not in shown.stdout
    assert "[REDACTED]" in shown.stdout
    failed = cli("summarize", str(EXAMPLE), "--base-url", url.replace(str(port), "9"),
                 "--model", "m", env={"SUMMARIZER_TRANSPORT_ATTEMPTS": "1"})  # fmt: skip
    assert failed.returncode == 4
    assert "pa55w0rd" not in failed.stderr and "tok-SECRET" not in failed.stderr


@pytest.mark.parametrize(
    ("base_url", "fragment"),
    [
        ("localhost:8080/v1", "must start with http:// or https://"),
        ("ftp://127.0.0.1/v1", "must start with http:// or https://"),
        ("http://127.0.0.1:99999/v1", "not a valid URL"),
        ("http://127.0.0.1:port/v1", "not a valid URL"),
    ],
)
def test_bad_base_url_is_exit_2_at_once(backend: FakeOpenAI, base_url: str, fragment: str) -> None:
    for args, env in (
        (["--base-url", base_url], {}),
        ([], {"SUMMARIZER_BASE_URL": base_url}),
        ([], {"SUMMARIZER_BASE_URL": "", "OPENAI_BASE_URL": base_url}),
    ):
        result = cli("summarize", str(EXAMPLE), "--model", "m", *args, env=env)
        assert fragment in _one_error_line(result, 2)
    assert backend.calls == 0


def test_stdin_closed_is_one_line_exit_3(backend: FakeOpenAI) -> None:
    result = cli("summarize", "-", preexec_fn=lambda: os.close(0))
    assert "standard input is closed" in _one_error_line(result, 3)
    assert backend.calls == 0


def test_output_to_a_directory_is_exit_2_before_any_call(
    backend: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = cli("summarize", str(EXAMPLE), "-o", str(folder))
    assert "is a directory" in _one_error_line(result, 2)
    (folder / "file").write_text("x")
    result = cli("summarize", str(EXAMPLE), "-o", str(folder / "file" / "brief.json"))
    assert "is not a directory" in _one_error_line(result, 2)
    assert backend.calls == 0
    assert sorted(p.name for p in folder.iterdir()) == ["file"]


def test_output_on_a_full_disk_is_one_line_and_leaves_nothing(
    backend: FakeOpenAI, tmp_path: Path
) -> None:
    """A file size limit stands in for a full disk: the write fails halfway (EFBIG)."""
    prelude = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512)); "
    )
    out = tmp_path / "out" / "brief.json"
    result = cli("summarize", str(EXAMPLE), "--no-cache", "-o", str(out), prelude=prelude)
    line = _one_error_line(result, 1)
    assert f"cannot write {out}" in line and "File too large" in line
    assert list(out.parent.iterdir()) == []


def test_trafilatura_log_lines_do_not_break_the_one_line_error(
    backend: FakeOpenAI, sites: tuple[_Site, _Site]
) -> None:
    result = cli("summarize", _base(sites[0]) + "/no-text.html")
    assert "no article text found in the HTML" in _one_error_line(result, 3)


def test_terminal_escapes_in_an_article_never_reach_the_terminal(
    backend: FakeOpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "escapes.txt"
    path.write_text("\x1b]0;OWNED\x07\x1b[2J" + ARTICLE, encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        result = cli("summarize", str(path), "-f", fmt)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\u001b" not in result.stdout
