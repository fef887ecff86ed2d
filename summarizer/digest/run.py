"""The digest job: ingest sources, brief concurrently, group stories, render, deliver.

:func:`run_digest` is the one entry point (the CLI and the scheduler call it). A run:

1. takes the database's run lock (a second run meanwhile fails with :class:`RunLockedError`);
2. ingests every source into the store (:func:`summarizer.digest.sources.ingest`);
3. briefs every article not yet in a delivered digest through
   :meth:`Summarizer.summarize_many` with the store as its brief cache, so each brief is
   stored the moment it is made and a killed run loses none of them;
4. groups the briefs into stories (:func:`group_stories`) and marks what is new since the
   previous digest;
5. renders and delivers (:mod:`summarizer.digest.render`); each delivery is recorded
   under the digest's id, a hash of the briefs it holds, so a rerun delivers it once.

Articles that fail stay pending and are retried by the next run; the digest lists them
and says it is ``partial``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summarizer.brief import Brief
from summarizer.digest.models import (
    Digest,
    DigestArticle,
    DigestCounts,
    FailedArticle,
    Quoted,
    Story,
    StoryActor,
    StoryDispute,
    StoryNextStep,
    StoryPosition,
    StorySentence,
    StorySide,
)
from summarizer.errors import ConfigurationError, RunLockedError

if TYPE_CHECKING:
    from summarizer.digest.store import Store, StoredArticle

__all__ = [
    "DigestConfig",
    "EmailConfig",
    "RunLockedError",
    "arun_digest",
    "group_stories",
    "load_digest_config",
    "normalize_name",
    "parse_duration",
    "run_digest",
]

log = logging.getLogger(__name__)

OutputFormat = Literal["markdown", "html", "json"]
ALL_FORMATS: tuple[OutputFormat, ...] = ("markdown", "html", "json")
Progress = Callable[[int, int, str, "str | None"], None]
"""``progress(done, total, label, error)``: called once with ``done=0``, then per article."""

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90s``, ``15m``, ``6h``, ``1d``, ``2w`` as a timedelta."""
    match = _DURATION_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigurationError(f"bad duration {text!r}: use a number and s, m, h, d or w")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


