"""The token counts a reply reports, checked before anything is priced or summed."""

from __future__ import annotations

from summarizer.base.redact import sanitize

__all__ = ["MAX_REPORTED_TOKENS", "usage_problem"]

MAX_REPORTED_TOKENS = 10**9
"""More tokens than any one answer can have: a count above it is a malformed reply."""


def usage_problem(completion: object) -> str | None:
    """What is wrong with the token usage a reply reports (None: nothing, or no usage).

    Counts are priced and summed into budgets and ``summarizer usage``: a count that is not
    a whole number from 0 to :data:`MAX_REPORTED_TOKENS` (negative, ``Infinity``, a string)
    would make a cost negative, infinite or a crash, so the reply is refused instead.
    """
    usage = getattr(completion, "usage", None)
    if usage is None:
        return None
    for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = getattr(usage, name, None)
        if value is None:
            continue
        if type(value) is not int or not 0 <= value <= MAX_REPORTED_TOKENS:
            shown = sanitize(repr(value), limit=40)
            return f"it reports an impossible token usage ({name} = {shown})"
    return None
