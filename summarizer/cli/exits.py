"""Exit codes: the command line's mapping of the library's error tree (the library has none).

0 ok · 1 unexpected error · 2 usage or configuration error · 3 bad input ·
4 backend or network failure · 5 validation failed · 6 only partly done (a digest or batch
with failures, or a budget reached).
"""

from __future__ import annotations

from summarizer.base.errors import (
    BackendError,
    BriefValidationError,
    BudgetReachedError,
    ConfigurationError,
    DeliveryError,
    InputError,
)

__all__ = ["OK", "PARTIAL", "exit_code"]

OK = 0
PARTIAL = 6

_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (ConfigurationError, 2),
    (InputError, 3),
    (BackendError, 4),
    (DeliveryError, 4),
    (BriefValidationError, 5),
    (BudgetReachedError, PARTIAL),
)


def exit_code(exc: BaseException) -> int:
    """The exit code for ``exc``: the first class in the table it derives from, else 1."""
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return 1
