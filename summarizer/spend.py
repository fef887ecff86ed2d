"""Money before and after: what a brief will cost (an estimate, offline) and what was spent.

An :class:`Estimate` is computed without the network and without the model: the request
that would be sent is built as the live path builds it (rendered messages, the schema or
tools as sent) and its tokens counted with
:func:`~summarizer.longform.budget.estimate_tokens`, which over-counts prose and under-counts
JSON: on the recorded cassettes it gives 0.96 to 1.01 times the server's count for first
requests, 0.76 for a re-ask carrying the previous JSON answer (re-asks are not in the
estimate at all: docs/cost.md).
A long article is cut with the :class:`~summarizer.longform.budget.Planner` offline (the
window known without a probe, else the default), one request per chunk plus the
consolidating one. The answer's length cannot be counted before it is written:
:data:`EXPECTED_COMPLETION_TOKENS` per request stands in for it.

A :class:`Ledger` holds a :class:`~summarizer.pipeline.Summarizer`'s spend: what its
finished briefs cost and what the briefs in flight have reserved (their estimates), so
that a brief is not started when it could take the spend above ``max_cost``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.brief import Cost, Usage
from summarizer.errors import BudgetExceededError, BudgetReachedError, ConfigurationError

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.pipeline import Summarizer

__all__ = [
    "EXPECTED_COMPLETION_TOKENS",
    "Estimate",
    "answer_tokens",
    "Ledger",
    "dollars",
    "estimate_article",
    "estimate_request",
    "request_tokens",
]

# The answer tokens expected per request of a written brief. The recorded cassettes
# (cassettes/embedded/, SmolLM2-135M) show 377, 401, 475, 610 and 702 completion tokens for
# briefs and chunk briefs citing segments (median 475, mean 513): 500. It is an estimate; the
# spend limit counts what each brief really used. The choose strategy's answer is bounded by
# its own request's ``max_tokens`` (160; 112 recorded), which is used instead. Never above
# ``max_tokens``.
EXPECTED_COMPLETION_TOKENS = 500


def dollars(amount: float) -> str:
    """``amount`` USD as printed in messages: cents, or four decimals below a cent."""
    return f"${amount:.2f}" if amount >= 0.01 or amount == 0 else f"${amount:.4f}"


@dataclass(frozen=True)
class Estimate:
    """What briefing some articles is expected to take; estimates add up (``a + b``).

    ``cost`` is None when any part has no known price (never a guess).
    """

    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost: Cost | None

    @classmethod
    def free(cls, *, batch: bool = False) -> Estimate:
        """Nothing to send (a cached brief)."""
        return cls(0, 0, 0, Cost(amount=0.0, batch=batch))

    def __add__(self, other: Estimate) -> Estimate:
        cost = None
        if self.cost is not None and other.cost is not None:
            cost = Cost(
                amount=round(self.cost.amount + other.cost.amount, 6),
                batch=self.cost.batch and other.cost.batch,
            )
        return Estimate(
            self.requests + other.requests,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            cost,
        )


def request_tokens(kwargs: dict[str, Any]) -> int:
    """The prompt tokens of a chat-completions request as built: its messages, and the
    schema or tools sent with them, plus the chat template's markup."""
    from summarizer.longform.budget import TEMPLATE_TOKENS, estimate_tokens

    def text(value: Any) -> str:  # JSON as it goes over the wire: compact, UTF-8
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"),
                                                                 ensure_ascii=False)  # fmt: skip

    total = TEMPLATE_TOKENS
    for message in kwargs.get("messages") or []:
        total += estimate_tokens(text(message.get("content") or ""))
    for key in ("tools", "response_format"):
        if kwargs.get(key):
            total += estimate_tokens(text(kwargs[key]))
    return total


def answer_tokens(kwargs: dict[str, Any]) -> int:
    """The answer tokens expected of a request: :data:`EXPECTED_COMPLETION_TOKENS`, at most
    its ``max_tokens``."""
    return min(EXPECTED_COMPLETION_TOKENS, int(kwargs.get("max_tokens") or 0) or 10**9)


def _request_mode(s: Summarizer) -> str:
    """The structured-output mode the next request would use (as the transport picks it)."""
    from summarizer.model.backends import FALLBACK_ORDER, ModeMemory

    if s._transport is not None:
        return s._transport.mode
    if s.backend.mode_pinned:
        return s.backend.mode
    remembered = ModeMemory().get(s.backend.base_url) if s.backend.base_url else None
    return remembered or FALLBACK_ORDER[0]


