"""bot.py as a process at start-up and when Telegram turns it away: a rejected or revoked
token ends the process with a clear message (never the token), a flaky network at start-up
is waited out."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from coach.model import Person as Someone
from emulator import BotApiEmulator
from services.unit import wanted
from storage.unit_of_work import open_store
from tests.e2e.conftest import Bot, Person
from tests.e2e.process import fresh_token
from tests.e2e.test_restart import _wait_ready
from tests.zones import mid_morning

pytestmark = pytest.mark.e2e


async def _exit_status(bot: Any, within: float = 60) -> int:
    assert bot.proc is not None
    return await asyncio.wait_for(bot.proc.wait(), within)


def _assert_no_token(text: str, token: str) -> None:
    assert token not in text
    assert token.split(":")[1] not in text


@pytest.mark.sqlite_only("about the process and Telegram; the database is beside the point")
async def test_a_rejected_token_exits_with_a_clear_message_and_no_token(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    wrong = fresh_token()
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, wrong, tmp_path / "db.sqlite3", log, level="DEBUG")
        await bot.start()
        status = await _exit_status(bot)
    text = log.read_text()
    assert status != 0
    assert "TELEGRAM_BOT_TOKEN" in text and "rejected" in text
    assert "Traceback" not in text
    _assert_no_token(text, wrong)


@pytest.mark.sqlite_only("about the process and Telegram; the database is beside the point")
async def test_bad_gateways_on_get_me_and_delete_webhook_are_waited_out(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        emu.fail("getMe", "bad_gateway", times=2)
        emu.fail("deleteWebhook", "bad_gateway", times=2)
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log)
        await bot.start()
        await _wait_ready(emu)
        person = Person(Bot(emu, None, None, None), 8101)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        assert len(emu.calls_of("getMe")) >= 3
        assert await bot.stop() == 0
    assert "retrying" in log.read_text()


@pytest.mark.sqlite_only("about the process and Telegram; the database is beside the point")
async def test_a_token_revoked_while_running_ends_the_process(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        token = emu.token
        bot = bot_process(emu.base_url, token, tmp_path / "db.sqlite3", log, level="DEBUG")
        await bot.start()
        await _wait_ready(emu)
        emu.token = fresh_token()  # BotFather: /revoke
        status = await _exit_status(bot)
    text = log.read_text()
    assert status != 0
    assert "rejected" in text and "TELEGRAM_BOT_TOKEN" in text
    _assert_no_token(text, token)


@pytest.mark.sqlite_only("a SQLite file opened read-only; PostgreSQL has no such file")
async def test_a_read_only_database_exits_with_a_clear_message(
    tmp_path: Path, bot_process: Any
) -> None:
    database = tmp_path / "coach.sqlite3"
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    await store.close()
    # Tests run as root, for whom a chmod'ed file is still writable: open it read-only.
    read_only = Path(f"file:{database}?mode=ro&uri=true")
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, read_only, log)
        await bot.start()
        status = await _exit_status(bot)
    text = log.read_text()
    assert status != 0
    assert "The database cannot be written" in text
    assert "Traceback" not in text


@pytest.mark.sqlite_only("a SQLite file's deleted directory; PostgreSQL has no such file")
async def test_a_deleted_database_directory_is_an_error_not_a_new_database(
    tmp_path: Path, bot_process: Any
) -> None:
    directory = tmp_path / "deployment"
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, directory / "coach.sqlite3", log)
        await bot.start()  # first start: the directory is made
        await _wait_ready(emu)
        assert await bot.stop() == 0
        shutil.rmtree(directory)  # a volume not mounted, a wrong cleanup
        await bot.start()
        status = await _exit_status(bot)
    text = log.read_text()
    assert status != 0
    assert "is missing" in text and str(directory / "coach.sqlite3") in text
    assert not directory.exists()


async def test_a_reminder_due_at_start_is_sent_on_the_first_tick_not_after_an_interval(
    tmp_path: Path, database_url: str, bot_process: Any
) -> None:
    # A check-in prompt ten minutes overdue, and ticks an hour apart: only a tick as the bot
    # starts sends it within the minute (the first used to wait a whole interval).
    now = datetime.now(UTC)
    zone = mid_morning(now)  # the rules send this prompt at whatever hour the test runs
    due = (now - timedelta(minutes=10)).astimezone(ZoneInfo(zone)).time()
    due = due.replace(second=0, microsecond=0)
    someone = Someone(6101, now - timedelta(days=3), zone, due, registered=True)
    store = await open_store(database_url)
    async with store.unit() as uow:
        await uow.people.add(someone)
        await uow.schedule.replace(someone.chat_id, wanted(someone, now - timedelta(hours=1)))
        await uow.commit()
    await store.close()
    async with BotApiEmulator(fresh_token()) as emu:
        emu.open_chat(someone.chat_id)
        bot = bot_process(
            emu.base_url, emu.token, database_url, tmp_path / "bot.log", DISPATCH_EVERY="3600"
        )
        await bot.start()
        prompt = await emu.wait_for(someone.chat_id, timeout=60)
        assert await bot.stop() == 0
    assert prompt.reply_markup is not None  # the check-in prompt's pain buttons
