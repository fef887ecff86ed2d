"""The one error tree of summarizer.

Every error the library raises on purpose derives from :class:`SummarizerError`,
and each carries what a caller needs to act on it (the source, the number of
attempts, the model's last raw output, the token usage so far)::

    SummarizerError                  anything not listed below
    ├── ConfigurationError           bad setting, no backend configured
    │   └── DamagedDatabaseError     the database file is damaged (a corrupt page)
    ├── InputError                   a source that cannot be read or is not an article
    ├── BackendError                 network, HTTP status, timeout, refusal, truncation
    │   ├── RefusalError             the model refused or a content filter stopped it
    │   ├── TruncatedOutputError     output hit max_tokens even after one larger retry
    │   ├── MalformedReplyError      a 2xx reply that is not a chat completion (not retried)
    │   └── UnsupportedRequestError  the server rejects the request *shape* (response_format,
    │                                tools): mode ``auto`` falls back to the next mode
    ├── BriefValidationError         the model's answer failed validation
    │                                (under ``strict``, or when nothing usable came back)
    ├── DeliveryError                a webhook or SMTP delivery of a digest failed
    └── RunLockedError               another digest run holds the database's lock

Exit codes belong to the command line, not to the library: ``summarizer.cli.main`` maps
each class to its code (as httpx maps its exceptions in its CLI module).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BackendError",
    "BriefValidationError",
    "BudgetExceededError",
    "BudgetReachedError",
    "ConfigurationError",
    "DamagedDatabaseError",
    "DeliveryError",
    "InputError",
    "MalformedReplyError",
    "RefusalError",
    "RunLockedError",
    "SummarizerError",
    "TruncatedOutputError",
    "UnsupportedRequestError",
]


class SummarizerError(Exception):
    """Base of every error summarizer raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        attempts: int | None = None,
        last_output: str | None = None,
        usage: Any = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.attempts = attempts
        self.last_output = last_output
        self.usage = usage
        self.problems = list(problems or [])

    def __str__(self) -> str:
        if self.source and self.source not in self.message:
            return f"{self.source}: {self.message}"
        return self.message


class ConfigurationError(SummarizerError):
    """A setting is missing or wrong (no backend, unknown profile, bad config file)."""


class DamagedDatabaseError(ConfigurationError):
    """The database file is damaged (SQLite: a corrupt page, or not a database at all)."""


class InputError(SummarizerError):
    """A source could not be read, or is not an article (empty, binary, too large, bad URL)."""


class BackendError(SummarizerError):
    """The model endpoint failed: network, HTTP status, timeout, malformed reply."""

    def __init__(self, message: str, *, status_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class RefusalError(BackendError):
    """The model refused to answer, or a content filter stopped the answer."""


class TruncatedOutputError(BackendError):
    """The answer hit ``max_tokens`` even after one retry with a larger budget."""


class MalformedReplyError(BackendError):
    """The server answered 2xx with something that is not a chat completion (not retried)."""


class UnsupportedRequestError(BackendError):
    """The server rejected the request's shape (``response_format``, ``tools``): not retried;
    in mode ``auto`` the next mode is tried instead."""


class BudgetExceededError(ConfigurationError):
    """A job's estimated cost is above ``max_cost``: refused before any model call."""


class BudgetReachedError(SummarizerError):
    """The money spent reached ``max_cost``: this article was not started (it can be
    briefed later: nothing about it is lost)."""


class BriefValidationError(SummarizerError):
    """The model's answer failed validation (strict mode, or nothing usable came back)."""


class DeliveryError(SummarizerError):
    """A digest could not be delivered (webhook or SMTP); the digest itself is kept."""

    def __init__(self, message: str, *, status_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class RunLockedError(SummarizerError):
    """Another digest run holds this database's lock."""