def _tokens(s: Summarizer, article: Article) -> tuple[int, int, int]:
    """Requests, prompt tokens and expected completion tokens of briefing ``article``."""
    from summarizer.article import Article
    from summarizer.longform.budget import DEFAULT_WINDOW, Planner, TokenCounter
    from summarizer.longform.split import split
    from summarizer.model.conversation import Conversation

    mode, model, options = _request_mode(s), s.backend.model, s.options
    planner = Planner(
        s.settings, s.backend, s.prompts, base_url=s.backend.base_url or "",
        max_tokens=options.max_tokens,
    )  # fmt: skip
    window = planner.window(probe=False) or (DEFAULT_WINDOW, "default")
    chunks = []
    if not planner.fits_offline(article):  # too long for the window known offline: cut
        budget = planner.budget(article, TokenCounter(), window)
        chunks = split(article.text, chunk_tokens=budget.chunk_tokens, overlap=budget.chunk_overlap)
    if len(chunks) < 2:
        if s.strategy == "choose":
            return _choose_tokens(article, model)
        kwargs = Conversation(article, s.prompts, mode=mode, model=model, options=options).request()
        return 1, request_tokens(kwargs), answer_tokens(kwargs)
    prompt = completion = 0
    for chunk in chunks:
        part = Article(text=chunk.text, title=article.title, published=article.published)
        conv = Conversation(part, s.prompts, mode=mode, model=model, options=options)
        kwargs = conv.request()
        prompt += request_tokens(kwargs)
        completion += answer_tokens(kwargs)
    # The consolidating call: its instructions and schema, and the parts' summaries, which
    # the reducer trims to the window.
    merge = s.prompts.merge_messages(article, [], total=len(chunks))
    kwargs = {**kwargs, "messages": merge}
    shown = min(len(chunks) * EXPECTED_COMPLETION_TOKENS, budget.max_input_tokens)
    prompt += request_tokens(kwargs) + shown
    completion += answer_tokens(kwargs)
    return len(chunks) + 1, prompt, completion


def _choose_tokens(article: Article, model: str) -> tuple[int, int, int]:
    from summarizer.extract.candidates import propose
    from summarizer.extract.select import build_request
    from summarizer.grounding import ArticleIndex

    segments = ArticleIndex(article.text).segments
    candidates = propose(article.text, segments, title=article.title)
    kwargs = build_request(article, segments, candidates, model=model)
    return 1, request_tokens(kwargs), int(kwargs.get("max_tokens") or 0)


def estimate_request(s: Summarizer, kwargs: dict[str, Any], *, batch: bool = False) -> Estimate:
    """The estimate of one request as built (a batch line's body, for instance)."""
    prompt, completion = request_tokens(kwargs), answer_tokens(kwargs)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
    return Estimate(1, prompt, completion, s.price(usage, batch=batch))


def estimate_article(s: Summarizer, article: Article, *, batch: bool = False) -> Estimate:
    """The estimate of a fresh brief of ``article`` by ``s`` (no network, no model call)."""
    requests, prompt, completion = _tokens(s, article)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
    return Estimate(requests, prompt, completion, s.price(usage, batch=batch))


@dataclass
class Held:
    """What a brief held by :meth:`Ledger.hold` cost (None: nothing known, or free)."""

    cost: Cost | None = None


class Ledger:
    """The spend of one Summarizer: finished briefs' cost and the reservations in flight.

    Thread-safe (one lock): the async API reserves on its event loop, the sync API from
    the caller's thread. A brief in flight may cost more than its estimate, so the spend
    can overshoot ``max_cost`` by at most what the briefs in flight cost above theirs.
    """

    def __init__(self, max_cost: float | None) -> None:
        self.max_cost = max_cost
        self.spent = 0.0
        self.reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, estimate: Estimate, *, what: str, label: str | None = None) -> float:
        """Reserve ``estimate`` for a brief about to start; raise :class:`BudgetReachedError`
        (nothing sent) when it could take the spend above ``max_cost``."""
        if self.max_cost is None:
            return 0.0
        if estimate.cost is None:
            raise ConfigurationError(
                f"max_cost: no known price for {what}; a budget cannot be checked "
                "(unset max_cost, or set a price provider: see docs/cost.md)"
            )
        amount = estimate.cost.amount
        with self._lock:
            if self.spent + self.reserved + amount > self.max_cost:
                raise BudgetReachedError(
                    f"not briefed: budget of {dollars(self.max_cost)} reached after "
                    f"{dollars(self.spent)}; run again to continue",
                    source=label,
                )
            self.reserved += amount
        return amount

    @contextmanager
    def hold(
        self, estimate: Callable[[], Estimate], *, what: str, label: str | None = None
    ) -> Iterator[Held]:
        """A brief's reservation (its ``estimate``, computed only under a budget), replaced
        on exit by ``held.cost``: what the brief cost, set by the caller when known."""
        amount = 0.0
        if self.max_cost is not None:
            amount = self.reserve(estimate(), what=what, label=label)
        held = Held()
        try:
            yield held
        finally:
            self.settle(amount, held.cost)

    def settle(self, reserved: float, cost: Cost | None) -> None:
        """Replace a reservation by what the brief actually cost."""
        with self._lock:
            self.reserved = max(0.0, self.reserved - reserved)
            if cost is not None:
                self.spent = round(self.spent + cost.amount, 6)

    def check(self, estimate: Estimate, *, what: str) -> None:
        """Refuse a whole job whose estimate is above ``max_cost`` (before any call)."""
        if self.max_cost is None:
            return
        if estimate.cost is None:
            raise ConfigurationError(
                f"max_cost: no known price for {what}; a budget cannot be checked "
                "(unset max_cost, or set a price provider: see docs/cost.md)"
            )
        if estimate.cost.amount > self.max_cost:
            raise BudgetExceededError(
                f"estimated cost {dollars(estimate.cost.amount)} ({estimate.requests} requests, "
                f"{estimate.prompt_tokens} prompt tokens) is above the budget "
                f"max_cost={dollars(self.max_cost)}; raise --max-cost (or max_cost in the "
                "config file, SUMMARIZER_MAX_COST) or brief fewer articles"
            )
