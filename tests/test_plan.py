"""One plan for every path: a long document briefs with the defaults, a runaway plan is
refused before any call, and a batch either does what the plan says or refuses it, so it
never caches an unverified brief under a key that records ``verify``.

Loopback servers only: ``WindowedLlama`` (llama.cpp's surface for one context window) and
the Batch API of ``tests/batchserver.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from batchserver import BatchServer

from summarizer import Summarizer
from summarizer.article import Article
from summarizer.base.errors import ConfigurationError, InputError
from summarizer.batch.collect import open_batches, submit_batch
from summarizer.engine.cache import open_cache
from summarizer.engine.plan import MAX_AUTO_ANSWERS
from summarizer.grounding.version import CHECK_VERSION
from summarizer.testing import FakeOpenAI, Reply, completion
from summarizer.testing.digest import article_of, draft_for
from summarizer.testing.windowed import WindowedLlama, citing_answer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

MODEL = "batch-model"
SHORT = (
    "Dockworkers at Port Halden voted on Monday to extend their strike, the union said. "
    "Port authority chief Daniel Brandt said automation would keep the port competitive. "
    "Talks are due to resume on Thursday, both sides said.\n"
)


def long_report(words: int) -> str:
    """A report of about ``words`` words: varied, numbered sentences in paragraphs."""
    sentences, count, i = [], 0, 0
    while count < words:
        i += 1
        sentence = (
            f"Council member {i % 37} said on day {i} that item {i} of the budget would cost "
            f"{i * 7 % 90 + 10} million over {i % 5 + 2} years, and that talks would resume."
        )
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[j : j + 6]) for j in range(0, len(sentences), 6)]
    return "City budget report\n\n" + "\n\n".join(paragraphs) + "\n"


# --- a long document with the default settings -----------------------------------------------


def test_a_30000_word_article_briefs_in_an_8192_token_window_with_the_defaults() -> None:
    text = long_report(30_000)
    assert len(text.split()) >= 30_000
    # only where the server is and what it calls its model: every other setting default
    with (
        WindowedLlama(8192, citing_answer) as server,
        Summarizer(base_url=server.base_url, model="m") as s,
    ):
        planned = s.plan(text)
        brief = s.summarize(text)
    assert server.refused == 0  # every request fit the window
    for body, size in zip(server.chats, server.sizes, strict=True):
        assert size + body["max_tokens"] <= 8192
    assert brief.chunks >= 10 and len(server.chats) >= brief.chunks + 1  # each part, then one
    assert brief.usage.requests >= len(server.chats)  # (and the tokenizer's requests)
    # The offline plan (what the estimate sees: the over-counting estimate, more chunks) is
    # within the automatic bound, and above the old default cap of 250 requests.
    assert planned.chunked and planned.requests <= MAX_AUTO_ANSWERS
    assert planned.max_requests > 250
    assert brief.summary and brief.grounding.quotes_verified == brief.grounding.quotes_checked


def test_a_runaway_plan_is_refused_before_any_call() -> None:
    text = long_report(6_000)
    with FakeOpenAI() as server:
        with (
            Summarizer(
                base_url=server.base_url,
                model="m",
                mode="json_schema",
                max_input_tokens=400,
                chunk_tokens=40,
                chunk_overlap=0,
            ) as s,  # fmt: skip
            pytest.raises(ConfigurationError, match="runaway plan") as info,
        ):
            s.summarize(Article(text=text, origin="report.txt"))
        assert server.calls == 0
    assert info.value.source == "report.txt" and "max_requests_per_brief" in str(info.value)


# --- batch: verify and strategy are done or refused, never cached as if done -----------------


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded brief of the request's article, for the Batch API and the live path."""
    return completion(json.dumps(draft_for(article_of(body))), model=MODEL)


def submit(server: BatchServer, db: Path, **settings: Any) -> Any:
    with (
        open_cache(db) as cache,
        Summarizer(
            base_url=server.base_url,
            model=MODEL,
            mode="json_schema",
            db=db,
            cache=cache,
            **settings,
        ) as s,  # fmt: skip
    ):
        job = submit_batch(s, [SHORT], batches=open_batches(s, poll_s=0.01))
        try:
            job.wait(timeout_s=10)
            return job.collect()
        finally:
            job.close()


