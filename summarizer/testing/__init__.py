"""Test helpers, importable by tests and benchmarks (shipped like httpx's ``MockTransport``).

- :mod:`~summarizer.testing.replies`: :class:`Reply` scripts, :func:`completion` bodies,
  error bodies, a seeded fault injector, and :class:`Scripted` (who answers a request);
- :mod:`~summarizer.testing.mock`: :class:`MockOpenAI`, the same scripts as an
  ``httpx2.MockTransport`` for ``Summarizer(transport=...)``: the whole pipeline, no sockets;
- :mod:`~summarizer.testing.server`: :class:`FakeOpenAI`, the loopback server, for tests of
  the transport itself (sockets, resets, keep-alive, timeouts) and of the CLI;
- :mod:`~summarizer.testing.digest`: a model that writes valid, grounded briefs of any
  article (:func:`brief_responder`) and the articles the digest tests brief.
"""

from summarizer.testing.mock import MOCK_BASE_URL, MockOpenAI, handler
from summarizer.testing.replies import (
    Reply,
    Responder,
    Scripted,
    completion,
    empty_choices,
    error_body,
    random_faults,
)
from summarizer.testing.server import FakeOpenAI

__all__ = [
    "MOCK_BASE_URL",
    "FakeOpenAI",
    "MockOpenAI",
    "Reply",
    "Responder",
    "Scripted",
    "completion",
    "empty_choices",
    "error_body",
    "handler",
    "random_faults",
]
