"""SIGKILL the bot while reminders are due and sends are in flight: none arrives twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.model import Person
from coach.schedule import Kind, Reminder, State
from emulator import BotApiEmulator
from storage.unit_of_work import open_store
from tests.e2e.process import fresh_token
from tests.e2e.test_restart import _wait_ready

pytestmark = pytest.mark.e2e

PEOPLE = list(range(9001, 9013))
IN_FLIGHT = PEOPLE[:2]


def hangs(emu: BotApiEmulator, chat_id: int) -> int:
    return sum("Bar hang time" in (m.text or "") for m in emu.sent(chat_id))


async def test_every_reminder_not_in_flight_arrives_exactly_once_across_a_crash(
    tmp_path: Path,
    database_url: str,
    bot_process: Any,
) -> None:
    now = datetime.now(UTC)
    store = await open_store(database_url)
    async with store.unit() as uow:
        for chat_id in PEOPLE:
            person = Person(chat_id, now, timezone="UTC", hang_times=(time(0),), registered=True)
            await uow.people.add(person)
            due = now - timedelta(seconds=10)
            await uow.schedule.add(
                chat_id, Reminder(0, chat_id, Kind.HANG, 0, time(0), due, due.date())
            )
        await uow.commit()
    await store.close()

    async with BotApiEmulator(fresh_token()) as emu:
        for chat_id in PEOPLE:
            emu.open_chat(chat_id)  # each started the bot before; no update to answer
        for chat_id in IN_FLIGHT:  # these requests arrive but are never answered
            emu.fail("sendMessage", "delay", chat_id=chat_id, delay=60)
        # Two reminders a second: most are still queued when the process dies.
        bot = bot_process(
            emu.base_url, emu.token, database_url, tmp_path / "bot.log", DISPATCH_RATE="2"
        )
        await bot.start()
        await emu.wait_until(
            lambda: all(hangs(emu, c) for c in IN_FLIGHT) or None,
            60,
            lambda: "the in-flight sends never reached the emulator",
        )
        await bot.kill()
        before = {c: hangs(emu, c) for c in PEOPLE}
        assert sum(before.values()) < len(PEOPLE), "the crash should leave reminders unsent"

        await bot.start()
        await _wait_ready(emu)
        await emu.wait_until(
            lambda: all(hangs(emu, c) for c in PEOPLE) or None,
            60,
            lambda: f"not every reminder arrived: { ({c: hangs(emu, c) for c in PEOPLE}) }",
        )
        sends = len(emu.calls_of("sendMessage"))
        await emu.wait_until(  # a few more dispatcher ticks: nothing may be sent again
            lambda: len(emu.calls_of("getUpdates")) > 6 or None, 30, lambda: "no more polls"
        )
        await bot.stop()
        assert len(emu.calls_of("sendMessage")) == sends
        assert {c: hangs(emu, c) for c in PEOPLE} == dict.fromkeys(PEOPLE, 1)

    store = await open_store(database_url)
    try:
        async with store.unit() as uow:
            states = {c: [d.state for d in await uow.schedule.deliveries(c)] for c in PEOPLE}
    finally:
        await store.close()
    for chat_id in PEOPLE:
        expected = State.UNCERTAIN if chat_id in IN_FLIGHT else State.SENT
        assert states[chat_id] == [expected], chat_id
