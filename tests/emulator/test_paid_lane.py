"""The limiter's paid lane against the emulator: paid broadcasts carry allow_paid_broadcast
and keep to their own rate while the free lanes keep theirs; nothing else ever pays; a Stars
balance that runs out closes the lane and what was refused goes free, once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client import generate_latest
from telegram.ext import ExtBot

from conversations.limiter import (
    BACKGROUND,
    INTERACTIVE,
    PAID,
    LaneLimiter,
    in_background,
    in_paid_lane,
    paid_rate,
)
from conversations.metrics import Metrics
from emulator import BotApiEmulator
from emulator.models import ApiCall
from tests.emulator.test_lane_limiter import busiest_window, sends

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")

CHATS = 80


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """Telegram with flood control on (paid ones have their bucket of 1,000 a second)."""
    async with BotApiEmulator() as emulator:
        for chat_id in range(1, CHATS + 1):
            emulator.open_chat(chat_id)
        yield emulator


def paid(call: ApiCall) -> bool:
    return str(call.params.get("allow_paid_broadcast")).lower() == "true"


def bot_with(emu: BotApiEmulator, **limits: Any) -> ExtBot[Any]:
    return ExtBot(emu.token, base_url=emu.base_url, rate_limiter=LaneLimiter(**limits))


async def test_paid_and_free_lanes_each_keep_their_rate_and_only_paid_ones_carry_the_flag(
    emu: BotApiEmulator,
) -> None:
    free, paid_limit = 6, 20  # the background lane may take 5 of the free 6
    async with bot_with(emu, overall_max_rate=free, paid_max_rate=paid_limit) as bot:
        assert in_paid_lane(bot) == {"rate_limit_args": PAID, "allow_paid_broadcast": True}
        started = asyncio.get_running_loop().time()
        await asyncio.gather(
            *(bot.send_message(c, f"paid {c}", **in_paid_lane(bot)) for c in range(1, 51)),
            *(bot.send_message(c, f"free {c}", **in_background(bot)) for c in range(51, 61)),
            *(bot.send_message(c, f"reply {c}") for c in range(61, 66)),
        )
        took = asyncio.get_running_loop().time() - started
        assert bot.rate_limiter.paid_sent == 50  # type: ignore[union-attr]
    calls = sends(emu)
    assert len(calls) == 65 and all(call.outcome.startswith("ok") for call in calls)
    paid_calls = [c for c in calls if paid(c)]
    assert sorted(str(c.params["text"]) for c in paid_calls) == sorted(
        f"paid {c}" for c in range(1, 51)
    )
    assert emu.paid.sent == 50
    assert busiest_window(paid_calls) <= paid_limit
    assert busiest_window([c for c in calls if not paid(c)]) <= free
    # The paid ones went beside the free ones, not after them: 50 at 20 a second.
    assert took < 4.5, took


async def test_replies_and_free_reminders_never_pay_whatever_they_ask(
    emu: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_with(emu, paid_max_rate=10) as bot:
        with caplog.at_level(logging.WARNING, logger="conversations.limiter"):
            await bot.send_message(1, "reply", allow_paid_broadcast=True)
            await bot.send_message(2, "free", allow_paid_broadcast=True, rate_limit_args=BACKGROUND)
            await bot.send_message(3, "reply", rate_limit_args=INTERACTIVE)
    assert [paid(call) for call in sends(emu)] == [False, False, False]
    assert emu.paid.sent == 0
    assert sum("asked to be paid" in r.message for r in caplog.records) == 2


async def test_without_a_paid_rate_there_is_no_paid_lane(emu: BotApiEmulator) -> None:
    async with bot_with(emu) as bot:
        assert paid_rate(bot) == 0
        assert in_paid_lane(bot) == in_background(bot)
        await bot.send_message(1, "reminder", rate_limit_args=PAID, allow_paid_broadcast=True)
    assert [paid(call) for call in sends(emu)] == [False]
    with pytest.raises(ValueError, match="1,000"):
        LaneLimiter(paid_max_rate=1001)


async def test_a_spent_balance_closes_the_lane_once_and_every_message_goes_once(
    emu: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.paid.balance = 1.0  # ten paid messages
    metrics = Metrics()
    async with bot_with(emu, paid_max_rate=20) as bot:
        metrics.watch_limiter(bot.rate_limiter)
        assert "backcoach_paid_broadcasts_open 1.0" in generate_latest(metrics.registry).decode()
        assert paid_rate(bot) == 20
        with caplog.at_level(logging.WARNING, logger="conversations.limiter"):
            await asyncio.gather(
                *(bot.send_message(c, f"reminder {c}", **in_paid_lane(bot)) for c in range(1, 41))
            )
        assert paid_rate(bot) == 0 and in_paid_lane(bot) == in_background(bot)
    calls = sends(emu)
    refused = [c for c in calls if "BALANCE_TOO_LOW" in c.outcome]
    assert refused and all(paid(c) for c in refused)
    assert emu.paid.sent == 10 and emu.paid.balance == 0
    for chat in range(1, 41):  # each reminder delivered exactly once
        assert [m.text for m in emu.sent(chat)] == [f"reminder {chat}"]
    delivered = [c for c in calls if c.outcome.startswith("ok")]
    assert sum(paid(c) for c in delivered) == 10 and len(delivered) == 40
    closed = [r for r in caplog.records if "Stars balance is too low" in r.message]
    assert len(closed) == 1
    scraped = generate_latest(metrics.registry).decode()
    assert "backcoach_paid_broadcasts_total 10.0" in scraped
    assert "backcoach_paid_broadcasts_open 0.0" in scraped
