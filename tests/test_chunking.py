"""Long articles: budgets, splitting, merging, and the chunked brief over a scripted server."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import Article
from summarizer.base.config import Settings
from summarizer.base.errors import (
    BriefValidationError,
    ConfigurationError,
    InputError,
    TruncatedOutputError,
)
from summarizer.engine.verification import verify
from summarizer.longform.budget import estimate_tokens, numbered
from summarizer.longform.merge import merge
from summarizer.longform.servers import find_tokenizer, openai_window, probe_window
from summarizer.longform.split import split
from summarizer.output.brief import (
    Actor,
    Brief,
    BriefContent,
    Citation,
    Position,
    SummarySentence,
)
from summarizer.pipeline import Summarizer
from summarizer.testing import FakeOpenAI, Reply, completion

# The scripted server runs on loopback (conftest.py isolates SUMMARIZER_HOME and the env).
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


# --- a deterministic long article ---------------------------------------------------------

PEOPLE = [
    ("Maria Okafor", "the finance minister"),
    ("Jonas Lindqvist", "the opposition leader"),
    ("Aiko Tanaka", "the central bank governor"),
]
TOPICS = ["the port budget", "fuel subsidies", "the rail tender", "teacher pay", "water tariffs"]
VERBS = ["said", "argued", "warned", "insisted", "told reporters"]


def paragraph(i: int, *, sentences: int = 4) -> str:
    name, role = PEOPLE[i % len(PEOPLE)]
    surname = name.split()[1]
    topic = TOPICS[i % len(TOPICS)]
    out = [f"{name}, {role}, {VERBS[i % len(VERBS)]} that {topic} needed a vote by week {i}."]
    for k in range(1, sentences):
        out.append(
            f"{surname} added that item {i}.{k} on {TOPICS[(i + k) % len(TOPICS)]} "
            f"would cost {(i * 7 + k * 13) % 90 + 10} million."
        )
    return " ".join(out)


def long_article(paragraphs: int, *, sentences: int = 4) -> str:
    return "\n\n".join(paragraph(i, sentences=sentences) for i in range(paragraphs))


# --- a scripted server that briefs whatever it is sent ------------------------------------

BLOCK = re.compile(r"<<<(ARTICLE|PARTS)-\w+\n(.*?)\n(?:ARTICLE|PARTS)-\w+>>>", re.S)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def brief_of(text: str, *, extra_quote: str | None = None) -> dict[str, Any]:
    """A plausible brief of ``text`` that quotes it (and ``extra_quote``, if given)."""
    sentences = _sentences(text)
    # Faithful by construction: each claim is the sentence its evidence comes from.
    summary = [{"text": s, "evidence": [s[:120]]} for s in sentences[:2]]
    if extra_quote is not None:
        summary.append({"text": "More was said.", "evidence": [extra_quote]})
    actors, positions = [], []
    for name, _role in PEOPLE:
        surname = name.split()[1]
        # Named in full where the text does, by surname where it only does that.
        shown = name if name in text else surname if surname in text else None
        if shown is None:
            continue
        quote = next(s for s in sentences if shown in s)[:120]
        actor_id = surname.lower()
        actors.append(
            {"id": actor_id, "name": shown, "kind": "person", "role": "", "evidence": [quote]}
        )
        positions.append(
            {
                "actor": actor_id,
                "topic": "budget",
                "stance": quote,
                "evidence": [quote],
            }
        )
    return {
        "headline": sentences[0],
        "summary": summary,
        "actors": actors,
        "positions": positions,
        "disputes": [],
        "next_steps": [],
    }


def merge_answer(parts_text: str) -> dict[str, Any]:
    cited = re.findall(r'^  \[(\d+)\] "(.*)"$', parts_text, re.M)
    return {
        "headline": cited[0][1] if cited else "nothing cited",
        "summary": [{"text": q, "evidence": [int(n)]} for n, q in cited[:2]],
        "actors": [],
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }


class Scripted:
    """Answers chunk requests with :func:`brief_of` and reduce requests with a merge."""

    def __init__(self, *, extra: Any = None, merge_reply: Any = None, delay_s: float = 0) -> None:
        self.extra = extra  # (chunk text) -> extra quote or None
        self.merge_reply = merge_reply
        self.delay_s = delay_s
        self.chunks: list[str] = []
        self.merges = 0

    def __call__(self, request: dict[str, Any]) -> Reply:
        user = request["messages"][1]["content"]
        found = BLOCK.search(user)
        assert found, "no delimited data in the request"
        kind, text = found.groups()
        if kind == "ARTICLE":  # numbered sentences, "[n] text": back to the text they are
            lines = [ln for ln in text.split("\n") if ln and not ln.startswith("Title: ")]
            text = " ".join(re.sub(r"^\[\d+\] ", "", ln) for ln in lines)
        if kind == "PARTS":
            self.merges += 1
            body = self.merge_reply or merge_answer(text)
        else:
            self.chunks.append(text)
            extra = self.extra(text) if self.extra else None
            body = brief_of(text, extra_quote=extra)
        content = body if isinstance(body, str) else json.dumps(body)
        return Reply(
            body=completion(content, prompt_tokens=100, completion_tokens=50), delay_s=self.delay_s
        )


def settings(server: FakeOpenAI, **values: Any) -> Settings:
    values.setdefault("max_requests_per_brief", 1000)  # the cap has its own tests
    return Settings(base_url=server.base_url, model="fake-model", mode="json_schema", **values)


def all_quotes(brief: Brief) -> list[str]:
    items: list[Any] = [
        *brief.summary,
        *brief.actors,
        *brief.positions,
        *brief.disputes,
        *brief.next_steps,
    ]
    return [c.quote for item in items for c in item.evidence]


# --- token estimate and splitting ---------------------------------------------------------


def test_estimate_is_conservative_for_prose_and_counts_non_latin_text() -> None:
    assert estimate_tokens("") == 0
    prose = long_article(3)
    assert estimate_tokens(prose) >= len(prose) / 4  # ~4 characters per token in English
    assert estimate_tokens("東京都" * 10) >= 30  # a CJK character is about a token


def test_split_makes_exact_slices_that_fit_and_overlap() -> None:
    text = long_article(40)
    chunks = split(text, chunk_tokens=300, overlap=40)
    assert len(chunks) > 5
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert estimate_tokens(chunk.text) <= 300
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end, "consecutive chunks overlap"
        assert after.start > before.start
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())


def test_split_prefers_paragraph_boundaries() -> None:
    text = long_article(30)
    starts = {0} | {m.end() for m in re.finditer(r"\n\n", text)}
    chunks = split(text, chunk_tokens=400, overlap=0)
    assert all(c.start in starts for c in chunks)


def test_a_paragraph_longer_than_a_chunk_is_cut_between_sentences() -> None:
    text = paragraph(0, sentences=60)
    chunks = split(text, chunk_tokens=200, overlap=30)
    assert len(chunks) > 3
    for chunk in chunks:
        assert estimate_tokens(chunk.text) <= 200
        assert chunk.text.endswith(".")  # whole sentences
    covered = "".join(text[c.start : c.end] for c in chunks)
    assert all(s in covered for s in _sentences(text))


def test_a_sentence_longer_than_a_chunk_is_cut_between_words_then_characters() -> None:
    text = ("word " * 500).strip() + " " + "x" * 3000
    chunks = split(text, chunk_tokens=100, overlap=0)
    assert all(estimate_tokens(c.text) <= 100 for c in chunks)
    assert "".join(text[c.start : c.end] for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_one_line_of_1_mb_is_cut_with_few_counts() -> None:
    """1 MB on one line (issue 23 #25): each run between words is the longest that fits,
    found in a few counts, not one count of the growing run per word (200,000 counts of up
    to a chunk each: half a minute of CPU before the plan could even refuse it)."""
    text = "word " * 200_000
    counts = 0

    def count(piece: str) -> int:
        nonlocal counts
        counts += 1
        return numbered(estimate_tokens, piece)

    chunks = split(text, chunk_tokens=2571, overlap=200, count=count)
    assert len(chunks) == 130 and all(count(c.text) <= 2571 for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())
    assert counts < 10_000, counts  # about 25 per chunk; one per word was 200,000


# --- merging ------------------------------------------------------------------------------


def _cite(quote: str) -> Citation:
    return Citation(quote=quote, start=0, end=len(quote))


def _actor(actor_id: str, name: str, quote: str, kind: str = "person") -> Actor:
    return Actor(id=actor_id, name=name, kind=kind, role="r", evidence=[_cite(quote)])  # type: ignore[arg-type]


def _draft(actors: list[Actor], positions: list[Position] | None = None) -> BriefContent:
    return BriefContent(
        headline="h",
        summary=[SummarySentence(text="s", evidence=[_cite("q")])],
        actors=actors,
        positions=positions or [],
        disputes=[],
        next_steps=[],
    )


def test_merge_dedupes_an_actor_named_in_full_and_by_surname() -> None:
    parts = [
        (0, _draft([_actor("okafor", "Okafor", "Okafor said")])),
        (1, _draft([_actor("maria", "Maria Okafor", "Maria Okafor, the minister")])),
        (2, _draft([_actor("mo", "Minister Maria Okafor", "the minister")])),
    ]
    merged = merge(parts)
    assert [a.name for a in merged.actors] == ["Minister Maria Okafor"]
    assert {c.quote for c in merged.actors[0].evidence} == {
        "Okafor said",
        "Maria Okafor, the minister",
        "the minister",
    }
    new_id = merged.actors[0].id
    assert merged.ids == {(0, "okafor"): new_id, (1, "maria"): new_id, (2, "mo"): new_id}


def test_merge_keeps_an_ambiguous_surname_apart_and_resolves_acronyms() -> None:
    parts = [
        (0, _draft([_actor("a", "Anna Smith", "q1"), _actor("b", "John Smith", "q2")])),
        (1, _draft([_actor("smith", "Smith", "q3"), _actor("eu", "EU", "q4", "organization")])),
        (2, _draft([_actor("eu", "European Union", "q5", "organization")])),
    ]
    merged = merge(parts)
    names = sorted(a.name for a in merged.actors)
    assert names == ["Anna Smith", "European Union", "John Smith", "Smith"]
    assert merged.ids[(1, "eu")] == merged.ids[(2, "eu")]
    assert len({a.id for a in merged.actors}) == 4


def test_merge_remaps_ids_and_dedupes_positions_by_shared_evidence() -> None:
    p0 = Position(actor="x", topic="t", stance="Wants a vote.", evidence=[_cite("quote one")])
    p1 = Position(
        actor="y",
        topic="t",
        stance="Demands a ballot now.",
        evidence=[_cite("quote one"), _cite("quote two")],
    )
    parts = [
        (0, _draft([_actor("x", "Maria Okafor", "q")], [p0])),
        (1, _draft([_actor("y", "Okafor", "q")], [p1])),
        # the same id in another part is another person: ids are per part
        (2, _draft([_actor("x", "Jonas Lindqvist", "q")])),
    ]
    merged = merge(parts)
    okafor, lindqvist = merged.actors
    assert okafor.id != lindqvist.id
    assert len(merged.positions) == 1
    assert merged.positions[0].actor == okafor.id
    assert [c.quote for c in merged.positions[0].evidence] == ["quote one", "quote two"]


# --- budgets ------------------------------------------------------------------------------


def test_openai_window_table_uses_the_longest_prefix() -> None:
    assert openai_window("gpt-4o-mini-2024-07-18") == 128_000
    assert openai_window("gpt-4") == 8_192
    assert openai_window("llama3") is None


def test_a_window_too_small_for_the_prompt_is_a_configuration_error() -> None:
    with (
        FakeOpenAI(responder=Scripted()) as server,
        Summarizer(settings=settings(server, context_window=1024)) as s,
        pytest.raises(ConfigurationError, match="context window"),
    ):
        s.summarize(long_article(30))


def test_the_hard_cap_still_applies_with_a_clear_error() -> None:
    with (
        FakeOpenAI(responder=Scripted()) as server,
        Summarizer(settings=settings(server, max_input_bytes=1000)) as s,
        pytest.raises(InputError, match="max_input_bytes=1000"),
    ):
        s.summarize(Article(text=long_article(10)))
    assert server.calls == 0


# --- the chunked brief over the scripted server --------------------------------------------


def test_an_article_just_under_the_budget_is_one_call() -> None:
    text = long_article(6)
    limit = numbered(estimate_tokens, text)  # the article as the prompt numbers it
    with (
        FakeOpenAI(responder=Scripted()) as server,
        Summarizer(settings=settings(server, max_input_tokens=limit)) as s,
    ):
        brief = s.summarize(text)
        probes = [r["path"] for r in server.requests if r["method"] == "GET"]
        s.summarize(long_article(3))
        again = [r["path"] for r in server.requests if r["method"] == "GET"]
    assert server.calls == 2 and brief.chunks == 1
    # the window (for max_tokens "auto") is asked once per Summarizer: /props, /models, Ollama's
    assert probes == again == ["/props", "/v1/models", "/api/version"]


def test_an_article_just_over_the_budget_is_chunked_and_merged() -> None:
    text = long_article(6)
    limit = numbered(estimate_tokens, text)  # the article as the prompt numbers it
    scripted = Scripted()
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(settings=settings(server, max_input_tokens=limit - 1)) as s,
    ):
        brief = s.summarize(text)
    assert brief.chunks == len(scripted.chunks) >= 2
    assert scripted.merges == 1
    assert server.calls == brief.chunks + 1
    # every POST counts, the two tokenizer probes (404 here) included (issue 13 #6)
    assert brief.usage.requests == len([r for r in server.requests if r["method"] == "POST"])
    assert brief.usage.prompt_tokens == 100 * server.calls
    assert brief.headline == brief.summary[0].text  # the merge's headline, which it supports
    assert brief.source.content_hash == Article(text=text).content_hash
    # the report describes the claims of the brief as shown, and verify reads it the same
    g = brief.grounding
    shown = len(brief.summary) + len(brief.positions) + len(brief.next_steps) + 1
    assert g.claims_checked >= shown
    assert g.claims_supported + g.claims_not_established + g.claims_dropped == g.claims_checked
    assert verify(brief, text).ok == (g.claims_not_established == 0)


def test_a_long_article_of_many_paragraphs() -> None:
    text = long_article(80)
    scripted = Scripted()
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(
            settings=settings(server, context_window=8192, chunk_tokens=600, chunk_overlap=60)
        ) as s,
    ):
        brief = s.summarize(text)
    assert brief.chunks == len(scripted.chunks) > 10
    flat = " ".join(text.split())
    assert all(" ".join(chunk.split()) in flat for chunk in scripted.chunks)
    assert all(estimate_tokens(chunk) <= 600 for chunk in scripted.chunks)
    # Each person appears in many chunks, by full name and by surname: one actor each.
    assert sorted(a.name for a in brief.actors) == sorted(name for name, _ in PEOPLE)
    ids = {a.id for a in brief.actors}
    assert all(p.actor in ids for p in brief.positions)
    assert len(brief.positions) == len(brief.positions) and brief.positions
    assert all(q in text for q in all_quotes(brief))
    assert 2 <= len(brief.summary) <= 4
    assert brief.attempts == server.calls
    assert brief.grounding.quotes_dropped == 0
    assert brief.grounding.quotes_verified == len(all_quotes(brief))
    Brief.model_validate(brief.model_dump())


def test_a_single_paragraph_longer_than_a_chunk() -> None:
    text = paragraph(1, sentences=80)
    scripted = Scripted()
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(settings=settings(server, chunk_tokens=400, max_input_tokens=400)) as s,
    ):
        brief = s.summarize(text)
    assert brief.chunks == len(scripted.chunks) > 3
    assert server.calls == brief.chunks + 1
    assert all(q in text for q in all_quotes(brief))
    assert [a.name for a in brief.actors] == ["Jonas Lindqvist"]


def test_quotes_spanning_a_chunk_boundary_are_dropped_never_invented() -> None:
    text = long_article(20)

    def across(chunk: str) -> str | None:
        # What a model writes when it runs past the end of its chunk: a quote that starts
        # in this chunk and goes on into the next one (it is in the article, not the chunk).
        last = _sentences(chunk)[-1]
        end = text.index(last) + len(last)
        return text[end - 30 : end + 30] if end + 30 < len(text) else None

    scripted = Scripted(extra=across)
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(
            settings=settings(server, chunk_tokens=500, max_input_tokens=500, max_reasks=1)
        ) as s,
    ):
        brief = s.summarize(text)
    n = brief.chunks
    assert n > 2
    crossing = [across(c) for c in dict.fromkeys(scripted.chunks)]  # re-asks repeat them
    assert len(crossing) == n
    quotes = all_quotes(brief)
    assert all(q in text for q in quotes)
    assert not any(q in quotes for q in crossing if q)
    dropped = [d for d in brief.grounding.dropped if d.kind == "item" and "summary" in d.path]
    assert len(dropped) == sum(1 for q in crossing if q)
    assert all(d.path.startswith("chunks[") for d in dropped)
    # each chunk with such a quote was re-asked once about it; then the merge
    assert server.calls == n + len(dropped) + 1
    assert brief.grounding.quotes_dropped >= len(dropped)


def test_an_invented_merge_is_dropped_and_the_parts_summaries_are_used() -> None:
    bad = {
        "headline": "Invented",
        "summary": [{"text": "Made up.", "evidence": ["nothing like this is in the article"]}],
        "actors": [],
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }
    text = long_article(12)
    scripted = Scripted(merge_reply=bad)
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(
            settings=settings(server, chunk_tokens=500, max_input_tokens=500, max_reasks=0)
        ) as s,
    ):
        brief = s.summarize(text)
    assert scripted.merges == 1 and server.calls == brief.chunks + 1
    assert brief.summary and all(q in text for q in all_quotes(brief))
    assert any(d.path.startswith("reduce.summary") for d in brief.grounding.dropped)


async def test_the_async_path_briefs_chunks_concurrently() -> None:
    text = long_article(40)
    scripted = Scripted(delay_s=0.2)
    with FakeOpenAI(responder=scripted) as server:
        async with Summarizer(
            settings=settings(server, chunk_tokens=600, max_input_tokens=600, chunk_concurrency=8)
        ) as s:
            import time

            # The first requests pay for imports and new connections: warm up once.
            await s.asummarize(text + "\n\nThe end.")
            started = time.perf_counter()
            brief = await s.asummarize(text)
            elapsed = time.perf_counter() - started
    assert brief.chunks >= 8
    assert server.calls == 2 * (brief.chunks + 1)
    # sequential would take (chunks + 1) * 0.2 s
    assert elapsed < (brief.chunks + 1) * 0.2 * 0.6
    assert sorted(a.name for a in brief.actors) == sorted(name for name, _ in PEOPLE)
    assert all(q in text for q in all_quotes(brief))


def test_the_cli_passes_chunk_options(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli.app import app

    text = long_article(20)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    with FakeOpenAI(responder=Scripted()) as server:
        result = CliRunner().invoke(
            app,
            [
                "summarize",
                str(path),
                "--format",
                "json",
                "--base-url",
                server.base_url,
                "--model",
                "fake-model",
                "--mode",
                "json_schema",
                "--max-input-tokens",
                "800",
                "--chunk-tokens",
                "500",
                "--chunk-overlap",
                "50",
                "--max-requests",
                "1000",
            ],
        )
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert brief["chunks"] > 1
    assert server.calls == brief["chunks"] + 1


def test_a_chunk_that_never_validates_is_reported_and_strict_fails() -> None:
    text = long_article(12)
    good = Scripted()

    def respond(request: dict[str, Any]) -> Reply:
        found = BLOCK.search(request["messages"][1]["content"])
        first = "[1] " + _sentences(paragraph(0))[0]  # the first chunk, as numbered sentences
        if found and found.group(1) == "ARTICLE" and found.group(2).startswith(first):
            return Reply(body=completion("this is not JSON"))
        return good(request)

    with FakeOpenAI(responder=respond) as server:
        with Summarizer(
            settings=settings(server, chunk_tokens=500, max_input_tokens=500, max_reasks=0)
        ) as s:
            brief = s.summarize(text)
            assert brief.chunks > 2
            failed = [d for d in brief.grounding.dropped if d.path == "chunks[0]"]
            assert len(failed) == 1 and "not valid JSON" in failed[0].reasons[0]
            assert brief.usage.requests == server.calls + 2  # + the 2 tokenizer probes
            assert all(q in text for q in all_quotes(brief))
        with (
            Summarizer(
                settings=settings(
                    server, chunk_tokens=500, max_input_tokens=500, max_reasks=0, strict=True
                )
            ) as s,
            pytest.raises(BriefValidationError),
        ):
            s.summarize(text)


# --- what a server reports: a stand-in for llama.cpp's /props and a tokenizer -------------


class _LlamaLike(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/props":
            self._json(200, {"default_generation_settings": {"n_ctx": 2048}})
        else:
            self._json(404, {"error": "no"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self.path == "/extras/tokenize/count":
            self._json(200, {"count": len(body["input"].split())})
        else:
            self._json(404, {"error": "no"})


def test_window_and_tokenizer_come_from_the_server_when_it_has_them() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LlamaLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/v1"
        assert probe_window(base, model="m", api_key=None) == 2048
        counter = find_tokenizer(base, model="m", api_key=None)
        assert counter is not None and counter.exact
        assert counter.count("one two three four") == 4
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    with FakeOpenAI() as fake:  # an OpenAI-style server has neither
        assert probe_window(fake.base_url, model="fake-model", api_key=None) is None
        assert find_tokenizer(fake.base_url, model="fake-model", api_key=None) is None


class TruncatedMerge(Scripted):
    """Every reduce answer is cut off at max_tokens."""

    def __call__(self, request: dict[str, Any]) -> Reply:
        reply = super().__call__(request)
        if "PARTS" in request["messages"][1]["content"]:
            return Reply(body=completion('{"headline": "cut', finish_reason="length"))
        return reply


def test_a_truncated_reduce_keeps_the_chunks_and_strict_fails() -> None:
    text = long_article(12)
    scripted = TruncatedMerge()
    with (
        FakeOpenAI(responder=scripted) as server,
        Summarizer(
            settings=settings(server, chunk_tokens=500, max_input_tokens=500, max_reasks=1)
        ) as s,
    ):
        brief = s.summarize(text)
    assert scripted.merges == 2  # the answer, then one retry with a larger max_tokens
    assert brief.summary and all(q in text for q in all_quotes(brief))
    assert any(d.path == "reduce" for d in brief.grounding.dropped)

    strict = TruncatedMerge()
    with (
        FakeOpenAI(responder=strict) as server,
        Summarizer(
            settings=settings(
                server, chunk_tokens=500, max_input_tokens=500, max_reasks=1, strict=True
            )
        ) as s,
        pytest.raises(TruncatedOutputError),
    ):
        s.summarize(text)