class EmailConfig(BaseModel):
    """``[email]``: send the digest over SMTP (stdlib ``smtplib``)."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = 587
    sender: str
    to: list[str] = Field(min_length=1)
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password_env: str | None = Field(
        default=None, description="Environment variable holding the SMTP password."
    )
    timeout_s: float = 30.0


class DigestConfig(BaseModel):
    """Everything one digest run needs; the ``digest.toml`` file has the same keys."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list)
    out: Path | None = Field(default=None, description="Output folder [data dir/digests].")
    formats: list[OutputFormat] = Field(default_factory=lambda: list(ALL_FORMATS))
    concurrency: int = Field(default=8, ge=1, le=256)
    since: timedelta | None = Field(
        default=None, description="Also include articles first seen in this window."
    )
    db: Path | None = None
    title: str = "News digest"
    webhook: str | None = None
    webhook_timeout_s: float = 20.0
    email: EmailConfig | None = None
    allow_private: bool = Field(
        default=False, description="Fetch feed links that point at loopback or private hosts."
    )
    fetch_timeout_s: float = 20.0
    summarizer: dict[str, Any] = Field(
        default_factory=dict,
        description="Summarizer settings (model, base_url, backend, mode, ...): flag level.",
    )

    @field_validator("since", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value


def load_digest_config(
    path: Path | None = None, *, add_sources: list[str] | None = None, **overrides: Any
) -> DigestConfig:
    """The config file at ``path`` (if any) with ``overrides`` (``None`` values ignored);
    ``add_sources`` are added to the file's sources (the CLI's ``--source``)."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"digest config {path}: {exc}") from exc
    if add_sources:
        data["sources"] = [*data.get("sources", []), *add_sources]
    for key, value in overrides.items():
        if value is None or value == [] or value == {}:
            continue
        if key == "summarizer":
            data["summarizer"] = {**data.get("summarizer", {}), **value}
        else:
            data[key] = value
    try:
        return DigestConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise ConfigurationError(f"digest config: {where}: {first['msg']}") from exc


# --- the run lock ------------------------------------------------------------------------


@contextlib.contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold ``<db>.lock`` for the run; the OS drops it when the process dies (even kill -9)."""
    import fcntl

    path = db_path.with_name(db_path.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another digest run (pid {holder}) is using {db_path}; "
                "wait for it to finish or use another --db"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


# --- grouping ----------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+")
_STOP = frozenset(
    {
        "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "with", "over", "about",
        "from", "by", "at", "is", "are", "was", "be", "will", "whether", "its", "their", "his",
        "her", "this", "that", "these", "those", "as", "into", "than", "after", "before", "under",
        "between",
    }
)  # fmt: skip


def normalize_name(name: str) -> str:
    """The key actors are matched by: no accents, case or punctuation, no leading 'the'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return text.removeprefix("the ").strip()


def _norm_text(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w for w in _norm_text(text).split() if len(w) > 3 and w not in _STOP)


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _aliases(keys: set[str]) -> dict[str, str]:
    """Map a one-word name to the one longer name it ends or starts ('putin' -> 'vladimir
    putin'); ambiguous short names stay as they are."""
    longer = sorted(k for k in keys if " " in k)
    out: dict[str, str] = {}
    for key in sorted(keys):
        if " " in key:
            continue
        matches = [k for k in longer if k.endswith(" " + key) or k.startswith(key + " ")]
        if len(matches) == 1:
            out[key] = matches[0]
    return out


Item = tuple["StoredArticle", Brief]


def _canonical(items: list[Item]) -> list[dict[str, str]]:
    """For each brief, actor id -> canonical key."""
    keys = {normalize_name(a.name) for _, b in items for a in b.actors}
    alias = _aliases({k for k in keys if k})
    return [
        {a.id: alias.get(normalize_name(a.name), normalize_name(a.name)) for a in b.actors}
        for _, b in items
    ]


def group_stories(items: list[Item]) -> list[list[int]]:
    """Group briefs into stories (lists of indexes into ``items``), deterministically.

    Two briefs belong together when they share two actors (by normalized name), or one
    actor and either half their actors or half their dispute vocabulary. Groups are
    the connected components, largest first, then by their first article.
    """
    ids = _canonical(items)
    actors = [set(m.values()) for m in ids]
    disputes = [
        frozenset().union(*(_tokens(d.issue) for d in b.disputes)) if b.disputes else frozenset()
        for _, b in items
    ]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_actor: dict[str, list[int]] = {}
    for i, keys in enumerate(actors):
        for key in keys:
            by_actor.setdefault(key, []).append(i)
    pairs = sorted({(i, j) for group in by_actor.values() for i in group for j in group if i < j})
    for i, j in pairs:
        shared = len(actors[i] & actors[j])
        if (
            shared >= 2
            or _jaccard(actors[i], actors[j]) >= 0.5
            or (disputes[i] and _jaccard(disputes[i], disputes[j]) >= 0.5)
        ):
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), items[g[0]][0].id))


def _quotes(evidence: list[str], uid: str) -> list[Quoted]:
    return [Quoted(text=q, article=uid) for q in evidence]


