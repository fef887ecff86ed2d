"""The request for one answer: messages, sampling options and the schema, shaped for a mode.

instructor's ``handle_response_model`` builds the ``tools`` and ``json`` requests;
``strict`` and ``json_schema`` requests are built here, because instructor's JSON_SCHEMA
mode does not mark the schema strict.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from summarizer.brief import BriefDraft, cite_range, draft_json_schema

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from summarizer.model.options import Options

__all__ = ["build_request", "raw_text"]


def build_request(
    *,
    mode: str,
    model: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    options: Options,
    segments: int,
) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create``; ``segments``: how many numbered
    sentences the article has (the range of segment numbers the model may cite)."""
    from instructor.processing import handle_response_model

    base: dict[str, Any] = {
        "model": model,
        "messages": list(messages),
        "max_tokens": max_tokens,
        "temperature": options.temperature,
    }
    if options.seed is not None:
        base["seed"] = options.seed
    if options.extra_body:
        base["extra_body"] = dict(options.extra_body)
    schema = _draft_schema(mode == "strict", segments)
    if mode in ("strict", "json_schema"):
        named = {"name": "BriefDraft", "schema": schema, "strict": mode == "strict"}
        base["response_format"] = {"type": "json_schema", "json_schema": named}
        kwargs = base
    else:
        _, kwargs = handle_response_model(BriefDraft, mode=_mode_enum(mode), **base)
        for tool in kwargs.get("tools") or []:  # cite numbers: the grammar allows no quote
            tool["function"]["parameters"] = copy.deepcopy(schema)
    if options.schema_caps:
        kwargs = copy.deepcopy(kwargs)
        _tighten(kwargs.get("tools") or kwargs.get("response_format"), *options.schema_caps)
    return kwargs


def raw_text(completion: ChatCompletion) -> str:
    """The answer's text: the tool call's arguments, else the message content."""
    message = completion.choices[0].message
    if message.tool_calls:
        return "".join(
            getattr(call, "function", None) and call.function.arguments or ""  # type: ignore[union-attr]
            for call in message.tool_calls
        )
    return message.content or ""


def _mode_enum(mode: str) -> Any:
    from instructor import Mode

    return {
        "strict": Mode.JSON_SCHEMA,
        "json_schema": Mode.JSON_SCHEMA,
        "tools": Mode.TOOLS,
        "json": Mode.JSON,
    }[mode]


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


@lru_cache(maxsize=64)
def _draft_schema(strict: bool, segments: int) -> dict[str, Any]:
    """The draft schema for an article of ``segments`` numbered sentences (shared: copy it
    before changing it)."""
    schema = cite_range(draft_json_schema(), segments)
    return _strict_subset(schema) if strict else schema
