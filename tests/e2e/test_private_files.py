"""People's health data stays the bot's own user's: the files the bot creates at start-up and
while it runs (the SQLite database, its -wal and -shm, the record of which file it uses) are
0600, however loose the umask it was started with."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from emulator import BotApiEmulator
from tests.e2e.conftest import Bot, Person
from tests.e2e.process import ROOT, fresh_token
from tests.e2e.test_restart import _wait_ready

pytestmark = pytest.mark.e2e


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only("file modes of a SQLite database; PostgreSQL keeps its own files")
async def test_the_database_and_its_journal_are_created_readable_by_the_bot_alone(
    tmp_path: Path, bot_process: Any
) -> None:
    database = tmp_path / "data" / "coach.sqlite3"
    before = os.umask(0o022)  # the usual login umask, inherited by the bot's process
    try:
        async with BotApiEmulator(fresh_token()) as emu:
            bot = bot_process(emu.base_url, emu.token, database, tmp_path / "bot.log")
            await bot.start()
            await _wait_ready(emu)
            person = Person(Bot(emu, None, None, None), 8301)  # type: ignore[arg-type]
            await person.say("/start")
            await person.expect("Do you agree")
            await person.press("I agree")  # a consent written: the journal is in use
            await person.expect("Which time zone")
            journal = [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]
            found = {path.name: mode(path) for path in [database, *journal] if path.exists()}
            record = ROOT / ".backcoach-database"
            record_mode = mode(record)
            assert await bot.stop() == 0
    finally:
        os.umask(before)
    assert found == {"coach.sqlite3": 0o600, "coach.sqlite3-wal": 0o600, "coach.sqlite3-shm": 0o600}
    assert record_mode == 0o600
