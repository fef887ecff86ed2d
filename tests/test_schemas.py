"""The published contract: schemas/*.json match the models; the public API is pinned."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

import summarizer
from summarizer.output.brief import Brief, BriefDraft
from summarizer.schemas import SCHEMA_NAMES, schema_dict

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_files_are_in_sync_with_the_models(name: str) -> None:
    on_disk = json.loads((SCHEMAS / f"{name}.json").read_text())
    assert on_disk == schema_dict(name), (
        f"schemas/{name}.json is out of date: run python -m summarizer.schemas schemas"
    )


def test_draft_schema_satisfies_openai_strict_mode() -> None:
    """Every object closed and every property required (nullable instead of optional)."""

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, path
                assert set(node.get("required", [])) == set(node.get("properties", {})), path
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(BriefDraft.model_json_schema(), "#")


def test_brief_schema_version() -> None:
    assert Brief.model_fields["schema_version"].default == summarizer.SCHEMA_VERSION == 2


def test_public_api_is_pinned() -> None:
    assert summarizer.__all__ == [
        "SCHEMA_VERSION",
        "Article",
        "BackendError",
        "BatchJob",
        "Brief",
        "BriefCache",
        "BriefDraft",
        "BriefPlan",
        "BriefResult",
        "BriefValidationError",
        "BudgetExceededError",
        "BudgetReachedError",
        "Citation",
        "ConfigurationError",
        "DeliveryError",
        "Estimate",
        "GroundingReport",
        "InputError",
        "RefusalError",
        "Settings",
        "SettingsOptions",
        "Source",
        "Summarizer",
        "SummarizerError",
        "SummarizerOptions",
        "TruncatedOutputError",
        "Verification",
        "VerifiedItem",
        "__version__",
        "asummarize",
        "render",
        "render_many",
        "summarize",
        "verify",
    ]
    importlib.import_module("summarizer.engine.verification")  # must not shadow the function
    assert callable(summarizer.verify)
    for name in summarizer.__all__:
        assert hasattr(summarizer, name), name


def test_py_typed_is_shipped() -> None:
    assert (Path(summarizer.__file__).parent / "py.typed").exists()


# What the public entry points take and return, by their annotations (strings: the modules
# use ``from __future__ import annotations``).
ENTRY_POINTS = [
    ("Summarizer", ["__init__", "summarize", "asummarize", "summarize_many", "estimate",
                    "check_budget", "submit_batch", "plan"]),
    ("summarize", None),
    ("asummarize", None),
    ("verify", None),
]  # fmt: skip
NOT_OURS = {"Path", "Iterable", "AsyncIterator", "Unpack", "None", "Any", "httpx2"}


def test_public_signatures_use_exported_types() -> None:
    """Every type of ours that a public entry point takes or returns is exported by
    ``summarizer`` (a user can name it without reaching into a submodule)."""
    import inspect
    import re

    missing = set()
    for name, methods in ENTRY_POINTS:
        target = getattr(summarizer, name)
        functions = [getattr(target, m) for m in methods] if methods else [target]
        for fn in functions:
            for annotation in inspect.get_annotations(fn).values():
                for word in re.findall(r"[A-Za-z_][\w.]*", str(annotation)):
                    head = word.split(".")[0]
                    if head[0].isupper() and head not in NOT_OURS | set(summarizer.__all__):
                        missing.add(f"{name}: {word}")
    assert not missing, sorted(missing)
