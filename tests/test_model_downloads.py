"""``summarizer models add URL`` against servers that misbehave (issue 23 #9, #10, #18-#20):
credentials in the URL, a file that changes between a cut and its resume without an ETag,
redirects to other schemes and in loops, a full disk, an endless body, a trickle, and two
URLs that end in the same file name. The real command runs in a subprocess against a
loopback site (``TCP_NODELAY``)."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.model.catalog import load_registry, models_dir, registry_path

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

V1 = b"GGUF" + b"1" * 3_000_000
V2 = b"GGUF" + b"2" * 3_000_000
Route = Callable[[BaseHTTPRequestHandler], None]


class Site:
    """Routes on 127.0.0.1; records (path, headers) of every GET."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self) -> tuple[socket.socket, Any]:
                sock, addr = super().get_request()
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock, addr

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                owner.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = owner.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def serve(body: bytes, *, etag: str | None = None, cut_after: int | None = None) -> Route:
    """A file with Range support; ``etag`` None sends none; ``cut_after``: close then."""
    cut = [cut_after]

    def route(req: BaseHTTPRequestHandler) -> None:
        asked = req.headers.get("Range", "")
        start = int(asked[6:-1]) if asked.startswith("bytes=") and asked.endswith("-") else 0
        if_range = req.headers.get("If-Range")
        if start and (if_range is None or if_range == etag):  # no If-Range: the range is kept
            req.send_response(206)
            req.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            start = 0
            req.send_response(200)
        chunk = body[start:]
        req.send_header("Content-Length", str(len(chunk)))
        if etag is not None:
            req.send_header("ETag", etag)
        req.end_headers()
        if cut[0] is not None:
            req.wfile.write(chunk[: cut[0]])
            req.wfile.flush()
            cut[0] = None
            req.close_connection = True
            req.connection.shutdown(socket.SHUT_RDWR)
            return
        req.wfile.write(chunk)

    return route


def redirect(to: str) -> Route:
    def route(req: BaseHTTPRequestHandler) -> None:
        req.send_response(302)
        req.send_header("Location", to)
        req.send_header("Content-Length", "0")
        req.end_headers()

    return route


def endless(req: BaseHTTPRequestHandler) -> None:
    """GGUF, then zeros for ever (chunked: no length to refuse it by)."""
    req.send_response(200)
    req.send_header("Transfer-Encoding", "chunked")
    req.end_headers()
    block = b"\0" * 65536
    try:
        req.wfile.write(b"4\r\nGGUF\r\n")
        while True:
            req.wfile.write(b"10000\r\n" + block + b"\r\n")
    except OSError:
        return


def trickle(req: BaseHTTPRequestHandler) -> None:
    req.send_response(200)
    req.send_header("Content-Length", str(len(V1)))
    req.end_headers()
    try:
        for i in range(len(V1)):
            req.wfile.write(V1[i : i + 1])
            req.wfile.flush()
            time.sleep(0.2)
    except OSError:
        return


