"""Faults at the Bot API: retried when safe, never resent when the message may have arrived."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot, Message
from telegram.error import TelegramError

from coach.schedule import State
from conversations.dispatch import Dispatcher
from conversations.sending import SendOutcome, send_with_retries
from services import reminders
from services.reminders import Report
from tests.reminders.conftest import World, request_of

CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> str:
    """Each fault through the bot's own transport and through PTB's default one: a send is
    retried, or never resent, by what happened, whichever library reports it."""
    return str(request.param)


async def states(world: World, chat_id: int) -> list[tuple[State, str | None]]:
    async with world.store.unit() as uow:
        return [(d.state, d.reason) for d in await uow.schedule.deliveries(chat_id)]


async def test_a_429_is_retried_after_retry_after_and_arrives_once(world: World) -> None:
    await world.person(1, hangs=())
    world.emu.fail("sendMessage", "retry_after", chat_id=1, retry_after=1)
    await world.tick(CHECKIN)
    assert len(world.sent(1)) == 1
    assert await states(world, 1) == [(State.SENT, None)]


async def test_a_502_is_retried_with_backoff_and_arrives_once(world: World) -> None:
    await world.person(1, hangs=())
    world.emu.fail("sendMessage", "bad_gateway", chat_id=1, times=2)
    await world.tick(CHECKIN)
    assert len(world.sent(1)) == 1
    assert await states(world, 1) == [(State.SENT, None)]


async def test_a_connection_dropped_after_the_message_was_recorded_is_never_resent(
    world: World,
) -> None:
    await world.person(1, hangs=())
    world.emu.fail("sendMessage", "drop_after_send", chat_id=1)
    await world.tick(CHECKIN)
    await world.tick(CHECKIN.replace(second=30))
    assert len(world.sent(1)) == 1  # it did arrive, once
    [(state, _reason)] = await states(world, 1)
    assert state is State.UNCERTAIN


async def test_blocked_by_the_user_marks_the_person_inactive_and_stops_everything(
    world: World,
) -> None:
    await world.person(1)
    world.emu.block_chat(1)
    await world.tick(CHECKIN)
    async with world.store.unit() as uow:
        person = await uow.people.get(1)
        rows = await uow.schedule.of(1)
    assert person is not None and not person.active
    assert rows == []
    assert await states(world, 1) == [(State.FAILED, "Forbidden: bot was blocked by the user")]
    sends = len(world.emu.calls_of("sendMessage"))
    await world.tick(CHECKIN.replace(hour=8))
    await world.tick(CHECKIN.replace(hour=18))
    assert len(world.emu.calls_of("sendMessage")) == sends  # nothing more sent or retried


async def test_a_refused_connection_is_retried_until_the_server_is_back(
    world: World, transport: str
) -> None:
    await world.person(1, hangs=())
    request = request_of(transport)
    async with Bot(world.emu.token, base_url=world.emu.base_url, request=request) as bot:
        dispatcher = Dispatcher(world.deps, bot, backoff=0.5)
        await world.emu.stop()  # nothing listens on the port now: connections are refused
        world.clock.current = CHECKIN
        run = asyncio.create_task(dispatcher.dispatch(CHECKIN))
        await asyncio.sleep(0.2)
        await world.emu.start()  # the same port again
        await asyncio.wait_for(run, 30)
    assert len(world.sent(1)) == 1
    assert await states(world, 1) == [(State.SENT, None)]


async def test_two_dispatchers_ticking_at_once_send_each_reminder_once(
    world: World, transport: str
) -> None:
    """A send is taken by exactly one sender: a second tick (or a second process) that read
    the same queued rows leaves them."""
    for chat_id in range(1, 21):
        await world.person(chat_id, hangs=())
    async with Bot(
        world.emu.token, base_url=world.emu.base_url, request=request_of(transport)
    ) as bot:
        other = Dispatcher(world.deps, bot, backoff=0.05)
        world.clock.current = CHECKIN
        await asyncio.gather(world.dispatcher.dispatch(CHECKIN), other.dispatch(CHECKIN))
        await asyncio.gather(
            world.dispatcher.dispatch(CHECKIN.replace(second=20)),
            other.dispatch(CHECKIN.replace(second=20)),
        )
    assert [len(world.sent(chat_id)) for chat_id in range(1, 21)] == [1] * 20
    for chat_id in range(1, 21):
        assert await states(world, chat_id) == [(State.SENT, None)]


async def test_an_answer_telegram_sent_that_ptb_cannot_read_is_never_resent() -> None:
    calls = 0

    async def send() -> Message:
        nonlocal calls
        calls += 1
        raise TelegramError("Invalid server response")

    result = await send_with_retries(send, backoff=0)
    assert (result.outcome, calls) == (SendOutcome.UNCERTAIN, 1)


async def test_a_send_that_never_finished_becomes_uncertain_and_is_not_resent(
    world: World,
) -> None:
    await world.person(1, hangs=())
    world.clock.current = CHECKIN
    report = Report()
    await reminders.claim(world.deps, CHECKIN, report)
    [sending] = await reminders.prepare(world.deps, 10)  # as the sender reads its batch
    assert await reminders.take(world.deps, sending.delivery)
    assert not await reminders.take(world.deps, sending.delivery)  # taken once only
    await world.tick(CHECKIN + timedelta(minutes=5))  # still in flight: left alone
    assert await states(world, 1) == [(State.SENDING, None)]
    await world.tick(CHECKIN + timedelta(minutes=11))
    assert await states(world, 1) == [(State.UNCERTAIN, "never finished")]
    assert world.sent(1) == []


async def test_stuck_sends_are_looked_for_once_a_minute_not_every_tick(world: World) -> None:
    await world.person(1, hangs=())
    world.clock.current = CHECKIN
    await reminders.claim(world.deps, CHECKIN, Report())
    [sending] = await reminders.prepare(world.deps, 10)
    assert await reminders.take(world.deps, sending.delivery)
    await world.tick(CHECKIN + timedelta(minutes=9, seconds=50))  # looked: not stuck yet
    await world.tick(CHECKIN + timedelta(minutes=10, seconds=20))  # stuck, not looked for
    assert await states(world, 1) == [(State.SENDING, None)]
    await world.tick(CHECKIN + timedelta(minutes=10, seconds=50))  # a minute on: looked
    assert await states(world, 1) == [(State.UNCERTAIN, "never finished")]
    assert world.sent(1) == []
