"""The published JSON Schemas (``schemas/*.json``), generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["SCHEMA_NAMES", "schema_dict", "schema_json"]

SCHEMA_NAMES = ("brief", "digest")


def schema_dict(name: str) -> dict[str, Any]:
    """The JSON Schema for ``name`` (brief or digest), from the models."""
    if name == "brief":
        from summarizer.output.brief import Brief

        schema = Brief.model_json_schema(mode="serialization")
    elif name == "digest":
        from summarizer.digest.models import Digest

        schema = Digest.model_json_schema(mode="serialization")
    else:
        raise ValueError(f"unknown schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_json(name: str) -> str:
    return json.dumps(schema_dict(name), indent=2, sort_keys=False) + "\n"


def write_schemas(directory: Any) -> list[str]:
    """Regenerate ``schemas/<name>.json`` in ``directory``; return the names written."""
    from pathlib import Path

    written = []
    for name in SCHEMA_NAMES:
        try:
            text = schema_json(name)
        except ImportError:
            continue  # a model not built yet
        (Path(directory) / f"{name}.json").write_text(text, encoding="utf-8")
        written.append(name)
    return written


if __name__ == "__main__":  # python -m summarizer.schemas [DIR]: regenerate the files
    import sys

    print(", ".join(write_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas")))
