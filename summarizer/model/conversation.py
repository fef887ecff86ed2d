"""One brief from the model: the re-ask loop, usage, truncation, refusal.

Two loops, each owning one kind of failure:

* transport (:class:`~summarizer.model.transport.Transport`, in transport.py): retries of
  transient HTTP failures, one HTTP request at a time.
* validation (:class:`Conversation`): a bounded loop that re-asks the model when its answer
  does not parse or fails grounding, quoting each failed check. A truncated answer
  (``finish_reason == "length"``) is asked again once with a larger ``max_tokens``, out of
  the same budget.

So one brief sends at most ``transport_attempts * (1 + max_reasks)`` HTTP requests.
:class:`Conversation` does no I/O: :func:`drive` runs it over the transport's async core
(a sync caller goes through :mod:`summarizer.model.portal`); tests feed it completions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from summarizer.base.errors import (
    BackendError,
    BriefValidationError,
    RefusalError,
    TruncatedOutputError,
)
from summarizer.base.redact import sanitize
from summarizer.grounding import ArticleIndex, Grounded, Problem, check, withhold_unestablished
from summarizer.model.options import Options
from summarizer.model.request import build_request, raw_text
from summarizer.output.brief import (
    MAX_CITATIONS,
    BriefContent,
    BriefDraft,
    DroppedItem,
    GroundingReport,
    Usage,
)

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from summarizer.article import Article
    from summarizer.model.prompts import Prompts
    from summarizer.model.transport import Transport

__all__ = ["Conversation", "Outcome", "conversations", "drive", "trim_evidence"]

log = logging.getLogger(__name__)

MAX_TOKENS_CAP = 32_768
REASK_ECHO_CHARS = 16_000  # a longer failed answer is not sent back in a re-ask


@dataclass
class Outcome:
    """A finished conversation: the grounded content and what it cost."""

    draft: BriefContent
    report: GroundingReport
    usage: Usage
    attempts: int
    mode: str


class Conversation:
    """The re-ask loop for one article, without I/O: ask :meth:`request`, feed :meth:`receive`."""

    def __init__(
        self,
        article: Article,
        prompts: Prompts,
        *,
        mode: str,
        model: str,
        options: Options,
        index: ArticleIndex | None = None,
    ) -> None:
        self.article = article
        self.prompts = prompts
        self.mode = mode
        self.model = model
        self.options = options
        self.index = index or ArticleIndex(article.text)
        self.messages: list[dict[str, Any]] = prompts.messages(
            article, self.index.segments, language=options.language
        )
        self.max_tokens = options.max_tokens
        self.answers = 0
        self.usage = Usage()
        self._grew_max_tokens = False
        self._best: Grounded | None = None
        self._problems: list[Problem] = []
        self.last_output: str | None = None

    @property
    def budget(self) -> int:
        """Answers the loop may ask for: the first one plus the re-asks."""
        return 1 + self.options.max_reasks

    def request(self) -> dict[str, Any]:
        """Keyword arguments for ``chat.completions.create`` for the next answer."""
        return build_request(
            mode=self.mode,
            model=self.model,
            messages=self.messages,
            max_tokens=self.max_tokens,
            options=self.options,
            segments=len(self.index.segments),
        )

    def receive(self, completion: ChatCompletion) -> Outcome | None:
        """Take one answer; return the outcome, or None when another request is due."""
        self.answers += 1
        self._count(completion)
        if not completion.choices:
            raise self._error(BackendError, "the server answered with no choices")
        choice = completion.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            said = sanitize(refusal)  # one line, no escape, however the model wrote it
            raise self._error(RefusalError, f"the model refused: {said}")
        if choice.finish_reason == "content_filter":
            raise self._error(RefusalError, "the answer was stopped by a content filter")
        self.last_output = raw_text(completion)

        # llama.cpp reports a cut-off tool call as "tool_calls": trust the token count too.
        used = completion.usage.completion_tokens if completion.usage else 0
        if choice.finish_reason == "length" or (used or 0) >= self.max_tokens:
            if self._grew_max_tokens or self.answers >= self.budget:
                raise self._error(
                    TruncatedOutputError,
                    f"the answer did not fit in max_tokens={self.max_tokens}",
                )
            self._grew_max_tokens = True
            self.max_tokens = min(self.max_tokens * 2, MAX_TOKENS_CAP)
            log.info("answer truncated; asking again with max_tokens=%d", self.max_tokens)
            return None

        problems = self._parse_and_check(completion)
        if problems is None:
            assert self._best is not None
            return self._finish(self._best)
        self._problems = problems
        if self.answers < self.budget:
            self._reask(problems)
            return None
        return self._exhausted()

    def give_up(self, exc: BackendError) -> Outcome:
        """End with the answers so far: the server cannot take the next request.

        A re-ask or a larger ``max_tokens`` can overflow a small context window (HTTP 400).
        That follow-up was optional: the best answer so far stands, as when re-asks run out.
        """
        log.warning("%s: %s; ending with the answers so far", self.article.label, exc.message)
        if self._best is None and self._grew_max_tokens:
            raise self._error(
                TruncatedOutputError,
                f"the answer did not fit in max_tokens={self.max_tokens // 2}, and a larger "
                "budget does not fit the context window",
            )
        return self._exhausted()

    def _exhausted(self) -> Outcome:
        """No more answers: the best one, its ungrounded items dropped (unless strict)."""
        problems = self._problems
        if self._best is None or self.options.strict:
            raise self._error(
                BriefValidationError,
                f"the model's answer failed validation after {self.answers} attempt(s): "
                + "; ".join(str(p) for p in problems[:5])
                + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""),
                problems=[str(p) for p in problems],
            )
        return self._finish(self._best)

    def _reask(self, problems: list[Problem]) -> None:
        """Add the failed answer (when it was JSON at all) and the failed checks."""
        log.info(
            "answer %d failed %d check(s); re-asking: %s",
            self.answers,
            len(problems),
            "; ".join(str(p) for p in problems[:3]),
        )
        # An answer that is not JSON, or is huge, is not worth its tokens: only the checks go.
        echo = len(self.last_output or "") <= REASK_ECHO_CHARS
        if echo and not (len(problems) == 1 and problems[0].path == "answer"):
            self.messages.append({"role": "assistant", "content": self.last_output})
        self.messages.append({"role": "user", "content": self.prompts.reask(problems)})

    def _parse_and_check(self, completion: ChatCompletion) -> list[Problem] | None:
        """Problems with this answer, or None when it is fully grounded."""
        from instructor.v2.core.json import extract_json_from_codeblock

        text = self.last_output or ""
        if self.mode == "json" and "```" in text:
            text = extract_json_from_codeblock(text)
        try:
            # strict=False: raw newlines inside strings are a common, harmless slip.
            data = json.loads(text, strict=False)
        except ValueError as exc:
            return [Problem("answer", f"the answer is not valid JSON ({exc})")]
        trimmed = trim_evidence(data)  # a long citation list is cut and reported, not fatal
        try:
            draft = BriefDraft.model_validate(data)
        except ValidationError as exc:
            return [
                Problem(".".join(str(p) for p in err["loc"]) or "answer", err["msg"])
                for err in exc.errors(include_url=False)
            ][:20]
        grounded = check(
            draft,
            self.index,
            min_summary=2,
            fallback_headline=self.article.fallback_headline,
            language=self.options.language,
        )
        if trimmed:
            grounded.report.dropped.extend(trimmed)
            grounded.report.quotes_dropped += len(trimmed)
        if self._best is None or len(grounded.problems) <= len(self._best.problems):
            self._best = grounded
        return grounded.problems or None

    def _finish(self, grounded: Grounded) -> Outcome:
        if self.options.strict:  # only what the cited sentences state
            grounded = withhold_unestablished(grounded, self.article.fallback_headline)
        if grounded.report.dropped:
            log.warning(
                "%s: dropped %d ungrounded item(s) and %d quote(s) (see grounding.dropped)",
                self.article.label,
                grounded.report.items_dropped,
                len(grounded.report.dropped) - grounded.report.items_dropped,
            )
        return Outcome(
            draft=grounded.content,
            report=grounded.report,
            usage=self.usage,
            attempts=self.answers,
            mode=self.mode,
        )

    def _count(self, completion: ChatCompletion) -> None:
        usage = completion.usage
        if usage is not None:
            self.usage.prompt_tokens += usage.prompt_tokens or 0
            self.usage.completion_tokens += usage.completion_tokens or 0
            self.usage.total_tokens += usage.total_tokens or 0

    def _error(self, cls: type[Exception], message: str, **extra: Any) -> Exception:
        return cls(  # type: ignore[call-arg]
            message,
            source=self.article.label,
            attempts=self.answers,
            last_output=self.last_output,
            usage=self.usage.model_copy(),
            **extra,
        )


def trim_evidence(answer: Any) -> list[DroppedItem]:
    """Cut every evidence list of a model's raw answer (a parsed JSON object) to
    :data:`MAX_CITATIONS`, in place, and return the citations cut, as dropped quotes.

    An over-long list must never cost the brief (strict structured outputs cannot carry a
    ``maxItems``, so a careful model can cite more): the first citations, which the model
    gave first, are kept and checked; the rest are listed in ``grounding.dropped``.
    """
    cut: list[DroppedItem] = []
    if not isinstance(answer, dict):
        return cut
    for section in ("summary", "actors", "positions", "disputes", "next_steps"):
        items = answer.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            evidence = item.get("evidence") if isinstance(item, dict) else None
            if not isinstance(evidence, list) or len(evidence) <= MAX_CITATIONS:
                continue
            for j, entry in enumerate(evidence[MAX_CITATIONS:], MAX_CITATIONS):
                reason = f"over the {MAX_CITATIONS} citations an item may carry: not checked"
                path = f"{section}[{i}].evidence[{j}]"
                cut.append(DroppedItem(path=path, kind="quote", content=entry, reasons=[reason]))
            item["evidence"] = evidence[:MAX_CITATIONS]
    return cut


def conversations(
    article: Article,
    prompts: Prompts,
    *,
    model: str,
    options: Options,
    index: ArticleIndex | None = None,
    messages: list[dict[str, Any]] | None = None,
) -> Callable[[str], Conversation]:
    """A maker of fresh conversations about ``article``, one per mode tried (a fallback
    starts over); ``messages`` replaces the default prompt (the reduce call's)."""
    shared = index or ArticleIndex(article.text)

    def new(mode: str) -> Conversation:
        conv = Conversation(article, prompts, mode=mode, model=model, options=options, index=shared)
        if messages is not None:
            conv.messages = [dict(m) for m in messages]
        return conv

    return new


async def drive(new: Callable[[str], Conversation], transport: Transport) -> Outcome:
    """Drive a conversation to its outcome over ``transport`` (a fallback starts a new one)."""
    conv = new(transport.mode)
    while True:
        try:
            completion = await transport.acomplete(conv.request(), conv.usage)
        except BackendError as exc:
            if conv.answers and _context_overflow(exc):
                return conv.give_up(exc)
            conv = _fall_back(new, transport, conv, exc)
            continue
        outcome = conv.receive(completion)
        if outcome is not None:
            transport.settled(conv.mode)
            return outcome


def _context_overflow(exc: BackendError) -> bool:
    """The server refused a request for not fitting its context window."""
    text = exc.message.lower()
    return exc.status_code == 400 and (
        "context length" in text or "context_length" in text or "context window" in text
    )


def _fall_back(
    new: Callable[[str], Conversation], transport: Transport, conv: Conversation, exc: BackendError
) -> Conversation:
    """A fresh conversation in the next mode, or the error with the brief's context."""
    fallback = transport.next_mode(conv.mode, exc) if conv.answers == 0 else None
    if fallback is None:
        exc.source = conv.article.label
        exc.usage = conv.usage.model_copy()
        exc.last_output = conv.last_output
        raise exc
    fresh = new(fallback)
    fresh.usage.add(conv.usage)
    return fresh
