"""Shared fixtures: per-test isolation, VCR settings, and the recorded backends (cassette sets).

Cassettes live in ``cassettes/<set>/`` at the top of the repository; each set was recorded
from one real server and says which in ``cassettes/<set>/meta.json``. ``embedded`` (the
llama.cpp server with SmolLM2-135M) is always there; ``scripts/record-cassettes --backend
NAME`` adds or refreshes a set from a configured backend. See docs/testing.md.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from summarizer import Summarizer
from summarizer.base.config import load_settings
from summarizer.testing import FakeOpenAI, MockOpenAI

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A loopback server gets a random port each run: cassettes store it as plain "localhost".
_LOOPBACK = re.compile(r"^(https?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?=/|$)", re.I)
REDACTED = "REDACTED"
_DROP_RESPONSE_HEADERS = frozenset({"openai-organization", "openai-project", "set-cookie"})

MISS_HELP = (
    "A request did not match any recorded interaction (matched on method, uri and body).\n"
    "A prompt, schema or option change alters the request body, so the cassettes must be\n"
    "re-recorded from a real server:\n\n"
    "    scripts/record-cassettes            # the embedded model, no key needed\n\n"
    "then review and commit the changed files under cassettes/ (docs/testing.md)."
)


def normalize_uri(uri: str) -> str:
    """``http://127.0.0.1:PORT/...`` -> ``http://localhost/...``; other hosts unchanged."""
    return _LOOPBACK.sub(r"\1://localhost", uri)


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own SUMMARIZER_HOME and no backend from the environment."""
    for name in list(os.environ):
        if name.startswith("SUMMARIZER_"):
            monkeypatch.delenv(name)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "summarizer-home"
    home.mkdir()
    monkeypatch.setenv("SUMMARIZER_HOME", str(home))
    return home


@pytest.fixture
def server() -> Generator[FakeOpenAI, None, None]:
    """The scripted OpenAI-compatible server on loopback (tests of the transport, the CLI)."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def mock() -> MockOpenAI:
    """The same scripts without sockets: pass ``mock.transport`` to ``Summarizer``."""
    return MockOpenAI()


def _before_record_request(request: Any) -> Any:
    request.uri = normalize_uri(request.uri)
    # The Host header repeats host:port; the URI already says where the request went.
    for name in [n for n in request.headers if n.lower() == "host"]:
        del request.headers[name]
    return request


def _before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in _DROP_RESPONSE_HEADERS:
            del headers[name]
    return response


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """VCR settings: replay only, unless ``--record-mode`` asks to record."""
    return {
        # pytest-recording lets this key beat its own --record-mode, so pass that option on.
        "record_mode": request.config.getoption("--record-mode") or "none",
        "match_on": ["method", "uri", "body"],
        "filter_headers": [
            ("authorization", f"Bearer {REDACTED}"),
            ("api-key", REDACTED),
            ("openai-organization", REDACTED),
            ("openai-project", REDACTED),
        ],
        "before_record_request": _before_record_request,
        "before_record_response": _before_record_response,
        "decode_compressed_response": True,
    }


@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def recording(config: pytest.Config) -> bool:
    return config.getoption("--record-mode") not in (None, "none")


# --- cassette sets ---


