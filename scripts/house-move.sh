#!/usr/bin/env bash
# house-move.sh: group summarizer's loose top-level modules into layer subpackages (issue 18),
# and give the test servers one home (summarizer/testing/). Mechanical and idempotent: it
# moves files with `git mv`, rewrites every reference (imports, dotted names in strings,
# paths in docs and scripts, pyproject's package list and import-linter layers), and runs
# ruff's import sorting and formatter on what it changed. Run it at the root of a checkout
# (or give the checkout as $1), on any later main: what is already moved is skipped.
#
#   bash house-move.sh [REPO]        then: ruff check . && mypy && lint-imports && pytest
#
# The layout it makes (top to bottom, as the import-linter layers say):
#   summarizer/__init__.py  the public API       summarizer/pipeline.py  Summarizer
#   summarizer/schemas.py   the JSON Schemas     cli/ testing/ digest/ batch/ (unchanged)
#   summarizer/engine/      plan, session, execute, spend, cost, cache, judge, results,
#                           verification
#   longform/ extract/ model/ (+ prompts) grounding/ article/   (unchanged)
#   summarizer/output/      brief (the output contract), names, formats/
#   summarizer/base/        errors, config, http, fileio, redact, i18n
# A top-level module it does not know is reported at the end: add it to MOVES below (and
# to LAYERS) and run again.
set -euo pipefail
cd "${1:-.}"
test -d summarizer -a -f pyproject.toml || { echo "house-move: run it at the repository root" >&2; exit 2; }

python3 - <<'PY'
import os
import re
import subprocess
import sys
from pathlib import Path

MOVES = {  # old module -> new module (a package moves with its submodules)
    "summarizer.errors": "summarizer.base.errors",
    "summarizer.fileio": "summarizer.base.fileio",
    "summarizer.http": "summarizer.base.http",
    "summarizer.redact": "summarizer.base.redact",
    "summarizer.config": "summarizer.base.config",
    "summarizer.i18n": "summarizer.base.i18n",
    "summarizer.brief": "summarizer.output.brief",
    "summarizer.names": "summarizer.output.names",
    "summarizer.prompts": "summarizer.model.prompts",
    "summarizer.plan": "summarizer.engine.plan",
    "summarizer.session": "summarizer.engine.session",
    "summarizer.execute": "summarizer.engine.execute",
    "summarizer.spend": "summarizer.engine.spend",
    "summarizer.cost": "summarizer.engine.cost",
    "summarizer.cache": "summarizer.engine.cache",
    "summarizer.judge": "summarizer.engine.judge",
    "summarizer.results": "summarizer.engine.results",
    "summarizer.verification": "summarizer.engine.verification",
}
PACKAGES = {
    "summarizer/base": "The base layer: errors, settings, HTTP, files, redaction, languages.\n\n"
    "Nothing here imports from any other part of the package.",
    "summarizer/output": "The brief as the reader gets it: the output contract (``brief``) "
    "and actor names.",
    "summarizer/engine": "How a brief is made and kept: the plan, the backend session, the "
    "live brief,\nthe verifying call, money, the brief cache, and verifying any brief.",
}
KEEP_AT_TOP = {"__init__", "pipeline", "schemas"}
LAYERS = [  # the import-linter layers after the move (pyproject.toml)
    "cli | testing",
    "schemas",
    "digest",
    "pipeline",
    "batch | formats",
    "engine",
    "extract",
    "longform",
    "model",
    "grounding",
    "cast",
    "article",
    "output",
    "base",
]
ARCH_LAYERS = """   ```
   cli | testing
   schemas                      the JSON Schemas of the brief and the digest
   digest
   pipeline                     the front door
   batch | formats              batch reaches the Summarizer only through batch.adapter.BriefHost;
                                formats/ renders briefs (the review page reads the article)
   engine                       plan, session, execute, verification, spend, cost, cache,
                                judge, results (acyclic inside)
   extract                      the choose strategy's candidates, read from the cast
   longform                     long articles in parts
   model                        prompts, requests, the conversation, the transport
   grounding                    citations and the support check
   cast                         who is who and who says what, per article
   article                      reading sources into Articles
   output                       brief (the output contract), names
   base                         config, i18n, http, fileio, redact, errors
   ```"""
