"""What changed since the previous digest: which story each one continues, its status
(new, updated, unchanged) and its changes (new articles and positions, disputes opened,
escalated, eased or closed, steps new, due or done). Used by :mod:`.stories`."""

from __future__ import annotations

import re

from summarizer.digest.models import Digest, Story, StoryChange
from summarizer.names import fold

__all__ = ["jaccard", "mark_new"]


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _previous_story(story: Story, before: list[Story]) -> Story | None:
    """The story of the previous digest this one continues (the grouping rule, by actor)."""
    keys = {a.key for a in story.actors}
    best: tuple[int, Story] | None = None
    for old in before:
        old_keys = {a.key for a in old.actors}
        shared = len(keys & old_keys)
        if (shared >= 2 or (shared and jaccard(keys, old_keys) >= 0.5)) and (
            best is None or shared > best[0]
        ):
            best = (shared, old)
    return best[1] if best else None


_STATUS_CHANGE = {"escalating": "dispute_escalated", "easing": "dispute_eased",
                  "stalled": "dispute_stalled"}  # fmt: skip


def _due(when: str | None, today: str) -> bool:
    """A step's ``when`` that names a day up to today (ISO dates, "today")."""
    if not when:
        return False
    text = when.lower()
    dates = re.findall(r"\d{4}-\d\d-\d\d", text)
    return "today" in text or any(d <= today for d in dates)


def _changes(story: Story, old: Story | None, seen: set[str], today: str) -> list[StoryChange]:
    """What changed in ``story`` since ``old`` (its version in the previous digest)."""
    changes = [StoryChange(kind="new_article", text=uid, article=uid)
               for uid in story.sources if uid not in seen]  # fmt: skip
    old_positions = (
        {(a.key, fold(p.stance)) for a in old.actors for p in a.positions} if old else set()
    )
    for actor in story.actors:
        for p in actor.positions:
            if old and (actor.key, fold(p.stance)) not in old_positions:
                changes.append(StoryChange(kind="new_position", text=f"{actor.name}: {p.stance}",
                                           article=p.sources[-1]))  # fmt: skip
    old_disputes = {fold(d.issue): d for d in old.disputes} if old else {}
    for d in story.disputes:
        before = old_disputes.pop(fold(d.issue), None)
        if before is None:
            changes.append(StoryChange(kind="dispute_opened", text=d.issue, article=d.sources[0]))
        elif before.status != d.status and d.status in _STATUS_CHANGE:
            kind = _STATUS_CHANGE[d.status]
            changes.append(StoryChange(kind=kind, text=d.issue, article=d.sources[-1]))  # type: ignore[arg-type]
    if any(uid not in seen for uid in story.sources):
        # A continuing story whose new articles no longer report a dispute: it closed.
        changes += [StoryChange(kind="dispute_closed", text=d.issue) for d in old_disputes.values()]
    old_steps = {fold(n.action): n for n in old.next_steps} if old else {}
    for n in story.next_steps:
        if _due(n.when, today):
            changes.append(StoryChange(kind="step_due", text=n.action, article=n.sources[-1]))
        elif fold(n.action) not in old_steps:
            changes.append(StoryChange(kind="step_new", text=n.action, article=n.sources[0]))
    for key, n in old_steps.items():
        if key not in {fold(x.action) for x in story.next_steps} and _due(n.when, today):
            changes.append(StoryChange(kind="step_done", text=n.action))
    return changes


def mark_new(stories: list[Story], previous: Digest | None, today: str) -> set[str]:
    """Status and changes of each story against ``previous``; return its articles' ids."""
    before = previous.stories if previous else []
    seen = {a.id for a in previous.articles} if previous else set()
    old_disputes = {fold(d.issue) for s in before for d in s.disputes}
    old_steps = {fold(n.action) for s in before for n in s.next_steps}
    for story in stories:
        old = _previous_story(story, before)
        fresh = any(uid not in seen for uid in story.sources)
        story.status = "new" if old is None and fresh else "updated" if fresh else "unchanged"
        story.new = story.status == "new"
        if old is not None:
            story.id = old.id  # one id for one story, digest after digest
        story.changes = _changes(story, old, seen, today)
        for dispute in story.disputes:
            dispute.new = fold(dispute.issue) not in old_disputes
        for step in story.next_steps:
            step.new = fold(step.action) not in old_steps
    return seen
