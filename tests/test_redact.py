"""summarizer.base.redact: one function that takes secrets out of text before it is cut."""

from __future__ import annotations

import uuid

from summarizer.base.fileio import one_line
from summarizer.base.redact import MARK, mentions, redact

KEY = f"sk-test-SECRET-{uuid.uuid4().hex}{uuid.uuid4().hex}{uuid.uuid4().hex}"


def _runs_of_key(text: str, n: int = 8) -> list[str]:
    return [KEY[i : i + n] for i in range(len(KEY) - n + 1) if KEY[i : i + n] in text]


def test_a_key_cut_by_a_snippet_shows_no_run_of_8() -> None:
    echoed = "Incorrect API key provided: " + KEY + " (see docs)"
    for limit in (40, 80, 120, 300):
        # the order that leaked: cut first, redact the whole key after (no match)
        assert _runs_of_key(one_line(echoed, limit).replace(KEY, MARK)) or limit >= 300
        assert not _runs_of_key(one_line(redact(echoed, [KEY]), limit))
    for piece in (KEY[:79], KEY[40:48], KEY[-30:]):
        assert not _runs_of_key(redact(f"x {piece} y", [KEY])), piece
        assert mentions(f"x {piece} y", [KEY])
    assert redact(f"x {KEY[3:10]} y", [KEY]) == f"x {KEY[3:10]} y"  # 7 characters stay


def test_tokens_that_look_like_credentials() -> None:
    assert redact("Authorization: Bearer abc.DEF-123_456789") == f"Authorization: Bearer {MARK}"
    assert redact("key sk-proj-AbCdEf0123456789xyz is bad") == f"key {MARK} is bad"
    assert MARK in redact("token abcdefgh12345678")
    assert redact("short bearer ok") == "short bearer ok"


def test_url_userinfo_and_secret_query_parameters() -> None:
    url = "https://alice:s3cret@hooks.example.com/path?id=7&token=tok123&api_key=k9&sig=x"
    shown = redact(f"POST {url} failed")
    assert "alice" not in shown and "s3cret" not in shown
    assert "tok123" not in shown and "k9" not in shown and "sig=x" not in shown
    assert "id=7" in shown and "hooks.example.com/path" in shown
    assert redact("see https://example.com/a?page=2") == "see https://example.com/a?page=2"


def test_no_secrets_no_change() -> None:
    text = "HTTP 500 from http://127.0.0.1:8080/v1: internal error"
    assert redact(text, [None, "", "short"]) == text
    assert redact(text, [KEY]) == text
