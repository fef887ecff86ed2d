"""Bad input through the CLI as users meet it: one line naming the input, exit 3, no traceback.

Each case runs ``summarizer summarize`` in its own process against a scripted model server
(which a refused input must never reach) and, for URLs, a small loopback web site. The
processes run side by side, started once for the module; each test checks one of them.
How each input is read or refused in detail is tested in ``test_article.py``; these tests
check what reaches the user. ``docs/reliability.md`` lists them.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import Limits, read_source
from summarizer.base.errors import InputError
from summarizer.cli.exits import exit_code
from summarizer.testing import FakeOpenAI, Reply, completion

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
CAP = 1000  # SUMMARIZER_MAX_INPUT_BYTES for the cases that test a configured cap


# --- a loopback web site ---------------------------------------------------------------


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    hits: list[str]


class _Page(BaseHTTPRequestHandler):
    server: _Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        path = self.path
        if path == "/missing":
            self._send(404, b"not here", "text/plain")
        elif path == "/report.pdf":
            self._send(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
        elif path == "/huge":  # declares more than the default 5 MB cap
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "6000000")
            self.end_headers()
            self.wfile.write(b"x" * 1000)
        elif path == "/long":  # no length: over the configured cap while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"words " * 2000)
            self.close_connection = True
        elif path == "/loop":
            self._send(302, b"", "text/plain", Location="/loop")
        elif path == "/to-ftp":
            self._send(302, b"", "text/plain", Location="ftp://127.0.0.1/file.txt")
        elif path == "/empty":
            self._send(200, b"", "text/html")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"too late", "text/plain")
        else:
            self._send(404, b"", "text/plain")


@pytest.fixture(scope="module")
def site() -> Iterator[_Site]:
    server = _Site(("127.0.0.1", 0), _Page)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def url(site: _Site, path: str) -> str:
    return f"http://127.0.0.1:{site.server_address[1]}{path}"


# --- the cases -------------------------------------------------------------------------


@dataclass
class Case:
    """One CLI run: its source argument, stdin, environment and what must come out."""

    source: Callable[[Path, _Site], str]
    words: str  # in the error line, after "summarizer: error: <source>: "
    stdin: bytes = b""
    env: dict[str, str] = field(default_factory=dict)
    named: str | None = None  # how the error line names the input (default: the argument)


def _file(name: str, content: bytes) -> Callable[[Path, _Site], str]:
    def make(tmp: Path, _site: _Site) -> str:
        path = tmp / name
        path.write_bytes(content)
        return str(path)

    return make


def _sparse(name: str, size: int) -> Callable[[Path, _Site], str]:
    def make(tmp: Path, _site: _Site) -> str:
        path = tmp / name
        with path.open("wb") as handle:
            handle.truncate(size)
        return str(path)

    return make


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", "Not read from inside an archive.")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"

CASES: dict[str, Case] = {
    "empty-file": Case(_file("empty.txt", b""), "file is empty"),
    "whitespace-file": Case(
        _file("blank.txt", b" \n\t\r\n  \n"), "the article is empty (only whitespace)"
    ),
    "pdf": Case(_file("report.txt", b"%PDF-1.7\n1 0 obj\n"), "binary content (a PDF document)"),
    "png": Case(_file("photo.png", PNG), "binary content (a PNG image)"),
    "zip": Case(_file("news.zip", _zip()), "binary content (a zip archive"),
    "over-configured-cap": Case(
        _file("long.txt", b"word " * 300),
        f"file is larger than {CAP} bytes (1500 bytes)",
        env={"SUMMARIZER_MAX_INPUT_BYTES": str(CAP)},
    ),
    "over-default-cap": Case(
        _sparse("huge.txt", 5_000_001), "file is larger than 5000000 bytes (5000001 bytes)"
    ),
    "directory": Case(lambda tmp, _: str(tmp), "is a directory, not a file"),
    "missing-path": Case(lambda tmp, _: str(tmp / "no-such-file.txt"), "file not found"),
    "path-through-a-file": Case(
        lambda tmp, s: _file("plain.txt", b"text")(tmp, s) + "/child.txt", "cannot read file"
    ),
    "empty-stdin": Case(lambda *_: "-", "standard input is empty", named="<stdin>"),
    "stdin-over-cap": Case(
        lambda *_: "-",
        f"input is larger than {CAP} bytes",
        stdin=b"word " * 300,
        env={"SUMMARIZER_MAX_INPUT_BYTES": str(CAP)},
        named="<stdin>",
    ),
    "url-404": Case(lambda _, s: url(s, "/missing"), "HTTP 404 Not Found"),
    "url-not-text": Case(
        lambda _, s: url(s, "/report.pdf"), "content type application/pdf is not HTML or text"
    ),
    "url-declared-too-large": Case(
        lambda _, s: url(s, "/huge"), "response is larger than 5000000 bytes (6000000 bytes)"
    ),
    "url-streamed-too-large": Case(
        lambda _, s: url(s, "/long"),
        f"response is larger than {CAP} bytes",
        env={"SUMMARIZER_MAX_INPUT_BYTES": str(CAP)},
    ),
    "url-redirect-loop": Case(lambda _, s: url(s, "/loop"), "too many redirects (more than 5)"),
    "url-redirect-to-ftp": Case(
        lambda _, s: url(s, "/to-ftp"),
        "redirect to unsupported URL scheme ftp:// (only http and https)",
    ),
    "url-empty-page": Case(lambda _, s: url(s, "/empty"), "the page is empty"),
    "file-url": Case(
        lambda *_: "file:///etc/passwd", "unsupported URL scheme file:// (only http and https)"
    ),
    "ftp-url": Case(
        lambda *_: "ftp://127.0.0.1:{ftp}/pub/article.txt",
        "unsupported URL scheme ftp:// (only http and https)",
    ),
}


@dataclass
class Run:
    argument: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Batch:
    runs: dict[str, Run]
    model_calls: int
    ftp_connections: int
    site_hits: list[str]


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return env | {"SUMMARIZER_HOME": str(home)} | extra


def _command(base_url: str, *args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from summarizer.cli.app import main; main()",
        "summarize",
        "--base-url",
        base_url,
        "--model",
        "fake-model",
        "--mode",
        "json_schema",
        "--format",
        "json",
        *args,
    ]


@pytest.fixture(scope="module")
def batch(site: _Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    """Run every case at once; the model server must not be asked anything."""
    tmp = tmp_path_factory.mktemp("bad-input")
    ftp = socket.socket()  # something listening where the ftp:// URL points
    ftp.bind(("127.0.0.1", 0))
    ftp.listen(8)
    ftp.setblocking(False)
    with FakeOpenAI() as model:
        started = {}
        for name, case in CASES.items():
            work = tmp / name
            work.mkdir()
            argument = case.source(work, site).replace("{ftp}", str(ftp.getsockname()[1]))
            process = subprocess.Popen(
                _command(model.base_url, argument),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_env(work / "home", case.env),
            )
            started[name] = (argument, process)
        runs = {}
        for name, (argument, process) in started.items():
            out, err = process.communicate(CASES[name].stdin, timeout=120)
            runs[name] = Run(argument, process.returncode, out.decode(), err.decode())
        connections = 0
        try:
            while True:
                ftp.accept()[0].close()
                connections += 1
        except BlockingIOError:
            pass
        ftp.close()
        yield Batch(runs, model.calls, connections, list(site.hits))


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_exit_3(batch: Batch, name: str) -> None:
    run, case = batch.runs[name], CASES[name]

    assert run.returncode == 3, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    named = case.named or run.argument
    assert lines[0].startswith("summarizer: error: ")
    assert named in lines[0] and case.words in lines[0], lines[0]


def test_refused_inputs_never_reach_the_model(batch: Batch) -> None:
    assert batch.model_calls == 0


def test_other_schemes_refused_before_any_request(batch: Batch) -> None:
    assert batch.ftp_connections == 0
    assert "root:" not in batch.runs["file-url"].stderr  # /etc/passwd was not read
    # The redirect to ftp:// was refused without following it.
    assert batch.site_hits.count("/to-ftp") == 1


def test_url_timeout_is_an_input_error() -> None:
    """The CLI fetches with a 20 s timeout (not configurable); the library shows the same
    refusal with a short one. ``test_article.py`` covers the trickling-body deadline."""
    server = _Site(("127.0.0.1", 0), _Page)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        with pytest.raises(InputError) as info:
            read_source(url(server, "/slow"), limits=Limits(timeout_s=0.3))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert str(info.value) == f"{url(server, '/slow')}: timed out after 0.3 s"
    assert exit_code(info.value) == 3


# --- decoded or extracted, not refused ---------------------------------------------------


def _grounded_answer(text: str) -> str:
    """A minimal brief of ``text`` quoting its first two lines (so quoting needs the right
    decoding: under --strict a quote the article does not contain fails with exit 5)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    quotes = [lines[0][:120], lines[1][:120]]
    return json.dumps(
        {
            "headline": lines[0][:200],
            # the quoted line itself as the claim: supported by its own words
            "summary": [{"text": q, "evidence": [q]} for q in quotes],
            "actors": [],
            "positions": [],
            "disputes": [],
            "next_steps": [],
        }
    )