def _build_story(items: list[Item], idmaps: list[dict[str, str]], members: list[int]) -> Story:
    lead_row, lead = items[members[0]]
    names: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    actors: dict[str, StoryActor] = {}
    positions: dict[tuple[str, str], StoryPosition] = {}
    disputes: dict[str, StoryDispute] = {}
    steps: dict[str, StoryNextStep] = {}

    def add_source(sources: list[str], uid: str) -> None:
        if uid not in sources:
            sources.append(uid)

    for index in members:
        row, brief = items[index]
        idmap = idmaps[index]
        uid = row.uid
        for actor in brief.actors:
            key = idmap[actor.id]
            names.setdefault(key, Counter())[actor.name] += 1
            kinds.setdefault(key, Counter())[actor.kind] += 1
            merged = actors.setdefault(
                key,
                StoryActor(
                    key=key,
                    name=actor.name,
                    kind=actor.kind,
                    roles=[],
                    positions=[],
                    evidence=[],
                    sources=[],
                ),  # fmt: skip
            )
            if _norm_text(actor.role) not in {_norm_text(r) for r in merged.roles}:
                merged.roles.append(actor.role)
            merged.evidence.extend(_quotes(actor.evidence, uid))
            add_source(merged.sources, uid)

        def display(actor_ids: list[str], idmap: dict[str, str] = idmap) -> list[str]:
            return [names[idmap[i]].most_common(1)[0][0] for i in actor_ids if i in idmap]

        for position in brief.positions:
            if position.actor not in idmap:
                continue
            pkey = (idmap[position.actor], _norm_text(position.stance))
            merged_p = positions.get(pkey)
            if merged_p is None:
                merged_p = StoryPosition(topic=position.topic, stance=position.stance,
                                         evidence=[], sources=[])  # fmt: skip
                positions[pkey] = merged_p
                actors[pkey[0]].positions.append(merged_p)
            merged_p.evidence.extend(_quotes(position.evidence, uid))
            add_source(merged_p.sources, uid)
        for dispute in brief.disputes:
            dkey = _norm_text(dispute.issue)
            merged_d = disputes.setdefault(
                dkey,
                StoryDispute(
                    issue=dispute.issue, status=dispute.status, evidence=[], sources=[], new=True,
                    sides=[StorySide(actors=display(s.actors), claim=s.claim)
                           for s in dispute.sides],
                ),
            )  # fmt: skip
            merged_d.status = dispute.status  # the latest article's word on it
            merged_d.evidence.extend(_quotes(dispute.evidence, uid))
            add_source(merged_d.sources, uid)
        for step in brief.next_steps:
            skey = _norm_text(step.action)
            merged_s = steps.setdefault(
                skey,
                StoryNextStep(action=step.action, actors=display(step.actors), when=step.when,
                              certainty=step.certainty, evidence=[], sources=[], new=True),
            )  # fmt: skip
            merged_s.evidence.extend(_quotes(step.evidence, uid))
            add_source(merged_s.sources, uid)
    for key, story_actor in actors.items():
        story_actor.name = max(names[key].items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        story_actor.kind = kinds[key].most_common(1)[0][0]
    ordered = sorted(actors.values(), key=lambda a: (-len(a.sources), a.key))
    return Story(
        id="s" + lead_row.uid[1:],
        headline=lead.headline,
        summary=[
            StorySentence(text=s.text, evidence=_quotes(s.evidence, lead_row.uid))
            for s in lead.summary
        ],  # fmt: skip
        actors=ordered,
        disputes=list(disputes.values()),
        next_steps=list(steps.values()),
        sources=[items[i][0].uid for i in members],
        new=True,
    )


def build_digest(
    items: list[Item],
    failed: list[FailedArticle],
    *,
    title: str,
    created_at: datetime,
    since: datetime | None,
    previous: Digest | None,
    counts: DigestCounts,
    digest_id: str,
) -> Digest:
    """Group ``items`` into stories and mark what ``previous`` did not have."""
    items = sorted(items, key=lambda item: item[0].id)
    idmaps = _canonical(items)
    stories = [_build_story(items, idmaps, g) for g in group_stories(items)]
    before = previous.stories if previous else []
    seen = {a.id for a in previous.articles} if previous else set()
    old_disputes = {_norm_text(d.issue) for s in before for d in s.disputes}
    old_steps = {_norm_text(n.action) for s in before for n in s.next_steps}
    for story in stories:
        story.new = not any(uid in seen for uid in story.sources)
        for dispute in story.disputes:
            dispute.new = _norm_text(dispute.issue) not in old_disputes
        for step in story.next_steps:
            step.new = _norm_text(step.action) not in old_steps
    articles = [
        DigestArticle(
            id=row.uid, title=brief.source.title or row.title, url=row.url or brief.source.url,
            site=brief.source.site or row.site, published=row.published or brief.source.published,
            content_hash=brief.source.content_hash, headline=brief.headline, origin=row.origin,
            new=row.uid not in seen,
        )
        for row, brief in items
    ]  # fmt: skip
    counts = counts.model_copy(
        update={"stories": len(stories), "new_stories": sum(s.new for s in stories)}
    )
    return Digest(
        id=digest_id, title=title, created_at=created_at, since=since,
        previous=previous.id if previous else None, partial=bool(failed), counts=counts,
        stories=stories, articles=articles, failed=failed,
    )  # fmt: skip


# --- the run -----------------------------------------------------------------------------


def run_digest(config: DigestConfig, *, progress: Progress | None = None) -> Digest:
    """Run one digest (see the module docstring); ``digest.partial`` says if all went well."""
    return asyncio.run(arun_digest(config, progress=progress))


async def arun_digest(config: DigestConfig, *, progress: Progress | None = None) -> Digest:
    """Async twin of :func:`run_digest` (for callers already inside an event loop)."""
    from summarizer.config import load_settings
    from summarizer.digest.store import default_db_path, open_store

    settings = load_settings(config.summarizer)
    db_path = default_db_path(config.db or settings.db)
    with run_lock(db_path):
        store = await asyncio.to_thread(open_store, db_path)
        try:
            return await _run(config, settings, store, progress)
        finally:
            store.close()


async def _run(
    config: DigestConfig, settings: Any, store: Store, progress: Progress | None
) -> Digest:
    from summarizer.article import Article, Limits
    from summarizer.digest.render import deliver
    from summarizer.digest.sources import ingest
    from summarizer.pipeline import Summarizer

    run_id = store.start_run()
    errors: list[str] = []
    try:
        now = datetime.now(UTC)
        since = now - config.since if config.since else None
        limits = Limits(max_bytes=settings.max_input_bytes, timeout_s=config.fetch_timeout_s)
        report = await asyncio.to_thread(
            ingest, store, config.sources, limits=limits, allow_private=config.allow_private,
            since=since, workers=config.concurrency,
        )  # fmt: skip
        log.info("ingested: %d new, %d known, %d not fetched, %d source error(s)",
                 report.new, report.known, report.failed, len(report.source_errors))  # fmt: skip
        selected = store.undigested(since=since)
        ready = [row for row in selected if row.text is not None]
        failed: list[FailedArticle] = [
            FailedArticle(id=row.uid, label=row.title or row.url or row.uid, url=row.url,
                          error=row.error or "not fetched", attempts=row.attempts)
            for row in selected if row.text is None
        ]  # fmt: skip
        failed += [
            FailedArticle(id=None, label=spec, url=None, error=error, attempts=1)
            for spec, error in report.source_errors
        ]
        items: list[Item] = []
        keys: dict[int, str] = {}
        briefed: list[tuple[str, str]] = []
        unmarked: list[tuple[int, str]] = []
        cached = 0
        summarizer = Summarizer(settings=settings, cache=store)
        try:
            articles = [
                Article(text=row.text or "", title=row.title, url=row.url,
                        published=row.published, site=row.site, origin=row.origin)
                for row in ready
            ]  # fmt: skip
            for i, article in enumerate(articles):
                keys[i] = summarizer.cache_key(article)[0]
                cached += store.has_brief(keys[i])
            if progress:
                progress(0, len(articles), "", None)
            done = 0
            async for result in summarizer.summarize_many(articles, concurrency=config.concurrency):
                row = ready[result.index]
                done += 1
                if result.brief is not None:
                    # The brief itself is already stored (the cache); the article's status
                    # is written in batches: each write costs the event loop a GIL handoff.
                    unmarked.append((row.id, keys[result.index]))
                    if len(unmarked) >= 64:
                        store.articles_briefed(unmarked)
                        unmarked.clear()
                    briefed.append((row.uid, keys[result.index]))
                    items.append((row, result.brief))
                else:
                    message = str(result.error)
                    store.article_failed(row.id, message)
                    failed.append(FailedArticle(id=row.uid, label=articles[result.index].label,
                                                url=row.url, error=message,
                                                attempts=row.attempts + 1))  # fmt: skip
                if progress:
                    progress(done, len(articles), articles[result.index].label,
                             None if result.brief else str(result.error))  # fmt: skip
        finally:
            store.articles_briefed(unmarked)
            await summarizer.aclose()
        failed.sort(key=lambda f: (f.id is None, f.label))

        fingerprint = json.dumps([sorted(briefed), sorted(f.id or f.label for f in failed)])
        digest_id = "d" + hashlib.sha256(fingerprint.encode()).hexdigest()[:15]
        stored_at = store.digest_created_at(digest_id)
        created_at = datetime.fromisoformat(stored_at) if stored_at else now
        previous_body = store.previous_digest(exclude=digest_id)
        previous = Digest.model_validate_json(previous_body) if previous_body else None
        counts = DigestCounts(articles=len(selected) + len(report.source_errors),
                              briefed=len(items), cached=cached,
                              failed=len(failed) - len(report.source_errors),
                              source_errors=len(report.source_errors))  # fmt: skip
        digest = build_digest(items, failed, title=config.title, created_at=created_at,
                              since=since, previous=previous, counts=counts,
                              digest_id=digest_id)  # fmt: skip
        if not items and not failed:
            log.info("nothing new: no digest written")
            store.finish_run(run_id, "empty", counts=counts.model_dump())
            return digest
        store.save_digest(digest_id, run_id, created_at.isoformat(), digest.model_dump_json())
        problems = await asyncio.to_thread(deliver, digest, config, store)
        errors += [f.label + ": " + f.error for f in failed] + problems
        if not problems:
            store.mark_digested([row.id for row, _ in items], digest_id)
            store.complete_digest(digest_id)
        status = "partial" if digest.partial or problems else "ok"
        if problems:
            digest = digest.model_copy(update={"partial": True})
        store.finish_run(run_id, status, counts=digest.counts.model_dump(), errors=errors,
                         digest_id=digest_id)  # fmt: skip
        return digest
    except BaseException as exc:
        store.finish_run(run_id, "failed", errors=[*errors, f"{type(exc).__name__}: {exc}"])
        raise
