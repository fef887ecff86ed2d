"""Running a job on a schedule in the foreground (APScheduler), until SIGTERM or Ctrl-C.

Missed runs are coalesced into one, runs never overlap, and a run may start up to
``misfire_grace`` late. A first signal stops the scheduler once the running job has
finished; a second one exits at once (status 130).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from summarizer.digest.config import parse_duration

__all__ = ["make_trigger", "run_scheduled"]


def make_trigger(*, cron: str | None = None, every: str | None = None) -> Any:
    """A crontab expression (local time) or an interval (``30m``, ``6h``) as a trigger.

    A bad crontab raises :class:`ValueError`; a bad interval :class:`ConfigurationError`.
    """
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if cron is not None:
        return CronTrigger.from_crontab(cron)
    return IntervalTrigger(seconds=parse_duration(every or "").total_seconds())


def run_scheduled(
    job: Callable[[], None],
    trigger: Any,
    *,
    now: bool,
    misfire_grace: timedelta,
    say: Callable[[str], None],
    label: str = "",
) -> None:
    """Run ``job`` on ``trigger`` (and once right away if ``now``) until a signal stops it.

    ``say`` reports "digest scheduled (``label``)" once the signal handlers are in place,
    and then the stop.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(misfire_grace.total_seconds()),
        }
    )
    extra = {"next_run_time": datetime.now().astimezone()} if now else {}  # None would pause it
    scheduler.add_job(job, trigger, id="digest", name="digest", **extra)
    stopping = {"count": 0}

    def stop(signum: int, _frame: Any) -> None:
        stopping["count"] += 1
        if stopping["count"] > 1:
            say("stopping now")
            os._exit(130)  # a second signal: don't wait for the running digest
        name = signal.Signals(signum).name
        say(f"{name}: stopping the scheduler (a running digest finishes first)")
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    say(f"digest scheduled ({label})")
    scheduler.start()
