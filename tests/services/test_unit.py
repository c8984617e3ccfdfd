"""Saving a person keeps their reminder schedule in step with their settings."""

from __future__ import annotations

from datetime import time

from coach.schedule import Kind
from services.core import Core
from services.unit import unit
from tests.services.conftest import registered


async def schedule(core: Core, chat_id: int) -> list[tuple[Kind, int, time]]:
    async with core.store.unit() as uow:
        return [(r.kind, r.slot, r.local_time) for r in await uow.schedule.of(chat_id)]


async def test_a_changed_setting_rebuilds_the_schedule_on_save(core: Core) -> None:
    await registered(core, 1)
    assert (Kind.CHECKIN, 0, time(8)) in await schedule(core, 1)
    async with unit(core) as work:
        person = await work.person(1)
        assert person is not None
        person.checkin_time = time(7, 15)
        person.hang_times = (time(9),)
        await work.save(person)
        await work.commit()
    rows = await schedule(core, 1)
    assert (Kind.CHECKIN, 0, time(7, 15)) in rows
    assert [r for r in rows if r[0] is Kind.HANG] == [(Kind.HANG, 0, time(9))]


async def test_an_unchanged_schedule_is_left_alone_on_save(core: Core) -> None:
    await registered(core, 1)
    async with core.store.unit() as uow:
        before = {r.id for r in await uow.schedule.of(1)}
    async with unit(core) as work:
        person = await work.person(1)
        assert person is not None
        person.quiet = True  # not a setting the schedule depends on
        await work.save(person)
        await work.commit()
    async with core.store.unit() as uow:
        assert {r.id for r in await uow.schedule.of(1)} == before


async def test_a_person_not_yet_registered_has_no_schedule(core: Core) -> None:
    await registered(core, 1, registered=False)
    assert await schedule(core, 1) == []
