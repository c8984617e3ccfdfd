"""The layers hold: services/ and coach/ import no Telegram, no import cycle anywhere, and
only services/ commits a unit of work."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("coach", "services", "conversations", "storage", "emulator")
MODULES = ("bootstrap", "bot")


def sources(root: Path = ROOT) -> dict[str, Path]:
    """Every project module by dotted name."""
    found = {name: root / f"{name}.py" for name in MODULES if (root / f"{name}.py").exists()}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic loads these itself
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports at run time (``if TYPE_CHECKING`` aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking_only(node)
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for imported in names:
            module = imported
            while module and module not in known:
                module = module.rpartition(".")[0]
            if module:
                found.add(module)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, set()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, set()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def graph_of(root: Path = ROOT) -> dict[str, set[str]]:
    found = sources(root)
    known = set(found)
    # A package's __init__ is not a dependency of its own modules' imports.
    return {
        name: {m for m in imports(path, known) if m != name and not name.startswith(f"{m}.")}
        for name, path in found.items()
    }


def test_the_cycle_finder_finds_a_cycle_through_a_nested_import(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "a.py").write_text("from services import b\n")
    (tmp_path / "services" / "b.py").write_text("def f():\n    from services.a import x\n")
    (tmp_path / "services" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from services import a\n"
    )
    assert cycles(graph_of(tmp_path)) == [["services.a", "services.b"]]


def test_no_import_cycle_between_project_modules() -> None:
    graph = graph_of()
    assert len(graph) > 40
    assert cycles(graph) == []


@pytest.mark.parametrize("package", ["coach", "services"])
def test_the_decisions_import_no_telegram(package: str) -> None:
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        roots = {
            alias.name.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import)
            for alias in n.names
        } | {
            n.module.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
        }
        if roots & {"telegram", "conversations", "emulator"}:
            offenders[path.name] = sorted(roots & {"telegram", "conversations", "emulator"})
    assert offenders == {}


def test_only_services_commit_a_unit_of_work() -> None:
    committing = set()
    for name, path in sources().items():
        if name.startswith(("services", "storage")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                committing.add(name)
    assert committing == set()
