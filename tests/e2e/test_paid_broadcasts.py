"""Paid broadcasts at a peak, end to end: the real bot over HTTP against the emulator, with
Telegram's flood control on. With PAID_BROADCAST_RATE off no request ever carries
allow_paid_broadcast; with it on, a peak's reminders beyond what the free rate sends in the
window go as paid broadcasts beside the free ones, each lane within its rate (counted per
second from the emulator's log), every reminder exactly once, and a person's replies never
pay; when the Stars balance runs out the bot says so once and sends the rest free."""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from bootstrap import build_application
from coach.model import Equipment, Person, Profile
from coach.program import default_program
from emulator import BotApiEmulator
from emulator.models import ApiCall
from services.clock import ManualClock
from services.unit import unit
from storage.unit_of_work import open_store
from tests.e2e.conftest import TIMEOUT, Bot
from tests.e2e.conftest import Person as Chat

pytestmark = pytest.mark.e2e

SEEDED = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
PEOPLE = 60
FREE = 5  # reminders a second at the free rate
PAID = 20  # paid broadcasts a second besides
WINDOW = timedelta(seconds=2)  # the free rate sends 10 in it: the other 50 may pay
TALKER = 9001  # someone who starts a conversation while the peak is sent


async def running(database_url: str, paid: int, **emulator: Any) -> AsyncIterator[Bot]:
    async with BotApiEmulator(**emulator) as emu:
        store = await open_store(database_url)
        clock = ManualClock(SEEDED)
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            clock,
            default_program(),
            poll_timeout=1,
            dispatch_every=None,  # the test runs the dispatcher, at the clock it sets
            dispatch_rate=FREE,
            paid_broadcast_rate=paid,
        )
        app.dispatcher.paid_beyond = WINDOW  # a peak of 60 where production's is 15,000
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
async def free_bot(database_url: str) -> AsyncIterator[Bot]:
    async for bot in running(database_url, paid=0):
        yield bot


@pytest.fixture
async def paid_bot(database_url: str) -> AsyncIterator[Bot]:
    async for bot in running(database_url, paid=PAID):
        yield bot


@pytest.fixture
async def short_of_stars(database_url: str) -> AsyncIterator[Bot]:
    """Paid broadcasts on, and Stars for twenty of them."""
    async for bot in running(database_url, paid=PAID, stars_balance=2.0):
        yield bot


async def seed(bot: Bot, people: int = PEOPLE) -> None:
    """People whose check-in prompt is due at 08:00 in Berlin (no bar hangs)."""
    bot.clock.current = SEEDED
    for chat_id in range(1, people + 1):
        bot.emu.open_chat(chat_id)
        person = Person(
            chat_id=chat_id,
            created_at=SEEDED,
            timezone="Europe/Berlin",
            checkin_time=time(8),
            hang_times=(),
            profile=Profile(frozenset(Equipment), gym_experienced=False),
            registered=True,
        )
        async with unit(bot.app.dispatcher.deps) as work:
            await work.add(person)
            await work.save(person, resync=True)
            await work.commit()


def paid(call: ApiCall) -> bool:
    return str(call.params.get("allow_paid_broadcast", "")).lower() == "true"


def reminders(bot: Bot) -> list[ApiCall]:
    """Reminder sends (to the seeded people), in the order they arrived, refused ones too."""
    return [
        call for call in bot.emu.calls_of("sendMessage") if int(call.params["chat_id"]) <= PEOPLE
    ]


def busiest_second(calls: list[ApiCall]) -> int:
    """The most calls that arrived within one sliding second."""
    stamps = sorted(call.at for call in calls)
    return max((bisect.bisect_left(stamps, s + 1.0) - i for i, s in enumerate(stamps)), default=0)


def each_got_one(bot: Bot) -> None:
    for chat_id in range(1, PEOPLE + 1):
        assert len(bot.emu.sent(chat_id)) == 1, (chat_id, bot.emu.sent(chat_id))