DECODED = {
    # fixture: (how to decode it to know its text, words only the right decoding gives)
    "latin1.txt": ("latin-1", "Hélène Dubois"),
    "cp1252.txt": ("cp1252", "union\u2019s leader"),
    "utf16-bom.txt": ("utf-16", "Bürgermeister"),
    "utf8-bom.md": ("utf-8-sig", "Zoë Ødegård"),
}
HTML_TEXT = "Council approves new bridge\nThe city council voted 7 to 2 on Tuesday"


def test_legacy_encodings_and_html_are_read_not_refused(tmp_path: Path) -> None:
    """latin-1, cp1252, UTF-16 and UTF-8 with BOM are decoded, HTML is extracted.

    The model answers each article with quotes of its correctly decoded text and the run
    is ``--strict``: a wrong decoding would fail grounding (exit 5).
    """
    texts = {
        name: (FIXTURES / name).read_bytes().decode(codec).replace("\r\n", "\n")
        for name, (codec, _) in DECODED.items()
    }
    texts["article.html"] = HTML_TEXT
    words = {name: word for name, (_, word) in DECODED.items()}
    words["article.html"] = "The city council voted 7 to 2 on Tuesday"

    def respond(request: dict[str, Any]) -> Reply:
        prompt = request["messages"][-1]["content"]
        for name, word in words.items():
            if word in prompt:
                return Reply(body=completion(_grounded_answer(texts[name])))
        return Reply(status=400, body={"error": {"message": "no fixture matches the prompt"}})

    with FakeOpenAI(responder=respond) as model:
        done = subprocess.run(
            _command(model.base_url, "--strict", *(str(FIXTURES / name) for name in words)),
            capture_output=True,
            text=True,
            env=_env(tmp_path, {}),
            timeout=60,
        )
        prompts = [r["json"]["messages"][-1]["content"] for r in model.chat_requests]
    assert done.returncode == 0, done.stderr
    assert model.calls == len(words)
    briefs = json.loads(done.stdout)
    assert [b["grounding"]["quotes_verified"] for b in briefs] == [2] * len(words)
    html_prompt = next(p for p in prompts if words["article.html"] in p)
    assert "<meta" not in html_prompt and "<html" not in html_prompt
    assert briefs[-1]["source"]["site"] == "Riverside Gazette"


