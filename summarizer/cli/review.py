"""``summarizer review BRIEF.json ARTICLE``: the article beside its brief, as one HTML page
(the ``review`` format, summarizer/formats/review.py); and ``summarize --format review``'s
pages, one per brief.

The article is read as ``summarize`` reads it (the same loader and limits), so the page shows
the very text the brief's offsets index; when its SHA-256 is not the brief's
``content_hash``, quotes are located by their words (as ``verify`` does) and the page and
stderr say so. Exit 0 when the page is written, 3 when the brief or the article cannot be
read, 1 when the page cannot be written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.output.brief import Brief

__all__ = ["articles_of", "one_file_each", "pick_brief", "review_command", "write_each"]


def one_file_each(fmt: str | None, sources: list[str], output: Path | None) -> bool:
    """Whether ``summarize`` writes one file per brief into the folder ``output``: several
    sources in a format whose pages are never joined (``review``); without ``-o FOLDER``
    that is refused before any model call (exit 2)."""
    import summarizer.formats as formats
    from summarizer.cli.state import fail

    if fmt is None or len(sources) < 2 or formats.get(fmt).join is not None:
        return False
    if output is None or output.is_file():
        fail(f"--format {fmt} with several sources writes one file each: give -o FOLDER", 2)
    return True


def articles_of(briefs: list[Brief], articles: list[Article]) -> list[Article]:
    """The article each brief was made from (by its text's SHA-256), in the briefs' order."""
    by_hash = {a.content_hash: a for a in articles}
    return [by_hash[b.source.content_hash] for b in briefs]


def write_each(briefs: list[Brief], articles: list[Article], fmt: str, folder: Path) -> None:
    """One file per brief in ``folder`` (each beside its article), named after its source:
    ``port-strike.review.html``."""
    import re

    import summarizer.formats as formats
    from summarizer.base.fileio import atomic_write
    from summarizer.cli.state import fail

    suffix = formats.get(fmt).suffix
    used: set[str] = set()
    for i, (brief, article) in enumerate(zip(briefs, articles, strict=True), 1):
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(article.label.rstrip("/")).stem)[:60]
        name = f"{stem.strip('.-') or 'article'}.{fmt}.{suffix}"
        name = f"{i}-{name}" if name in used else name
        used.add(name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(folder / name, formats.render(brief, fmt, article=article))
        except OSError as exc:
            fail(f"cannot write {folder / name}: {exc.strerror or exc}", 1)
        print(f"summarizer: wrote {folder / name}", file=sys.stderr)


def pick_brief(data: Any, article: Article, source: str) -> dict[str, Any]:
    """The brief of ``article`` from a file's JSON: the object itself, or from an array (what
    ``summarize`` writes for several sources) the brief whose ``content_hash`` is the
    article's (the only one, when there is one)."""
    from summarizer.base.errors import InputError

    if isinstance(data, dict):
        return data
    briefs = [b for b in data if isinstance(b, dict)] if isinstance(data, list) else []
    if not briefs:
        raise InputError("the brief is not a JSON object (nor an array of them)", source=source)
    for brief in briefs:
        if (brief.get("source") or {}).get("content_hash") == article.content_hash:
            return brief
    if len(briefs) == 1:
        return briefs[0]
    raise InputError(
        f"none of the {len(briefs)} briefs in the file was made from this article "
        "(no content_hash matches)",
        source=source,
    )


def _read_json(path: Path) -> Any:
    from summarizer.base.errors import InputError

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the brief: {exc.strerror or exc}", source=str(path)) from exc
    except ValueError as exc:
        raise InputError(f"the brief is not JSON: {exc}", source=str(path)) from exc


def review_command(
    brief: Annotated[
        Path,
        typer.Argument(
            help="A brief as JSON (this project's, or any that `summarizer verify` accepts).",
            show_default=False,
        ),
    ],
    article: Annotated[
        str,
        typer.Argument(
            help="The article: a file, an http(s) URL, or - for stdin.", show_default=False
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the page here, not to stdout.")
    ] = None,
) -> None:
    """The article beside its brief: every citation highlighted, every verdict shown.

    One self-contained HTML page (no network, strict CSP). Exit 0 when written, 3 for an
    unreadable brief or article, 1 when the page cannot be written.
    """
    from summarizer.article import Limits, read_source
    from summarizer.base.config import load_settings
    from summarizer.base.fileio import atomic_write
    from summarizer.cli.report import error_line
    from summarizer.cli.state import fail
    from summarizer.formats.review import review_page

    if output is not None and output.is_dir():
        fail(f"cannot write {output}: is a directory", 2)
    data = _read_json(brief)  # first: a wrong brief costs no fetch
    settings = load_settings({})
    art = read_source(article, limits=Limits(max_bytes=settings.max_input_bytes))
    page = review_page(pick_brief(data, art, str(brief)), art)
    for warning in page.warnings:
        error_line(warning, prefix="warning")
    try:
        if output is None:
            sys.stdout.write(page.html)
            sys.stdout.flush()
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(output, page.html)
    except OSError as exc:
        fail(f"cannot write {output or 'standard output'}: {exc.strerror or exc}", 1)
    typer.echo(
        f"summarizer: wrote {output} ({len(page.html.encode()) // 1024 + 1} KiB): {page.items} "
        f"items, {page.dropped} dropped, {page.citations} cited spans, {page.uncited} of "
        f"{page.sentences} sentences uncited",
        err=True,
    )
