"""A model that writes valid, grounded briefs of any article, and the digest's test articles.

:func:`brief_responder` answers every chat request with a brief of the article inside it
(quotes and names taken from that article), so a digest of many articles runs against
:class:`~summarizer.testing.FakeOpenAI` or :class:`~summarizer.testing.MockOpenAI`
without a script. :class:`Receiver` is a loopback webhook that records each POST.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.testing.replies import Reply, completion

if TYPE_CHECKING:
    from summarizer.digest.config import DigestConfig
    from summarizer.testing.mock import MockOpenAI
    from summarizer.testing.server import FakeOpenAI

__all__ = [
    "CITY",
    "FAIL_MARK",
    "NAMES",
    "PORT",
    "UKRAINE",
    "Receiver",
    "article_of",
    "article_text",
    "brief_responder",
    "draft_for",
    "make_config",
    "write_articles",
]

NAMES = (
    "Vladimir Putin", "Volodymyr Zelensky", "Donald Trump", "Emmanuel Macron",
    "Olaf Scholz", "Halden Dockworkers Union", "Port Authority", "Daniel Brandt",
    "Maria Lopez", "City Council", "Green Party", "Acme Corp",
)  # fmt: skip
_ARTICLE_RE = re.compile(r"<<<(ARTICLE-[0-9a-f]+)\n(.*)\n\1>>>", re.S)
FAIL_MARK = "FAIL-ME"
_NUMBERED = re.compile(r"^\[\d+\] ")


def article_of(request: dict[str, Any]) -> str:
    """The article text inside a chat request (what the user template wrapped)."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    body = _ARTICLE_RE.search(user)
    assert body, user[:200]
    lines = body.group(2).split("\n")
    while lines and (lines[0].startswith(("Title: ", "Published: ")) or not lines[0]):
        lines.pop(0)
    # The article comes as numbered sentences, "[n] text": the sentences are its own words.
    return " ".join(_NUMBERED.sub("", line) for line in lines)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=\.)\s+", text) if len(s.strip()) > 5]


def draft_for(text: str) -> dict[str, Any]:
    """A BriefDraft for ``text`` whose every quote and name occurs in it."""
    sentences = _sentences(text)
    found = [n for n in NAMES if n in text]
    ids = {n: re.sub(r"\W+", "_", n.lower())[:40] for n in found}

    def where(name: str) -> str:
        return next(s for s in sentences if name in s)[:300]

    actors = [
        {"id": ids[n], "name": n, "kind": "person", "role": "", "evidence": [where(n)]}
        for n in found
    ]  # fmt: skip
    positions = [
        {"actor": ids[n], "topic": "the talks", "stance": where(n)[:400], "evidence": [where(n)]}
        for n in found
    ]
    disputes = []
    said = next((x for x in sentences if "said the talks" in x), None)
    wants = next((x for x in sentences if "wants a different deal" in x), None)
    who = {x: next((n for n in found if n in x), None) for x in (said, wants) if x}
    if said and wants and who[said] and who[wants] and who[said] != who[wants]:
        disputes.append(  # each side's claim is its own sentence: faithful by construction
            {
                "issue": wants[:400],
                "sides": [
                    {"actors": [ids[who[said]]], "claim": said[:400]},  # type: ignore[index]
                    {"actors": [ids[who[wants]]], "claim": wants[:400]},  # type: ignore[index]
                ],
                "status": "open",
                "evidence": [said[:300], wants[:300]],
            }
        )
    hedged = re.compile(
        r"\b(?:if|could|may|might|would|expected|plans?|propos\w*|unless|should|whether)\b", re.I
    )
    steps = [
        {"action": s[:400], "actors": [ids[n] for n in found if n in s], "when": None,
         "certainty": "scheduled", "evidence": [s[:300]]}
        for i, s in enumerate(sentences)
        # a plain "will" is scheduled; the segmenter may join the next sentence to it
        if " will " in s and len(s) <= 300 and not hedged.search(" ".join(sentences[i : i + 2]))
    ][:2]  # fmt: skip
    return {
        "headline": sentences[0][:200],
        "summary": [{"text": s[:400], "evidence": [s[:300]]} for s in sentences[:2]],
        "actors": actors,
        "positions": positions,
        "disputes": disputes,
        "next_steps": steps,
    }


_HEDGED = re.compile(
    r"\b(?:if|could|may|might|would|expected|plans?|propos\w*|unless|should|whether|urged)\b",
    re.I,
)


def _segments_of(request: dict[str, Any]) -> list[str]:
    """The numbered sentences of the article in a chat request, as the program split them."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    return [_NUMBERED.sub("", line) for line in user.split("\n") if _NUMBERED.match(line)]


def brief_responder(*, delay_s: float = 0.0, usage: tuple[int, int] | None = None) -> Any:
    """Answer every request with a valid brief of its article; refuse articles that
    contain FAIL-ME (a refusal is not retried, so a failure costs one request).

    ``usage``: the (prompt, completion) tokens each answer reports, so that a brief costs
    what a test needs.
    """

    def respond(request: dict[str, Any]) -> Reply:
        text = article_of(request)
        if FAIL_MARK in text:
            body = completion(None, refusal="I cannot brief this.")
        else:
            draft = draft_for(text)
            # a step is "scheduled" only if the whole sentence the program numbered says so
            # (its segments can be longer than this model's own split)
            segments = _segments_of(request)
            draft["next_steps"] = [
                step for step in draft["next_steps"]
                if not any(step["evidence"][0][:60] in seg and _HEDGED.search(seg)
                           for seg in segments)
            ]  # fmt: skip
            body = completion(json.dumps(draft))
        if usage is not None:
            body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                             "total_tokens": sum(usage)}  # fmt: skip
        return Reply(body=body, delay_s=delay_s)

    return respond


def article_text(i: int, names: tuple[str, ...], extra: str = "") -> str:
    first, *rest = names
    others = " and ".join(rest) or "nobody else"
    return (
        f"Report number {i}: {first} met {others} on day {i}. "
        f"{first} said the talks were difficult. "
        + "".join(f"{n} wants a different deal. " for n in rest)
        + f"Negotiators will meet again next week. {extra}"
    ).strip()


def write_articles(folder: Path, specs: list[tuple[str, ...]], start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, names in enumerate(specs, start):
        path = folder / f"article-{i:04d}.txt"
        path.write_text(article_text(i, names), encoding="utf-8")
        paths.append(path)
    return paths


def make_config(server: FakeOpenAI | MockOpenAI, tmp: Path, **overrides: Any) -> DigestConfig:
    """A digest config whose [summarizer] table points at ``server``."""
    from summarizer.digest.config import DigestConfig

    values: dict[str, Any] = {
        "sources": [],
        "out": tmp / "out",
        "db": tmp / "digest.db",
        "concurrency": 4,
        "summarizer": {
            "base_url": server.base_url,
            "model": "fake-model",
            "mode": "json_schema",
            "transport_attempts": 1,
        },
    }
    values.update(overrides)
    return DigestConfig.model_validate(values)


UKRAINE = ("Vladimir Putin", "Volodymyr Zelensky", "Donald Trump")
PORT = ("Halden Dockworkers Union", "Port Authority", "Daniel Brandt")
CITY = ("Maria Lopez", "City Council")


class Receiver:
    """A loopback webhook receiver that records each POST."""

    def __init__(self, status: int = 200) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.status = status
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                owner.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(owner.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
