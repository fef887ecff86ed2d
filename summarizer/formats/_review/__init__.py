"""The parts of the review page; the ``review`` format itself is ``formats/review.py``.

(A name that starts with ``_`` is not a format: the registry lists ``review`` only.)
"""
