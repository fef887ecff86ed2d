"""The digest's articles to briefs: stored rows as Articles, and the bounded live workers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from summarizer.base.errors import SummarizerError

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.digest.store import StoredArticle
    from summarizer.output.brief import Brief
    from summarizer.pipeline import Summarizer

__all__ = ["article_of", "as_source", "brief_each"]

log = logging.getLogger(__name__)


def article_of(row: StoredArticle) -> Article:
    from summarizer.article import Article

    return Article(text=row.text or "", title=row.title, url=row.url, published=row.published,
                   site=row.site, origin=row.origin)  # fmt: skip


async def brief_each(
    summarizer: Summarizer, rows: list[StoredArticle], concurrency: int
) -> AsyncIterator[tuple[int, Brief | None, Exception | None]]:
    """Brief ``rows`` with ``concurrency`` workers; yield ``(index, brief, error)`` as each
    finishes. Any exception is that article's failure, never the run's."""
    results: asyncio.Queue[tuple[int, Brief | None, Exception | None]] = asyncio.Queue()
    indexes = iter(range(len(rows)))

    async def worker() -> None:
        for index in indexes:  # one shared iterator: each article taken once
            try:
                brief = await summarizer.asummarize(article_of(rows[index]))
            except Exception as exc:  # one article's failure never aborts the run
                if not isinstance(exc, SummarizerError):
                    log.warning("briefing %s failed", rows[index].uid, exc_info=True)
                results.put_nowait((index, None, exc))
            else:
                results.put_nowait((index, brief, None))

    workers = [asyncio.create_task(worker()) for _ in range(min(concurrency, len(rows)))]
    try:
        for _ in rows:
            yield await results.get()
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


def as_source(brief: Brief, article: Article) -> Brief:
    """A cached brief reported as ``article``'s (the same text may come from another URL)."""
    from summarizer.output.brief import SourceInfo

    info = SourceInfo(title=article.title, url=article.url, published=article.published,
                      site=article.site, content_hash=article.content_hash)  # fmt: skip
    return brief.model_copy(update={"source": info})
