"""Choose-and-cite: a grammar-constrained request in which a small model only *chooses*.

Sans-I/O. :func:`build_request` turns the program's candidates into one OpenAI
chat-completions payload with one forced tool whose JSON schema allows nothing but
candidate ids: ``enum`` lists of segment numbers and actor ids, with ``minItems`` and
``maxItems``. llama.cpp compiles that schema into a grammar, so even a 135M model answers
with valid, in-range choices (``{"summary": [2, 3], "actors": ["maria-okafor", ...], ...}``,
about 40 output tokens). :func:`parse_answer` maps the choices back to the article's own
sentences: every item's text is the text of the segment it cites (``"extractive": true``,
rendered as a quotation), so nothing the model writes reaches the brief as a claim.

A missing, malformed or too-short answer is topped up from the candidates' own ranking, so
``parse_answer({}, ...)`` is the program's brief without any model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from summarizer.extract.data import ActorCandidate, Candidates, PositionCandidate, SegmentLike
from summarizer.extract.draft import draft as _draft
from summarizer.extract.draft import fill as _fill

__all__ = [
    "CAPS",
    "FIELDS",
    "TOOL_NAME",
    "Limits",
    "build_request",
    "merge_parts",
    "parse_answer",
    "part_of",
]

TOOL_NAME = "choose"
FIELDS = ("summary", "actors", "positions", "next_steps")

# (fewest, most) items per field the model chooses: the goal's minimums, and a cap that keeps
# its answer short (a few dozen tokens).
Limits = Mapping[str, tuple[int, int]]
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "summary": (2, 3),
    "actors": (3, 6),
    "positions": (2, 4),
    "next_steps": (1, 2),
}
# How many items a brief holds at most: the model's picks first, then the program's ranking
# up to these caps (every actor the story names, the stances it attributes, its disputes).
CAPS: dict[str, int] = {"actors": 15, "positions": 10, "next_steps": 6, "disputes": 3}
# How many of each ranked candidate list the model may choose from: the tiny model picks
# within the program's best few, so a poor pick still lands on a plausible item.
CHOICES = {"summary": 5, "positions": 6, "next_steps": 3, "actors": 8}
MAX_PROMPT_SEGMENTS = 14
MAX_SEGMENT_CHARS = 320

_QUESTIONS = {
    "summary": "the 2 or 3 segments that best tell the main news",
    "actors": "the most important actors",
    "positions": "segments where an actor says what they want, think or refuse",
    "next_steps": "segments about what will or may happen next",
}


def _text_and_title(article: Any) -> tuple[str, str | None]:
    if isinstance(article, str):
        return article, None
    return str(article.text), getattr(article, "title", None)


def prompt_segments(candidates: Candidates, cap: int = MAX_PROMPT_SEGMENTS) -> list[int]:
    """The segments shown to the model: every candidate's, in article order, capped."""
    wanted: list[int] = []

    def add(ids: Iterable[int]) -> None:
        for i in ids:
            if i not in wanted:
                wanted.append(i)

    add(candidates.summary[: CHOICES["summary"]])
    add(p.segment for p in candidates.positions[: CHOICES["positions"]])
    add(n.segment for n in candidates.next_steps[: CHOICES["next_steps"]])
    return sorted(wanted[:cap])


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SEGMENT_CHARS else text[: MAX_SEGMENT_CHARS - 1] + "…"


def _array(values: Sequence[int] | Sequence[str], lo: int, hi: int) -> dict[str, Any]:
    kind = "integer" if values and isinstance(values[0], int) else "string"
    hi = min(hi, len(values))
    return {
        "type": "array",
        "items": {"type": kind, "enum": list(values)},
        "minItems": min(lo, hi),
        "maxItems": hi,
    }


def _choice_ids(candidates: Candidates, shown: list[int]) -> dict[str, list[int]]:
    """The candidate segments of each field that the prompt shows, in article order."""
    visible = set(shown)
    return {
        "summary": sorted(set(candidates.summary[: CHOICES["summary"]]) & visible),
        "positions": sorted(
            {p.segment for p in candidates.positions[: CHOICES["positions"]]} & visible
        ),
        "next_steps": sorted(
            {n.segment for n in candidates.next_steps[: CHOICES["next_steps"]]} & visible
        ),
    }


def _choice_schema(
    ids: dict[str, list[int]], actors: list[ActorCandidate], limits: Limits
) -> dict[str, Any]:
    """One ``enum`` array per field that has candidates, in the order of :data:`FIELDS`."""
    properties: dict[str, Any] = {}
    if ids["summary"]:
        properties["summary"] = _array(ids["summary"], *limits["summary"])
    if actors:
        properties["actors"] = _array([a.id for a in actors], *limits["actors"])
    if ids["positions"]:
        properties["positions"] = _array(ids["positions"], *limits["positions"])
    if ids["next_steps"]:
        properties["next_steps"] = _array(ids["next_steps"], *limits["next_steps"])
    return properties


