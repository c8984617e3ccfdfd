"""PAID_BROADCAST_RATE at start-up: a rate Telegram does not offer, or paid broadcasts
without the rate limiter that paces them, stops bot.py with the settings' exit status and a
line naming the setting, before it talks to Telegram or opens the database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Settings, open_application
from bot import EXIT_SETTINGS
from emulator import BotApiEmulator
from tests.e2e.process import fresh_token
from tests.web.test_cli import back_coach

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("env", "why"),
    [
        ({"PAID_BROADCAST_RATE": "1001"}, "less than or equal to 1000"),
        ({"PAID_BROADCAST_RATE": "-5"}, "greater than or equal to 0"),
        ({"PAID_BROADCAST_RATE": "lots"}, "valid integer"),
        ({"PAID_BROADCAST_RATE": "5", "RATE_LIMIT": "false"}, "RATE_LIMIT=true"),
    ],
    ids=["over-telegrams-1000", "negative", "not-a-number", "without-the-rate-limiter"],
)
async def test_a_paid_rate_that_cannot_run_never_starts(
    tmp_path: Path, bot_process: Any, env: dict[str, str], why: str
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, **env)
        await bot.start()
        assert bot.proc is not None
        assert await asyncio.wait_for(bot.proc.wait(), 60) == EXIT_SETTINGS
        assert emu.calls == []
    text = log.read_text()
    assert "PAID_BROADCAST_RATE" in text and why in text
    assert "Traceback" not in text
    assert not (tmp_path / "db.sqlite3").exists()


async def test_the_setting_reaches_the_limiter_and_the_dispatcher(tmp_path: Path) -> None:
    async with BotApiEmulator(fresh_token()) as emu:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=emu.token,
            telegram_base_url=emu.base_url,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}",
            paid_broadcast_rate=40,
        )
        app: Any = await open_application(settings)
        try:
            assert app.bot.rate_limiter.paid_rate == 40 and app.bot.rate_limiter.paying
            assert app.dispatcher.paid_rate == 40
        finally:
            await app.deps.store.close()
        off: Any = await open_application(settings.model_copy(update={"paid_broadcast_rate": 0}))
        try:
            assert not off.bot.rate_limiter.paying and off.dispatcher.paid_rate == 0
        finally:
            await off.deps.store.close()


@pytest.mark.parametrize(
    ("rate", "says"),
    [
        ("0", "reminders: 25 a second; paid broadcasts off"),
        ("5", "reminders: 25 a second, and up to 5 paid broadcasts a second at a peak"),
    ],
)
def test_check_config_says_whether_reminders_may_pay(tmp_path: Path, rate: str, says: str) -> None:
    result = back_coach(
        "check-config",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=fresh_token(),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}",
        PAID_BROADCAST_RATE=rate,
    )
    assert result.returncode == 0, result.stdout
    assert says in result.stdout
