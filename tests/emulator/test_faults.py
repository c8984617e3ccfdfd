"""Scripted faults, as PTB's real Bot experiences them."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from emulator import BotApiEmulator, FaultKind
from tests.emulator.conftest import USER

OTHER = 2002
# PTB 22 warns that RetryAfter.retry_after will become a timedelta; not this package's concern.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")


async def test_retry_after(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail("sendMessage", FaultKind.RETRY_AFTER, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "reminder")
    assert raised.value.retry_after == 7
    assert emu.sent(USER) == []
    assert emu.calls[-1].outcome == "429 Too Many Requests: retry after 7 (scripted)"
    await bot.send_message(USER, "reminder")  # the fault is used up
    assert [m.text for m in emu.sent(USER)] == ["reminder"]


async def test_bad_gateway_several_times(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail("sendMessage", "bad_gateway", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "x")
    assert emu.sent(USER) == []
    assert emu.faults.pending == []
    await bot.send_message(USER, "x")


async def test_refused_call_is_not_processed(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail("sendMessage", FaultKind.REFUSE)
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(USER, "x")
    assert not isinstance(raised.value, TimedOut)
    assert emu.sent(USER) == []
    assert emu.calls[-1].outcome.startswith("refused")
    assert (await bot.send_message(USER, "x")).text == "x"  # PTB reconnects


async def test_dropped_after_send_is_delivered_but_unanswered(
    emu: BotApiEmulator, bot: Bot
) -> None:
    emu.fail("sendMessage", FaultKind.DROP_AFTER_SEND)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "bar hang time")
    assert [m.text for m in emu.sent(USER)] == ["bar hang time"]
    assert emu.calls[-1].outcome == "ok, connection dropped"


async def test_delay_makes_ptb_time_out_after_delivery(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail("sendMessage", FaultKind.DELAY, delay=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.1)
    assert [m.text for m in emu.sent(USER)] == ["slow"]


async def test_faults_can_target_one_chat(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(OTHER, "hi")
    emu.fail("sendMessage", FaultKind.RETRY_AFTER, chat_id=OTHER, retry_after=3)
    await bot.send_message(USER, "not this chat")
    await bot.send_chat_action(OTHER, "typing")  # not this method
    with pytest.raises(RetryAfter):
        await bot.send_message(OTHER, "this one")
    assert [m.text for m in emu.sent(USER)] == ["not this chat"]


async def test_faults_are_taken_in_order(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail("sendMessage", FaultKind.RETRY_AFTER)
    emu.fail("sendMessage", FaultKind.BAD_GATEWAY)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "1")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "2")
    with pytest.raises(ValueError):
        emu.fail("sendMessage", "no_such_kind")


async def test_blocked_chat_is_forbidden_until_unblocked(emu: BotApiEmulator, bot: Bot) -> None:
    emu.block_chat(USER, notify=False)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER, "x")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    emu.unblock_chat(USER, notify=False)
    await bot.send_message(USER, "x")
    emu.send_text(USER, "/start", chat_type="group", chat_id=-5)
    emu.block_chat(-5)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(-5, "x")
