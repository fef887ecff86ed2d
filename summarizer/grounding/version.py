"""The version of the support check: part of every brief cache key.

Bump :data:`CHECK_VERSION` whenever a change to the checks (``check``, ``support``,
``checks``, their word lists), to the cast (``cast/``: who is who) or to the extractive
proposer (``extract/``: what the choose strategy offers) can change what a brief holds:
briefs cached under the old rules are then made again instead of being served forever.
"""

__all__ = ["CHECK_VERSION"]

CHECK_VERSION = 5
