"""The wheel must carry every package and its data: pyproject lists packages one by one."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_under_summarizer_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "summarizer").rglob("__init__.py")
    }
    assert found, "no package found: the test is looking in the wrong place"
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"


def test_templates_and_schemas_ship_as_package_data_not_as_importable_packages() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]["summarizer"]
    assert {"templates/*.j2", "schema/*.json"} <= set(data)
    for folder in ("prompts", "schemas"):
        assert not (ROOT / folder / "__init__.py").exists(), f"{folder}/ must not be a package"
    # The package's folders are the repository's human-edited ones, not copies.
    assert (ROOT / "summarizer" / "templates").resolve() == ROOT / "prompts"
    assert (ROOT / "summarizer" / "schema").resolve() == ROOT / "schemas"
    from importlib.resources import files

    assert (files("summarizer") / "templates" / "system.j2").is_file()
    assert (files("summarizer") / "schema" / "brief.json").is_file()
