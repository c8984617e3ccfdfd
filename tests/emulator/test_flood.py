"""Flood control: token buckets per chat and per bot, answered with Telegram's 429."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from emulator import BotApiEmulator
from tests.emulator.conftest import USER

OTHER = 2002
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")


def too_many(seconds: int) -> dict[str, Any]:
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


async def send(client: httpx.AsyncClient, emu: BotApiEmulator, chat_id: int) -> tuple[int, Any]:
    url = f"{emu.base_url}{emu.token}/sendMessage"
    response = await client.post(url, json={"chat_id": chat_id, "text": "x"})
    return response.status_code, response.json()


async def test_defaults_allow_a_burst_of_20_to_one_chat(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")
    async with httpx.AsyncClient() as client:
        for _ in range(20):
            assert (await send(client, emu, USER))[0] == 200
        assert await send(client, emu, USER) == (429, too_many(1))
    assert len(emu.sent(USER)) == 20
    assert emu.calls[-1].outcome == "429 Too Many Requests: retry after 1 (flood control)"


async def test_per_chat_bucket_refills_and_other_chats_are_separate() -> None:
    async with BotApiEmulator(chat_burst=2, chat_rate=5.0) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        emu.send_text(OTHER, "hi")
        assert [(await send(client, emu, USER))[0] for _ in range(3)] == [200, 200, 429]
        assert (await send(client, emu, OTHER))[0] == 200
        await asyncio.sleep(0.25)  # one token back at 5 per second
        assert [(await send(client, emu, USER))[0] for _ in range(2)] == [200, 429]


async def test_retry_after_counts_whole_seconds_until_a_token() -> None:
    async with BotApiEmulator(chat_burst=1, chat_rate=0.25) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        await send(client, emu, USER)
        assert await send(client, emu, USER) == (429, too_many(4))


async def test_global_bucket_limits_all_chats_together() -> None:
    async with (
        BotApiEmulator(global_burst=3, global_rate=1.0) as emu,
        httpx.AsyncClient() as client,
    ):
        for chat in (1, 2, 3, 4):
            emu.send_text(chat, "hi")
        assert [(await send(client, emu, chat))[0] for chat in (1, 2, 3, 4)] == [200] * 3 + [429]


async def test_edits_and_files_count_but_answers_and_polls_do_not() -> None:
    emulator = BotApiEmulator(chat_burst=2, person_action_seconds=0)
    async with emulator as emu, Bot(emu.token, base_url=emu.base_url) as bot:
        emu.send_text(USER, "hi")
        message = await bot.send_message(USER, "one")
        for _ in range(3):
            update = emu.press_button(USER, message.message_id, "x")
            assert await bot.answer_callback_query(update["callback_query"]["id"])
            await bot.get_updates(offset=-1)
            await bot.send_chat_action(USER, "typing")
        await bot.edit_message_text("two", USER, message.message_id)
        with pytest.raises(RetryAfter) as raised:
            await bot.send_document(USER, b"data", filename="a.txt")
    assert raised.value.retry_after == 1


async def test_flood_control_can_be_switched_off() -> None:
    async with BotApiEmulator(flood_control=False) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        assert {(await send(client, emu, USER))[0] for _ in range(40)} == {200}
    async with BotApiEmulator(chat_burst=1) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        assert [(await send(client, emu, USER))[0] for _ in range(2)] == [200, 429]
        emu.flood.enabled = False  # at run time too
        assert (await send(client, emu, USER))[0] == 200
        emu.flood.enabled = True
        emu.flood.reset()  # full buckets again
        assert (await send(client, emu, USER))[0] == 200


async def test_each_person_action_credits_their_think_time() -> None:
    """Tests act at once; a press or a message counts as person_action_seconds (default 2)."""
    async with BotApiEmulator(chat_burst=3, chat_rate=1.0) as emu, httpx.AsyncClient() as client:
        emu.send_text(USER, "hi")
        assert [(await send(client, emu, USER))[0] for _ in range(4)] == [200] * 3 + [429]
        emu.press_button(USER, emu.sent(USER)[0].message_id, "x")
        assert [(await send(client, emu, USER))[0] for _ in range(3)] == [200, 200, 429]
        emu.send_text(USER, "a"), emu.send_text(USER, "b"), emu.send_text(USER, "c")
        assert [(await send(client, emu, USER))[0] for _ in range(4)] == [200] * 3 + [429]
        emu.flood.person_action_seconds = 0
        emu.send_text(USER, "no credit now")
        assert (await send(client, emu, USER))[0] == 429
