"""At DEBUG logging, through a whole scenario and a failing request, the token is never logged."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conversations.render import REPLY_ATTEMPTS
from emulator import BotApiEmulator
from tests.e2e.conftest import Bot, Person
from tests.e2e.process import fresh_token
from tests.e2e.test_restart import _wait_ready

pytestmark = pytest.mark.e2e


@pytest.mark.sqlite_only("about what bot.py logs; the database is beside the point")
async def test_the_token_is_in_no_log_line_and_no_exception_text(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, level="DEBUG")
        await bot.start()
        await _wait_ready(emu)
        person = Person(Bot(emu, None, None, None), 8001)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        # A file that fails at the server: PTB raises, the error handler logs the traceback.
        emu.fail("sendDocument", "bad_gateway", chat_id=8001, times=5)
        await person.say("/export")
        await emu.wait_until(
            lambda: "handling an update failed" in log.read_text() or None,
            30,
            lambda: "the failure was never logged",
        )
        await bot.stop()
    text = log.read_text()
    assert "getUpdates" in text  # DEBUG output really was captured
    assert "Traceback" in text  # and an exception with its text
    assert "HTTP Request" in text  # and a line for each request to Telegram
    assert emu.token not in text
    assert emu.token.split(":")[1] not in text


@pytest.mark.sqlite_only("about what bot.py logs; the database is beside the point")
async def test_above_debug_no_typed_text_and_no_pain_value_is_logged(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, level="INFO")
        await bot.start()
        await _wait_ready(emu)
        person = Person(Bot(emu, None, None, None), 8002)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        await person.say("zanzibarquux")  # typed where a button was expected
        await person.onboard()
        # The rating's plan can't take the question's place, and the message sent instead
        # fails at the server until retries run out: logged, with why.
        emu.fail("editMessageText", "bad_gateway", chat_id=8002, times=REPLY_ATTEMPTS)
        emu.fail("sendMessage", "bad_gateway", chat_id=8002, times=8)
        await person.press("7")
        await emu.wait_until(
            lambda: "a reply was not delivered" in log.read_text() or None,
            30,
            lambda: "the failure was never logged",
        )
        await bot.stop()
    text = log.read_text()
    assert "could not edit a pressed message, sending instead: gave up: NetworkError" in text
    assert "a reply was not delivered (failed): gave up: NetworkError" in text
    assert "zanzibarquux" not in text
    assert not re.search(r"pain\D{0,30}\b7\b", text, re.IGNORECASE)
    assert "'pain'" not in text and '"pain"' not in text


@pytest.mark.sqlite_only("about what bot.py logs; the database is beside the point")
async def test_at_debug_no_typed_text_pain_value_or_first_name_is_logged(
    tmp_path: Path, bot_process: Any
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, level="DEBUG")
        await bot.start()
        await _wait_ready(emu)
        person = Person(Bot(emu, None, None, None), 8003)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        await person.say("zanzibarquux")  # typed where a button was expected
        await person.onboard()
        await person.say("/checkin")
        await person.expect("How does your back feel")
        await person.press("7")
        await person.expect("Today's plan")
        # An answer cut short: PTB would log it whole (the plan, the person's name).
        emu.fail("sendMessage", "truncate", chat_id=8003)
        await person.say("/help")
        await emu.wait_until(
            lambda: "could not be read" in log.read_text() or None,
            30,
            lambda: "the unreadable answer was never logged",
        )
        await bot.stop()
    text = log.read_text()
    assert "HTTP Request: POST sendMessage" in text  # DEBUG output really was captured
    first_name = emu.users[8003].first_name  # as Telegram sends it in every update
    assert first_name and first_name not in text
    assert "zanzibarquux" not in text
    assert not re.search(r"pain\D{0,30}\b7\b", text, re.IGNORECASE)
    assert "'pain'" not in text and '"pain"' not in text
    assert "Today's plan" not in text and "this list" not in text
    assert "Traceback" not in text
    assert "apscheduler" not in text  # its two lines a tick are kept quiet
