"""Request options: what shapes every request of a :class:`~summarizer.pipeline.Summarizer`.

:class:`Options` is built once from :class:`~summarizer.base.config.Settings`
(:meth:`Options.from_settings`); the embedded server's tuning
(:func:`~summarizer.model.local.tune`) returns a new one. The same frozen value shapes the
requests, bounds the transport's retries and goes into the brief cache key, so the key
always describes the requests that were sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from summarizer.base.errors import ConfigurationError

if TYPE_CHECKING:
    from summarizer.base.config import Settings

__all__ = ["AUTO_MAX_TOKENS", "Options", "RetryPolicy"]

# max_tokens "auto": the most an answer is given (a 25-item brief citing segment numbers
# takes ~600-900 tokens); a smaller window gives it less (longform/budget.py).
AUTO_MAX_TOKENS = 2048


@dataclass(frozen=True)
class RetryPolicy:
    """How the transport retries one HTTP request (see :mod:`summarizer.model.transport`)."""

    attempts: int = 4  # HTTP requests per answer, the first one included
    max_wait_s: float = 30.0  # the longest backoff or retry-after honoured
    timeout_s: float = 120.0  # per HTTP request


@dataclass(frozen=True)
class Options:
    """What shapes the requests for one brief, and the retry policy of each request."""

    max_reasks: int = 2
    strict: bool = False
    max_tokens: int = AUTO_MAX_TOKENS  # explicit, or the cap of "auto" (see Planner.sized)
    temperature: float = 0.0
    seed: int | None = 0
    transport_attempts: int = 4
    retry_max_wait_s: float = 30.0
    timeout_s: float = 120.0
    extra_body: dict[str, Any] = field(default_factory=dict)
    # Tighter maxItems / maxLength in the schema sent to the model (small local models):
    # grammar-constrained servers then cannot loop inside a list or a string.
    schema_caps: tuple[int, int] | None = None
    # The language the brief is written in (None: the article's); quotes stay verbatim.
    language: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Options:
        s = settings
        if s.max_tokens != "auto" and s.max_tokens < 16:
            raise ConfigurationError(
                f"setting max_tokens ({s.source_of('max_tokens')}): must be auto or at least 16"
            )
        return cls(
            max_reasks=s.max_reasks,
            strict=s.strict,
            max_tokens=AUTO_MAX_TOKENS if s.max_tokens == "auto" else s.max_tokens,
            temperature=s.temperature,
            seed=s.seed,
            transport_attempts=s.transport_attempts,
            retry_max_wait_s=s.retry_max_wait_s,
            timeout_s=s.timeout_s,
            language=s.language,
        )

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(self.transport_attempts, self.retry_max_wait_s, self.timeout_s)

    def with_strict(self, strict: bool | None) -> Options:
        """These options with ``strict`` overridden (``None``: as they are)."""
        if strict is None or strict == self.strict:
            return self
        return replace(self, strict=strict)
