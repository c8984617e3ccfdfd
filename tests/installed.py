"""Back Coach installed as ``pip install .`` installs it, for the tests of the package and of
the image: the wheel is built from the repository's files with every warning an error, and
installed into a fresh virtual environment outside the repository. No network: the fresh
environment reaches the dependencies already installed for the tests through a .pth file,
and the wheel is installed without them. Everything lives in a directory other users can
read, so that the image's tests can run the installation as an unprivileged user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Installed:
    venv: Path
    wheel: Path
    home: Path  # a working directory outside the repository

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a program run from the installation: nothing of the checkout."""
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
        return {**kept, **extra}

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            cwd=self.home,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def source_files() -> list[str]:
    """The repository's files as a clean clone has them (tracked, plus new files not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def build_wheel(into: Path) -> Path:
    """The wheel, built by the build backend from a copy of the repository's files, with
    warnings as errors (a deprecated setting fails here, not in a deploy's log)."""
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    for requirement in map(Requirement, backend["requires"]):
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed), (
            f"the tests' environment has {requirement.name} {installed}, the build needs "
            f"{requirement} (requirements-dev.lock pins it)"
        )
    source = into / "source"
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = into / "dist"
    built = subprocess.run(
        [sys.executable, "-W", "error", "-c",
         f"from {backend['build-backend']} import build_wheel; print(build_wheel({str(dist)!r}))"],
        cwd=source,
        env={**os.environ, "PYTHONWARNINGS": "error"},
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    assert "Warning" not in built.stderr, built.stderr[-3000:]
    return dist / built.stdout.strip().splitlines()[-1]


def dependency_paths() -> list[str]:
    """Where the tests' interpreter finds the installed dependencies."""
    return [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]


def install(wheel: Path, venv: Path, interpreter: str = sys.executable) -> None:
    """A fresh virtual environment of ``interpreter`` at ``venv``, with the wheel installed
    and the tests' dependencies reachable."""
    subprocess.run([interpreter, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "dependencies.pth").write_text("\n".join(dependency_paths()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", "--no-deps", "--no-index", "--no-build-isolation", str(wheel)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def readable_directory(prefix: str) -> Path:
    """A new temporary directory that every user may enter and read."""
    where = Path(tempfile.mkdtemp(prefix=prefix))
    where.chmod(0o755)
    return where


@pytest.fixture(scope="session")
def installed() -> Iterator[Installed]:
    where = readable_directory("back-coach-installed-")
    wheel = build_wheel(where)
    install(wheel, where / "venv")
    home = where / "home"
    home.mkdir()
    try:
        yield Installed(where / "venv", wheel, home)
    finally:
        shutil.rmtree(where, ignore_errors=True)
