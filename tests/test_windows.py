"""Small context windows: the lean request, max_tokens "auto", and briefs that fit 2,048 and
4,096 tokens with no flags (issue 14), against a llama.cpp-like loopback server that refuses
any request over its window."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.base.config import Settings, load_settings
from summarizer.base.errors import ConfigurationError
from summarizer.longform.budget import Planner, reserve
from summarizer.longform.servers import OLLAMA_SOURCE
from summarizer.model.backends import resolve_backend
from summarizer.model.request import draft_json_schema, wire_schema
from summarizer.output.brief import BriefDraft
from summarizer.pipeline import Summarizer
from summarizer.testing.windowed import WindowedLlama, citing_answer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "business-chipmaker-bid.txt"


def brief_at(n_ctx: int, **settings: Any) -> tuple[Any, WindowedLlama]:
    with WindowedLlama(n_ctx, citing_answer) as server:
        flags = {"base_url": server.base_url, "model": "m", "mode": "tools", **settings}
        with Summarizer(settings=Settings(**flags)) as s:
            brief = s.summarize(ARTICLE)
    return brief, server


@pytest.mark.parametrize("n_ctx", [2048, 4096])
def test_an_ordinary_article_briefs_in_a_small_window_with_no_flags(n_ctx: int) -> None:
    brief, server = brief_at(n_ctx)
    assert server.refused == 0
    for body, size in zip(server.chats, server.sizes, strict=True):
        assert size + body["max_tokens"] <= n_ctx  # every request fits the window
    assert brief.summary and brief.grounding.quotes_verified == brief.grounding.quotes_checked
    if n_ctx == 4096:
        assert brief.chunks == 1 and len(server.chats) == 1
        assert server.chats[0]["max_tokens"] == 1024  # a quarter of the window
    else:  # smaller chunks, each answer given 512 tokens
        assert brief.chunks >= 2
        assert {body["max_tokens"] for body in server.chats} == {512}
        # the consolidating call fits too (its fixed part counted by the server's tokenizer)
        assert len(server.chats) == brief.chunks + 1
        assert not [d for d in brief.grounding.dropped if d.path == "reduce"]


def test_an_explicit_max_tokens_is_honoured_and_too_much_is_a_clear_error() -> None:
    brief, server = brief_at(8192, max_tokens=700)
    assert brief.chunks == 1 and [b["max_tokens"] for b in server.chats] == [700]
    with pytest.raises(ConfigurationError, match="leaves no room"):
        brief_at(2048, max_tokens=1800)
    with pytest.raises(ConfigurationError, match="max_tokens"):
        Summarizer(
            settings=load_settings(
                {"max_tokens": 8, "base_url": "http://x/v1", "model": "m"}, env={}
            )
        )


def test_a_big_window_gives_the_answer_the_cap() -> None:
    brief, server = brief_at(32_768)
    assert brief.chunks == 1 and [b["max_tokens"] for b in server.chats] == [2048]


def _walk(node: Any, path: str = "#") -> list[tuple[str, Any]]:
    out = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _walk(value, f"{path}/{i}")
    return out


@pytest.mark.parametrize("strict", [False, True])
def test_the_wire_schema_keeps_every_field_enum_and_the_citation_range(strict: bool) -> None:
    wire = wire_schema(17, strict=strict)
    nodes = _walk(wire)
    # no prose: the system prompt says what each field holds
    assert not [p for p, n in nodes if isinstance(n, dict) and ("title" in n or "description" in n)]
    cite = wire["$defs"]["cite"]
    assert cite["items"] == {"type": "integer", "minimum": 1, "maximum": 17}
    full = draft_json_schema()
    defs = full["$defs"]

    def same_fields(lean: dict[str, Any], model: dict[str, Any]) -> None:
        if "$ref" in model:
            model = defs[model["$ref"].rsplit("/", 1)[-1]]
        if model.get("type") == "array" and "items" in model:
            same_fields(lean["items"], model["items"])
        if "properties" not in model:
            return
        assert lean["additionalProperties"] is False and lean["type"] == "object"
        assert lean["required"] == model["required"]
        assert list(lean["properties"]) == list(model["properties"])
        for name, field in model["properties"].items():
            got = lean["properties"][name]
            if name == "evidence":
                assert got == {"$ref": "#/$defs/cite"}
                continue
            if "enum" in field:
                assert got["enum"] == field["enum"]
            same_fields(got, field)

    same_fields(wire, full)
    summary = wire["properties"]["summary"]
    if strict:  # OpenAI's strict subset: no length keywords anywhere
        assert not [
            p for p, n in nodes if isinstance(n, dict) and ("maxItems" in n or "minItems" in n)
        ]
    else:
        assert (summary["minItems"], summary["maxItems"]) == (1, 4)
        assert (cite["minItems"], cite["maxItems"]) == (1, 3)
    # the answer is still validated with every limit of the full model
    with pytest.raises(ValueError):
        BriefDraft.model_validate({"headline": "x" * 201, "summary": [], "actors": [],
                                   "positions": [], "disputes": [], "next_steps": []})  # fmt: skip


@contextmanager
def ollama_like(version: str) -> Iterator[list[str]]:
    """Ollama's surface for the probe: ``/api/version`` answers, llama.cpp's ``/props`` and
    a window in ``/v1/models`` do not exist. Yields the paths asked, then its base URL."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            found = self.path == "/api/version"
            data = json.dumps({"version": version} if found else {"error": "not found"}).encode()
            self.send_response(200 if found else 404)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        asked.append(f"http://127.0.0.1:{server.server_address[1]}/v1")
        yield asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize(("version", "window"), [("0.12.3", 4096), ("0.5.12", 2048)])
def test_ollama_is_recognised_and_its_default_window_is_used(version: str, window: int) -> None:
    with ollama_like(version) as asked:
        base_url = asked.pop()
        settings = Settings(base_url=base_url, model="llama3.2")
        planner = Planner(settings, resolve_backend(settings), base_url=base_url)
        assert planner.window() == (window, OLLAMA_SOURCE)
        assert "set context_window if you raised it" in OLLAMA_SOURCE
        probes = list(asked)
        assert planner.window() == (window, OLLAMA_SOURCE)  # asked once per Planner
        assert asked == probes and asked[-1] == "/api/version"
        assert reserve(settings, 2048, window) == window // 4
        # a window set by the user is taken as it is: no request at all
        mine = Settings(base_url=base_url, model="llama3.2", context_window=16_384)
        told = Planner(mine, resolve_backend(mine), base_url=base_url)
        assert told.window() == (16_384, "setting context_window (default)")
        assert asked == probes
