"""One brief from the model: transport retries, the re-ask loop, usage, truncation, refusal.

Two loops, each owning one kind of failure:

* transport (:class:`Transport`): tenacity retries 408/409/429/5xx, timeouts and
  connection errors with exponential backoff and jitter, honouring ``retry-after-ms`` /
  ``retry-after`` up to a cap; the SDK's own retries are off (``max_retries=0``). A 2xx
  reply that is not a chat completion (not JSON, an HTML page from a wrong base URL) is a
  :class:`BackendError` at once: retrying would not change it.
* validation (:class:`Conversation`): a bounded loop that re-asks the model when its answer
  does not parse or fails grounding, quoting each failed check. A truncated answer
  (``finish_reason == "length"``) is asked again once with a larger ``max_tokens``, out of
  the same budget.

So one brief sends at most ``transport_attempts * (1 + max_reasks)`` HTTP requests.
:class:`Conversation` does no I/O: the same loop runs under the sync and async drivers.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from summarizer.backends import FALLBACK_ORDER, Backend, ModeMemory
from summarizer.brief import BriefDraft, GroundingReport, Usage, draft_json_schema
from summarizer.errors import (
    BackendError,
    BriefValidationError,
    ConfigurationError,
    RefusalError,
    TruncatedOutputError,
)
from summarizer.grounding import ArticleIndex, Grounded, Problem, check

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletion

    from summarizer.article import Article
    from summarizer.prompts import Prompts

__all__ = ["Conversation", "Options", "Outcome", "Transport"]

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 429})
MAX_TOKENS_CAP = 32_768


@dataclass(frozen=True)
class Options:
    """What shapes the requests for one brief."""

    max_reasks: int = 2
    strict: bool = False
    max_tokens: int = 2048
    temperature: float = 0.0
    seed: int | None = 0
    transport_attempts: int = 4
    retry_max_wait_s: float = 30.0
    timeout_s: float = 120.0
    extra_body: dict[str, Any] = field(default_factory=dict)
    # Tighter maxItems / maxLength in the schema sent to the model (small local models):
    # grammar-constrained servers then cannot loop inside a list or a string.
    schema_caps: tuple[int, int] | None = None


@dataclass
class Outcome:
    """A finished conversation: the grounded draft and what it cost."""

    draft: BriefDraft
    report: GroundingReport
    usage: Usage
    attempts: int
    mode: str


def _mode_enum(mode: str) -> Any:
    from instructor import Mode

    return {
        "strict": Mode.JSON_SCHEMA,
        "json_schema": Mode.JSON_SCHEMA,
        "tools": Mode.TOOLS,
        "json": Mode.JSON,
    }[mode]


def _raw_text(completion: ChatCompletion) -> str:
    message = completion.choices[0].message
    if message.tool_calls:
        return "".join(
            getattr(call, "function", None) and call.function.arguments or ""  # type: ignore[union-attr]
            for call in message.tool_calls
        )
    return message.content or ""


def _tighten(node: Any, max_items: int, max_length: int, *, names: bool = False) -> None:
    """Lower every maxItems / maxLength in place and drop titles and descriptions.

    Only for small local models (``Options.schema_caps``): the caps bound what the grammar
    lets them write, and the schema's prose costs them prompt time for no gain.
    """
    if isinstance(node, dict):
        if not names:
            node.pop("title", None)
            node.pop("description", None)
            if "maxItems" in node:
                node["maxItems"] = min(node["maxItems"], max_items)
                node["minItems"] = min(node.get("minItems", 0), node["maxItems"])
            if "maxLength" in node:
                node["maxLength"] = min(node["maxLength"], max_length)
        for key, value in node.items():
            _tighten(
                value, max_items, max_length, names=key in ("properties", "$defs") and not names
            )
    elif isinstance(node, list):
        for value in node:
            _tighten(value, max_items, max_length)


# Keywords outside OpenAI's strict subset: a strict request that carries them can be refused.
# Their limits still hold: pydantic checks them on our side and a violation is re-asked.
_NOT_STRICT = frozenset({"minLength", "maxLength", "minItems", "maxItems"})


def _strict_subset(node: Any, *, names: bool = False) -> Any:
    """``node`` without the keywords of :data:`_NOT_STRICT` (``names``: a map of field names)."""
    if isinstance(node, dict):
        return {
            key: _strict_subset(value, names=key in ("properties", "$defs") and not names)
            for key, value in node.items()
            if names or key not in _NOT_STRICT
        }
    if isinstance(node, list):
        return [_strict_subset(value) for value in node]
    return node


@lru_cache(maxsize=2)
def _brief_schema(strict: bool) -> dict[str, Any]:
    schema = _strict_subset(draft_json_schema()) if strict else draft_json_schema()
    return {"name": "BriefDraft", "schema": schema, "strict": strict}


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
        self.messages: list[dict[str, Any]] = prompts.messages(article)
        self.max_tokens = options.max_tokens
        self.answers = 0
        self.usage = Usage()
        self._grew_max_tokens = False
        self._best: Grounded | None = None
        self.last_output: str | None = None

    @property
    def budget(self) -> int:
        """Answers the loop may ask for: the first one plus the re-asks."""
        return 1 + self.options.max_reasks

    def request(self) -> dict[str, Any]:
        """Keyword arguments for ``chat.completions.create`` for the next answer."""
        from instructor.processing import handle_response_model

        base: dict[str, Any] = {
            "model": self.model,
            "messages": list(self.messages),
            "max_tokens": self.max_tokens,
            "temperature": self.options.temperature,
        }
        if self.options.seed is not None:
            base["seed"] = self.options.seed
        if self.options.extra_body:
            base["extra_body"] = dict(self.options.extra_body)
        if self.mode in ("strict", "json_schema"):
            base["response_format"] = {
                "type": "json_schema",
                "json_schema": _brief_schema(self.mode == "strict"),
            }
            kwargs = base
        else:
            _, kwargs = handle_response_model(BriefDraft, mode=_mode_enum(self.mode), **base)
        if self.options.schema_caps:
            kwargs = copy.deepcopy(kwargs)
            _tighten(
                kwargs.get("tools") or kwargs.get("response_format"), *self.options.schema_caps
            )
        return kwargs

    def receive(self, completion: ChatCompletion) -> Outcome | None:
        """Take one answer; return the outcome, or None when another request is due."""
        self.answers += 1
        self._count(completion)
        if not completion.choices:
            raise self._error(BackendError, "the server answered with no choices")
        choice = completion.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            said = " ".join(str(refusal).split())  # one line, however the model wrote it
            raise self._error(RefusalError, f"the model refused: {said[:300]}")
        if choice.finish_reason == "content_filter":
            raise self._error(RefusalError, "the answer was stopped by a content filter")
        self.last_output = _raw_text(completion)

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
        if self.answers < self.budget:
            self._reask(problems)
            return None
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
        # An answer that is not JSON is not worth its tokens in the context: only the checks go.
        if not (len(problems) == 1 and problems[0].path == "answer"):
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
        try:
            draft = BriefDraft.model_validate(data)
        except ValidationError as exc:
            return [
                Problem(".".join(str(p) for p in err["loc"]) or "answer", err["msg"])
                for err in exc.errors(include_url=False)
            ][:20]
        grounded = check(
            draft, self.index, min_summary=2, fallback_headline=self.article.fallback_headline
        )
        if self._best is None or len(grounded.problems) <= len(self._best.problems):
            self._best = grounded
        return grounded.problems or None

    def _finish(self, grounded: Grounded) -> Outcome:
        if grounded.report.dropped:
            log.warning(
                "%s: dropped %d ungrounded item(s) and %d quote(s) (see grounding.dropped)",
                self.article.label,
                grounded.report.items_dropped,
                len(grounded.report.dropped) - grounded.report.items_dropped,
            )
        return Outcome(
            draft=grounded.draft,
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


def _retry_after(exc: BaseException, cap: float) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return min(max(float(value) * scale, 0.0), cap)
        except ValueError:
            continue  # an HTTP date: fall back to backoff
    return None


def _capability_error(exc: BaseException) -> bool:
    """The server rejected the request's shape (an unsupported response_format or tools)."""
    import openai

    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422, 500):
        return False
    text = f"{exc.message} {getattr(exc, 'body', '')}".lower()
    return any(word in text for word in ("response_format", "json_schema", "tools", "tool_choice"))


