"""Fair under load, end to end: a person's reply goes before a broadcast of reminders queued
earlier, and one person with a hundred queued updates holds up nobody else.

Telegram's own flood control is off in the emulator here: the bot's rate limiter alone
sets the pace, and one person's hundred replies would otherwise earn a 429 that pauses
every send (which is right, but another story).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bootstrap import build_application
from coach.program import default_program
from conversations.limiter import BACKGROUND
from emulator import BotApiEmulator
from services.clock import ManualClock
from storage.unit_of_work import open_store
from tests.e2e.conftest import TIMEOUT, Bot, Person

pytestmark = pytest.mark.e2e

RATE = 10  # requests with a chat per second, both lanes: small, so a broadcast queues
REMINDERS = 50
UPDATES = 100
SLOTS = 64  # PerPersonProcessor's default


async def running(database_url: str, rate: int) -> AsyncIterator[Bot]:
    async with BotApiEmulator(flood_control=False) as emu:
        store = await open_store(database_url)
        clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            clock,
            default_program(),
            rate_limit_per_second=rate,
            poll_timeout=1,
            dispatch_every=None,
        )
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield Bot(emu, store, clock, app)
            finally:
                await app.updater.stop()
                await app.stop()
        await store.close()


@pytest.fixture
async def slow_bot(database_url: str) -> AsyncIterator[Bot]:
    """The bot at ``RATE`` requests a second."""
    async for bot in running(database_url, RATE):
        yield bot


@pytest.fixture
async def full_speed_bot(database_url: str) -> AsyncIterator[Bot]:
    """The bot at Telegram's 30 requests a second."""
    async for bot in running(database_url, 30):
        yield bot


def reminders_sent(bot: Bot) -> int:
    return sum(
        str(call.params.get("text")).startswith("reminder ")
        for call in bot.emu.calls_of("sendMessage")
    )


async def test_a_reply_goes_before_a_broadcast_queued_before_it(slow_bot: Bot) -> None:
    bot, person = slow_bot, Person(slow_bot, 9001)
    for chat_id in range(1, REMINDERS + 1):
        bot.emu.open_chat(chat_id)
    broadcast = [
        asyncio.create_task(
            bot.app.bot.send_message(chat_id, f"reminder {chat_id}", rate_limit_args=BACKGROUND)
        )
        for chat_id in range(1, REMINDERS + 1)
    ]
    await bot.emu.wait_until(lambda: reminders_sent(bot) >= RATE or None, TIMEOUT)
    await person.say("/help")
    await person.expect("this list")
    # In one queue the reply would come after all fifty; in its own lane it takes the next
    # free slot, whatever number of reminders still wait.
    assert reminders_sent(bot) < REMINDERS - RATE
    await asyncio.gather(*broadcast)
    assert reminders_sent(bot) == REMINDERS


async def test_one_busy_person_holds_up_no_one_else(full_speed_bot: Bot) -> None:
    bot = full_speed_bot
    busy, other = Person(bot, 9101), Person(bot, 9102)
    answers = {
        "/help": "this list",
        "/privacy": "I store only what coaching needs",
        "/nope": "I don't know that command",
    }
    asked = random.Random(14).choices(list(answers), k=UPDATES)
    for command in asked:
        bot.emu.send_text(busy.user_id, command)
    await other.say("/help")
    await other.expect("this list")
    out_before = len(busy.messages())
    await bot.emu.wait_until(lambda: len(busy.messages()) >= UPDATES or None, 3 * TIMEOUT)
    # With the person's turn awaited inside one of the 64 slots, the busy person's queued
    # updates held them all: the other person waited for at least 100 - 64 of them.
    assert out_before < UPDATES - SLOTS, out_before
    replies = [m.text or "" for m in busy.messages()]
    assert len(replies) == UPDATES
    # In the order asked: each reply answers the command in the same place.
    assert [next(c for c, a in answers.items() if a in reply) for reply in replies] == asked
    # Nothing is kept for people once their updates are done.
    processor = bot.app.update_processor
    await bot.emu.wait_until(lambda: processor.people == 0 or None, TIMEOUT)
    assert processor.current_concurrent_updates == 0
    assert bot.app.concurrent_updates == SLOTS
