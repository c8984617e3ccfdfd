"""The two locks: requirements.lock pins exactly the runtime tree (what a production server
and the image install), requirements-dev.lock exactly the development tools on top of it,
and pyproject's pins agree with both."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DEV_TOOLS = {"pytest", "mypy", "ruff", "hypothesis", "pytest-xdist", "setuptools"}


def pins(lock: str) -> dict[str, str]:
    """A lock's pins by canonical name; ``-r`` lines and comments are not pins."""
    found: dict[str, str] = {}
    for raw in (ROOT / lock).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line).groups()  # type: ignore[union-attr]
        found[canonicalize_name(name)] = version
    return found


def tree(requirements: list[str], without: frozenset[str] = frozenset()) -> set[str]:
    """Every distribution ``requirements`` pull in on this platform (with their extras),
    read from the installed packages' metadata."""
    seen: dict[str, set[str]] = {}
    todo = [Requirement(text) for text in requirements]
    while todo:
        wanted = todo.pop()
        name = canonicalize_name(wanted.name)
        extras = seen.get(name)
        if name in without or (extras is not None and set(wanted.extras) <= extras):
            continue
        seen[name] = (extras or set()) | set(wanted.extras)
        for text in metadata.requires(wanted.name) or []:
            needed = Requirement(text)
            for extra in ["", *sorted(seen[name])]:
                if needed.marker is None or needed.marker.evaluate(
                    {**default_environment(), "extra": extra}
                ):
                    todo.append(needed)
                    break
    return set(seen)


def pinned(requirements: list[str]) -> dict[str, str]:
    found = {}
    for text in requirements:
        requirement = Requirement(text)
        (spec,) = requirement.specifier
        assert spec.operator == "==", text
        found[canonicalize_name(requirement.name)] = spec.version
    return found


def test_the_runtime_lock_is_exactly_the_runtime_tree_without_development_tools() -> None:
    runtime = pins("requirements.lock")
    assert set(runtime) == tree(PROJECT["dependencies"])
    assert not DEV_TOOLS & set(runtime)
    for name, version in pinned(PROJECT["dependencies"]).items():
        assert runtime[name] == version, name


def test_the_development_lock_adds_exactly_the_tools_and_names_the_runtime_lock() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text().splitlines()
    assert not set(runtime) & set(dev)
    assert set(dev) == tree(PROJECT["optional-dependencies"]["dev"], frozenset(runtime))
    assert set(dev) >= DEV_TOOLS
    for name, version in pinned(PROJECT["optional-dependencies"]["dev"]).items():
        assert dev[name] == version, name


def test_every_locked_version_is_the_one_installed_for_the_tests() -> None:
    locked = {**pins("requirements.lock"), **pins("requirements-dev.lock")}
    wrong = {
        name: (version, metadata.version(name))
        for name, version in locked.items()
        if metadata.version(name) != version
    }
    assert wrong == {}
