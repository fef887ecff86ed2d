"""The version of the support check: part of every brief cache key.

Bump :data:`CHECK_VERSION` whenever a change to the checks (``check``, ``support``,
``checks``, their word lists) can change which items a brief keeps: briefs cached under the
old rules are then made again instead of being served forever.
"""

__all__ = ["CHECK_VERSION"]

CHECK_VERSION = 2
