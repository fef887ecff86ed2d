"""Money before and after: what a brief will cost (an estimate, offline) and what was spent.

An :class:`Estimate` is computed without the network and without the model: the request
that would be sent is built as the live path builds it (rendered messages, the schema or
tools as sent) and its tokens counted with
:func:`~summarizer.longform.budget.estimate_tokens`, which over-counts prose and under-counts
JSON: on the recorded cassettes it gives 0.96 to 1.01 times the server's count for first
requests, 0.76 for a re-ask carrying the previous JSON answer (re-asks are not in the
estimate at all: docs/cost.md).
The requests are those of the brief's :class:`~summarizer.engine.plan.BriefPlan`, made offline
(the window known without a probe, else the default): one, or one per chunk plus the
consolidating one, plus the verifying call when the plan has it. The answer's length
cannot be counted before it is written: :data:`EXPECTED_COMPLETION_TOKENS` per request
stands in for it.

A :class:`Ledger` holds a Summarizer's spend: what its
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

from summarizer.base.errors import BudgetExceededError, BudgetReachedError, ConfigurationError
from summarizer.output.brief import Cost, Usage

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.engine.plan import BriefPlan
    from summarizer.model.prompts import Prompts

__all__ = [
    "EXPECTED_COMPLETION_TOKENS",
    "Estimate",
    "Ledger",
    "answer_tokens",
    "dollars",
    "estimate_plan",
    "estimate_request",
    "plan_tokens",
    "request_tokens",
]

# The answer tokens expected per request of a written brief. The recorded cassettes
# (cassettes/embedded/, SmolLM2-135M) show 377, 401, 475, 610 and 702 completion tokens for
# briefs and chunk briefs citing segments (median 475, mean 513): 500. It is an estimate; the
# spend limit counts what each brief really used. The choose strategy's answer is bounded by
# its own request's ``max_tokens`` (160; 112 recorded), which is used instead. Never above
# ``max_tokens``.
EXPECTED_COMPLETION_TOKENS = 500
# The verifying call (``verify``) cannot be built before the brief exists: its prompt is its
# instructions (~130 tokens) plus the brief's claims and the sentences they cite, taken as
# about an answer's length and its cited sentences (2 x 500); its answer is one short
# verdict per claim (~20 tokens for each of about 25 claims).
JUDGE_PROMPT_TOKENS = 130 + 2 * EXPECTED_COMPLETION_TOKENS
EXPECTED_VERDICT_TOKENS = 500


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


def _one_call(article: Article, plan: BriefPlan, prompts: Prompts, model: str) -> dict[str, Any]:
    from summarizer.model.conversation import Conversation

    conv = Conversation(article, prompts, mode=plan.mode, model=model, options=plan.options)
    return conv.request()


def plan_tokens(
    article: Article, plan: BriefPlan, prompts: Prompts, model: str
) -> tuple[int, int, int]:
    """Requests, prompt tokens and expected completion tokens of ``plan`` for ``article``:
    each request built as the live path builds it, and counted."""
    from summarizer.article import Article

    if plan.strategy == "choose":
        requests, prompt, completion = _choose_tokens(article, model)
    elif not plan.chunked:
        kwargs = _one_call(article, plan, prompts, model)
        requests, prompt, completion = 1, request_tokens(kwargs), answer_tokens(kwargs)
    else:
        prompt = completion = 0
        for chunk in plan.chunks:
            part = Article(text=chunk.text, title=article.title, published=article.published)
            kwargs = _one_call(part, plan, prompts, model)
            prompt += request_tokens(kwargs)
            completion += answer_tokens(kwargs)
        # The consolidating call: its instructions and schema, and the parts' summaries,
        # which the reducer trims to the window.
        merge = prompts.merge_messages(article, [], total=len(plan.chunks))
        kwargs = {**kwargs, "messages": merge}
        shown = min(len(plan.chunks) * EXPECTED_COMPLETION_TOKENS, plan.budget.max_input_tokens)
        prompt += request_tokens(kwargs) + shown
        completion += answer_tokens(kwargs)
        requests = len(plan.chunks) + 1
    if plan.verify:  # the verifying call: its instructions, the claims and their sentences
        requests += 1
        prompt += JUDGE_PROMPT_TOKENS
        completion += EXPECTED_VERDICT_TOKENS
    return requests, prompt, completion


def _choose_tokens(article: Article, model: str) -> tuple[int, int, int]:
    from summarizer.extract.candidates import propose
    from summarizer.extract.select import build_request
    from summarizer.grounding import ArticleIndex

    segments = ArticleIndex(article.text).segments
    candidates = propose(article.text, segments, title=article.title)
    kwargs = build_request(article, segments, candidates, model=model)
    return 1, request_tokens(kwargs), int(kwargs.get("max_tokens") or 0)


Pricing = Callable[[Usage], Cost | None]


def estimate_request(kwargs: dict[str, Any], price: Pricing) -> Estimate:
    """The estimate of one request as built (a batch line's body, for instance)."""
    prompt, completion = request_tokens(kwargs), answer_tokens(kwargs)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
    return Estimate(1, prompt, completion, price(usage))


def estimate_plan(
    article: Article, plan: BriefPlan, prompts: Prompts, model: str, price: Pricing
) -> Estimate:
    """The estimate of a fresh brief of ``article`` made by ``plan`` (no network, no model
    call)."""
    requests, prompt, completion = plan_tokens(article, plan, prompts, model)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
    return Estimate(requests, prompt, completion, price(usage))


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