@dataclass
class Recorded:
    """One recorded backend: where the cassettes came from and how to ask it again."""

    name: str
    base_url: str
    model: str
    mode: str
    server: str
    tuned: bool = False
    recording: bool = False
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, name: str, *, recording: bool) -> Recorded:
        if recording:
            # scripts/record-cassettes exports the live server and writes meta.json.
            env = os.environ
            return cls(
                name=name,
                base_url=env["CASSETTE_BASE_URL"],
                model=env["CASSETTE_MODEL"],
                mode=env.get("CASSETTE_MODE", "tools"),
                server=env.get("CASSETTE_SERVER", "unknown"),
                tuned=env.get("CASSETTE_TUNED", "0") == "1",
                recording=True,
                api_key=env.get("CASSETTE_API_KEY") or None,
            )
        meta = json.loads((CASSETTES / name / "meta.json").read_text(encoding="utf-8"))
        return cls(
            name=name,
            base_url=meta["base_url"],
            model=meta["model"],
            mode=meta["mode"],
            server=meta["server"],
            tuned=bool(meta.get("tuned")),
        )

    def summarizer(self, *, mode: str | None = None, **settings: Any) -> Summarizer:
        """A Summarizer for this backend with the options the recording used."""
        flags: dict[str, Any] = {
            "base_url": self.base_url,
            "model": self.model,
            "mode": mode or self.mode,
            # A cassette miss is a connection error: fail on the first one, no backoff.
            "transport_attempts": 1,
            "timeout_s": 900.0,  # a busy 2-core machine recording from the 135M model
            **settings,
        }
        if self.api_key:
            flags["api_key_env"] = "CASSETTE_API_KEY"  # the isolation removed OPENAI_API_KEY
        summarizer = Summarizer(settings=load_settings(flags))
        if self.tuned:
            from summarizer.model.local import small_model_options

            # The same requests the embedded backend sends (max_tokens, repeat penalty, caps),
            # set before the first request (the transport and the cache key read them).
            summarizer.options = small_model_options(summarizer.options, explicit=set(settings))
        return summarizer


def cassette_sets(config: pytest.Config) -> list[str]:
    if recording(config):
        return [os.environ.get("CASSETTE_SET", "embedded")]
    found = sorted(p.parent.name for p in CASSETTES.glob("*/meta.json"))
    return found or ["embedded"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "recorded" in metafunc.fixturenames:
        names = cassette_sets(metafunc.config)
        metafunc.parametrize("recorded", names, indirect=True, ids=names)


@pytest.fixture
def recorded(request: pytest.FixtureRequest) -> Recorded:
    name: str = request.param
    is_recording = recording(request.config)
    if not is_recording and not (CASSETTES / name / "meta.json").exists():
        pytest.fail(f"cassettes/{name}/meta.json is missing.\n\n{MISS_HELP}")
    rec = Recorded.load(name, recording=is_recording)
    marker = request.node.get_closest_marker("needs_server")
    if marker is not None and rec.server not in marker.args:
        pytest.skip(f"needs a recording from {', '.join(marker.args)}; {name} is {rec.server}")
    return rec


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """``<set>/<test>[<other params>]``, or ``<set>/<name>`` from ``default_cassette``.

    Tests that replay the same traffic name one cassette with
    ``@pytest.mark.default_cassette(NAME, replay_only=True)``: only the test without
    ``replay_only`` records it, the others are skipped while recording.
    """
    callspec = getattr(request.node, "callspec", None)
    params = dict(callspec.params) if callspec else {}
    cset = params.pop("recorded", "embedded")
    marker = request.node.get_closest_marker("default_cassette")
    own = request.node.get_closest_marker("own_mode_cassette")
    if own is not None and params.get("mode") == _set_mode(cset, request.config):
        # The same requests as the set's own brief: replay that cassette, record nothing new.
        if recording(request.config):
            pytest.skip(f"replays cassette {own.args[0]!r}, recorded by another test")
        return f"{cset}/{own.args[0]}"
    if marker is not None:
        if marker.kwargs.get("replay_only") and recording(request.config):
            pytest.skip(f"replays cassette {marker.args[0]!r}, recorded by another test")
        return f"{cset}/{marker.args[0]}"
    name: str = request.node.originalname
    if params:
        name += "[" + "-".join(str(v) for v in params.values()) + "]"
    return f"{cset}/{name}"


def _set_mode(cset: str, config: pytest.Config) -> str | None:
    if recording(config):
        return os.environ.get("CASSETTE_MODE", "tools")
    meta = CASSETTES / cset / "meta.json"
    return json.loads(meta.read_text())["mode"] if meta.exists() else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_server(*names): the recording must come from one of these servers"
    )
    config.addinivalue_line(
        "markers", "own_mode_cassette(name): the cell in the set's own mode replays NAME"
    )


# --- a clear message on a cassette miss ---


def _cassette_miss(exc: BaseException | None) -> BaseException | None:
    from vcr.errors import CannotOverwriteExistingCassetteException

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, CannotOverwriteExistingCassetteException):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None and report.failed:
        miss = _cassette_miss(call.excinfo.value)
        if miss is not None:
            report.sections.append(("cassette miss", f"{MISS_HELP}\n\nvcrpy said: {miss}"))
    return report
