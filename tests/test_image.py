"""The Docker image, as far as it can be checked without a Docker daemon: the Dockerfile
passes hadolint, pins its base image, installs the locked dependencies before the code; and
the image's exact CMD, with the image's ENV, runs from an installation of the wheel as an
unprivileged user in the image's layout (a working directory of the user's own holding
data/), polling Telegram with the default SQLite database, the city index that ships in the
package readable, and the HEALTHCHECK passing. What is not checked here: the build itself
(apt, pip from PyPI, the BuildKit mount), and the base image's own Python."""

from __future__ import annotations

import asyncio
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulator import BotApiEmulator
from tests.e2e.conftest import Bot, Person
from tests.e2e.process import fresh_token
from tests.installed import Installed, install, readable_directory

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COMPOSE = ROOT / "deploy" / "docker-compose.yml"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (keyword, arguments), continuation lines joined."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            keyword, _, arguments = pending.strip().partition(" ")
            found.append((keyword.upper(), arguments.strip()))
            pending = ""
    return found


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in instructions():
        if keyword == "ENV":
            env.update(part.split("=", 1) for part in shlex.split(arguments))  # type: ignore[misc]
    return env


def exec_form(keyword: str) -> list[str]:
    """The exec-form command of CMD or of HEALTHCHECK's CMD."""
    (arguments,) = [arguments for kw, arguments in instructions() if kw == keyword]
    command = json.loads(arguments[arguments.index("[") :])
    assert isinstance(command, list)
    return [str(part) for part in command]


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    assert Path(found).is_file(), "hadolint is missing: pip install -r requirements-dev.lock"
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    linted = subprocess.run(
        [hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_base_images_are_pinned_to_a_release() -> None:
    (base,) = [arguments for keyword, arguments in instructions() if keyword == "FROM"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", base), base
    images = re.findall(r"image: (\S+)", COMPOSE.read_text())
    assert sorted(images) == sorted(set(images)) and len(images) == 2
    for image in images:
        assert re.fullmatch(r"(postgres:16\.\d+|caddy:2\.\d+\.\d+)", image), image


def test_the_locked_dependencies_are_installed_before_the_code_arrives() -> None:
    """A change to the code rebuilds from the step that installs it, not every dependency."""
    steps = instructions()
    locked = next(
        i for i, (kw, args) in enumerate(steps) if kw == "RUN" and "requirements.lock" in args
    )
    whole = [
        i for i, (kw, args) in enumerate(steps) if re.search(r"(^|\s)\.(\s|$)|source=\.,", args)
    ]
    assert whole and min(whole) > locked, steps
    assert not any(kw == "COPY" and args.split()[0] == "." for kw, args in steps)


def test_compose_stops_restarting_and_keeps_caddys_state() -> None:
    text = COMPOSE.read_text()
    bot = text[text.index("  bot:") : text.index("  proxy:")]
    assert re.search(r"restart: on-failure:\d+", bot)
    assert "caddy_config:/config" in text and "caddy:/data" in text


# --- the image's CMD, run as the image would run it -------------------------------------


@dataclass(frozen=True)
class Image:
    venv: Path  # the installation, standing for the image's /usr/local
    root: Path  # standing for the image's /
    uid: int
    gid: int

    def env(self, **extra: str) -> dict[str, str]:
        """The image's ENV (its /tmp mapped to a private one, its ports to free ones), the
        settings a deployment would give, and the installation on PATH."""
        env = {k: v.replace("/tmp/", f"{self.root}/tmp/") for k, v in image_env().items()}
        port = str(free_port())
        env.update(WEBHOOK_PORT=port, METRICS_PORT=port)
        return {
            **env,
            "PATH": f"{self.venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.root / "app"),
            "TMPDIR": str(self.root / "tmp"),
            **extra,
        }

    async def start(self, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Any:
        with log.open("ab") as out:
            return await asyncio.create_subprocess_exec(
                *command, cwd=cwd, env=env, user=self.uid, group=self.gid, extra_groups=[],
                umask=0o022, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out,
            )  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unprivileged() -> tuple[int, int]:
    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


def runnable_python(uid: int, gid: int) -> str | None:
    """A Python 3 of this minor version that the unprivileged user may run (the tests' own
    may live in a home directory closed to others)."""
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (getattr(sys, "_base_executable", sys.executable), f"/usr/bin/{minor}"):
        try:
            ran = subprocess.run(
                [candidate, "-c", "import venv"], user=uid, group=gid, extra_groups=[],
                capture_output=True, check=False,
            )  # fmt: skip
        except OSError:  # not there, or in a directory closed to the user
            continue
        if ran.returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="module")
def image(installed: Installed) -> Iterator[Image]:
    if os.geteuid() != 0:
        pytest.skip("running the image's CMD as another user needs root")
    uid, gid = unprivileged()
    python = runnable_python(uid, gid)
    if python is None:
        pytest.skip("no Python of this version that an unprivileged user may run")
    root = readable_directory("back-coach-image-")
    try:
        install(installed.wheel, root / "venv", python)
        (root / "tmp").mkdir(mode=0o1777)
        (root / "tmp").chmod(0o1777)
        yield Image(root / "venv", root, uid, gid)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(fresh_token()) as emu:
        yield emu


def app_directory(image: Image, owned: bool) -> Path:
    """The image's /app: with data/ the user's own; /app itself the user's (the image now)
    or root's (the image before, where the bot could not write its database record)."""
    app = image.root / "app"
    shutil.rmtree(app, ignore_errors=True)
    (app / "data").mkdir(parents=True)
    os.chown(app / "data", image.uid, image.gid)
    (app / "data").chmod(0o700)
    if owned:
        os.chown(app, image.uid, image.gid)
    return app


async def polling(emu: BotApiEmulator) -> None:
    await emu.wait_until(
        lambda: emu.calls_of("getUpdates") or None, 60, lambda: "the bot never started polling"
    )


async def stop(process: Any) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
    return int(process.returncode)


@pytest.mark.e2e
@pytest.mark.sqlite_only("the image's default database is SQLite in /app/data")
async def test_the_images_cmd_runs_as_its_user_with_sqlite_and_passes_its_healthcheck(
    image: Image, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    app = app_directory(image, owned=True)
    env = image.env(TELEGRAM_BOT_TOKEN=emulator.token, TELEGRAM_BASE_URL=emulator.base_url,
                    POLL_TIMEOUT="1", DISPATCH_EVERY="1")  # fmt: skip
    log = tmp_path / "bot.log"
    process = await image.start(exec_form("CMD"), app, env, log)
    try:
        await polling(emulator)
        person = Person(Bot(emulator, None, None, None), 8401)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        health = await image.start(exec_form("HEALTHCHECK"), app, env, tmp_path / "health.log")
        assert await asyncio.wait_for(health.wait(), 30) == 0, (tmp_path / "health.log").read_text()
    finally:
        status = await stop(process)
    text = log.read_text()
    # 0, not 9: the start-up check opened the shipped city index as the user.
    assert status == 0, text[-3000:]
    assert "Traceback" not in text
    database = app / "data" / "backcoach.sqlite3"
    assert database.stat().st_uid == image.uid
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


@pytest.mark.e2e
@pytest.mark.sqlite_only("the database record is kept for a SQLite file only")
async def test_a_working_directory_the_user_cannot_write_is_a_clear_message(
    image: Image, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    app = app_directory(image, owned=False)
    env = image.env(TELEGRAM_BOT_TOKEN=emulator.token, TELEGRAM_BASE_URL=emulator.base_url,
                    POLL_TIMEOUT="1")  # fmt: skip
    log = tmp_path / "bot.log"
    process = await image.start(exec_form("CMD"), app, env, log)
    try:
        status = await asyncio.wait_for(process.wait(), 60)
    finally:
        await stop(process)
    text = log.read_text()
    assert status == 6, text[-3000:]
    assert "cannot write .backcoach-database" in text and str(app) in text
    assert "Traceback" not in text


def test_the_healthcheck_without_a_server_fails_saying_why(installed: Installed) -> None:
    env = {k: v for k, v in image_env().items() if k != "METRICS_PORT"}
    ran = installed.run(str(installed.venv / "bin" / "back-coach"), "healthcheck", **env)
    assert ran.returncode == 1
    assert "METRICS_PORT" in ran.stderr
    env["METRICS_PORT"] = str(free_port())  # nothing listens there
    ran = installed.run(str(installed.venv / "bin" / "back-coach"), "healthcheck", **env)
    assert ran.returncode == 1 and "refused" in ran.stderr.lower()