def _prompt(
    headline: str | None,
    texts: Mapping[int, str],
    shown: list[int],
    actors: list[ActorCandidate],
    fields: Iterable[str],
) -> str:
    answer = "segment numbers and actor ids" if actors else "segment numbers"
    lines = [f"Choose from this news article. Answer only with {answer}."]
    if headline:
        lines += ["", f"Title: {_clip(headline)}"]
    lines += ["", "Segments:"]
    lines += [f"[{i}] {_clip(texts.get(i, ''))}" for i in shown]
    if actors:
        lines += ["", "Actors:"]
        for a in actors:
            role = f", {a.role}" if a.role else ""
            lines.append(f"- {a.id}: {a.name} ({a.kind}{role})")
    lines += [""]
    lines += [f"{name}: {_QUESTIONS[name]}." for name in fields]
    return "\n".join(lines)


def build_request(
    article: Any,
    segments: Sequence[SegmentLike],
    candidates: Candidates,
    *,
    model: str = "local",
    max_tokens: int = 160,
    limits: Limits | None = None,
    seed: int = 0,
    with_actors: bool = True,
    max_segments: int = MAX_PROMPT_SEGMENTS,
) -> dict[str, Any]:
    """The chat-completions payload in which the model picks candidate ids.

    ``article`` is the text or anything with ``.text`` (and optionally ``.title``).
    Only candidate segments are shown, numbered by their segment ids. A part of a long
    article is asked without the actors (``with_actors=False``: they are the whole
    article's) and with fewer segments: a shorter prompt and answer per part.
    """
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    _, title = _text_and_title(article)
    shown = prompt_segments(candidates, max_segments)
    texts = {**candidates.texts, **{s.id: s.text for s in segments}}
    actors = list(candidates.actors[: CHOICES["actors"]]) if with_actors else []
    properties = _choice_schema(_choice_ids(candidates, shown), actors, limits)
    tool = {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Choose segments and actors for a brief.",
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
        },
    }
    content = _prompt(title or candidates.headline, texts, shown, actors, properties)
    return {
        "model": model,
        # No system message: llama.cpp's chatml-function-calling template prints the tool
        # schemas only inside a system message; the grammar enforces them either way, and
        # the prompt stays short.
        "messages": [{"role": "user", "content": content}],
        "tools": [tool],
        "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
        "temperature": 0,
        "seed": seed,
        "max_tokens": max_tokens,
        # llama.cpp's own sampling option: outside the OpenAI API, so it travels as extra body
        "extra_body": {"repeat_penalty": 1.0},
    }


def _arguments(answer: Any) -> dict[str, Any]:
    """The tool-call arguments from a JSON string, a dict, or a whole chat completion."""
    if isinstance(answer, (bytes, bytearray)):
        answer = answer.decode("utf-8", "replace")
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except ValueError:
            return {}
    if not isinstance(answer, Mapping):
        return {}
    choices = answer.get("choices")
    if isinstance(choices, list) and choices:
        message = choices[0].get("message", {}) if isinstance(choices[0], Mapping) else {}
        calls = message.get("tool_calls") or []
        if calls and isinstance(calls[0], Mapping):
            return _arguments(calls[0].get("function", {}).get("arguments", "{}"))
        return _arguments(message.get("content") or "{}")
    return dict(answer)


