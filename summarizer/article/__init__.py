"""Articles: the text to brief and where it came from; reading files, stdin and URLs.

Every way in ends in :class:`Article`. Whatever cannot be read, or is not an article
(missing, empty, binary, too large, a refused URL), raises :class:`InputError` with a
one-line message; no ``OSError``, ``UnicodeError`` or HTTP error escapes this package.

    model.py   Article, Limits, FetchResult; control characters removed on creation
    decode.py  bytes to text (BOM, declared charset, UTF-8, detection); binary refused
    html.py    sniffing and trafilatura extraction
    fetch.py   URLs: scheme and redirect checks, size cap, one total deadline
    load.py    text, files, stdin, URLs and fetched pages to an Article
"""

from summarizer.article.fetch import SCHEME_RE, USER_AGENT, fetch_url
from summarizer.article.load import article_from_fetch, load_article, load_stdin, read_source
from summarizer.article.model import DEFAULT_LIMITS, Article, FetchResult, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "SCHEME_RE",
    "USER_AGENT",
    "Article",
    "FetchResult",
    "Limits",
    "article_from_fetch",
    "fetch_url",
    "load_article",
    "load_stdin",
    "read_source",
]
