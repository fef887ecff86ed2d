"""Reading articles from text, files, stdin and URLs, and refusing what is not an article."""

from __future__ import annotations

import io
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarizer.article import (
    Article,
    FetchResult,
    Limits,
    fetch_url,
    load_article,
    load_stdin,
    read_source,
)
from summarizer.base.errors import InputError
from summarizer.cli.exits import exit_code

FIXTURES = Path(__file__).parent / "fixtures" / "articles"

PAGE = (FIXTURES / "article.html").read_bytes()
PAGE_TEXT_START = "Council approves new bridge\nThe city council voted 7 to 2 on Tuesday"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


TINY_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", "This text is inside a zip archive.\n")
    return buffer.getvalue()


# --- a real HTTP server on loopback ----------------------------------------------------


@dataclass
class Site:
    base: str
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stop = threading.Event()
    requests: list[str]

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = super().get_request()
        # Without this, headers and body go out in two segments and Nagle plus delayed
        # ACK stall every response by ~40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, addr

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that stop reading (size cap, timeout) are expected here


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, headers={"Location": location})

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        path = self.path
        try:
            if path == "/article.html":
                self._send(200, PAGE, "text/html; charset=utf-8")
            elif path == "/no-type":
                self._send(200, PAGE)
            elif path == "/notes.txt":
                body = "Café owner Hélène said the menu will not change.\n".encode("latin-1")
                self._send(200, body, "text/plain; charset=ISO-8859-1")
            elif path == "/cp1252.txt":
                self._send(200, (FIXTURES / "cp1252.txt").read_bytes(), "text/plain")
            elif path == "/empty.txt":
                self._send(200, b"", "text/plain")
            elif path == "/missing":
                self._send(404, b"not here", "text/plain")
            elif path == "/broken":
                self._send(500, b"oops", "text/plain")
            elif path == "/slow":
                self.server.stop.wait(3)
                self._send(200, b"too late", "text/plain")
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(30):
                    if self.server.stop.wait(0.05):
                        break
                    self.wfile.write(b"drip drip\n")
            elif path == "/image.png":
                self._send(200, tiny_png(), "image/png")
            elif path == "/paper.pdf":
                self._send(200, TINY_PDF, "application/pdf")
            elif path == "/png-as-text":
                self._send(200, tiny_png(), "text/plain")
            elif path == "/huge-declared":
                self._send(200, b"x" * 1000, "text/plain", length=50_000_000)
            elif path == "/huge-stream":
                # No Content-Length: HTTP/1.0, the body ends when the connection closes.
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(64):
                    self.wfile.write(b"word " * 13_000)
            elif path == "/loop":
                self._redirect("/loop")
            elif path.startswith("/hop/"):
                left = int(path.removeprefix("/hop/"))
                self._redirect(f"/hop/{left - 1}" if left > 1 else "/article.html", 301)
            elif path == "/to-ftp":
                self._redirect("ftp://127.0.0.1/article.txt")
            elif path == "/to-file":
                self._redirect("file:///etc/passwd")
            elif path == "/etag":
                if self.headers.get("If-None-Match") == '"v1"':
                    self._send(304, headers={"ETag": '"v1"'})
                else:
                    body = b"<rss><channel><title>Feed</title></channel></rss>"
                    self._send(200, body, "application/rss+xml", headers={"ETag": '"v1"'})
            elif path == "/no-text.html":
                self._send(200, (FIXTURES / "no-text.html").read_bytes(), "text/html")
            else:
                self._send(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size cap, timeout)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stop = threading.Event()
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Site(base=f"http://{host!s}:{port}", requests=server.requests)
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def raises_input(fn: Callable[[], object], *fragments: str) -> InputError:
    with pytest.raises(InputError) as info:
        fn()
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


# --- text and Article sources ----------------------------------------------------------


def test_article_passes_through() -> None:
    article = Article(text="Already an article.", title="T")
    assert load_article(article) is article


def test_plain_string_is_the_text() -> None:
    article = load_article("Line one.\r\nLine two.\rLine three.")
    assert article.text == "Line one.\nLine two.\nLine three."
    assert article.origin is None
    assert article.label == f"text:{article.content_hash[:12]}"


