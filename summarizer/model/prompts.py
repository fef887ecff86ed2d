"""Prompt templates: loading (package defaults or a user folder), rendering, versioning."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from summarizer.base.errors import ConfigurationError
from summarizer.base.i18n import language_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from summarizer.article import Article
    from summarizer.grounding import Problem
    from summarizer.grounding.segments import Segment

__all__ = ["TEMPLATES", "Prompts", "load_prompts"]

TEMPLATES = ("system.j2", "user.j2", "reask.j2", "merge.j2")


def _default_dir() -> Path:
    return Path(str(files("summarizer") / "templates"))


@dataclass(frozen=True)
class Prompts:
    """Rendered prompts for one template set; ``version`` hashes the templates' sources."""

    env: SandboxedEnvironment
    version: str
    _systems: dict[str | None, str] = field(default_factory=dict, repr=False, compare=False)

    def _render(self, name: str, **context: Any) -> str:
        try:
            return self.env.get_template(name).render(**context).strip() + "\n"
        except TemplateError as exc:
            raise ConfigurationError(f"prompt template {name} failed: {exc}") from exc

    def system(self, language: str | None) -> str:
        """The static instructions (rendered once per language: they hold no article)."""
        found = self._systems.get(language)
        if found is None:
            found = self._render(
                "system.j2", language=language_name(language) if language else None
            )
            self._systems[language] = found
        return found

    def messages(
        self,
        article: Article,
        segments: Sequence[Segment] | None = None,
        *,
        language: str | None = None,
    ) -> list[dict[str, str]]:
        """Static instructions first, then the article as delimited, untrusted data.

        With ``segments`` the article is shown as numbered sentences (``[n] ...``), which the
        model cites by number; a template that ignores them still gets ``article.text``.
        """
        # The markers carry part of the article's own hash: text inside the article cannot
        # predict them, so a fake closing marker in the article does not close anything.
        tag = f"ARTICLE-{article.content_hash[:10]}"
        return [
            {"role": "system", "content": self.system(language)},
            {
                "role": "user",
                "content": self._render(
                    "user.j2",
                    article=article,
                    segments=list(segments or []),
                    tag=tag,
                    open=f"<<<{tag}",
                    close=f"{tag}>>>",
                ),
            },
        ]

    def merge_messages(
        self, article: Article, parts: list[dict[str, Any]], *, total: int
    ) -> list[dict[str, str]]:
        """The reduce step of a chunked brief: the parts' headlines and summaries as data."""
        tag = f"PARTS-{article.content_hash[:10]}"
        return [
            {"role": "system", "content": self.system(None)},
            {
                "role": "user",
                "content": self._render(
                    "merge.j2",
                    parts=parts,
                    total=total,
                    title=article.title,
                    tag=tag,
                    open=f"<<<{tag}",
                    close=f"{tag}>>>",
                ),
            },
        ]

    def reask(self, problems: list[Problem]) -> str:
        return self._render("reask.j2", problems=[str(p) for p in problems])


@lru_cache(maxsize=8)
def load_prompts(directory: Path | None = None) -> Prompts:
    """Templates from ``directory`` (each missing one falls back to the package's own)."""
    loaders = []
    if directory is not None:
        if not directory.is_dir():
            raise ConfigurationError(f"prompts folder {directory} does not exist")
        loaders.append(FileSystemLoader(directory))
    loaders.append(FileSystemLoader(_default_dir()))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    digest = hashlib.sha256()
    for name in TEMPLATES:
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, name)
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    return Prompts(env=env, version=digest.hexdigest()[:12])
