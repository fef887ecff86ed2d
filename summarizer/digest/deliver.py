"""Delivering a digest: files (always), a webhook and email; each delivery recorded once.

Files are written atomically (:func:`summarizer.fileio.atomic_write`) under dated names.
The webhook POST goes through the one HTTP client (:func:`summarizer.http.client`); email
through stdlib ``smtplib``. A failed webhook or email raises :class:`DeliveryError` inside,
is recorded in the store under the digest's id and reported; the next run retries it, and
one already delivered is not sent again.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.digest.models import Digest
from summarizer.digest.render import SUFFIXES, render, render_html, render_json, render_markdown
from summarizer.errors import DeliveryError, SummarizerError
from summarizer.fileio import atomic_write

if TYPE_CHECKING:
    from summarizer.digest.config import DigestConfig, EmailConfig
    from summarizer.digest.store import Store

__all__ = ["deliver", "file_stem", "post_webhook", "send_email", "write_outputs"]

log = logging.getLogger(__name__)

WEBHOOK_USER_AGENT = "summarizer-digest/0.1"


def file_stem(digest: Digest) -> str:
    """``digest-2025-01-31-0700-<id>``: dated, and the same for a rerun of the same digest."""
    return f"digest-{digest.created_at:%Y-%m-%d-%H%M}-{digest.id[1:9]}"


def write_outputs(digest: Digest, out: Path, formats: list[str]) -> list[Path]:
    """Write each format to ``out`` (atomically); return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out / f"{file_stem(digest)}.{SUFFIXES[fmt]}"
        atomic_write(path, render(digest, fmt))
        paths.append(path)
    return paths


def post_webhook(digest: Digest, url: str, *, timeout_s: float = 20.0) -> None:
    """POST the digest JSON; ``Idempotency-Key`` is the digest id. Non-2xx is an error."""
    import httpx2

    from summarizer.http import client

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
    """Send the Markdown as text with the HTML as its alternative (stdlib smtplib)."""
    import smtplib
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = f"{digest.title} — {digest.created_at:%Y-%m-%d}"
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    message["Message-ID"] = f"<{digest.id}@summarizer.digest>"
    message.set_content(render_markdown(digest))
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


def _send(digest: Digest, config: DigestConfig, channel: str, target: str) -> None:
    if channel == "webhook":
        post_webhook(digest, target, timeout_s=config.webhook_timeout_s)
    elif config.email is not None:
        send_email(digest, config.email)


def deliver(digest: Digest, config: DigestConfig, store: Store) -> list[str]:
    """Files always; then the webhook and the email unless already delivered.
    Returns the delivery problems (each also recorded in the store)."""
    from summarizer.config import data_dir

    out = (config.out or data_dir() / "digests").expanduser()
    for path in write_outputs(digest, out, list(config.formats)):
        store.record_delivery(digest.id, "file", str(path), "ok")
        log.info("wrote %s", path)
    targets: list[tuple[str, str]] = []
    if config.webhook:
        targets.append(("webhook", config.webhook))
    if config.email:
        targets.append(("email", ",".join(config.email.to)))
    problems: list[str] = []
    for channel, target in targets:
        if store.delivered(digest.id, channel, target):
            log.info("%s %s: digest %s already delivered", channel, target, digest.id)
            continue
        try:
            _send(digest, config, channel, target)
        except (SummarizerError, OSError) as exc:
            problems.append(f"{channel} delivery failed: {exc}")
            log.warning("%s", problems[-1])
            store.record_delivery(digest.id, channel, target, "failed", str(exc))
            continue
        store.record_delivery(digest.id, channel, target, "ok")
        log.info("delivered digest %s by %s to %s", digest.id, channel, target)
    return problems