TOP_LEVEL = """## The top level, by layer

```
summarizer/__init__.py   the public API (lazy)        pipeline.py   Summarizer, the front door
summarizer/schemas.py    the JSON Schemas             cli/ testing/ digest/ batch/ formats/
engine/                  plan, session, execute, judge, verification, spend, cost, cache, results
extract/ longform/       the choose strategy for small models; long articles
model/                   prompts, requests, the conversation, the transport, backends
grounding/ cast/        citations and the support check; who is who and who says what
article/                 reading sources into Articles
output/                  brief (the output contract), names
base/                    errors, config, http, fileio, redact, i18n: imports nothing above
```

The layers are those of the import contracts below, top to bottom; `house-move.sh` (issue 18)
made this grouping mechanically from the loose modules, and test servers live in
`summarizer/testing/` (`server`, `mock`, `windowed`; the Batch API server stays in `tests/`).
"""
# Test servers: one home, summarizer/testing/ (tests/briefs.py stays: it reads examples/).
WINDOWED = {"WindowedLlama", "citing_answer", "tokens_of", "prompt_tokens", "OVER_CONTEXT",
            "_NoDelayServer"}

changed: set[Path] = set()
notes: list[str] = []


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True)


def path_of(module: str) -> Path:
    return Path(*module.split("."))


def present(module: str) -> Path | None:
    base = path_of(module)
    if base.is_dir():
        return base
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


# --- 1. the moves ---------------------------------------------------------------------------
for package, doc in PACKAGES.items():
    init = Path(package) / "__init__.py"
    if not init.exists():
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(f'"""{doc}"""\n', encoding="utf-8")
        git("add", str(init))
        changed.add(init)

for old, new in MOVES.items():
    src, dst = present(old), present(new)
    if src is not None and dst is not None:
        sys.exit(f"house-move: both {src} and {dst} exist: merge them by hand, then run again")
    if src is None:
        if dst is None:
            notes.append(f"{old}: neither it nor {new} exists (renamed since?): skipped")
        continue
    target = path_of(new) if src.is_dir() else path_of(new).with_suffix(".py")
    target.parent.mkdir(parents=True, exist_ok=True)
    git("mv", str(src), str(target))
    changed.add(target)

helpers_moved = False
# tests/batchserver.py stays a test helper (with tests/hostileserver.py, its hooks)
shim = Path("tests/fakeopenai.py")
if shim.exists():
    text = shim.read_text(encoding="utf-8")
    marker = "# --- a llama.cpp-like server"
    if marker in text and not Path("summarizer/testing/windowed.py").exists():
        body = text[text.index(marker):]
        body = body[body.index("\n") + 1:]
        body = re.sub(r"  # noqa: E402", "", body)
        head = ('"""llama.cpp\'s surface for one context window, on loopback '
                "(test_windows, test_plan).\"\"\"\n\n"
                "from __future__ import annotations\n\n")
        out = Path("summarizer/testing/windowed.py")
        out.write_text(head + body.lstrip("\n"), encoding="utf-8")
        git("add", str(out))
        changed.add(out)
        git("rm", "-q", str(shim))
        helpers_moved = True
    elif marker not in text:
        notes.append("tests/fakeopenai.py has no WindowedLlama section: left as it is")

# --- 2. references ----------------------------------------------------------------------------
names = "|".join(re.escape(m.split(".", 1)[1]) for m in MOVES)
DOTTED = re.compile(rf"(?<![\w.])summarizer\.({names})(?![\w])")
SLASHED = re.compile(rf"(?<![\w./-])summarizer/({names})(?=\.py\b|/)")
FROM_ROOT = re.compile(rf"^(\s*)from summarizer import ({names})\b(.*)$", re.M)
SHORT = {m.split(".", 1)[1]: n.split(".", 1)[1] for m, n in MOVES.items()}


def rewrite_text(text: str) -> str:
    """Module paths in prose, strings and comments: dotted and slashed."""
    text = DOTTED.sub(lambda m: "summarizer." + SHORT[m.group(1)], text)
    return SLASHED.sub(lambda m: "summarizer/" + SHORT[m.group(1)].replace(".", "/"), text)


