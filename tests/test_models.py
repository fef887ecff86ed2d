"""``summarizer models``: the catalogue, the registry, and downloads from a loopback server.

The server (127.0.0.1, TCP_NODELAY) serves one GGUF-looking file with ETag and Range
support, and can be told to cut a response short, ignore Range, or change the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.base.errors import BackendError, ConfigurationError, InputError
from summarizer.model.catalog import (
    CATALOGUE,
    ChecksumError,
    add_model,
    load_registry,
    models_dir,
    registry_path,
    resolve_local_model,
)

PAYLOAD = b"GGUF" + bytes(range(256)) * 8192  # ~2 MB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@dataclass
class FileServer:
    """One file at /models/tiny-q4.gguf; records the Range header of every GET."""

    body: bytes = PAYLOAD
    etag: str = '"v1"'
    cut_after: int | None = None  # send this many bytes, then close (once)
    ignore_range: bool = False
    ranges: list[str | None] = field(default_factory=list)
    base_url: str = ""
    _httpd: Any = None

    def __enter__(self) -> FileServer:
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
                owner.handle(self)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        return f"{self.base_url}/models/tiny-q4.gguf"

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        if req.path != "/models/tiny-q4.gguf":
            req.send_error(404)
            return
        asked = req.headers.get("Range")
        self.ranges.append(asked)
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", asked or "")
        if_range = req.headers.get("If-Range")
        if m and not self.ignore_range and (if_range is None or if_range == self.etag):
            start = int(m.group(1))
            if start >= len(self.body):
                req.send_response(416)
                req.send_header("Content-Range", f"bytes */{len(self.body)}")
                req.send_header("Content-Length", "0")
                req.end_headers()
                return
            req.send_response(206)
            req.send_header("Content-Range", f"bytes {start}-{len(self.body) - 1}/{len(self.body)}")
        else:
            req.send_response(200)
        chunk = self.body[start:]
        req.send_header("Content-Length", str(len(chunk)))
        req.send_header("ETag", self.etag)
        req.send_header("Accept-Ranges", "bytes")
        req.end_headers()
        if self.cut_after is not None:
            req.wfile.write(chunk[: self.cut_after])
            req.wfile.flush()
            self.cut_after = None
            req.close_connection = True
            req.connection.shutdown(socket.SHUT_RDWR)
            return
        req.wfile.write(chunk)


@pytest.fixture
def files() -> Iterator[FileServer]:
    with FileServer() as server:
        yield server


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from summarizer.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def test_download_verifies_registers_and_resolves(files: FileServer) -> None:
    progress: list[tuple[int, int | None]] = []
    entry = add_model(files.url, sha256=SHA.upper(), progress=lambda d, t: progress.append((d, t)))
    path = models_dir() / "tiny-q4.gguf"
    assert entry.name == "tiny-q4" and Path(entry.path) == path
    assert path.read_bytes() == PAYLOAD and entry.sha256 == SHA and entry.size == len(PAYLOAD)
    assert progress[0] == (0, len(PAYLOAD)) and progress[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert not list(models_dir().glob("*.part*"))  # no litter
    assert load_registry()["tiny-q4"] == entry
    assert resolve_local_model("tiny-q4") == path
    assert resolve_local_model("TINY-Q4") == path  # names are case-insensitive
    data = json.loads(registry_path().read_text(encoding="utf-8"))
    assert data["models"]["tiny-q4"]["source"] == files.url


def test_an_interrupted_download_resumes_with_range(files: FileServer) -> None:
    files.cut_after = 700_000
    with pytest.raises(BackendError, match="run the same command again to resume"):
        add_model(files.url, name="tiny", sha256=SHA)
    part = models_dir() / "tiny-q4.gguf.part"
    assert 0 < part.stat().st_size <= 700_000
    assert "tiny" not in load_registry()
    have = part.stat().st_size

    entry = add_model(files.url, name="tiny", sha256=SHA)
    assert files.ranges == [None, f"bytes={have}-"]  # the second request resumed
    assert Path(entry.path).read_bytes() == PAYLOAD and entry.sha256 == SHA
    assert not part.exists()


def test_a_server_that_ignores_range_or_changed_the_file_restarts(files: FileServer) -> None:
    files.cut_after = 500_000
    with pytest.raises(BackendError):
        add_model(files.url)
    files.ignore_range = True  # answers 200 with the whole file: start again, not append
    entry = add_model(files.url, sha256=SHA)
    assert Path(entry.path).read_bytes() == PAYLOAD

    changed = b"GGUF" + b"v2" * 400_000
    files.ignore_range, files.cut_after = False, 300_000
    with pytest.raises(BackendError):
        add_model(files.url, name="other")
    files.body, files.etag = changed, '"v2"'  # If-Range no longer matches: a full 200
    entry = add_model(files.url, name="other")
    assert Path(entry.path).read_bytes() == changed
    assert entry.sha256 == hashlib.sha256(changed).hexdigest()


def test_a_bad_checksum_deletes_the_download_and_exits_3(files: FileServer) -> None:
    result = cli("models", "add", files.url, "--sha256", "0" * 64)
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "checksum mismatch" in errors[0] and "deleted" in errors[0]
    assert not list(models_dir().glob("tiny-q4*"))
    assert load_registry() == {}
    with pytest.raises(ChecksumError):  # the library says the same
        add_model(files.url, sha256="0" * 64)


def test_bad_arguments_and_downloads_that_are_not_gguf(files: FileServer, tmp_path: Path) -> None:
    result = cli("models", "add", files.url, "--sha256", "abc")
    assert result.returncode == 2 and "64 hexadecimal" in result.stderr
    result = cli("models", "add", str(tmp_path / "missing.gguf"))
    assert result.returncode == 3 and "no such file" in result.stderr
    files.body = b"<html>not a model</html>"
    with pytest.raises(InputError, match="not a GGUF"):
        add_model(files.url)
    assert not list(models_dir().glob("tiny-q4*"))
    files.body = PAYLOAD
    with pytest.raises(ConfigurationError, match="letters, digits"):
        add_model(files.url, name="../evil")


def test_a_local_file_is_registered_in_place_and_listed(tmp_path: Path) -> None:
    gguf = tmp_path / "My-Model.Q4_K_M.gguf"
    gguf.write_bytes(PAYLOAD)
    result = cli("models", "add", str(gguf), "--name", "mine", "--sha256", SHA)
    assert result.returncode == 0, result.stderr
    assert "registered mine" in result.stdout and "--local-model mine" in result.stdout
    assert resolve_local_model("mine") == gguf  # not copied
    assert not models_dir().exists() or not list(models_dir().iterdir())

    result = cli("models", "add", str(gguf), "--name", "bad", "--sha256", "1" * 64)
    assert result.returncode == 3 and gguf.exists()  # the user's own file is never deleted
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    assert cli("models", "add", str(text)).returncode == 3

    listing = cli("models")
    assert listing.returncode == 0, listing.stderr
    assert "mine" in listing.stdout and str(gguf) in listing.stdout
    assert "bad" not in listing.stdout


def test_listing_shows_the_catalogue_with_unknowns_marked() -> None:
    result = cli("models")
    assert result.returncode == 0, result.stderr
    for model in CATALOGUE:
        assert model.name in result.stdout
        if model.url:
            assert model.url in result.stdout
    assert "Registered: none yet" in result.stdout
    assert "size unknown" in result.stdout and "not measured here" in result.stdout
    # only the embedded model has a measured speed; hub files have no invented checksums
    assert [m.name for m in CATALOGUE if m.speed] == ["smollm2-135m-instruct"]
    assert all(m.sha256 is None for m in CATALOGUE if m.url)
    assert all(m.license for m in CATALOGUE)


def test_resolving_names_paths_and_catalogue_entries(tmp_path: Path) -> None:
    gguf = tmp_path / "x.gguf"
    gguf.write_bytes(PAYLOAD)
    assert resolve_local_model(str(gguf)) == gguf
    assert resolve_local_model("nowhere.gguf") == Path("nowhere.gguf")  # the caller reports it
    with pytest.raises(ConfigurationError, match="models add qwen2.5-1.5b-instruct-q4_k_m"):
        resolve_local_model("qwen2.5-1.5b-instruct-q4_k_m")
    add_model(str(gguf), name="gone")
    gguf.unlink()
    with pytest.raises(ConfigurationError, match="is gone"):
        resolve_local_model("gone")


def test_summarizer_home_moves_the_registry(tmp_path: Path, isolated: Path) -> None:
    assert registry_path() == isolated / "data" / "models.json"
    other = {"SUMMARIZER_HOME": str(tmp_path / "elsewhere")}
    assert registry_path(other) == tmp_path / "elsewhere" / "data" / "models.json"
    assert load_registry(other) == {}