async def converse(bot: Bot) -> None:
    """Someone starts the bot while the peak is sent, and gets their replies."""
    chat = Chat(bot, TALKER)
    await chat.say("/start")
    await chat.expect("Do you agree")
    await chat.press("I agree")
    await chat.expect("Which time zone")


async def test_with_paid_broadcasts_off_no_request_ever_pays(free_bot: Bot) -> None:
    await seed(free_bot, 20)
    free_bot.clock.current = CHECKIN
    report, _ = await asyncio.gather(free_bot.app.dispatcher.dispatch(CHECKIN), converse(free_bot))
    assert report.outcomes == {"sent": 20}
    assert free_bot.app.dispatcher.paid_rate == 0
    sends = [c for c in free_bot.emu.calls if c.method != "getUpdates"]
    assert sends and not any("allow_paid_broadcast" in call.params for call in sends)
    assert free_bot.emu.paid.sent == 0
    assert busiest_second(reminders(free_bot)) <= FREE + 1


async def test_a_peak_pays_for_what_the_free_rate_cannot_send_in_time(paid_bot: Bot) -> None:
    await seed(paid_bot)
    paid_bot.clock.current = CHECKIN
    dispatcher = paid_bot.app.dispatcher
    assert dispatcher.paid_rate == PAID
    started = asyncio.get_running_loop().time()
    report, _ = await asyncio.gather(dispatcher.dispatch(CHECKIN), converse(paid_bot))
    took = asyncio.get_running_loop().time() - started
    assert report.outcomes == {"sent": PEOPLE}
    each_got_one(paid_bot)
    sent = reminders(paid_bot)
    assert len(sent) == PEOPLE and all(call.outcome.startswith("ok") for call in sent)
    paid_sends = [c for c in sent if paid(c)]
    free_sends = [c for c in sent if not paid(c)]
    # The 50 queued beyond the window's 10 go at 25 a second, 20 of each 25 paid; the last
    # ten free (sends a few milliseconds apart may arrive in either order).
    order = "".join("P" if paid(c) else "f" for c in sent)
    assert 30 <= len(paid_sends) <= 50 and "P" not in order[-8:], order
    assert paid_bot.emu.paid.sent == len(paid_sends)
    assert busiest_second(paid_sends) <= PAID
    assert busiest_second(free_sends) <= FREE + 1  # the dispatcher's pace, as in test_pacing
    assert took < PEOPLE / FREE * 0.75, took  # 12 s at the free rate alone
    # A person's replies never pay.
    talk = [c for c in paid_bot.emu.calls if str(c.params.get("chat_id")) == str(TALKER)]
    assert talk and not any("allow_paid_broadcast" in call.params for call in talk)


async def test_when_the_stars_run_out_the_rest_go_free_each_once(
    short_of_stars: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = short_of_stars
    await seed(bot)
    bot.clock.current = CHECKIN
    dispatcher = bot.app.dispatcher
    with caplog.at_level(logging.WARNING):
        report = await asyncio.wait_for(dispatcher.dispatch(CHECKIN), TIMEOUT * 2)
    assert report.outcomes == {"sent": PEOPLE}
    each_got_one(bot)
    sent = reminders(bot)
    refused = [c for c in sent if "BALANCE_TOO_LOW" in c.outcome]
    assert refused and all(paid(c) for c in refused)
    delivered = [c for c in sent if c.outcome.startswith("ok")]
    assert len(delivered) == PEOPLE
    assert sum(paid(c) for c in delivered) == bot.emu.paid.sent == 20
    assert bot.emu.paid.balance == 0
    # After the refusal, nothing more asks to pay, and the next peak is timed at the free
    # rate alone.
    after = sent[sent.index(refused[-1]) + 1 :]
    assert after and not any(paid(c) for c in after)
    assert dispatcher.paid_rate == 0
    told = [r for r in caplog.records if "Stars balance is too low" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.WARNING
