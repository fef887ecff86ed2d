"""Many briefs at once through one Summarizer against a flaky server: no deadlock, bounded calls.

The server answers 20 % 429 and 5 % 500 at random (seeded), otherwise a grounded brief.
Every brief either completes or fails with a BackendError naming its source; the total
number of HTTP calls equals the sum each brief reports and stays within
``briefs x transport_attempts`` (the answers are valid, so no re-ask is ever needed; the
general bound is ``transport_attempts x (1 + max_reasks)`` per brief).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from briefs import ARTICLE, draft_json

from summarizer.article import Article
from summarizer.base.config import load_settings
from summarizer.base.errors import BackendError
from summarizer.pipeline import BriefResult, Summarizer
from summarizer.testing import FakeOpenAI, Reply, completion, random_faults

BRIEFS = 100
ATTEMPTS = 4
REASKS = 2
TIME_LIMIT_S = 30.0  # the run takes about 2 s; this only catches a hang


@pytest.fixture
def articles() -> list[Article]:
    return [
        Article(text=f"{ARTICLE}\n\nUpdate {i}.", origin=f"article-{i:03d}.txt")
        for i in range(BRIEFS)
    ]


@pytest.fixture
def faulty(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """The loopback server answering with seeded 429s and 500s (``(seed, retry_after)``)."""
    seed, retry_after = request.param
    ok = Reply(body=completion(draft_json()))
    with FakeOpenAI(
        responder=random_faults(seed, p429=0.2, p500=0.05, ok=ok, retry_after=retry_after)
    ) as srv:
        yield srv


async def brief_all(summarizer: Summarizer, articles: list[Article]) -> list[BriefResult]:
    results = [r async for r in summarizer.summarize_many(articles, concurrency=BRIEFS)]
    await summarizer.aclose()
    return results


@pytest.mark.parametrize(
    "faulty",
    [
        pytest.param((7, "0"), id="seed7-no-wait"),
        pytest.param((11, "0.02"), id="seed11-retry-after-20ms"),
    ],
    indirect=True,
)
async def test_100_concurrent_briefs_against_random_faults(
    faulty: FakeOpenAI, articles: list[Article], tmp_path: Path
) -> None:
    server = faulty
    settings = load_settings(
        {
            "base_url": server.base_url,
            "model": "fake-model",
            "mode": "json_schema",
            "timeout_s": 10.0,
            "transport_attempts": ATTEMPTS,
            "retry_max_wait_s": 0.05,
            "max_reasks": REASKS,
        },
        env={},
        path=tmp_path / "no-config.toml",
    )
    summarizer = Summarizer(settings=settings)
    started = time.monotonic()

    results = await asyncio.wait_for(brief_all(summarizer, articles), TIME_LIMIT_S)

    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S
    assert sorted(r.index for r in results) == list(range(BRIEFS))  # each exactly once
    requests = 0
    failed = []
    for result in results:
        if result.ok:
            assert result.brief is not None and result.error is None
            assert result.brief.attempts == 1
            assert 1 <= result.brief.usage.requests <= ATTEMPTS, result.brief.usage
            assert result.brief.grounding.items_dropped == 0
            requests += result.brief.usage.requests
        else:
            err = result.error
            failed.append(err)
            # A clear error: the transport gave up on a 429 or a 500, naming the source.
            assert isinstance(err, BackendError), repr(err)
            assert err.status_code in (429, 500), repr(err)
            assert err.attempts == ATTEMPTS, repr(err)
            assert str(err).startswith(f"article-{result.index:03d}.txt: HTTP "), repr(err)
            assert err.usage.requests == ATTEMPTS, repr(err)
            requests += err.usage.requests
    assert server.calls == requests  # every HTTP call is accounted to one brief
    assert BRIEFS <= server.calls <= BRIEFS * ATTEMPTS
    assert server.calls <= BRIEFS * ATTEMPTS * (1 + REASKS)  # the documented bound
    # With a quarter of all calls failing, about 1 brief in 256 runs out of attempts.
    assert len(failed) <= 5, failed
