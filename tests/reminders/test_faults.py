"""Faults at the Bot API: retried when safe, never resent when the message may have arrived."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Bot

from coach.schedule import State
from conversations.dispatch import Dispatcher
from tests.reminders.conftest import World

CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


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


async def test_a_refused_connection_is_retried_until_the_server_is_back(world: World) -> None:
    await world.person(1, hangs=())
    async with Bot(world.emu.token, base_url=world.emu.base_url) as bot:
        dispatcher = Dispatcher(world.deps, bot, backoff=0.5)
        await world.emu.stop()  # nothing listens on the port now: connections are refused
        world.clock.current = CHECKIN
        run = asyncio.create_task(dispatcher.dispatch(CHECKIN))
        await asyncio.sleep(0.2)
        await world.emu.start()  # the same port again
        await asyncio.wait_for(run, 30)
    assert len(world.sent(1)) == 1
    assert await states(world, 1) == [(State.SENT, None)]