def test_text_that_starts_with_a_url_is_still_text() -> None:
    article = load_article("https://example.org is down, users reported on Monday.")
    assert article.text.startswith("https://example.org is down")


@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
def test_empty_string_refused(text: str) -> None:
    error = raises_input(lambda: load_article(text), "empty")
    assert exit_code(error) == 3


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/a.txt", "gopher://x/", "data://text"]
)
def test_non_http_schemes_refused_before_any_request(url: str, site: Site) -> None:
    before = len(site.requests)
    raises_input(lambda: load_article(url), "unsupported URL scheme", "only http and https")
    raises_input(lambda: read_source(url), "unsupported URL scheme")
    assert len(site.requests) == before


# --- files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "fragment"),
    [
        (
            "latin1.txt",
            "Le café de la gare a fermé ses portes",
            "« C'était notre deuxième maison »",
        ),
        ("cp1252.txt", "Union rejects “final” offer", "replied… “See you in court.”"),
        ("utf16-bom.txt", "Brücke über die Saale wird gesperrt", "„Wir haben keine Wahl“"),
        ("utf8-bom.md", "Harbour strike enters second week", "organiser Zoë Ødegård"),
    ],
)
def test_text_files_decoded(name: str, title: str, fragment: str) -> None:
    path = FIXTURES / name
    article = load_article(path)
    assert article.title == title
    assert fragment in article.text
    assert "\ufeff" not in article.text
    assert "\r" not in article.text
    assert article.origin == str(path)
    assert article.url is None
    assert read_source(str(path)) == article


def test_utf16_big_endian_bom(tmp_path: Path) -> None:
    path = tmp_path / "be.txt"
    path.write_bytes(b"\xfe\xff" + "Grüße aus Köln.\n".encode("utf-16-be"))
    assert load_article(path).text == "Grüße aus Köln."