def _transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        if _capability_error(exc):
            return False
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError))


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_detail(exc: openai.APIStatusError) -> str:
    """The server's own error message when the body has one, else the SDK's, on one line."""
    body = getattr(exc, "body", None)  # the SDK passes the inner "error" object when there is one
    error = body.get("error", body) if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str) and message.strip():
        return _one_line(message)
    if isinstance(body, str) and body.strip():
        return _one_line(body)
    return _one_line(exc.message) or "no details"


class MalformedReplyError(BackendError):
    """The server answered 2xx with something that is not a chat completion (not retried)."""


def _check_reply(completion: object, base_url: str) -> ChatCompletion:
    """``completion`` if it has the shape of a chat completion, else a BackendError."""
    from openai.types.chat import ChatCompletion, ChatCompletionMessage

    if not isinstance(completion, ChatCompletion):
        snippet = _one_line(str(completion), 80)
        raise MalformedReplyError(
            f"the reply from {base_url} is not a chat completion ({snippet!r}); "
            "is the base URL an OpenAI-compatible /v1 endpoint?"
        )
    choices = getattr(completion, "choices", None)
    if choices is not None and (
        not isinstance(choices, list)
        or not all(isinstance(getattr(c, "message", None), ChatCompletionMessage) for c in choices)
    ):
        raise MalformedReplyError(
            f"the reply from {base_url} is not a chat completion (malformed choices)"
        )
    return completion


