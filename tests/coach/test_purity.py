"""coach/ is the pure domain: no Telegram, no database, no scheduler."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import coach

FORBIDDEN = {"telegram", "sqlalchemy", "apscheduler"}
COACH = Path(coach.__file__).parent
SOURCES = sorted(COACH.glob("*.py"))


def imported_roots(source: Path) -> set[str]:
    """The top-level package of every import statement in a file, nested ones included."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), str(source))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_import_checker_sees_nested_and_dotted_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os.path\n"
        "def f():\n"
        "    from telegram.ext import Application\n"
        "    import sqlalchemy as sa\n"
    )
    assert imported_roots(sample) == {"os", "telegram", "sqlalchemy"}


def test_no_coach_module_has_an_import_statement_for_telegram_sqlalchemy_or_apscheduler() -> None:
    assert len(SOURCES) >= 8
    offenders = {p.name: imported_roots(p) & FORBIDDEN for p in SOURCES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_importing_every_coach_module_loads_no_telegram_sqlalchemy_or_apscheduler() -> None:
    modules = [f"coach.{p.stem}" for p in SOURCES if p.stem != "__init__"]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=COACH.parent,
        timeout=60,
    )
    loaded = set(json.loads(result.stdout))
    assert set(modules) <= loaded
    assert {m for m in loaded if m.split(".")[0] in FORBIDDEN} == set()
