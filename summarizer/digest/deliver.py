"""Delivering a digest: files (always), a webhook and email; each delivery recorded once.

Files are written atomically (:func:`summarizer.base.fileio.atomic_write`) under dated names.
The webhook POST goes through the one HTTP client (:func:`summarizer.base.http.client`); email
through stdlib ``smtplib``. A failed webhook or email raises :class:`DeliveryError` inside,
is recorded in the store under the digest's id and reported; the next run retries it, and
one already delivered is not sent again.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.base.errors import DeliveryError, SummarizerError
from summarizer.base.fileio import atomic_write
from summarizer.digest.models import Digest
from summarizer.digest.render import render, render_html, render_json, render_text, review_name
from summarizer.digest.stories import without_articles
from summarizer.formats import get as output_format

if TYPE_CHECKING:
    from summarizer.article import Article
    from summarizer.digest.config import DigestConfig, EmailConfig
    from summarizer.digest.store import Store
    from summarizer.output.brief import Brief

__all__ = [
    "deliver", "file_stem", "post_webhook", "retry_failed", "send_email", "write_outputs",
]  # fmt: skip

log = logging.getLogger(__name__)

WEBHOOK_USER_AGENT = "summarizer-digest/0.1"


def file_stem(digest: Digest) -> str:
    """``digest-2025-01-31-0700-<id>``: dated, and the same for a rerun of the same digest."""
    return f"digest-{digest.created_at:%Y-%m-%d-%H%M}-{digest.id[1:9]}"


Reviews = Mapping[str, "tuple[Brief, Article]"]
"""An article's id in the digest -> its brief and the article it was made from."""


def write_reviews(digest: Digest, out: Path, reviews: Reviews) -> list[Path]:
    """The review page (the ``review`` format, summarizer/formats/review.py) of each article
    of the digest's stories, in a ``reviews`` folder beside the digest files; one that cannot
    be made is logged and left out (its card then has no link to it)."""
    from summarizer.formats import render as render_brief

    shown = {uid for story in digest.stories for uid in story.sources}
    paths = []
    for article in digest.articles:
        if article.id not in shown or article.id not in reviews:
            continue
        brief, source = reviews[article.id]
        path = out / review_name(article)
        try:
            path.parent.mkdir(exist_ok=True)
            atomic_write(path, render_brief(brief, "review", article=source))
        except (SummarizerError, OSError, ValueError) as exc:
            log.warning("no review page for %s: %s", article.origin or article.id, exc)
            continue
        paths.append(path)
    return paths