def _redact(text: str, secret: str | None) -> str:
    """``text`` without the API key: a server or proxy may echo it back in an error."""
    if secret and len(secret) >= 8 and secret in text:
        return text.replace(secret, "[REDACTED]")
    return text


def _mentions(exc: BaseException, secret: str | None) -> bool:
    """Whether ``exc`` or an exception it chains to holds ``secret`` (in --debug tracebacks)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while secret and current is not None and id(current) not in seen:
        seen.add(id(current))
        if secret in str(current) or secret in repr(getattr(current, "body", None)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _backend_error(
    exc: BaseException, base_url: str, attempts: int, *, secret: str | None = None
) -> BackendError:
    """``exc`` as a one-line BackendError, with ``secret`` (the API key) redacted."""
    err = _plain_backend_error(exc, base_url, attempts)
    if secret and secret in err.message:
        err.message = _redact(err.message, secret)
        err.args = (err.message,)
    return err


def _plain_backend_error(exc: BaseException, base_url: str, attempts: int) -> BackendError:
    import openai

    if isinstance(exc, BackendError):
        exc.attempts = attempts
        return exc
    if isinstance(exc, openai.APIStatusError):
        detail = _status_detail(exc)
        if exc.status_code in (401, 403):
            detail = "authentication failed (check the API key)"
        return BackendError(
            f"HTTP {exc.status_code} from {base_url}: {detail}",
            status_code=exc.status_code,
            attempts=attempts,
        )
    if isinstance(exc, openai.APITimeoutError):
        return BackendError(f"timed out waiting for {base_url}", attempts=attempts)
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        detail = _one_line(str(cause)) or type(cause).__name__  # httpx's ReadError('') says nothing
        return BackendError(f"cannot reach {base_url}: {detail}", attempts=attempts)
    return BackendError(
        f"{type(exc).__name__} from {base_url}: {_one_line(str(exc))}", attempts=attempts
    )


class Transport:
    """HTTP to one backend with transport retries; shared by every brief of a Summarizer.

    A 429 pauses every call of this transport (not just the one that got it), so a run of
    many concurrent briefs slows down as a whole instead of retrying all at once.
    """

    def __init__(self, backend: Backend, options: Options, *, memory: ModeMemory | None = None):
        if backend.base_url is None:
            raise ConfigurationError("the backend has no base URL (is its server running?)")
        self.backend = backend
        self.base_url: str = backend.base_url
        self.options = options
        self.memory = memory
        self._sync: openai.OpenAI | None = None
        self._async: openai.AsyncOpenAI | None = None
        self._lock = threading.Lock()
        self._pause_until = 0.0
        self.mode = self._initial_mode()

    def _initial_mode(self) -> str:
        if self.backend.mode_pinned:
            return self.backend.mode
        remembered = self.memory.get(self.base_url) if self.memory else None
        return remembered or FALLBACK_ORDER[0]

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_key": self.backend.api_key or "unused",
            "max_retries": 0,
            "timeout": self.options.timeout_s,
        }

    @property
    def client(self) -> openai.OpenAI:
        with self._lock:  # threads (the chunk map) must share one client, not race to make several
            if self._sync is None:
                import openai

                self._sync = openai.OpenAI(**self._client_kwargs())
            return self._sync

    @property
    def aclient(self) -> openai.AsyncOpenAI:
        if self._async is None:
            import openai

            self._async = openai.AsyncOpenAI(**self._client_kwargs())
        return self._async

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.close()
            self._async = None
        self.close()

    # --- retries ---

    def _wait(self, attempt: int, exc: BaseException) -> float:
        cap = self.options.retry_max_wait_s
        hinted = _retry_after(exc, cap)
        if hinted is None:
            hinted = min(cap, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        import openai

        if isinstance(exc, openai.RateLimitError):
            with self._lock:
                self._pause_until = max(self._pause_until, time.monotonic() + hinted)
        return hinted

    def _paused_for(self) -> float:
        with self._lock:
            return max(0.0, self._pause_until - time.monotonic())

    def _retrying_kwargs(self) -> dict[str, Any]:
        from tenacity import retry_if_exception, stop_after_attempt

        def wait(state: Any) -> float:
            exc = state.outcome.exception()
            return self._wait(state.attempt_number, exc) if exc else 0.0

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception()
            log.warning(
                "%s; retry %d/%d in %.1fs",
                _backend_error(
                    exc, self.base_url, state.attempt_number, secret=self._secret
                ).message,
                state.attempt_number,
                self.options.transport_attempts - 1,
                state.next_action.sleep if state.next_action else 0.0,
            )

        return {
            "retry": retry_if_exception(_transient),
            "stop": stop_after_attempt(self.options.transport_attempts),
            "wait": wait,
            "before_sleep": before_sleep,
            "reraise": True,
        }

    def complete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
        """One answer, retried on transient failures; counts each HTTP request in ``usage``."""
        from tenacity import Retrying

        sent = 0

        def once() -> ChatCompletion:
            nonlocal sent
            pause = self._paused_for()
            if pause:
                time.sleep(pause)
            usage.requests += 1
            sent += 1
            try:
                completion = self.client.chat.completions.create(**kwargs)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise self._not_json(exc) from exc
            return _check_reply(completion, self.base_url)

        try:
            for attempt in Retrying(**self._retrying_kwargs()):
                with attempt:
                    return once()
        except Exception as exc:
            err = self._translate(exc, sent)
            if err is exc:
                raise  # already ours (a malformed reply), with its own cause
            raise err from self._cause(exc)
        raise AssertionError("unreachable")

    async def acomplete(self, kwargs: dict[str, Any], usage: Usage) -> ChatCompletion:
        """Async twin of :meth:`complete`."""
        from tenacity import AsyncRetrying

        sent = 0

        async def once() -> ChatCompletion:
            nonlocal sent
            pause = self._paused_for()
            if pause:
                await asyncio.sleep(pause)
            usage.requests += 1
            sent += 1
            try:
                completion = await self.aclient.chat.completions.create(**kwargs)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise self._not_json(exc) from exc
            return _check_reply(completion, self.base_url)

        try:
            async for attempt in AsyncRetrying(**self._retrying_kwargs()):
                with attempt:
                    return await once()
        except Exception as exc:
            err = self._translate(exc, sent)
            if err is exc:
                raise  # already ours (a malformed reply), with its own cause
            raise err from self._cause(exc)
        raise AssertionError("unreachable")

    def _not_json(self, exc: ValueError) -> MalformedReplyError:
        return MalformedReplyError(
            f"the reply from {self.base_url} is not valid JSON ({_one_line(str(exc), 120)}); "
            "is the base URL an OpenAI-compatible /v1 endpoint?"
        )

    @property
    def _secret(self) -> str | None:
        return self.backend.api_key

    def _cause(self, exc: Exception) -> Exception | None:
        """``exc`` to chain for --debug tracebacks, or None when it would show the API key."""
        return None if _mentions(exc, self._secret) else exc

    def _translate(self, exc: Exception, sent: int) -> Exception:
        """An SDK error (or a malformed reply) as a BackendError counting the requests sent."""
        import openai

        if isinstance(exc, (openai.OpenAIError, BackendError)):
            err = _backend_error(exc, self.base_url, sent, secret=self._secret)
            err.capability = _capability_error(exc)  # type: ignore[attr-defined]
            return err
        return exc

    # --- the brief ---

    def next_mode(self, failed: str, exc: BackendError) -> str | None:
        """The mode to fall back to after ``failed`` was rejected, or None."""
        if self.backend.mode_pinned or not getattr(exc, "capability", False):
            return None
        order = list(FALLBACK_ORDER)
        later = order[order.index(failed) + 1 :]
        if not later:
            return None
        log.warning(
            "%s rejected mode %s (%s); falling back to %s", self.base_url, failed, exc, later[0]
        )
        return later[0]

    def settled(self, mode: str) -> None:
        """Remember the mode that worked for this base URL."""
        if self.mode != mode or (self.memory and self.memory.get(self.base_url) != mode):
            self.mode = mode
            if self.memory is not None and not self.backend.mode_pinned:
                self.memory.remember(self.base_url, mode)


def run(new: Callable[[str], Conversation], transport: Transport) -> Outcome:
    """Drive a conversation to its outcome over the sync client."""
    conv = new(transport.mode)
    while True:
        try:
            completion = transport.complete(conv.request(), conv.usage)
        except BackendError as exc:
            conv = _fall_back(new, transport, conv, exc)
            continue
        outcome = conv.receive(completion)
        if outcome is not None:
            transport.settled(conv.mode)
            return outcome


async def arun(new: Callable[[str], Conversation], transport: Transport) -> Outcome:
    """Drive a conversation to its outcome over the async client."""
    conv = new(transport.mode)
    while True:
        try:
            completion = await transport.acomplete(conv.request(), conv.usage)
        except BackendError as exc:
            conv = _fall_back(new, transport, conv, exc)
            continue
        outcome = conv.receive(completion)
        if outcome is not None:
            transport.settled(conv.mode)
            return outcome


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


def dumps_request(kwargs: dict[str, Any]) -> str:
    """The request as JSON, for --debug logs (holds no key: keys live in the client)."""
    return json.dumps(kwargs, default=str)[:4000]