# --- the digest: each bad input is a recorded per-source error and the run goes on -------


def test_digest_records_each_bad_input_and_goes_on(site: _Site, tmp_path: Path) -> None:
    from summarizer.digest.run import run_digest
    from summarizer.testing.digest import (
        PORT,
        UKRAINE,
        brief_responder,
        make_config,
        write_articles,
    )

    news = tmp_path / "news"
    write_articles(news, [UKRAINE, PORT])
    (news / "empty.txt").write_bytes(b"")
    (news / "blank.txt").write_bytes(b"  \n\t\n")
    (news / "photo.html").write_bytes(PNG)  # an article's name, an image's bytes
    (news / "photo.png").write_bytes(PNG)  # not an article's name: a folder skips it
    (news / "report.txt").write_bytes(b"%PDF-1.7\n1 0 obj\n")
    sources = [
        str(news),
        str(tmp_path / "no-such-file.txt"),
        url(site, "/missing"),
        url(site, "/report.pdf"),
        url(site, "/loop"),
        "file:///etc/passwd",
        "ftp://127.0.0.1/pub/article.txt",
    ]
    with FakeOpenAI(responder=brief_responder()) as model:
        config = make_config(model, tmp_path, sources=sources, allow_private=True)
        digest = run_digest(config)
        calls = model.calls

    assert digest.counts.briefed == 2 and calls == 2  # the good articles, one call each
    assert digest.partial
    assert not [f for f in digest.failed if "photo.png" in f.error + f.label]
    errors = {f.label: f.error for f in digest.failed}
    expected = {
        "no-such-file.txt": "no such file, folder or URL",
        "/missing": "HTTP 404",
        "/report.pdf": "content type application/pdf is not HTML or text",
        "/loop": "too many redirects",
        "file:///etc/passwd": "unsupported URL scheme file://",
        "ftp://127.0.0.1": "unsupported URL scheme ftp://",
        "empty.txt": "empty",
        "blank.txt": "empty",
        "photo.html": "binary content (a PNG image)",
        "report.txt": "binary content",
    }
    for where, words in expected.items():
        found = [error for label, error in errors.items() if where in label or where in error]
        assert found and any(words in e for e in found), (where, errors)
    with sqlite3.connect(tmp_path / "digest.db") as conn:
        status, recorded = conn.execute("SELECT status, errors FROM runs").fetchone()
    assert status == "partial"
    assert "HTTP 404" in recorded and "unsupported URL scheme ftp://" in recorded


def test_digest_page_error_names_the_url(site: _Site, tmp_path: Path) -> None:
    from summarizer.digest.run import run_digest
    from summarizer.testing.digest import brief_responder, make_config

    with FakeOpenAI(responder=brief_responder()) as model:
        config = make_config(
            model, tmp_path, sources=[url(site, "/report.pdf")], allow_private=True
        )
        digest = run_digest(config)
    [failed] = digest.failed
    assert "<stdin>" not in failed.error
    assert "content type application/pdf is not HTML or text" in failed.error
