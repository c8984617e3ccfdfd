"""Paid broadcasts in the emulator: outside the free global bucket, up to their own rate,
billed 0.1 Star each to a balance that, once spent, answers Telegram's BALANCE_TOO_LOW."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from emulator import BotApiEmulator

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")


async def send(client: httpx.AsyncClient, emu: BotApiEmulator, chat: int, **extra: Any) -> int:
    url = f"{emu.base_url}{emu.token}/sendMessage"
    response = await client.post(url, json={"chat_id": chat, "text": "x", **extra})
    return response.status_code


async def test_paid_messages_pass_when_the_free_bucket_is_empty_and_are_counted() -> None:
    async with (
        BotApiEmulator(global_burst=3, global_rate=0.001) as emu,
        httpx.AsyncClient() as client,
    ):
        for chat in range(1, 9):
            emu.open_chat(chat)
        assert [await send(client, emu, chat) for chat in (1, 2, 3, 4)] == [200, 200, 200, 429]
        paid = [await send(client, emu, chat, allow_paid_broadcast=True) for chat in (5, 6, 7)]
        assert paid == [200, 200, 200]
        assert emu.paid.sent == 3
        assert [call.outcome for call in emu.calls[-3:]] == ["ok, paid"] * 3
        assert await send(client, emu, 8) == 429  # paid ones gave the free bucket nothing


async def test_paid_messages_have_a_bucket_of_their_own_and_each_chat_its_own_limit() -> None:
    async with (
        BotApiEmulator(paid_burst=2, paid_rate=0.001, chat_burst=1, chat_rate=0.001) as emu,
        httpx.AsyncClient() as client,
    ):
        for chat in range(1, 5):
            emu.open_chat(chat)
        paid = [await send(client, emu, chat, allow_paid_broadcast=True) for chat in (1, 2, 3)]
        assert paid == [200, 200, 429]
        assert "(flood control)" in emu.calls[-1].outcome
        assert await send(client, emu, 4) == 200  # the free bucket is untouched
        # A chat's own limit holds whoever pays: chat 1 had its one message.
        assert await send(client, emu, 1) == 429
        assert emu.paid.sent == 2


async def test_a_spent_balance_refuses_paid_messages_with_telegrams_error() -> None:
    async with BotApiEmulator(stars_balance=0.2) as emu:
        for chat in (1, 2, 3):
            emu.open_chat(chat)
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            for chat in (1, 2):
                await bot.send_message(chat, "paid", allow_paid_broadcast=True)
            assert emu.paid.balance == 0
            with pytest.raises(BadRequest, match=r"(?i)balance_too_low"):
                await bot.send_message(3, "paid", allow_paid_broadcast=True)
            free = await bot.send_message(3, "free")  # free messages never need Stars
        assert emu.calls[-2].outcome == "400 Bad Request: BALANCE_TOO_LOW (paid broadcast)"
        assert emu.paid.sent == 2
        assert [m.text for m in emu.sent(3)] == ["free"] and free.text == "free"


async def test_a_refused_paid_message_is_not_billed() -> None:
    async with BotApiEmulator(stars_balance=1) as emu, httpx.AsyncClient() as client:
        emu.open_chat(1)
        assert await send(client, emu, 999, allow_paid_broadcast=True) == 400  # no such chat
        assert emu.paid.balance == 1 and emu.paid.sent == 0
        assert await send(client, emu, 1, allow_paid_broadcast=True) == 200
        assert emu.paid.balance == 0.9 and emu.paid.sent == 1


async def test_without_a_balance_paid_messages_never_run_out() -> None:
    async with BotApiEmulator() as emu, httpx.AsyncClient() as client:
        emu.open_chat(1)
        emu.flood.enabled = False
        assert [await send(client, emu, 1, allow_paid_broadcast=True) for _ in range(30)] == [
            200
        ] * 30
        assert emu.paid.balance is None and emu.paid.sent == 30