def helpers_text(text: str, home: str = "testing/") -> str:
    """The test servers' new home, named in prose (the package's folder in docs)."""
    if helpers_moved or not shim.exists():
        text = text.replace("tests/fakeopenai.py", f"{home}windowed.py")
    return text


def from_root(m: re.Match[str]) -> str:
    new = SHORT[m.group(2)]
    parent, leaf = new.rsplit(".", 1)
    return f"{m.group(1)}from summarizer.{parent} import {leaf}{m.group(3)}"


IMPORT_LINE = re.compile(r"^\s*(from\s+summarizer\.\S+\s+import\b|import\s+summarizer\.)")


def rewrite_python(text: str) -> str:
    """Python: module paths in import statements, in string literals and in comments only
    (``summarizer.cache`` in code is an attribute of a variable named summarizer)."""
    import io
    import tokenize

    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    for tok in tokens:
        if tok.type in (tokenize.STRING, tokenize.COMMENT) or (
            tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1)
        ):
            new = helpers_text(rewrite_text(tok.string))
            if new != tok.string:
                edits.append((*tok.start, *tok.end, new))
    for (r1, c1, r2, c2, new) in sorted(edits, reverse=True):
        if r1 == r2:
            line = lines[r1 - 1]
            lines[r1 - 1] = line[:c1] + new + line[c2:]
        else:
            first, last = lines[r1 - 1], lines[r2 - 1]
            lines[r1 - 1 : r2] = [first[:c1] + new + last[c2:]]
    out = []
    for line in lines:
        if IMPORT_LINE.match(line):
            line = DOTTED.sub(lambda m: "summarizer." + SHORT[m.group(1)], line)
        out.append(line)
    text = "".join(out)
    text = FROM_ROOT.sub(from_root, text)
    if helpers_moved or not shim.exists():
        text = re.sub(r"^(\s*)import fakeopenai$", r"\1import summarizer.testing.server as fakeopenai",
                      text, flags=re.M)
        text = re.sub(r"^(\s*)from fakeopenai import (\([^)]*\)|[^\n]*)", _split_fake, text,
                      flags=re.M)
    return text


def rewrite(path: Path, text: str) -> str:
    if path.suffix == ".py":
        return rewrite_python(text)
    return helpers_text(rewrite_text(text), home="summarizer/testing/")


def _split_fake(m: re.Match[str]) -> str:
    indent, names_text = m.group(1), m.group(2).strip("()")
    wanted = [n.strip() for n in names_text.replace("\n", " ").split(",") if n.strip()]
    windowed = [n for n in wanted if n.split(" as ")[0] in WINDOWED]
    server = [n for n in wanted if n.split(" as ")[0] == "_Server"]
    rest = [n for n in wanted if n not in windowed and n not in server]
    lines = []
    if rest:
        lines.append(f"{indent}from summarizer.testing import {', '.join(rest)}")
    if server:
        lines.append(f"{indent}from summarizer.testing.server import {', '.join(server)}")
    if windowed:
        lines.append(f"{indent}from summarizer.testing.windowed import {', '.join(windowed)}")
    return "\n".join(lines)


SKIP = {".venv", "venv", ".git", "node_modules", "build", "dist", "__pycache__", "cassettes"}
FILES = []
for root, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if d not in SKIP and not d.endswith(".egg-info")]
    for name in files:
        path = Path(root, name)
        if path.suffix in (".py", ".md", ".toml", ".cfg", ".ini") or path.parent.name in (
            ".ci", "scripts"
        ):
            FILES.append(path)
for path in sorted(set(FILES)):
    try:
        before = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        continue
    after = rewrite(path, before)
    if after != before:
        path.write_text(after, encoding="utf-8")
        changed.add(path)

