"""The request for one answer: messages, sampling options and the schema, shaped for a mode.

Every mode sends the same lean *wire schema* (:func:`wire_schema`): the draft schema with
its ``$ref``s inlined and no titles or descriptions (every field's rule is written once, in
the system prompt), the segment numbers bounded by the article's sentence count. Pydantic's
``BriefDraft`` still validates the answers, with every limit of the full schema. The
``json`` mode puts the schema into the system message as compact JSON (instructor's
indented copy cost 2,262 tokens; docs/scale.md).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from summarizer.output.brief import BriefDraft

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from summarizer.model.options import Options

__all__ = [
    "JSON_MODE_INSTRUCTION",
    "TOOL_NAME",
    "WIRE_CITATIONS",
    "build_request",
    "cite_range",
    "compact",
    "draft_json_schema",
    "raw_text",
    "wire_schema",
]

TOOL_NAME = "BriefDraft"
JSON_MODE_INSTRUCTION = "\n\nAnswer with one JSON object (not the schema) following this schema:\n"


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
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": list(messages),
        "max_tokens": max_tokens,
        "temperature": options.temperature,
    }
    if options.seed is not None:
        kwargs["seed"] = options.seed
    if options.extra_body:
        kwargs["extra_body"] = dict(options.extra_body)
    schema = wire_schema(segments, strict=mode == "strict", caps=options.schema_caps)
    if mode in ("strict", "json_schema"):
        named = {"name": TOOL_NAME, "schema": schema, "strict": mode == "strict"}
        kwargs["response_format"] = {"type": "json_schema", "json_schema": named}
    elif mode == "tools":
        function = {"name": TOOL_NAME, "parameters": schema}
        kwargs["tools"] = [{"type": "function", "function": function}]
        kwargs["tool_choice"] = {"type": "function", "function": {"name": TOOL_NAME}}
    elif mode == "json":
        kwargs["messages"] = _with_schema(kwargs["messages"], schema)
        kwargs["response_format"] = {"type": "json_object"}
    else:
        raise ValueError(f"unknown mode {mode!r}")
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


def compact(schema: Any) -> str:
    """JSON without the spaces after separators (what a token costs is what is sent)."""
    return json.dumps(schema, separators=(",", ":"), ensure_ascii=False)


def _with_schema(messages: list[dict[str, Any]], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """``messages`` with the schema appended to the system message (``json`` mode)."""
    out = [dict(m) for m in messages]
    system = next((m for m in out if m["role"] == "system"), None)
    text = JSON_MODE_INSTRUCTION.lstrip("\n") + compact(schema)
    if system is None:
        out.insert(0, {"role": "system", "content": text})
    else:
        system["content"] = system["content"].rstrip("\n") + JSON_MODE_INSTRUCTION + compact(schema)
    return out


# Keywords outside OpenAI's strict subset: a strict request that carries them can be refused.
# Their limits still hold: pydantic checks them on our side and a violation is re-asked.
_NOT_STRICT = frozenset({"minLength", "maxLength", "minItems", "maxItems"})
# Not sent (pydantic still checks the limits): the system prompt says what each field holds.
_DROPPED = frozenset({"title", "description", "$defs", "maxLength", "maxItems"})
_COUNTED = frozenset({"summary"})  # lists whose length is a rule ("2 to 4 sentences")
_CITE = "#/$defs/cite"  # the one definition kept: a citation list, used by every item


WIRE_CITATIONS = 3
"""The citations per item a request asks for where the mode can say so (a grammar server
enforces it). Validation takes up to :data:`~summarizer.output.brief.MAX_CITATIONS`, and cuts a
longer list (reported), because strict mode cannot carry the cap: an over-long list never
costs the brief (issue 23 #11). Raising this changes every request body: re-record the
cassettes with it."""


@lru_cache(maxsize=64)
def wire_schema(
    segments: int, *, strict: bool = False, caps: tuple[int, int] | None = None
) -> dict[str, Any]:
    """The draft schema as sent to the model (shared: copy it before changing it).

    Kept, because a grammar-constrained server (llama.cpp) compiles them into its grammar
    and OpenAI's strict mode requires them: every type, enum, ``required`` list and
    ``additionalProperties: false``; the citation list (one to :data:`WIRE_CITATIONS`
    segment numbers in ``1..segments``) and the summary's length. Dropped: titles and
    descriptions (the system prompt says what each field holds), the other length limits
    (pydantic checks them and a violation is re-asked), and the ``$defs`` indirection except
    for the citation list.
    ``strict`` drops the keywords outside OpenAI's strict subset; ``caps`` (max items, max
    characters: small local models) bounds every list and string, so a grammar-constrained
    small model cannot loop inside one.
    """
    full = cite_range(draft_json_schema(), segments)
    evidence = dict(full["$defs"]["DraftSummarySentence"]["properties"]["evidence"])
    if "maxItems" in evidence:
        evidence["maxItems"] = min(evidence["maxItems"], WIRE_CITATIONS)
    lean = _Lean(full["$defs"], strict=strict, caps=caps)
    schema: dict[str, Any] = lean(full)
    schema["$defs"] = {"cite": lean(evidence, keep={"maxItems"})}
    return schema


class _Lean:
    """One pass over the draft schema: refs inlined, prose and most limits dropped."""

    def __init__(
        self, definitions: dict[str, Any], *, strict: bool, caps: tuple[int, int] | None
    ) -> None:
        self.definitions = definitions
        self.strict = strict
        self.caps = caps

    def __call__(self, node: Any, keep: frozenset[str] | set[str] = frozenset()) -> Any:
        if isinstance(node, list):
            return [self(value) for value in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return self(self.definitions[node["$ref"].rsplit("/", 1)[-1]], keep)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if (key in _DROPPED and key not in keep) or (self.strict and key in _NOT_STRICT):
                continue
            out[key] = self._properties(value) if key == "properties" else self(value)
        nullable = _nullable(out)
        if nullable is not None:
            out = nullable
        if self.caps is not None and not self.strict:
            _cap(out, node, *self.caps)
        return out

    def _properties(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A map of field names (not of keywords): citations by reference."""
        return {
            name: {"$ref": _CITE}
            if name == "evidence"
            else self(field, {"maxItems"} if name in _COUNTED else frozenset())
            for name, field in fields.items()
        }


