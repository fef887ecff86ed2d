"""The one error tree of summarizer.

Every error the library raises on purpose derives from :class:`SummarizerError`,
and each carries what a caller needs to act on it (the source, the number of
attempts, the model's last raw output, the token usage so far)::

    SummarizerError                  exit 1   anything not listed below
    ├── ConfigurationError           exit 2   bad setting, no backend configured
    ├── InputError                   exit 3   a source that cannot be read or is not an article
    ├── BackendError                 exit 4   network, HTTP status, timeout, refusal, truncation
    │   ├── RefusalError                      the model refused or a content filter stopped it
    │   └── TruncatedOutputError              output hit max_tokens even after one larger retry
    └── BriefValidationError         exit 5   the model's answer failed validation
                                              (under ``strict``, or when nothing usable came back)

The CLI maps each class to its exit code through :attr:`SummarizerError.exit_code`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BackendError",
    "BriefValidationError",
    "ConfigurationError",
    "InputError",
    "RefusalError",
    "SummarizerError",
    "TruncatedOutputError",
]


class SummarizerError(Exception):
    """Base of every error summarizer raises on purpose."""

    exit_code: int = 1

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

    exit_code = 2


class InputError(SummarizerError):
    """A source could not be read, or is not an article (empty, binary, too large, bad URL)."""

    exit_code = 3


class BackendError(SummarizerError):
    """The model endpoint failed: network, HTTP status, timeout, malformed reply."""

    exit_code = 4

    def __init__(self, message: str, *, status_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class RefusalError(BackendError):
    """The model refused to answer, or a content filter stopped the answer."""


class TruncatedOutputError(BackendError):
    """The answer hit ``max_tokens`` even after one retry with a larger budget."""


class BriefValidationError(SummarizerError):
    """The model's answer failed validation (strict mode, or nothing usable came back)."""

    exit_code = 5
