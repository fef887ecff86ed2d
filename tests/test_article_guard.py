"""Issue 13, article side: the total deadline, the address guard (IPv4 inside IPv6, DNS
rebinding), control characters out of articles, mostly-UTF-8 input, HTML on a fresh install.

Every server here is a real socket on loopback; nothing of the project is patched.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import Article, Limits, fetch_url, load_article
from summarizer.base.errors import InputError
from summarizer.base.http import is_public_address

ROOT = Path(__file__).resolve().parent.parent


class _Trickle(ThreadingHTTPServer):
    daemon_threads = True
    stop = threading.Event()
    hits: list[str]

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _TrickleHandler(BaseHTTPRequestHandler):
    """``/headers``: the status line and headers one byte every 50 ms; ``/page``: a page."""

    server: _Trickle

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.path == "/page":
            body = b"A page on loopback."
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\nbody"
        try:
            for byte in head:
                if self.server.stop.wait(0.05):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            pass


@pytest.fixture(scope="module")
def trickle() -> Iterator[_Trickle]:
    server = _Trickle(("127.0.0.1", 0), _TrickleHandler)
    server.stop = threading.Event()
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _url(server: _Trickle, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}{path}"


# --- finding 4: a total deadline for every fetch ----------------------------------------


def test_trickling_headers_hit_the_total_deadline(trickle: _Trickle) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"timed out after 0\.5 s"):
        fetch_url(_url(trickle, "/headers"), limits=Limits(timeout_s=0.5))
    assert time.monotonic() - started < 1.5  # the headers alone would take 20 s


# --- finding 7: IPv6 forms that embed IPv4, and DNS rebinding ----------------------------


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a01:203",  # NAT64 of 10.1.2.3
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:192.168.0.1",  # IPv4-mapped
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_forms_embedding_a_private_ipv4_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))
    with pytest.raises(InputError, match="refusing to fetch"):
        fetch_url(f"http://[{address}]/", limits=Limits(allow_private=False, timeout_s=2))


def test_public_addresses_stay_public() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"):
        assert is_public_address(ipaddress.ip_address(address)), address


# pytest-recording's network block leaves the refused socket to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_dns_rebinding_connects_to_the_checked_address(
    trickle: _Trickle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once: a second answer pointing at loopback is never asked for."""
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return real(next(answers), port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    before = list(trickle.hits)
    port = trickle.server_address[1]
    with pytest.raises(Exception):  # noqa: B017 - the public address is unreachable here
        fetch_url(
            f"http://rebind.test:{port}/page", limits=Limits(allow_private=False, timeout_s=1)
        )
    assert asked == ["rebind.test"]
    assert trickle.hits == before


# --- finding 8: control characters never leave an article --------------------------------


def test_terminal_escapes_are_stripped_where_the_article_is_made(tmp_path: Path) -> None:
    hostile = "\x1b]0;OWNED\x07Council vote\x1b[2J\nThe council voted\x9b31m on Tuesday.\n"
    filler = "The bridge will cost 40 million and open in 2027, the mayor said.\n" * 3
    path = tmp_path / "escapes.txt"
    path.write_text(hostile + filler, encoding="utf-8")
    for article in (
        load_article(path),
        Article(text=hostile, title="Title\x1b[2J", site="site\x07"),
    ):
        for value in (article.text, article.title, article.site):
            assert value is None or not any(
                ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in value
            ), repr(value)
    assert load_article(path).text.startswith(
        "]0;OWNEDCouncil vote[2J\nThe council voted31m on Tuesday.\nThe bridge"
    )
    assert Article(text="x\x00y").text == "xy"
    assert Article(text="a\rb\x0cc").text == "a\nb\nc"


# --- mostly-UTF-8 input ---------------------------------------------------------------------


def test_mostly_utf8_with_a_bad_byte_is_utf8_with_replacement(tmp_path: Path) -> None:
    text = "Der Präsident sagte, die Brücke über den Fluss werde „bald“ gebaut. Prüfung: ok.\n"
    data = text.encode("utf-8").replace(b"ok", b"o\xe9k")
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    article = load_article(path)
    assert "Präsident" in article.text and "Brücke" in article.text
    assert "o\ufffdk" in article.text
    assert article.encoding == "utf-8 (1 invalid byte replaced)"


def test_encoding_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café owner Hélène said no.\n".encode("latin-1"))
    (tmp_path / "utf8.txt").write_text("Café owner Hélène said no.\n", encoding="utf-8")
    assert load_article(tmp_path / "latin.txt").encoding == "cp1252"
    assert load_article(tmp_path / "utf8.txt").encoding == "utf-8"
    assert load_article("plain text").encoding is None


# --- finding 1: HTML needs lxml_html_clean, declared -----------------------------------------


def test_the_html_cleaner_trafilatura_needs_is_declared_and_works() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.replace("-", "_").startswith("lxml_html_clean") for d in deps)
    article = load_article(ROOT / "tests" / "fixtures" / "articles" / "article.html")
    assert article.text.startswith("Council approves new bridge")
