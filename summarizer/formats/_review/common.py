"""What every part of the review page uses: the sections of a brief, escaping, the language
and direction of a text, the place of an item named by a path."""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = [
    "SECTIONS", "as_dict", "esc", "item_path", "label_key", "lang_dir", "one_line", "safe_url",
]  # fmt: skip

# Sections of a brief: (key, label prefix, the field that holds the item's text).
SECTIONS = (
    ("summary", "S", "text"),
    ("actors", "A", "role"),
    ("positions", "P", "stance"),
    ("disputes", "D", "issue"),
    ("next_steps", "N", "action"),
)
_RTL = ("ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def lang_dir(language: str) -> str:
    code = language.split("-")[0].split("_")[0].lower()
    return f' lang="{esc(code)}" dir="{"rtl" if code in _RTL else "ltr"}"'


def item_path(path: str) -> tuple[str, str, int] | None:
    """``("chunks[2]", "positions", 3)`` of ``chunks[2].positions[3].stance``."""
    m = re.match(r"^(?:(.*)\.)?(summary|actors|positions|disputes|next_steps)\[(\d+)\]", path)
    return (m.group(1) or "", m.group(2), int(m.group(3))) if m else None


def safe_url(url: Any) -> str | None:
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"'`]+$", url, re.I):
        return url
    return None


def label_key(key: str) -> str:
    return "open_disputes" if key == "disputes" else key


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