def _nullable(node: dict[str, Any]) -> dict[str, Any] | None:
    """``{"anyOf": [{"type": T, ...}, {"type": "null"}]}`` as ``{"type": [T, "null"], ...}``
    (half the tokens; llama.cpp, vLLM and OpenAI's strict mode all read type lists)."""
    options = node.get("anyOf")
    if set(node) != {"anyOf"} or not isinstance(options, list) or len(options) != 2:
        return None
    value, null = options
    if null != {"type": "null"} or not isinstance(value.get("type"), str):
        return None
    return {**value, "type": [value["type"], "null"]}


def _cap(node: dict[str, Any], original: dict[str, Any], max_items: int, length: int) -> None:
    """Bound ``node``'s list length and string length (``Options.schema_caps``)."""
    kind = node.get("type")
    if kind == "array":
        node["maxItems"] = min(original.get("maxItems", max_items), max_items)
        if "minItems" in node:
            node["minItems"] = min(node["minItems"], node["maxItems"])
    elif (kind == "string" or kind == ["string", "null"]) and "enum" not in node:
        node["maxLength"] = min(original.get("maxLength", length), length)


@lru_cache(maxsize=1)
def draft_json_schema() -> dict[str, Any]:
    """The JSON Schema sent to the model for :class:`BriefDraft`, built once (it costs
    milliseconds a call): evidence entries are segment numbers only (the model cites, the
    program quotes; validation still accepts a quoted string from an older prompt).

    Shared: callers that change it must copy it first (see :func:`cite_range`).
    """
    schema = BriefDraft.model_json_schema()
    for definition in schema.get("$defs", {}).values():
        evidence = definition.get("properties", {}).get("evidence")
        if evidence is not None:
            evidence["items"] = {"type": "integer", "minimum": 1}
    return schema


def cite_range(schema: dict[str, Any], segments: int) -> dict[str, Any]:
    """A copy of a draft schema whose segment numbers run from 1 to ``segments``.

    Grammar-constrained servers (llama.cpp) then cannot emit a segment that does not exist.
    """
    out = copy.deepcopy(schema)
    for definition in out.get("$defs", {}).values():
        items = definition.get("properties", {}).get("evidence", {}).get("items")
        if isinstance(items, dict) and items.get("type") == "integer":
            items["maximum"] = max(1, segments)
    return out