def write_outputs(
    digest: Digest, out: Path, formats: list[str], reviews: Reviews | None = None
) -> list[Path]:
    """Write each format to ``out`` (atomically), and with ``html`` the articles' review
    pages when ``reviews`` are given; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    pages = write_reviews(digest, out, reviews) if reviews and "html" in formats else []
    linked = frozenset(a.id for a in digest.articles if out / review_name(a) in pages)
    paths = []
    for fmt in formats:
        path = out / f"{file_stem(digest)}.{output_format(fmt).suffix}"
        atomic_write(path, render(digest, fmt, linked))
        paths.append(path)
    return paths + pages


def post_webhook(digest: Digest, url: str, *, timeout_s: float = 20.0) -> None:
    """POST the digest JSON; ``Idempotency-Key`` is the digest id. Non-2xx is an error."""
    import httpx2

    from summarizer.base.http import client

    if not re.match(r"^https?://", url, re.I):
        raise DeliveryError(f"webhook URL must be http(s): {url}")
    headers = {"content-type": "application/json", "idempotency-key": digest.id}
    try:
        with client(timeout_s=timeout_s, headers={"user-agent": WEBHOOK_USER_AGENT}) as http:
            response = http.post(url, content=render_json(digest).encode(), headers=headers)
    except httpx2.HTTPError as exc:
        raise DeliveryError(f"webhook {url}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(
            f"webhook {url}: HTTP {response.status_code}", status_code=response.status_code
        )


def send_email(digest: Digest, email: EmailConfig) -> None:
    """Send the plain text with the HTML as its alternative (stdlib smtplib)."""
    import smtplib
    from email.message import EmailMessage
    from email.utils import format_datetime

    message = EmailMessage()
    message["Subject"] = f"{digest.title} — {digest.created_at:%Y-%m-%d}"
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    message["Date"] = format_datetime(digest.created_at)
    message["Message-ID"] = f"<{digest.id}@summarizer.digest>"
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    password = os.environ.get(email.password_env, "") if email.password_env else ""
    smtp_class = smtplib.SMTP_SSL if email.ssl else smtplib.SMTP
    try:
        with smtp_class(email.host, email.port, timeout=email.timeout_s) as smtp:
            if email.starttls and not email.ssl:
                smtp.starttls()
            if email.username:
                smtp.login(email.username, password)
            smtp.send_message(message)
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP {email.host}:{email.port}: {exc}") from exc


def _retryable(exc: BaseException) -> bool:
    """Worth another try: a network error, a timeout, a 408/425/429 or 5xx answer."""
    if isinstance(exc, DeliveryError):
        status = getattr(exc, "status_code", None)
        return status is None or status in (408, 425, 429) or status >= 500
    return isinstance(exc, OSError)


def _send(digest: Digest, config: DigestConfig, channel: str, target: str) -> None:
    """One delivery, retried with exponential backoff within the run (tenacity)."""
    from tenacity import (
        Retrying,
        retry_if_exception,
        stop_after_attempt,
        wait_exponential,
    )

    base = config.delivery_backoff_s
    for attempt in Retrying(
        stop=stop_after_attempt(config.delivery_attempts),
        wait=wait_exponential(multiplier=base, min=base, max=max(base, 60.0)),
        retry=retry_if_exception(_retryable),
        reraise=True,
        before_sleep=lambda state: log.warning(
            "%s %s: try %d failed (%s); retrying", channel, target, state.attempt_number,
            state.outcome.exception() if state.outcome else "?",
        ),
    ):  # fmt: skip
        with attempt:
            if channel == "webhook":
                post_webhook(digest, target, timeout_s=config.webhook_timeout_s)
            elif config.email is not None:
                send_email(digest, config.email)


def _targets(config: DigestConfig) -> list[tuple[str, str]]:
    targets: list[tuple[str, str]] = []
    if config.webhook:
        targets.append(("webhook", config.webhook))
    if config.email:
        targets.append(("email", ",".join(config.email.to)))
    return targets


def _deliver_one(
    digest: Digest, config: DigestConfig, store: Store, channel: str, target: str
) -> str | None:
    """Send ``digest`` to one target unless done; never an article this target already has.
    Returns the problem, if any (also recorded)."""
    if store.delivered(digest.id, channel, target):
        log.info("%s %s: digest %s already delivered", channel, target, digest.id)
        return None
    had = store.articles_delivered(channel, target, [a.id for a in digest.articles])
    copy = without_articles(digest, had) if had else digest
    if had and not copy.articles:
        store.record_delivery(digest.id, channel, target, "ok", "nothing new for this target")
        return None
    try:
        _send(copy, config, channel, target)
    except (SummarizerError, OSError) as exc:
        problem = f"{channel} delivery failed: {exc}"
        log.warning("%s", problem)
        store.record_delivery(digest.id, channel, target, "failed", str(exc))
        return problem
    store.record_delivery(digest.id, channel, target, "ok")
    store.record_articles_delivered(channel, target, [a.id for a in copy.articles], digest.id)
    log.info("delivered digest %s by %s to %s", digest.id, channel, target)
    return None


def retry_failed(config: DigestConfig, store: Store, *, exclude: str = "") -> list[str]:
    """Send again, oldest first, every earlier digest a configured target did not get."""
    problems: list[str] = []
    for channel, target in _targets(config):
        for body in store.failed_deliveries(channel, target, exclude):
            problem = _deliver_one(Digest.model_validate_json(body), config, store, channel,
                                   target)  # fmt: skip
            if problem:
                problems.append(problem)
    return problems


def deliver(
    digest: Digest, config: DigestConfig, store: Store, reviews: Reviews | None = None
) -> list[str]:
    """Files always (with the articles' review pages, given ``reviews``); then earlier
    digests a target missed, then this one to each target. Returns the delivery problems
    (each also recorded in the store)."""
    from summarizer.base.config import data_dir

    out = (config.out or data_dir() / "digests").expanduser()
    for path in write_outputs(digest, out, list(config.formats), reviews):
        store.record_delivery(digest.id, "file", str(path), "ok")
        log.info("wrote %s", path)
    problems = retry_failed(config, store, exclude=digest.id)
    for channel, target in _targets(config):
        problem = _deliver_one(digest, config, store, channel, target)
        if problem:
            problems.append(problem)
    return problems
