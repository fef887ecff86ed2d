"""Brief an HTML page served on loopback through a scripted loopback model (CI, base install).

Usage: python .ci/brief_html_page.py PAGE.html
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from summarizer.testing import FakeOpenAI, Reply, completion

NUMBERED = re.compile(r"^\[(\d+)\] (.+)$", re.M)


def respond(request: dict[str, Any]) -> Reply:
    """An extractive brief of whatever article it is sent: its first two sentences."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    sentences = NUMBERED.findall(user)[:2]
    draft = {
        "headline": sentences[0][1],
        "summary": [{"text": text, "evidence": [int(n)]} for n, text in sentences],
        "actors": [],
        "positions": [],
        "disputes": [],
        "next_steps": [],
    }
    return Reply(body=completion(json.dumps(draft)))


def main(page: Path) -> int:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(page.parent))
    web = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{web.server_address[1]}/{page.name}"
    with FakeOpenAI(responder=respond) as model:
        done = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli.app import main; main()", "summarize",
             url, "--base-url", model.base_url, "--model", "fake", "--mode", "json_schema",
             "--format", "json"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    web.shutdown()
    if done.returncode != 0:
        print(f"ci: briefing {url} failed ({done.returncode}): {done.stderr}", file=sys.stderr)
        return 1
    brief = json.loads(done.stdout)
    assert brief["source"]["url"] == url and len(brief["summary"]) == 2, brief
    print(f"ci: base install briefed an HTML page: {brief['headline']!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
