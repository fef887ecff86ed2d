"""The loopback server moved to :mod:`summarizer.testing` (importable by benchmarks too)."""

from summarizer.testing.replies import (
    Reply,
    Responder,
    completion,
    empty_choices,
    error_body,
    random_faults,
)
from summarizer.testing.server import FakeOpenAI, _Server

__all__ = [
    "FakeOpenAI",
    "Reply",
    "Responder",
    "_Server",
    "completion",
    "empty_choices",
    "error_body",
    "random_faults",
]