def _picked(values: Any, allowed: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    if not isinstance(values, list):
        return out
    for v in values:
        if isinstance(v, str) and v.isdigit() and isinstance(allowed[0] if allowed else 0, int):
            v = int(v)
        if v in allowed and v not in out:
            out.append(v)
    return out


def _choose_positions(
    args: Mapping[str, Any], candidates: Candidates, used: set[int], limits: Limits, cap: int
) -> list[PositionCandidate]:
    """The positions of the model's chosen segments (every speaker of each), then the
    ranking's best up to ``cap``, a speaker not yet heard preferred over a second stance of
    one already heard."""
    ranked_pos = list(dict.fromkeys(p.segment for p in candidates.positions))
    lo, hi = limits["positions"]
    picked_segments = _picked(args.get("positions"), ranked_pos)[:hi]
    out: list[PositionCandidate] = []
    for seg in picked_segments:
        out += [p for p in candidates.positions if p.segment == seg]
    heard = {p.actor for p in out}
    rest = [p for p in candidates.positions if p not in out]
    # a segment already quoted in the summary comes after the others; new speakers first
    rest.sort(key=lambda p: (p.actor in heard, p.segment in used))
    for p in rest:
        if len(out) >= cap:
            break
        if p.actor in heard and len(out) >= max(lo, cap // 2):
            continue
        out.append(p)
        heard.add(p.actor)
    for p in rest:  # room left: second stances of speakers already heard
        if len(out) >= cap:
            break
        if p not in out:
            out.append(p)
    return out[:cap]


def parse_answer(
    answer_json: Any,
    segments: Sequence[SegmentLike],
    candidates: Candidates,
    *,
    limits: Limits | None = None,
    caps: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """A v2 brief draft from the model's choices; every item cites and quotes its segment.

    ``answer_json`` is the tool call's arguments (JSON text or dict) or the whole chat
    completion. Ids that are not candidates are ignored; fields left short are topped up
    from the candidates' ranking.
    """
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    caps = {**CAPS, **(caps or {})}
    args = _arguments(answer_json)
    lo, hi = limits["summary"]
    summary_ids = _fill(
        _picked(args.get("summary"), candidates.summary), candidates.summary, lo, hi, set()
    )
    used = set(summary_ids)
    chosen_positions = _choose_positions(args, candidates, used, limits, caps["positions"])
    used |= {p.segment for p in chosen_positions}
    lo, hi = limits["next_steps"]
    ranked_next = [n.segment for n in candidates.next_steps]
    next_ids = _fill(_picked(args.get("next_steps"), ranked_next), ranked_next, lo, hi, used)
    # beyond the model's picks, only steps with a time or a schedule of their own
    firm = [n.segment for n in candidates.next_steps if n.when or n.certainty == "scheduled"]
    next_ids = _fill(next_ids, firm, caps["next_steps"], caps["next_steps"], used)
    lo, hi = limits["actors"]
    ranked_actors = [a.id for a in candidates.actors]
    actor_ids = _fill(_picked(args.get("actors"), ranked_actors), ranked_actors, lo, hi, set())
    return _draft(candidates, segments, summary_ids, chosen_positions, next_ids, actor_ids, caps)


# --- long articles: one choice per part ------------------------------------------------------


def part_of(candidates: Candidates, segment_ids: Iterable[int]) -> Candidates:
    """The candidates of one part of an article (its segments), each list still ranked;
    the actors stay the whole article's."""
    inside = set(segment_ids)
    return replace(
        candidates,
        summary=tuple(i for i in candidates.summary if i in inside),
        positions=tuple(p for p in candidates.positions if p.segment in inside),
        next_steps=tuple(n for n in candidates.next_steps if n.segment in inside),
        disputes=(),
    )


def merge_parts(
    answers: Sequence[tuple[Candidates, Any]],
    segments: Sequence[SegmentLike],
    candidates: Candidates,
    *,
    limits: Limits | None = None,
    caps: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """One draft from the choices made part by part (``answers``: each part's candidates
    and the model's answer for it): the best of every part first (its first pick), then the
    parts' other picks, round-robin, up to each cap; the summary keeps the lead part's best
    and the best of the others by the whole article's ranking; the actors and disputes are
    the whole article's."""
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    caps = {**CAPS, **(caps or {})}
    summaries: list[list[int]] = []
    positions: list[list[PositionCandidate]] = []
    steps: list[list[int]] = []
    actor_votes: list[str] = []
    for part, answer in answers:
        args = _arguments(answer)
        lo, hi = limits["summary"]
        summaries.append(
            _fill(_picked(args.get("summary"), part.summary), part.summary, 1, hi, set())
        )
        positions.append(_choose_positions(args, part, set(), limits, limits["positions"][1]))
        ranked_next = [n.segment for n in part.next_steps]
        steps.append(_fill(_picked(args.get("next_steps"), ranked_next), ranked_next, 1, 2, set()))
        actor_votes += _picked(args.get("actors"), [a.id for a in part.actors])
    rank = {seg: i for i, seg in enumerate(candidates.summary)}
    # the whole article's best (its lead), then each part's best by the whole ranking
    bests = [s[0] for s in summaries if s]
    lead = list(candidates.summary[:1])
    rest = sorted(bests, key=lambda seg: rank.get(seg, len(rank)))
    summary_ids = list(dict.fromkeys(lead + rest))[: limits["summary"][1] + 1]
    for picks in summaries:  # a short article in few parts: top up from the parts' picks
        for seg in picks:
            if len(summary_ids) < limits["summary"][0] and seg not in summary_ids:
                summary_ids.append(seg)
    chosen = _round_robin(positions, caps["positions"])
    next_ids = _round_robin(steps, caps["next_steps"])
    votes = [a for a, _ in sorted(((a, -actor_votes.count(a)) for a in set(actor_votes)),
                                  key=lambda t: (t[1], t[0]))]  # fmt: skip
    lo, hi = limits["actors"]
    ranked_actors = [a.id for a in candidates.actors]
    actor_ids = _fill(votes[:hi], ranked_actors, lo, hi, set())
    return _draft(candidates, segments, summary_ids, chosen, next_ids, actor_ids, caps)


def _round_robin(lists: Sequence[Sequence[Any]], cap: int) -> list[Any]:
    """The first item of every list, then the second of every list, ... up to ``cap``."""
    out: list[Any] = []
    depth = max((len(x) for x in lists), default=0)
    for i in range(depth):
        for items in lists:
            if i < len(items) and items[i] not in out and len(out) < cap:
                out.append(items[i])
    return out
