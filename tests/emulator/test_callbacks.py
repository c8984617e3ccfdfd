"""answerCallbackQuery as strict as Telegram: once per press, in time, a short toast."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest

from emulator import BotApiEmulator
from tests.emulator.conftest import USER

TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


async def press(emu: BotApiEmulator, bot: Bot) -> str:
    message = await bot.send_message(USER, "Rate your pain")
    update = emu.press_button(USER, message.message_id, "pain:3")
    return str(update["callback_query"]["id"])


async def test_a_query_is_answered_once(emu: BotApiEmulator, bot: Bot) -> None:
    query_id = await press(emu, bot)
    assert await bot.answer_callback_query(query_id, text="Saved")
    with pytest.raises(BadRequest, match=f"(?i){TOO_OLD}"):
        await bot.answer_callback_query(query_id, text="Saved again")
    assert [a.text for a in emu.answered_callbacks] == ["Saved"]


async def test_an_unknown_query_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=f"(?i){TOO_OLD}"):
        await bot.answer_callback_query("4242")


async def test_a_late_answer_is_refused() -> None:
    async with BotApiEmulator(callback_query_timeout=0.2) as emu:
        emu.send_text(USER, "hi")
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            query_id = await press(emu, bot)
            await asyncio.sleep(0.3)
            with pytest.raises(BadRequest, match=f"(?i){TOO_OLD}"):
                await bot.answer_callback_query(query_id)
    assert emu.answered_callbacks == []
    assert emu.calls_of("answerCallbackQuery")[0].outcome == f"400 Bad Request: {TOO_OLD}"


async def test_the_timeout_can_change_while_running(emu: BotApiEmulator, bot: Bot) -> None:
    assert emu.callback_query_timeout == 15.0  # generous by default
    in_time = await press(emu, bot)
    assert await bot.answer_callback_query(in_time)
    emu.callback_query_timeout = 0.0
    late = await press(emu, bot)
    with pytest.raises(BadRequest, match=f"(?i){TOO_OLD}"):
        await bot.answer_callback_query(late)


async def test_toast_text_is_at_most_200_characters(emu: BotApiEmulator, bot: Bot) -> None:
    query_id = await press(emu, bot)
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query_id, text="x" * 201, show_alert=True)
    assert emu.calls[-1].outcome == "400 Bad Request: MESSAGE_TOO_LONG"
    assert await bot.answer_callback_query(query_id, text="\N{GRINNING FACE}" * 200)
    assert emu.answered_callbacks[0].text == "\N{GRINNING FACE}" * 200
