"""Running the digest on a schedule in the foreground, until SIGTERM or Ctrl-C.

The loop is ours (APScheduler only computes cron fire times): the digest runs in the main
thread, so a signal never pulls a thread pool from under a running digest. A run missed
while the scheduler was down (its last fire time is kept in the store) is caught up once
at start; runs missed while it was busy or suspended are coalesced into one; every wait
says when the next run is.

Signals: the first SIGTERM/SIGINT lets a running digest finish, then stops; a second one
cuts the digest short (its run is recorded ``interrupted``); a third exits at once.
:func:`run_scheduled` returns ``0`` after a clean stop, or ``128 + signal`` when a digest
was cut short.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from summarizer.digest.config import parse_duration

__all__ = ["Schedule", "Trigger", "make_trigger", "run_scheduled"]


class Trigger(Protocol):
    """When the next run after ``after`` is (aware datetimes)."""

    def next_after(self, after: datetime) -> datetime: ...


@dataclass(frozen=True)
class _Every:
    interval: timedelta

    def next_after(self, after: datetime) -> datetime:
        return after + self.interval


@dataclass(frozen=True)
class _Cron:
    trigger: Any

    def next_after(self, after: datetime) -> datetime:
        fire: datetime = self.trigger.get_next_fire_time(after, after)
        return fire


def make_trigger(*, cron: str | None = None, every: str | None = None) -> Trigger:
    """A crontab expression (local time) or an interval (``30m``, ``6h``) as a trigger.

    A bad crontab raises :class:`ValueError`; a bad interval :class:`ConfigurationError`.
    """
    if cron is not None:
        from apscheduler.triggers.cron import CronTrigger

        return _Cron(CronTrigger.from_crontab(cron))
    return _Every(parse_duration(every or ""))


@dataclass
class Schedule:
    """The persisted state of one schedule: ``last()`` and ``fired(time)`` (the store)."""

    last: Callable[[], datetime | None]
    fired: Callable[[datetime], None]


@dataclass
class _Signals:
    say: Callable[[str], None]
    cancel: Callable[[str], None]
    count: int = 0
    cut_short: int = 0  # the signal that cut a digest short
    running: bool = False
    wake: threading.Event = field(default_factory=threading.Event)

    def __call__(self, signum: int, _frame: Any) -> None:
        self.count += 1
        name = signal.Signals(signum).name
        if self.count == 1:
            what = "the running digest finishes first" if self.running else "no digest running"
            self.say(f"{name}: stopping the scheduler ({what}; signal again to cut it short)")
            self.wake.set()
        elif self.count == 2 and self.running:
            self.say(f"{name}: cutting the running digest short")
            self.cut_short = signum
            self.cancel(name)
        else:
            self.say("stopping now")
            os._exit(128 + signum)


def run_scheduled(
    job: Callable[[], None],
    trigger: Trigger,
    *,
    now: bool,
    misfire_grace: timedelta,
    say: Callable[[str], None],
    cancel: Callable[[str], None],
    schedule: Schedule,
    label: str = "",
    clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
) -> int:
    """Run ``job`` on ``trigger`` until a signal stops it; return the exit code.

    ``cancel(reason)`` cuts a running job short (the second signal). ``schedule`` keeps
    the last fire time, so a run missed while the scheduler was down is caught up.
    """
    signals = _Signals(say=say, cancel=cancel)
    signal.signal(signal.SIGTERM, signals)
    signal.signal(signal.SIGINT, signals)
    start = clock()
    last = schedule.last()
    due = trigger.next_after(last) if last else trigger.next_after(start)
    if now:
        due = start
    elif last and due <= start:
        say(f"catching up the run due at {due:%Y-%m-%d %H:%M %Z} (missed while stopped)")
        due = start
    say(f"digest scheduled ({label}); next run at {due:%Y-%m-%d %H:%M:%S %Z}")
    while not signals.count:
        remaining = (due - clock()).total_seconds()
        if remaining > 0:
            signals.wake.wait(min(remaining, 30.0))
            continue
        late = clock() - due
        if due != start and late > misfire_grace:
            say(f"skipping the run due at {due:%Y-%m-%d %H:%M %Z}: {late} late")
        else:
            schedule.fired(due)
            signals.running = True
            try:
                job()
            finally:
                signals.running = False
        if signals.cut_short:
            return 128 + signals.cut_short
        due = trigger.next_after(max(due, clock()))  # runs missed meanwhile: coalesced
        if not signals.count:
            say(f"next run at {due:%Y-%m-%d %H:%M:%S %Z}")
    return 0