# docs/architecture.md: its module table names top-level modules without the prefix
arch = Path("docs/architecture.md")
if arch.exists():
    text = arch.read_text(encoding="utf-8")
    top = {m.split(".", 1)[1] for m in MOVES}
    text2 = re.sub(r"(?<![\w/.-])`(" + "|".join(map(re.escape, sorted(top))) + r")(\.py|/)`",
                   lambda m: f"`{SHORT[m.group(1)].replace('.', '/')}{m.group(2)}`", text)
    text2 = re.sub(r"   ```\n   cli \| testing\n.*?\n   ```", ARCH_LAYERS, text2, flags=re.S)
    text2 = re.sub(r"^(\s+-> )(" + "|".join(map(re.escape, sorted(top))) + r")(\.py|/)( *)",
                   lambda m: m.group(1) + SHORT[m.group(2)].replace(".", "/") + m.group(3)
                   + " " * max(1, len(m.group(4)) - len(SHORT[m.group(2)]) + len(m.group(2))),
                   text2, flags=re.M)
    if "## The top level, by layer" not in text2 and "\n## Modules\n" in text2:
        text2 = text2.replace("\n## Modules\n", "\n" + TOP_LEVEL + "\n## Modules\n", 1)
    if text2 != text:
        arch.write_text(text2, encoding="utf-8")
        changed.add(arch)

# --- 3. pyproject: packages and the import-linter layers ----------------------------------------
pyproject = Path("pyproject.toml")
text = pyproject.read_text(encoding="utf-8")
block = re.search(r"packages = \[\n(.*?)\n\]", text, re.S)
if block:
    # every package there is (tests/test_packaging.py checks that none is missing)
    wanted = sorted(str(p.parent).replace("/", ".") for p in Path("summarizer").rglob("__init__.py"))
    new_block = "packages = [\n" + "".join(f'    "{p}",\n' for p in wanted) + "]"
    text = text[: block.start()] + new_block + text[block.end():]
layers = re.search(r'(id = "layers".*?layers = \[\n)(.*?)(\n\])', text, re.S)
if layers:
    body = "\n".join(f'    "{layer}",' for layer in LAYERS)
    text = text[: layers.start(2)] + body + text[layers.end(2):]
if text != pyproject.read_text(encoding="utf-8"):
    pyproject.write_text(text, encoding="utf-8")
    changed.add(pyproject)

# --- 4. what is left at the top ----------------------------------------------------------------
loose = sorted(p.stem for p in Path("summarizer").glob("*.py") if p.stem not in KEEP_AT_TOP)
for stem in loose:
    notes.append(f"summarizer/{stem}.py is a top-level module this script does not place: "
                 "add it to MOVES and LAYERS, then run again")

# --- 5. tidy what changed -------------------------------------------------------------------------
def reflow(path: Path, limit: int = 100) -> None:
    """Break a docstring or comment line that a longer path pushed over ``limit`` at its last
    space outside a backticked name (what a person would do; code lines: ruff format)."""
    import io
    import tokenize

    text = path.read_text(encoding="utf-8")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return
    prose = set()
    for tok in tokens:
        if tok.type == tokenize.STRING and tok.start[0] != tok.end[0]:
            prose.update(range(tok.start[0], tok.end[0] + 1))
        elif tok.type == tokenize.COMMENT and tok.line.strip().startswith("#"):
            prose.add(tok.start[0])
    lines = text.splitlines(keepends=True)
    out = []
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\n")
        while number in prose and len(body) > limit:
            cut = next((i for i in range(limit, 0, -1)
                        if body[i] == " " and body[:i].count("`") % 2 == 0), None)
            indent = body[: len(body) - len(body.lstrip())]
            if cut is None or cut <= len(indent):
                break
            comment = body.lstrip().startswith("#")
            out.append(body[:cut].rstrip() + "\n")
            body = indent + ("# " if comment else "") + body[cut:].lstrip()
        out.append(body + ("\n" if line.endswith("\n") else ""))
    new = "".join(out)
    if new != text:
        path.write_text(new, encoding="utf-8")



py = sorted(str(p) for p in changed if p.suffix == ".py" and p.exists())
for name in py:
    reflow(Path(name))
if py:
    for args in (["ruff", "check", "--fix", "-q", *py], ["ruff", "format", "-q", *py]):
        try:
            subprocess.run(args, check=False)
        except FileNotFoundError:
            notes.append("ruff not found: sort the imports and format the changed files by hand")
            break
subprocess.run(["git", "add", "-A", "summarizer", "tests", "docs", "benchmarks", "scripts",
                "pyproject.toml", "README.md"] + ([".ci"] if Path(".ci").exists() else []),
               check=False)
print(f"house-move: {len(changed)} file(s) changed")
for note in notes:
    print(f"house-move: note: {note}")
PY
