"""Which articles tell one story, today's and those of stories still open from earlier days.

Each article is compared by the program's own reading of it (:mod:`.reading`): the people
it names (full names; a surname alone is the one full name it belongs to, whatever kind a
model gave it), the proper names it uses (companies, places, bodies: ``nordline``,
``skerra``) and the words of its title and lead. A story still open from an earlier digest
is compared the same way, by everything its articles named. Two are linked when

- they share **two people**; or
- **one person** and two distinctive proper names, or one person and a title and lead
  about the same thing (content-word Jaccard >= :data:`LEAD_WITH_PERSON`); or
- **three distinctive proper names** and a title and lead about the same thing
  (>= :data:`LEAD_WITHOUT_PERSON`); or
- **five distinctive proper names** (a side piece: the strike's cost to a business names
  the company, the islands, the port, the union, and no one else of the story).

A proper name is distinctive when it is not a generic word of organizations ("union",
"court", "ministry": :data:`summarizer.cast.lexicon.ORG_HEADS`) and not in more than
:data:`COMMON_SHARE` of the articles compared (a capital every story mentions). Links join
strongest first (most people, then names, then lead words); a group holds at most one
earlier story (two earlier stories never merge into one) and at most ``max_size`` articles,
so no chain of weak links makes one story of hundreds. The thresholds were tuned on
``tests/fixtures/digest-own/`` and measured, not tuned, on ``tests/fixtures/digest-days/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["LEAD_WITH_PERSON", "LEAD_WITHOUT_PERSON", "Signature", "link", "shared_people"]

LEAD_WITH_PERSON = 0.12
LEAD_WITHOUT_PERSON = 0.10
NAMES_WITH_PERSON = 2
NAMES_WITHOUT_PERSON = 3
NAMES_ALONE = 5  # a side piece (the strike's cost to a business) shares the places and firms
COMMON_SHARE = 0.3
COMMON_MIN_POOL = 10  # with fewer articles, no name is "common"
CANDIDATES = 40  # an article is compared with the 40 that share the most keys with it
EDGES_PER_ITEM = 16  # and keeps its 16 strongest links
NEIGHBOURS = 25  # a key held by very many: the holders nearest in order (time) only
INDEX_LIMIT = 150  # a key held by more articles than this proposes only neighbours


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GENERIC = _wordset(
    """union authority company firm corporation group bank party agency association chamber
    board committee federation institute university college school hospital foundation
    trust fund organisation organization alliance league club society council network
    ministry department government parliament congress senate assembly commission court
    tribunal police cabinet administration army military regulator national city state
    north south east west northern southern eastern western central new old great royal
    international regional district county street road river port airport station centre
    center news times post daily radio press wire ledger herald courier gazette chronicle
    first second third"""
)


@dataclass(frozen=True)
class Signature:
    """What an article, or an open story, is compared by."""

    people: frozenset[str]  # name keys: "viktor hallberg", or a lone surname "hallberg"
    names: frozenset[str]  # proper-name words (folded), people's names left out
    words: frozenset[str]  # stems of the title's and lead's content words
    lone: frozenset[str] = frozenset()  # one-word actors of any kind ("Oyelaran")
    surnames: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(
        cls, people: Iterable[str], names: Iterable[str], words: Iterable[str],
        lone: Iterable[str] = (),
    ) -> Signature:  # fmt: skip
        keys = frozenset(people)
        firsts: dict[str, set[str]] = {}
        for key in keys:
            parts = key.split()
            firsts.setdefault(parts[-1], set()).add(parts[0] if len(parts) > 1 else "")
        return cls(keys, frozenset(names), frozenset(words), frozenset(lone),
                   {k: frozenset(v) for k, v in firsts.items()})  # fmt: skip


def shared_people(a: Iterable[str] | Signature, b: Iterable[str] | Signature) -> int:
    """How many people two sets of name keys share: by surname, and by first name too when
    both give one ("Anna Smith" is not "John Smith"; "Hallberg" is "Viktor Hallberg")."""
    left = a if isinstance(a, Signature) else Signature.of(a, (), ())
    right = b if isinstance(b, Signature) else Signature.of(b, (), ())
    count = 0
    for last, firsts in left.surnames.items():
        theirs = right.surnames.get(last)
        if theirs and ("" in firsts or "" in theirs or firsts & theirs):
            count += 1
    return count


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def strength(a: Signature, b: Signature, common: frozenset[str]) -> tuple[int, int, float] | None:
    """(people, names, lead words) two signatures share, when they tell one story."""
    people = shared_people(a, b)
    # a surname a model typed as anything ("Oyelaran", an organization) is still the
    # person whose full name the other side gives
    for mine, theirs in ((a, b), (b, a)):
        for last, firsts in mine.surnames.items():
            if last in theirs.lone and last not in theirs.surnames and firsts - {""}:
                people += 1
    names = len((a.names & b.names) - common - _GENERIC)
    words = _jaccard(a.words, b.words)
    if (
        people >= 2
        or (people == 1 and (names >= NAMES_WITH_PERSON or words >= LEAD_WITH_PERSON))
        or (names >= NAMES_WITHOUT_PERSON and words >= LEAD_WITHOUT_PERSON)
        or names >= NAMES_ALONE
    ):
        return people, names, words
    return None


class _Components:
    """Union-find over ``n`` nodes; the root of a set is its smallest index."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> int:
        a, b = self.find(i), self.find(j)
        root, child = min(a, b), max(a, b)
        self.parent[child] = root
        return root


