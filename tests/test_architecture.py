"""The layers' rules, read from the source itself: what a newcomer is told in docs/architecture.md and in each
subpackage's docstring is what the code does.

- analytics/ never imports streamlit;
- pages/ and app.py run no SQL: no execute or sql call, no SQL statement written in a string;
- docs/architecture.md lists every module under analytics/, under its folder's heading, and no module that is gone;
- each part of analytics imports only what its __init__ docstring allows on its `May import:` line (the top level
  also names, on its `Except:` line, the modules allowed more).
"""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

ANALYTICS = REPO / "analytics"
TOP_LEVEL = "analytics (top level)"
SQL_CALLS = {"execute", "executemany", "sql"}
SQL_STATEMENT = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\b[\s\S]*\bSET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?"
    r"(TABLE|VIEW|INDEX)|DROP\s+(TABLE|VIEW)|ALTER\s+TABLE)\b"
)


def modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def subpackages() -> list[str]:
    return sorted(path.parent.name for path in ANALYTICS.glob("*/__init__.py"))


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports, with its line: `from a import b` counts as a.b (b may be a module), and a
    relative import is resolved against the module's own package."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def part_of(name: str) -> str | None:
    """Which part of analytics a dotted name lies in: a subpackage (analytics.ingest), the top level, or None
    when it is outside analytics."""
    parts = name.split(".")
    if parts[0] != "analytics":
        return None
    if len(parts) > 1 and parts[1] in subpackages():
        return f"analytics.{parts[1]}"
    return TOP_LEVEL


def docstring_line(package: Path, label: str) -> str:
    """The text after `label:` in the package's docstring, with the lines it runs on to (until a blank line or the
    next label), since a long list wraps."""
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    lines = docstring.splitlines()
    starts = [number for number, line in enumerate(lines) if line.startswith(f"{label}:")]
    if not starts:
        return ""
    taken = [lines[starts[0]].removeprefix(f"{label}:")]
    for line in lines[starts[0] + 1 :]:
        if not line.strip() or re.match(r"\w[\w ]*:", line):
            break
        taken.append(line)
    return " ".join(part.strip() for part in taken).rstrip(".")


def allowed_parts(package: Path) -> set[str]:
    line = docstring_line(package, "May import")
    assert line, f"{package.relative_to(REPO)}/__init__.py says on no 'May import:' line what it may import"
    parts = {part.strip() for part in line.split(",")}
    unknown = parts - {TOP_LEVEL, *(f"analytics.{name}" for name in subpackages())}
    assert not unknown, f"{package.relative_to(REPO)}/__init__.py allows parts that do not exist: {sorted(unknown)}"
    return parts


def exceptions() -> dict[str, str]:
    """The top level's `Except:` line: module -> the prefix it may also import (analytics.* for anything)."""
    line = docstring_line(ANALYTICS, "Except")
    return dict(re.findall(r"(analytics\.\w+) may import ([\w.*]+)", line))


def breaches_in(package: Path, files: list[Path], extra: dict[str, str]) -> list[str]:
    own = module_name(package) if package != ANALYTICS else None
    allowed = allowed_parts(package) | ({own} if own else set())
    return [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in files
        for line, name in imported(path)
        if part_of(name) not in allowed | {None} and not excepted(name, extra.get(module_name(path), ""))
    ]


def excepted(name: str, also: str) -> bool:
    return bool(also) and (name == also or (also.endswith(".*") and name.startswith(also.removesuffix("*"))))


def test_analytics_never_imports_streamlit():
    found = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in modules(ANALYTICS)
        for line, name in imported(path)
        if name.split(".")[0] == "streamlit"
    ]
    assert found == []


def test_pages_run_no_sql():
    found = []
    for path in [REPO / "app.py", *modules(REPO / "pages")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} calls .{node.func.attr}()")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STATEMENT.search(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} writes SQL: {node.value[:60]!r}")
    assert found == []


def documented_modules() -> dict[str, set[str]]:
    """docs/architecture.md's module tables: folder heading (### `analytics/ingest/`) -> the modules in its rows."""
    listed: dict[str, set[str]] = {}
    folder = None
    for line in (REPO / "docs" / "architecture.md").read_text().splitlines():
        if heading := re.fullmatch(r"### `(analytics/[\w/]*)`", line):
            folder = heading[1]
            listed[folder] = set()
        elif line.startswith("## "):
            folder = None
        elif folder and (row := re.match(r"\| `(\w+\.py)` \|", line)):
            listed[folder].add(row[1])
    return listed


def test_every_module_is_listed_in_the_architecture_under_its_folder():
    on_disk: dict[str, set[str]] = {}
    for path in modules(ANALYTICS):
        if path.name != "__init__.py":
            on_disk.setdefault(f"{path.parent.relative_to(REPO).as_posix()}/", set()).add(path.name)
    assert documented_modules() == on_disk


def test_the_top_level_imports_only_the_top_level_and_its_named_exceptions():
    assert breaches_in(ANALYTICS, sorted(ANALYTICS.glob("*.py")), exceptions()) == []


@pytest.mark.parametrize("name", subpackages())
def test_a_subpackage_imports_only_what_its_docstring_allows(name):
    package = ANALYTICS / name
    assert breaches_in(package, modules(package), {}) == []
