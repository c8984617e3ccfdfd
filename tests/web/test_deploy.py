"""The container's commands, run here as the image would run them (CI has no Docker daemon):
deploy/Dockerfile's CMD with its ENV starts the bot in webhook mode, and its HEALTHCHECK
command says healthy while the bot runs and unhealthy once it is gone."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shlex
import signal
import sys
from pathlib import Path

import pytest

from emulator import BotApiEmulator
from tests.e2e.process import fresh_token
from tests.web.test_bot_process import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
BIN = Path(sys.executable).parent  # where `pip install` put the back-coach command


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(rest)))
    return env


def exec_form(rest: str) -> list[str]:
    """A JSON exec-form command (a shell-form one would need the image's /bin/sh)."""
    command = json.loads(rest)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def cmd() -> list[str]:
    return exec_form(next(rest for keyword, rest in instructions() if keyword == "CMD"))


def healthcheck() -> list[str]:
    rest = next(rest for keyword, rest in instructions() if keyword == "HEALTHCHECK")
    return exec_form(rest[rest.index("CMD ") + 4 :])


def local(command: list[str]) -> list[str]:
    """The image's command with its programs from this environment's bin directory."""
    program = command[0]
    path = BIN / program
    return [str(path if path.exists() else program), *command[1:]]


async def run_healthcheck(env: dict[str, str]) -> int:
    check = await asyncio.create_subprocess_exec(
        *local(healthcheck()),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(check.wait(), 30)


def test_the_image_runs_as_a_user_and_checks_its_health() -> None:
    keywords = [keyword for keyword, _ in instructions()]
    assert keywords[0] == "FROM" and "slim" in instructions()[0][1]
    assert "USER" in keywords and keywords.index("USER") > keywords.index("RUN")
    assert cmd() == ["back-coach", "run"]
    assert image_env()["LOG_FORMAT"] == "json"


async def test_the_images_command_serves_the_webhook_and_the_healthcheck_follows_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    async with BotApiEmulator(fresh_token()) as emu:
        env = {
            **os.environ,
            **image_env(),
            "TELEGRAM_BOT_TOKEN": emu.token,
            "TELEGRAM_BASE_URL": emu.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}",
            "WEBHOOK_URL": "https://coach.example.org/telegram",
            "WEBHOOK_SECRET": secrets.token_urlsafe(32),
            "WEBHOOK_LISTEN": "127.0.0.1",  # the image listens on all interfaces
            "WEBHOOK_PORT": str(port),
        }
        bot = await asyncio.create_subprocess_exec(
            *local(cmd()),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=(tmp_path / "bot.log").open("w"),
        )
        try:
            for _ in range(600):
                if await run_healthcheck(env) == 0:
                    break
                assert bot.returncode is None, (tmp_path / "bot.log").read_text()[-2000:]
                await asyncio.sleep(0.2)
            else:
                pytest.fail("the healthcheck never passed")
            assert emu.webhook is not None and emu.webhook.url == env["WEBHOOK_URL"]
        finally:
            bot.send_signal(signal.SIGTERM)
            status = await asyncio.wait_for(bot.wait(), 60)
        assert status == 0
        assert await run_healthcheck(env) != 0  # nothing answers: unhealthy
