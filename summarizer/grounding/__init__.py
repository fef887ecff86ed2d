"""Grounding: every item cites the article, and every claim is supported by what it cites.

- :mod:`.segments`: the article as numbered sentences with exact offsets (what the model cites).
- :mod:`.quotes`: :class:`ArticleIndex`, segment and quote lookup with repair, as citations.
- :mod:`.support`: the deterministic claim-support check (numbers, dates, names, negation,
  modality, attribution, content words).
- :mod:`.check`: :func:`check` of a whole draft: problems for a re-ask, and the grounded
  content with every unsupported item removed and listed.
"""

from summarizer.grounding.check import Grounded, Problem, check, withhold_unestablished
from summarizer.grounding.quotes import ArticleIndex

__all__ = ["ArticleIndex", "Grounded", "Problem", "check", "withhold_unestablished"]