def test_a_batch_with_verify_is_refused_and_nothing_is_sent_or_cached(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with BatchServer(answer, tick_s=0.01) as server:
        with pytest.raises(ConfigurationError, match="verifying call"):
            submit(server, db, verify=True)
        assert server.files == {} and server.batches == {}  # nothing uploaded
    with open_cache(db) as cache:
        assert cache.count_briefs() == 0


def live(request: dict[str, Any]) -> Reply:
    """The live path: a grounded brief, and the verifying call's verdicts (all entailed)."""
    if request["messages"][0]["content"].startswith("You check a news brief"):
        claims = request["messages"][1]["content"].count("Claim ")
        verdicts = [{"claim": n, "verdict": "entailed", "reason": "stated"}
                    for n in range(1, claims + 1)]  # fmt: skip
        return Reply(body=completion(json.dumps({"verdicts": verdicts}), model=MODEL))
    return Reply(body=answer(request))


def test_a_batch_brief_is_not_served_to_a_verifying_summarize(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with BatchServer(answer, tick_s=0.01) as server:
        results = submit(server, db)  # verify off: a plain brief, cached under its key
    assert [r.ok for r in results] == [True]
    assert results[0].brief is not None and results[0].brief.grounding.verification is None
    with (
        FakeOpenAI(responder=live) as server,
        open_cache(db) as cache,
        Summarizer(
            base_url=server.base_url, model=MODEL, mode="json_schema", cache=cache, verify=True
        ) as s,  # fmt: skip
    ):
        _, parts = s.cache_key(Article(text=SHORT))
        assert parts["verify"] is True and parts["check_version"] == CHECK_VERSION
        brief = s.summarize(SHORT)
        # not served from the cache: briefed again (the check established every claim, so
        # no verifying call is spent), and recorded as verified
        assert len(server.chat_requests) == 1
        assert brief.grounding.verification == []
        assert s.summarize(SHORT) == brief and len(server.chat_requests) == 1  # now cached


def test_a_batch_with_the_choose_strategy_is_refused(tmp_path: Path) -> None:
    with BatchServer(answer, tick_s=0.01) as server:
        with pytest.raises(ConfigurationError, match="strategy=choose"):
            submit(server, tmp_path / "db.sqlite", strategy="choose")
        assert server.files == {}


def test_a_batch_rejects_an_article_its_plan_cuts_into_chunks(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with (
        BatchServer(answer, tick_s=0.01) as server,
        open_cache(db) as cache,
        Summarizer(
            base_url=server.base_url,
            model=MODEL,
            mode="json_schema",
            db=db,
            cache=cache,
            context_window=2048,
        ) as s,  # fmt: skip
    ):
        job = s.submit_batch([SHORT, long_report(3_000)])
        try:
            (rejected,) = job.submitted.rejected
            assert isinstance(rejected.error, InputError)
            assert "brief it live" in str(rejected.error)
            assert len(job.ids) == 1  # the short one was sent
        finally:
            job.close()


def test_a_digest_batch_lists_an_article_too_long_for_a_batch_as_failed(tmp_path: Path) -> None:
    from summarizer.digest.config import DigestConfig
    from summarizer.digest.run import run_digest
    from summarizer.testing.digest import PORT, write_articles

    write_articles(tmp_path / "news", [PORT])
    (tmp_path / "news" / "long.txt").write_text(long_report(3_000), encoding="utf-8")
    with BatchServer(answer, tick_s=0.01) as server:
        cfg = DigestConfig.model_validate({
            "sources": [str(tmp_path / "news")], "out": tmp_path / "out",
            "db": tmp_path / "d.db", "formats": ["json"], "batch": True, "batch_wait": True,
            "batch_poll_s": 0.01,
            "summarizer": {"base_url": server.base_url, "model": MODEL, "mode": "json_schema",
                           "context_window": 2048, "transport_attempts": 1},
        })  # fmt: skip
        digest = run_digest(cfg)
    assert digest.counts.briefed == 1 and digest.partial
    (failed,) = digest.failed
    assert "not sent in a batch" in failed.error and "brief it live" in failed.error