def _keys(sig: Signature, common: frozenset[str]) -> list[str]:
    surnames = {"p:" + k.rsplit(" ", 1)[-1] for k in sig.people} | {"p:" + k for k in sig.lone}
    return [*surnames, *("n:" + n for n in sig.names - common - _GENERIC)]


def _candidates(i: int, keys: list[str], index: dict[str, list[int]]) -> list[int]:
    """The nodes after ``i`` that share the most keys with it (at most :data:`CANDIDATES`);
    a key held by more than :data:`INDEX_LIMIT` nodes counts only its holders nearest to
    ``i`` (articles are in the order they arrived: a big story links in runs)."""
    from bisect import bisect_right

    shared: Counter[int] = Counter()
    for key in keys:
        holders = index[key]
        if len(holders) > INDEX_LIMIT:
            at = bisect_right(holders, i)
            # the next articles, and the open stories (listed last) that hold it
            holders = holders[at : at + NEIGHBOURS] + holders[-NEIGHBOURS:]
        shared.update(j for j in holders if j > i)
    ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
    return [j for j, _ in ranked[:CANDIDATES]]


def link(
    items: Sequence[Signature], stories: Sequence[Signature], max_size: int | None = None
) -> list[tuple[list[int], int | None]]:
    """Group ``items`` (today's articles) into stories, each joined to at most one of
    ``stories`` (still open from earlier digests). Returns ``(item indexes, story index or
    None)`` per group, groups ordered by their first item."""
    nodes = [*items, *stories]
    n_items = len(items)
    pool = len(nodes)
    df = Counter(name for sig in nodes for name in sig.names)
    common = frozenset(
        name for name, count in df.items()
        if pool >= COMMON_MIN_POOL and count > COMMON_SHARE * pool
    )  # fmt: skip
    index: dict[str, list[int]] = {}
    for i, sig in enumerate(nodes):
        for key in _keys(sig, common):
            index.setdefault(key, []).append(i)
    edges: list[tuple[tuple[int, int, float], int, int]] = []
    for i in range(n_items):
        found = []
        for j in _candidates(i, _keys(nodes[i], common), index):
            strong = strength(nodes[i], nodes[j], common)
            if strong is not None:
                found.append((strong, i, j))
        # a story holds at most max_size articles: an article needs its strongest links only
        found.sort(key=lambda e: (-e[0][0], -e[0][1], -e[0][2], e[2]))
        edges += found[:EDGES_PER_ITEM]
    edges.sort(key=lambda e: (-e[0][0], -e[0][1], -e[0][2], e[1], e[2]))
    parts = _Components(pool)
    size = [1 if i < n_items else 0 for i in range(pool)]
    story = [i if i >= n_items else None for i in range(pool)]
    for _, i, j in edges:
        a, b = parts.find(i), parts.find(j)
        if a == b or (story[a] is not None and story[b] is not None):
            continue
        if max_size is not None and size[a] + size[b] > max_size:
            continue
        root = parts.union(a, b)
        size[root] = size[a] + size[b]
        story[root] = story[a] if story[a] is not None else story[b]
    groups: dict[int, list[int]] = {}
    for i in range(n_items):
        groups.setdefault(parts.find(i), []).append(i)
    out = []
    for root, members in groups.items():
        joined = story[root]
        out.append((members, None if joined is None else joined - n_items))
    return sorted(out, key=lambda g: g[0][0])
