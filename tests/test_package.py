"""Back Coach as ``pip install .`` delivers it (and so the Docker image and the systemd
path): the wheel is built from the repository's files with every warning an error, installed
into a fresh virtual environment outside the repository, and run from there. Installed, it
speaks Russian and Spanish and registers their command menus; a broken catalogue stops it.

No network: the fresh environment reaches the dependencies already installed for the tests
through a .pth file, and the wheel is installed without them."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from packaging.requirements import Requirement

from coach import i18n, texts

pytestmark = pytest.mark.package

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
        return {**kept, "MPLCONFIGDIR": str(self.home / "mpl"), **extra}

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


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    where = tmp_path_factory.mktemp("package")
    wheel = build_wheel(where)
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
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
    home = where / "home"
    home.mkdir()
    yield Installed(venv, wheel, home)


def translation(language: str, context: str, english: str) -> str:
    """The translators' own words for a text, read from the repository's .po."""
    with i18n.po_path(language).open("rb") as file:
        message = read_po(file, locale=language).get(english, context=context)
    assert message is not None and isinstance(message.string, str) and message.string
    return message.string


SPEAK = """
import json, coach, conversations
from coach import i18n, texts
from conversations.language import commands_in
i18n.check()
said = {"coach": coach.__file__, "conversations": conversations.__file__}
for code in ("ru", "es"):
    with i18n.speaking(code):
        said[code] = texts.LANGUAGE_SET
    menu = commands_in(list(texts.COMMANDS), code)
    said[code + "_menu"] = {command.command: command.description for command in menu}
print(json.dumps(said))
"""


def test_the_wheel_ships_the_compiled_catalogues_and_the_license_not_the_po(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = wheel.read(meta).decode()
    for language in ("ru", "es"):
        assert f"coach/locale/{language}/LC_MESSAGES/messages.mo" in names
        assert f"coach/locale/{language}/LC_MESSAGES/messages.po" not in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in headers


def test_installed_it_speaks_russian_and_spanish_with_their_command_menus(
    installed: Installed,
) -> None:
    ran = installed.run(str(installed.python), "-c", SPEAK)
    assert ran.returncode == 0, ran.stderr[-3000:]
    said = json.loads(ran.stdout)
    for module in ("coach", "conversations"):
        assert Path(said[module]).is_relative_to(installed.venv), said[module]
    for language in ("ru", "es"):
        assert said[language] == translation(language, "LANGUAGE_SET", texts.LANGUAGE_SET)
        assert said[language] != texts.LANGUAGE_SET
        menu = said[f"{language}_menu"]
        assert set(menu) == set(texts.COMMANDS)
        for name, english in texts.COMMANDS.items():
            assert menu[name] == translation(language, f"COMMANDS[{name}]", english), name


def test_installed_with_a_catalogue_missing_it_refuses_to_start_saying_why(
    installed: Installed,
) -> None:
    found = installed.run(
        str(installed.python), "-c", "from coach import i18n; print(i18n.mo_path('ru'))"
    )
    mo = Path(found.stdout.strip())
    assert mo.is_relative_to(installed.venv) and mo.is_file()
    aside = mo.with_name("moved-aside")
    mo.rename(aside)
    try:
        ran = installed.run(
            str(installed.venv / "bin" / "back-coach"), "run",
            TELEGRAM_BOT_TOKEN="123456:" + "x" * 35,
            DATABASE_URL=f"sqlite+aiosqlite:///{installed.home / 'never.sqlite3'}",
        )  # fmt: skip
    finally:
        aside.rename(mo)
    assert ran.returncode == 9, ran.stderr
    assert "ru catalogue" in ran.stderr and str(mo) in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (installed.home / "never.sqlite3").exists()


def test_installed_migrate_creates_the_database_readable_by_its_user_alone(
    installed: Installed,
) -> None:
    database = installed.home / "data" / "coach.sqlite3"
    ran = installed.run(
        str(installed.venv / "bin" / "back-coach"), "migrate",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
