"""A chat action ("sending a photo…") is a hint: it waits in the rate limiter's background
lane, so a reply to someone never waits behind it when the window is full."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram.constants import ChatAction
from telegram.ext import ExtBot

from conversations.chat_action import showing
from conversations.limiter import LaneLimiter
from emulator import BotApiEmulator

PERIOD = 1.0


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """Telegram with its own flood control off: the limiter alone sets the pace."""
    async with BotApiEmulator(flood_control=False) as emulator:
        for chat_id in range(1, 20):
            emulator.open_chat(chat_id)
        emulator.calls.clear()
        yield emulator


async def test_a_reply_goes_before_a_chat_action_waiting_for_the_same_window(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=5, overall_time_period=PERIOD, reserve=1)
    async with ExtBot(emu.token, base_url=emu.base_url, rate_limiter=limiter) as bot:
        # The window is full: five replies have just gone.
        await asyncio.gather(*(bot.send_message(c, f"reply {c}") for c in range(1, 6)))
        drawing = asyncio.Event()

        async def draw() -> None:
            async with showing(bot, 6, ChatAction.UPLOAD_PHOTO):
                await drawing.wait()

        hint = asyncio.create_task(draw())
        await asyncio.sleep(0.05)  # the chat action queues first
        await bot.send_message(7, "a reply to someone else")
        await emu.wait_until(lambda: emu.calls_of("sendChatAction") or None, 10)
        drawing.set()
        await hint
    order = [c.method for c in emu.calls if c.method in ("sendMessage", "sendChatAction")]
    assert order[5:] == ["sendMessage", "sendChatAction"], order