def test_crlf_normalized_and_title_rules(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\r\n\r\n  Short headline  \r\nBody line one.\r\nBody line two.\r\n")
    article = load_article(path)
    assert article.text == "Short headline  \nBody line one.\nBody line two."
    assert article.title == "Short headline"

    long_first = tmp_path / "long.txt"
    long_first.write_text("word " * 60 + "\nSecond line.\n", encoding="utf-8")
    assert load_article(long_first).title is None


def test_unknown_suffix_sniffed_as_text_or_html(tmp_path: Path) -> None:
    text_file = tmp_path / "notes"
    text_file.write_text("Plain notes about the meeting.\n", encoding="utf-8")
    assert load_article(text_file).text == "Plain notes about the meeting."

    html_file = tmp_path / "saved-page"
    html_file.write_bytes(PAGE)
    assert load_article(html_file).text.startswith(PAGE_TEXT_START)


def test_txt_suffix_is_never_html(tmp_path: Path) -> None:
    path = tmp_path / "source.txt"
    path.write_bytes(PAGE)
    assert load_article(path).text.startswith("<!DOCTYPE html>")


def test_html_file_extracted() -> None:
    article = load_article(FIXTURES / "article.html")
    assert article.text.startswith(PAGE_TEXT_START)
    assert "Subscribe to our newsletter" not in article.text
    assert "Home" not in article.text
    assert article.title == "Council approves new bridge"
    assert article.published == "2024-03-05"
    assert article.site == "Riverside Gazette"


def test_latin1_html_uses_meta_charset() -> None:
    article = load_article(FIXTURES / "latin1-page.htm")
    assert article.title == "Grève à l'usine de Québec"
    assert "déléguée syndicale, Mélanie Côté" in article.text
    assert article.site == "Le Journal du Nord"


def test_html_without_text_refused() -> None:
    raises_input(lambda: load_article(FIXTURES / "no-text.html"), "no article text found")


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    error = raises_input(lambda: load_article(missing), "file not found")
    assert error.source == str(missing)
    raises_input(lambda: read_source(str(missing)), "file not found")


def test_directory_refused(tmp_path: Path) -> None:
    raises_input(lambda: load_article(tmp_path), "is a directory")


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t \n"])
def test_empty_or_blank_file_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    raises_input(lambda: load_article(path), "empty")


def test_blank_utf16_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank16.txt"
    path.write_bytes(b"\xff\xfe" + "  \n  ".encode("utf-16-le"))
    raises_input(lambda: load_article(path), "empty")


def test_file_over_the_cap_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2_001)
    raises_input(lambda: load_article(path, limits=Limits(max_bytes=2_000)), "larger than 2000")
    path.write_bytes(b"a" * 2_000)
    assert len(load_article(path, limits=Limits(max_bytes=2_000)).text) == 2_000


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("image.png", tiny_png(), "PNG image"),
        ("paper.pdf", TINY_PDF, "PDF document"),
        ("bundle.zip", tiny_zip(), "zip archive"),
        ("disguised.txt", tiny_png(), "PNG image"),
        ("nul.txt", b"Looks like text\x00but has a NUL byte.\n", "NUL"),
        ("controls.txt", b"abc\x01\x02\x03\x04def\x05\x06\x07\x08" * 10, "control characters"),
    ],
)
def test_binary_files_refused(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    raises_input(lambda: load_article(path), "binary content", fragment)


def test_bad_utf16_after_bom_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a lone high surrogate
    raises_input(lambda: load_article(path), "UTF-16", "byte-order mark")


def test_unreadable_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("You may not read this.\n", encoding="utf-8")
    path.chmod(0o000)
    if os.geteuid() != 0:
        raises_input(lambda: load_article(path), "permission denied")
        return
    # root reads any file; read in a child that keeps uid 0 but loses the DAC capabilities.
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is not installed")
    caps = "-dac_override,-dac_read_search"
    code = (
        "import sys; from pathlib import Path\n"
        "from summarizer.article import load_article\n"
        "from summarizer.base.errors import InputError\n"
        "try:\n    load_article(Path(sys.argv[1]))\n"
        "except InputError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", sys.executable, "-c", code]
        + [str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout.strip() == f"{path}: permission denied", done.stderr


# --- stdin -----------------------------------------------------------------------------


def test_stdin_text_and_html() -> None:
    article = load_stdin(io.BytesIO("Grève générale.\r\nSuite.\r\n".encode("cp1252")))
    assert article.text == "Grève générale.\nSuite."
    assert article.origin == "<stdin>"
    assert read_source("-", stdin=io.BytesIO(PAGE)).text.startswith(PAGE_TEXT_START)


def test_stdin_refusals() -> None:
    raises_input(lambda: load_stdin(io.BytesIO(b"")), "<stdin>", "empty")
    raises_input(lambda: load_stdin(io.BytesIO(b" \n ")), "empty")
    raises_input(lambda: load_stdin(io.BytesIO(TINY_PDF)), "binary content")
    raises_input(
        lambda: load_stdin(io.BytesIO(b"x" * 101), limits=Limits(max_bytes=100)),
        "larger than 100 bytes",
    )


def test_read_source_blank_argument() -> None:
    raises_input(lambda: read_source(""), "no source given")


# --- URLs ------------------------------------------------------------------------------


def test_html_page_fetched_and_extracted(site: Site) -> None:
    url = site.url("/article.html")
    article = load_article(url)
    assert article.text.startswith(PAGE_TEXT_START)
    assert article.title == "Council approves new bridge"
    assert article.site == "Riverside Gazette"
    assert article.published == "2024-03-05"
    assert article.url == url
    assert article.origin == url
    assert read_source(url) == article


def test_missing_content_type_sniffed(site: Site) -> None:
    assert load_article(site.url("/no-type")).text.startswith(PAGE_TEXT_START)


def test_text_with_declared_charset(site: Site) -> None:
    article = load_article(site.url("/notes.txt"))
    assert article.text == "Café owner Hélène said the menu will not change."
    assert article.title == article.text


def test_text_without_charset_detected(site: Site) -> None:
    assert "“See you in court.”" in load_article(site.url("/cp1252.txt")).text


def test_redirects_followed_url_is_final(site: Site) -> None:
    start = site.url("/hop/2")
    article = load_article(start, limits=Limits(max_redirects=2))
    assert article.url == site.url("/article.html")
    assert article.origin == start
    raises_input(
        lambda: load_article(site.url("/hop/3"), limits=Limits(max_redirects=2)),
        "too many redirects",
    )


def test_redirect_loop_refused(site: Site) -> None:
    raises_input(lambda: load_article(site.url("/loop")), "too many redirects (more than 5)")


@pytest.mark.parametrize(("path", "scheme"), [("/to-ftp", "ftp://"), ("/to-file", "file://")])
def test_redirect_to_other_scheme_refused(site: Site, path: str, scheme: str) -> None:
    error = raises_input(lambda: load_article(site.url(path)), "redirect to", scheme)
    assert error.source == site.url(path)


@pytest.mark.parametrize(("path", "status"), [("/missing", "HTTP 404"), ("/broken", "HTTP 500")])
def test_error_status_refused(site: Site, path: str, status: str) -> None:
    raises_input(lambda: load_article(site.url(path)), status)


def test_slow_server_times_out(site: Site) -> None:
    started = time.monotonic()
    raises_input(
        lambda: load_article(site.url("/slow"), limits=Limits(timeout_s=0.3)), "timed out after 0.3"
    )
    assert time.monotonic() - started < 2


def test_trickling_body_hits_the_overall_deadline(site: Site) -> None:
    started = time.monotonic()
    raises_input(lambda: load_article(site.url("/drip"), limits=Limits(timeout_s=0.4)), "timed out")
    assert time.monotonic() - started < 1.2


@pytest.mark.parametrize(
    ("path", "ctype"), [("/image.png", "image/png"), ("/paper.pdf", "application/pdf")]
)
def test_other_content_types_refused(site: Site, path: str, ctype: str) -> None:
    raises_input(lambda: load_article(site.url(path)), ctype, "not HTML or text")


def test_binary_served_as_text_refused(site: Site) -> None:
    raises_input(lambda: load_article(site.url("/png-as-text")), "binary content", "PNG")


def test_empty_body_refused(site: Site) -> None:
    raises_input(lambda: load_article(site.url("/empty.txt")), "empty")


def test_page_without_text_refused(site: Site) -> None:
    raises_input(lambda: load_article(site.url("/no-text.html")), "no article text found")


def test_declared_huge_body_refused(site: Site) -> None:
    raises_input(
        lambda: load_article(site.url("/huge-declared"), limits=Limits(max_bytes=100_000)),
        "larger than 100000 bytes",
    )


def test_streamed_huge_body_stopped(site: Site) -> None:
    raises_input(
        lambda: load_article(site.url("/huge-stream"), limits=Limits(max_bytes=100_000)),
        "larger than 100000 bytes",
    )


def test_private_addresses_refused_when_not_allowed(site: Site) -> None:
    feed_limits = Limits(allow_private=False)
    before = len(site.requests)
    raises_input(
        lambda: load_article(site.url("/article.html"), limits=feed_limits),
        "refusing to fetch 127.0.0.1",
        "private, loopback or reserved",
    )
    port = site.base.rsplit(":", 1)[1]
    for url in (
        f"http://localhost:{port}/article.html",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
        "http://0.0.0.0/",
    ):
        raises_input(partial(fetch_url, url, limits=feed_limits), "refusing to fetch")
    assert len(site.requests) == before


def test_connection_refused_is_an_input_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    raises_input(lambda: load_article(f"http://127.0.0.1:{port}/"), "fetch failed")


def test_fetch_url_conditional_get(site: Site) -> None:
    first = fetch_url(site.url("/etag"))
    assert isinstance(first, FetchResult)
    assert first.status == 200
    assert first.content_type == "application/rss+xml"
    assert first.headers["etag"] == '"v1"'
    assert first.body.startswith(b"<rss>")
    again = fetch_url(site.url("/etag"), headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304
    assert again.body == b""


def test_fetch_result_charset(site: Site) -> None:
    result = fetch_url(site.url("/notes.txt"))
    assert result.charset == "ISO-8859-1"
    assert result.final_url == site.url("/notes.txt")