def cli(*args: str, fsize: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``summarizer ARGS`` as a user runs it; ``fsize``: a file size limit (a full disk)."""

    def limit() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        preexec_fn=limit,
    )


def litter() -> list[str]:
    folder = models_dir()
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name) if folder.exists() else []


# --- 9: credentials in the URL --------------------------------------------------------------


def test_url_credentials_never_reach_the_screen_the_registry_or_the_listing(site: Site) -> None:
    url = f"http://alice:PASSWORD-9f3c@{site.base[7:]}/m.gguf?token=TOKEN-77ab&v=1"
    failed = cli("models", "add", url)  # 404 first: the error line
    site.routes["/m.gguf"] = serve(V1, etag='"a"')
    done = cli("models", "add", url, FORCE_COLOR="1")  # rich draws its bar: a terminal
    listing = cli("models")
    assert failed.returncode == 4 and len(failed.stderr.splitlines()) == 1, failed.stderr
    assert done.returncode == 0, done.stderr
    assert site.seen[-1][1].get("authorization", "").startswith("Basic ")  # still sent
    files = [registry_path().read_text(encoding="utf-8")]
    files += [p.read_text(errors="replace") for p in models_dir().glob("*.json")]
    for text in (failed.stderr, done.stdout, done.stderr, listing.stdout, *files):
        assert "PASSWORD-9f3c" not in text and "TOKEN-77ab" not in text, text
        assert "alice" not in text, text
    assert "[REDACTED]" in listing.stdout and "m.gguf" in done.stderr  # the progress label
    assert load_registry()["m"].source.endswith("/m.gguf?token=[REDACTED]&v=1")


# --- 10: a resume that would join two files ----------------------------------------------------


def test_without_an_etag_a_cut_download_starts_over(site: Site) -> None:
    """1 MB of version 1, cut; the server now has version 2, sends no ETag and honours a
    Range without If-Range: the second run downloads version 2 whole, no Range asked."""
    site.routes["/m.gguf"] = serve(V1, cut_after=1_000_000)
    first = cli("models", "add", f"{site.base}/m.gguf")
    assert first.returncode == 4 and "run the same command again" in first.stderr
    site.routes["/m.gguf"] = serve(V2)
    second = cli("models", "add", f"{site.base}/m.gguf")
    assert second.returncode == 0, second.stderr
    assert "range" not in site.seen[-1][1]
    entry = load_registry()["m"]
    assert Path(entry.path).read_bytes() == V2
    assert entry.sha256 == hashlib.sha256(V2).hexdigest() in second.stdout


def test_with_a_strong_etag_a_cut_download_still_resumes(site: Site) -> None:
    site.routes["/m.gguf"] = serve(V1, etag='"v1"', cut_after=1_000_000)
    assert cli("models", "add", f"{site.base}/m.gguf").returncode == 4
    done = cli("models", "add", f"{site.base}/m.gguf")
    assert done.returncode == 0, done.stderr
    headers = site.seen[-1][1]
    assert headers["range"].startswith("bytes=") and headers["if-range"] == '"v1"'
    assert Path(load_registry()["m"].path).read_bytes() == V1


# --- 18: redirects and a full disk ----------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "said"),
    [
        ("file:///etc/passwd", "unsupported URL"),
        ("ftp://127.0.0.1/m.gguf", "unsupported URL"),
        ("/loop.gguf", "too many redirects"),
    ],
)
def test_bad_redirects_are_bad_input_not_an_interruption(site: Site, to: str, said: str) -> None:
    site.routes["/m.gguf"] = redirect(to)
    site.routes["/loop.gguf"] = redirect("/m.gguf")
    result = cli("models", "add", f"{site.base}/m.gguf")
    assert result.returncode == 3, result.stderr
    assert said in result.stderr and len(result.stderr.splitlines()) == 1
    assert "resume" not in result.stderr and "interrupted" not in result.stderr
    assert load_registry() == {}


def test_a_full_disk_is_said_so_and_leaves_no_partial_file(site: Site) -> None:
    site.routes["/m.gguf"] = serve(V1, etag='"a"')
    result = cli("models", "add", f"{site.base}/m.gguf", fsize=1_000_000)
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr and "File too large" in result.stderr
    assert "interrupted" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert litter() == [] and load_registry() == {}


# --- 19: a size cap and a deadline ----------------------------------------------------------


def test_an_endless_body_stops_at_the_size_cap(site: Site) -> None:
    site.routes["/m.gguf"] = endless
    result = cli("models", "add", f"{site.base}/m.gguf", "--max-gb", "0.002")
    assert result.returncode == 3, result.stderr
    assert "more than the 2,000,000-byte limit" in result.stderr
    assert litter() == [] and load_registry() == {}
    assert not (models_dir() / "m.gguf").exists()


def test_a_declared_size_over_the_cap_is_refused_before_the_body(site: Site) -> None:
    site.routes["/m.gguf"] = serve(V1, etag='"a"')
    result = cli("models", "add", f"{site.base}/m.gguf", "--max-gb", "0.001")
    assert result.returncode == 3 and "3,000,004 bytes, above the 1,000,000" in result.stderr
    assert litter() == []


def test_a_trickling_download_stops_at_max_time_and_can_resume(site: Site) -> None:
    site.routes["/m.gguf"] = trickle
    began = time.monotonic()
    result = cli("models", "add", f"{site.base}/m.gguf", "--max-time", "1")
    took = time.monotonic() - began
    assert result.returncode == 4, result.stderr
    assert "timed out" in result.stderr and "run the same command again" in result.stderr
    assert took < 15, took
    assert load_registry() == {}


# --- 20: two URLs that end in the same file name -----------------------------------------------


def test_a_second_model_never_overwrites_the_first_ones_file(site: Site) -> None:
    site.routes["/m.gguf"] = serve(V1, etag='"a"')
    site.routes["/changing/m.gguf"] = serve(V2, etag='"b"')
    assert cli("models", "add", f"{site.base}/m.gguf", "--name", "first").returncode == 0
    second = cli("models", "add", f"{site.base}/changing/m.gguf", "--name", "second")
    assert second.returncode == 0, second.stderr
    models = load_registry()
    first, other = Path(models["first"].path), Path(models["second"].path)
    assert first != other
    assert first.read_bytes() == V1 and other.read_bytes() == V2
    assert models["first"].sha256 == hashlib.sha256(first.read_bytes()).hexdigest()
    data = json.loads(registry_path().read_text(encoding="utf-8"))
    assert set(data["models"]) == {"first", "second"}
