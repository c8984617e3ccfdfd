"""The two-lane rate limiter against the emulator: replies before reminders, and never more
than the limit in any sliding second, as Telegram counts it (when a call arrives)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from prometheus_client import generate_latest
from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from conversations.chat_action import showing
from conversations.limiter import (
    BACKGROUND,
    FILE,
    HINT,
    INTERACTIVE,
    LaneLimiter,
    as_file,
    as_hint,
    in_background,
)
from conversations.metrics import Metrics
from emulator import BotApiEmulator
from emulator.models import ApiCall

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")

GROUP = -4200
PERIOD = 1.0


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """Telegram with its own flood control off: the limiter alone sets the pace."""
    async with BotApiEmulator(flood_control=False) as emulator:
        for chat_id in range(1, 41):
            emulator.open_chat(chat_id)
        emulator.send_text(1, "hi", chat_type="group", chat_id=GROUP)
        emulator.calls.clear()
        yield emulator


def limited_bot(emu: BotApiEmulator, limiter: LaneLimiter) -> ExtBot[Any]:
    return ExtBot(emu.token, base_url=emu.base_url, rate_limiter=limiter)


def sends(emu: BotApiEmulator) -> list[ApiCall]:
    """sendMessage calls in the order they arrived."""
    return emu.calls_of("sendMessage")


def texts(calls: Iterable[ApiCall]) -> list[str]:
    return [str(call.params["text"]) for call in calls]


def busiest_window(calls: list[ApiCall], period: float = PERIOD) -> int:
    """The most calls that arrived within one sliding ``period`` (half-open)."""
    times = sorted(call.at for call in calls)
    return max((sum(start <= t < start + period for t in times) for start in times), default=0)


async def arrived(emu: BotApiEmulator, count: int) -> None:
    await emu.wait_until(lambda: len(sends(emu)) >= count or None, 10)


async def test_a_reply_goes_before_reminders_queued_before_it(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=5, overall_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        reminders = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 16)
        ]
        await arrived(emu, 5)  # the first second's share is out, ten reminders wait
        replies = [asyncio.create_task(bot.send_message(c, f"reply {c}")) for c in (21, 22, 23)]
        await asyncio.gather(*reminders, *replies)
    order = texts(sends(emu))
    assert len(order) == 18
    assert all(text.startswith("reminder") for text in order[:5])
    # The replies take the next second's slots, ahead of the ten reminders still waiting.
    assert max(order.index(f"reply {c}") for c in (21, 22, 23)) < 10, order
    # Every reminder but the first waited: for a slot, or for its turn in the spacing.
    assert limiter.waits[BACKGROUND].waited == 14
    assert limiter.waits[INTERACTIVE].waited == 3
    assert limiter.waits[INTERACTIVE].seconds < limiter.waits[BACKGROUND].seconds
    assert limiter.queued(BACKGROUND) == limiter.queued(INTERACTIVE) == 0


async def test_reminders_leave_a_reserve_so_a_reply_never_waits(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=6, overall_time_period=PERIOD, reserve=2)
    async with limited_bot(emu, limiter) as bot:
        reminders = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 13)
        ]
        await arrived(emu, 4)  # the background lane's share of the first second
        await asyncio.sleep(0.2)
        assert len(sends(emu)) == 4  # two slots stay free although reminders wait
        replies = [asyncio.create_task(bot.send_message(c, f"reply {c}")) for c in (21, 22)]
        await asyncio.gather(*replies)
        # Neither waited for a reminder's slot to age out (a second): the second only for
        # the spacing between grants (a sixth of a second here).
        assert limiter.waits[INTERACTIVE].seconds < 0.5
        await asyncio.gather(*reminders)
    calls = sends(emu)
    assert texts(calls)[4:6] == ["reply 21", "reply 22"]
    assert busiest_window(calls) <= 6
    with pytest.raises(ValueError):
        LaneLimiter(overall_max_rate=3, reserve=3)


async def test_replies_take_turns_by_chat_so_a_busy_chat_holds_up_no_one(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=5, overall_time_period=PERIOD, reserve=0)
    async with limited_bot(emu, limiter) as bot:
        busy = [asyncio.create_task(bot.send_message(1, f"busy {n}")) for n in range(15)]
        await arrived(emu, 5)  # the first second's five are out, ten of chat 1 wait
        others = [asyncio.create_task(bot.send_message(c, f"other {c}")) for c in (2, 3)]
        await asyncio.gather(*busy, *others)
    order = texts(sends(emu))
    # Chat 1 and the others alternate: theirs go in the next second, not after all ten.
    assert {order.index("other 2"), order.index("other 3")} <= set(range(5, 10)), order
    assert sum(t.startswith("busy") for t in order) == 15


async def test_no_sliding_second_holds_more_than_the_limit(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=4, overall_time_period=PERIOD)
    # Some answers come late: a slot stays taken until its answer is in.
    emu.fail("sendMessage", "delay", times=3, delay=0.3)
    async with limited_bot(emu, limiter) as bot:
        background = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 11)
        ]
        replies = []
        for c in range(21, 27):
            replies.append(asyncio.create_task(bot.send_message(c, f"reply {c}")))
            await asyncio.sleep(0.25)
        await asyncio.gather(*background, *replies)
    calls = sends(emu)
    assert len(calls) == 16
    assert all(call.outcome.startswith("ok") for call in calls)
    assert busiest_window(calls) <= 4


async def test_a_retry_after_pauses_every_send_and_retries(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=30, max_retries=2)
    emu.fail("sendMessage", "retry_after", chat_id=1, retry_after=1)
    async with limited_bot(emu, limiter) as bot:
        first = asyncio.create_task(bot.send_message(1, "reply 1"))
        await arrived(emu, 1)  # refused with "retry after 1"
        await asyncio.sleep(0.05)
        await bot.send_message(2, "reply 2")
        await first
    refused, *rest = sends(emu)
    assert "429" in refused.outcome
    assert sorted(texts(rest)) == ["reply 1", "reply 2"]
    assert all(call.at - refused.at >= 1.0 for call in rest)


async def test_a_retry_after_beyond_the_retries_reaches_the_caller(emu: BotApiEmulator) -> None:
    emu.fail("sendMessage", "retry_after", chat_id=1, retry_after=1)
    async with limited_bot(emu, LaneLimiter(max_retries=0)) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "reply 1")


async def test_requests_without_a_chat_do_not_wait_for_a_slot(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=1, overall_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        queued = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 4)
        ]
        await arrived(emu, 1)
        await bot.get_me()  # no chat_id, like answerCallbackQuery
        assert len(sends(emu)) == 1  # answered while the other two still wait
        await asyncio.gather(*queued)


async def test_a_group_gets_its_share_per_minute_and_holds_up_no_one_else(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(group_max_rate=2, group_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        group = [asyncio.create_task(bot.send_message(GROUP, f"group {n}")) for n in range(1, 5)]
        await arrived(emu, 2)
        await bot.send_message(1, "reply 1")
        await asyncio.gather(*group)
    calls = sends(emu)
    in_group = [call for call in calls if int(call.params["chat_id"]) == GROUP]
    assert texts(calls)[2] == "reply 1"  # not behind the group's third message
    assert texts(in_group) == ["group 1", "group 2", "group 3", "group 4"]
    assert busiest_window(in_group) <= 2


async def test_background_arguments_only_where_a_limiter_takes_them(emu: BotApiEmulator) -> None:
    async with limited_bot(emu, LaneLimiter()) as bot:
        await bot.send_message(1, "reminder", **in_background(bot))
        assert in_background(bot) == {"rate_limit_args": BACKGROUND}
    async with ExtBot(emu.token, base_url=emu.base_url) as unlimited:
        await unlimited.send_message(2, "reminder", **in_background(unlimited))
    async with Bot(emu.token, base_url=emu.base_url) as plain:
        await plain.send_message(3, "reminder", **in_background(plain))
    assert texts(sends(emu)) == ["reminder"] * 3


async def test_grants_are_spread_so_a_late_reply_waits_a_slot_not_a_second(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, reserve=0)
    async with limited_bot(emu, limiter) as bot:
        busy = [
            asyncio.create_task(bot.send_message(c, f"busy {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 31)
        ]
        await arrived(emu, 12)  # the window has filled and is refilling
        started = asyncio.get_running_loop().time()
        await bot.send_message(2, "other")
        waited = asyncio.get_running_loop().time() - started
        await asyncio.gather(*busy)
    stamps = sorted(call.at for call in sends(emu))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    # Spread: never ten at once and then nothing for most of a second.
    assert max(gaps) < 0.5 and busiest_window(sends(emu)) <= 10
    assert waited < 0.35  # the next slot, ahead of the reminders, not a second


async def test_a_chat_over_its_share_leaves_the_rest_of_the_window_to_others(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, chat_share=3)
    async with limited_bot(emu, limiter) as bot:
        busy = [asyncio.create_task(bot.send_message(1, f"busy {n}")) for n in range(12)]
        await arrived(emu, 3)  # its share is out; the rest of chat 1 waits for it to free
        await asyncio.sleep(0.1)
        assert len(sends(emu)) == 3
        started = asyncio.get_running_loop().time()
        await asyncio.gather(*(bot.send_message(c, f"other {c}") for c in (2, 3, 4)))
        waited = asyncio.get_running_loop().time() - started
        await asyncio.gather(*busy)
    calls = sends(emu)
    assert waited < 0.3  # the others went at once, not after chat 1's queue
    assert texts(calls)[3:6] == ["other 2", "other 3", "other 4"]
    # Chat 1 never held more than its share of any sliding second, and was served in order:
    # three at a time, as its slots freed (the three granted at one instant race each
    # other over HTTP, so within a three the arrival order is the network's).
    assert busiest_window([c for c in calls if c.params["chat_id"] in (1, "1")]) <= 3
    busy = [t for t in texts(calls) if t.startswith("busy")]
    assert [set(busy[k : k + 3]) for k in range(0, 12, 3)] == [
        {f"busy {n}" for n in range(k, k + 3)} for k in range(0, 12, 3)
    ]
    with pytest.raises(ValueError):
        LaneLimiter(overall_max_rate=5, chat_share=6)


async def test_presses_that_pick_up_during_a_broadcast_find_room_at_once(
    emu: BotApiEmulator,
) -> None:
    # A broadcast is under way when people start pressing, 7 a second (of the window's 10):
    # the reminders stop at the first replies instead of filling the window with
    # slots the next second's replies need (they would wait for them to age out).
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, reserve=2)
    async with limited_bot(emu, limiter) as bot:
        reminders = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 21)
        ]
        await arrived(emu, 3)
        loop = asyncio.get_running_loop()
        begin, waits = loop.time(), []
        for n in range(12):
            await asyncio.sleep(max(0.0, begin + n / 7 - loop.time()))
            started = loop.time()
            await bot.send_message(21 + n, f"reply {n}")
            waits.append(loop.time() - started)
        for task in reminders:
            task.cancel()
        await asyncio.gather(*reminders, return_exceptions=True)
    # Before, the reminders went on while the first replies left room, and from the sixth
    # reply on some waited up to a fifth of a second for a reminder's slot to age out.
    # What the limiter did, not the wall clock (a loaded machine slows every round trip):
    # no reply was held back for a slot.
    assert limiter.waits[INTERACTIVE].waited == 0, waits
    assert busiest_window(sends(emu)) <= 10


# Hints (chat actions): at once with a slot to spare, else dropped -----------------------


def hints(emu: BotApiEmulator) -> list[ApiCall]:
    return emu.calls_of("sendChatAction")


async def test_a_hint_goes_at_once_in_a_quiet_window_before_the_reply(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=5, overall_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        assert await bot.send_chat_action(1, ChatAction.UPLOAD_PHOTO, **as_hint(bot)) is True
        await bot.send_message(1, "your chart")
    assert len(hints(emu)) == 1 and hints(emu)[0].at <= sends(emu)[0].at
    assert limiter.hints_dropped == 0
    assert limiter.waits[HINT].waited == 0


async def test_hints_at_once_leave_the_replies_reserve_and_the_rest_are_dropped(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, reserve=3)
    async with limited_bot(emu, limiter) as bot:
        shown = await asyncio.gather(
            *(bot.send_chat_action(c, ChatAction.TYPING, **as_hint(bot)) for c in range(1, 13))
        )
        # Ten slots a second, three kept for replies: seven hints go, five are dropped.
        assert shown.count(True) == 7 and shown.count(False) == 5
        assert limiter.hints_dropped == 5
        metrics = Metrics()
        metrics.watch_limiter(limiter)
        assert "backcoach_hints_dropped_total 5.0" in generate_latest(metrics.registry).decode()
        replies = [bot.send_message(c, f"reply {c}") for c in (21, 22, 23)]
        await asyncio.gather(*replies)
    # The replies found their slots free: none waited for a hint's to age out.
    assert limiter.waits[INTERACTIVE].waited == 0
    assert len(hints(emu)) == 7
    assert busiest_window([*hints(emu), *sends(emu)]) <= 10


async def test_a_hint_is_dropped_while_replies_need_the_window(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, reserve=2)
    async with limited_bot(emu, limiter) as bot:
        # Replies at six a period: with six more expected, a hint would leave them no room.
        await asyncio.gather(*(bot.send_message(c, f"reply {c}") for c in range(1, 7)))
        assert await bot.send_chat_action(7, ChatAction.TYPING, **as_hint(bot)) is False
    assert hints(emu) == []
    assert limiter.hints_dropped == 1
    # A chat over its share gets no hint either, once the window is quiet again.
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, chat_share=1)
    async with limited_bot(emu, limiter) as bot:
        await bot.send_message(30, "reply")
        await asyncio.sleep(PERIOD / 4 + 0.05)  # one reply, no longer a burst
        assert await bot.send_chat_action(30, ChatAction.TYPING, **as_hint(bot)) is False
        assert await bot.send_chat_action(31, ChatAction.TYPING, **as_hint(bot)) is True


async def test_hint_arguments_only_where_the_lane_limiter_takes_them(
    emu: BotApiEmulator,
) -> None:
    async with limited_bot(emu, LaneLimiter()) as bot:
        assert as_hint(bot) == {"rate_limit_args": HINT}
    async with ExtBot(emu.token, base_url=emu.base_url) as unlimited:
        assert as_hint(unlimited) == {}
        assert await unlimited.send_chat_action(2, ChatAction.TYPING, **as_hint(unlimited))
    async with Bot(emu.token, base_url=emu.base_url) as plain:
        assert await plain.send_chat_action(3, ChatAction.TYPING, **as_hint(plain))
    assert len(hints(emu)) == 2


async def test_a_dropped_hint_shows_once_the_window_eases(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, reserve=2)
    async with limited_bot(emu, limiter) as bot:
        await asyncio.gather(*(bot.send_message(c, f"reply {c}") for c in range(1, 7)))
        async with showing(bot, 7, ChatAction.UPLOAD_PHOTO):  # a chart being drawn
            await emu.wait_until(lambda: hints(emu) or None, 5)
    # Dropped at first (the replies' burst), shown well before the 4 s refresh.
    assert limiter.hints_dropped >= 1
    assert [str(call.params["chat_id"]) for call in hints(emu)] == ["7"]
    assert hints(emu)[0].at - sends(emu)[-1].at < 2


async def test_files_go_after_the_replies_waiting_and_before_reminders(
    emu: BotApiEmulator,
) -> None:
    limiter = LaneLimiter(overall_max_rate=5, overall_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        reminders = [
            asyncio.create_task(bot.send_message(c, f"reminder {c}", rate_limit_args=BACKGROUND))
            for c in range(1, 11)
        ]
        await arrived(emu, 5)  # the first second's share is out, five reminders wait
        files = [
            asyncio.create_task(bot.send_message(c, f"file {c}", rate_limit_args=FILE))
            for c in (11, 12, 13)
        ]
        await asyncio.sleep(0)  # the files are queued first
        replies = [asyncio.create_task(bot.send_message(c, f"reply {c}")) for c in (21, 22, 23)]
        await asyncio.gather(*reminders, *files, *replies)
    order = texts(sends(emu))
    assert order[5:8] == ["reply 21", "reply 22", "reply 23"], order
    assert order[8:11] == ["file 11", "file 12", "file 13"], order
    assert all(text.startswith("reminder") for text in order[11:])
    assert busiest_window(sends(emu)) <= 5
    assert limiter.backlog(FILE) == limiter.backlog(BACKGROUND) == 0


async def test_a_file_goes_at_once_when_no_reply_needs_the_window(emu: BotApiEmulator) -> None:
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD)
    async with limited_bot(emu, limiter) as bot:
        await bot.send_message(1, "a chart", **as_file(bot))
        assert as_file(bot) == {"rate_limit_args": FILE}
    async with ExtBot(emu.token, base_url=emu.base_url) as unlimited:
        assert as_file(unlimited) == {}
    assert limiter.waits[FILE].waited == 0
    assert texts(sends(emu)) == ["a chart"]


async def replies_for(bot: Bot, seconds: float, rate: float, first_chat: int) -> None:
    """Replies from fresh chats at ``rate`` a second for ``seconds``."""
    loop = asyncio.get_running_loop()
    began, sent = loop.time(), []
    for index in itertools.count():
        at = began + index / rate
        if at - began >= seconds:
            break
        await asyncio.sleep(max(0.0, at - loop.time()))
        sent.append(asyncio.create_task(bot.send_message(first_chat + index, "reply")))
    await asyncio.gather(*sent)


@pytest.mark.parametrize("patience", [0.3, 60.0])
async def test_a_file_that_finds_no_room_goes_as_a_reply_after_its_patience(
    emu: BotApiEmulator, patience: float
) -> None:
    # Replies at 9 a second in a window of 10 leave a file no room while they last (1.6 s).
    limiter = LaneLimiter(overall_max_rate=10, overall_time_period=PERIOD, file_patience=patience)
    for chat in range(100, 120):
        emu.open_chat(chat)
    async with limited_bot(emu, limiter) as bot:
        replying = asyncio.create_task(replies_for(bot, 1.6, 9, 100))
        await asyncio.sleep(0.3)
        await bot.send_message(1, "a chart", **as_file(bot))
        await replying
    order = texts(sends(emu))
    if patience < 1:  # it went before the replies stopped
        assert order.index("a chart") < len(order) - 1, order
    else:  # it waited for them to stop
        assert order[-1] == "a chart", order
    assert busiest_window(sends(emu)) <= 10
