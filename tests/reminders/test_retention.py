"""Inactive people's data: a warning a week before 12 months are up, then deletion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from storage.models import Base
from tests.reminders.conftest import World

LAST = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
YEAR = timedelta(days=365)
WEEK = timedelta(days=7)


async def rows_of(world: World, chat_id: int) -> int:
    async with world.store.engine.connect() as connection:
        total = 0
        for table in Base.metadata.sorted_tables:
            if "chat_id" not in table.c:
                continue  # no person's data (handled update ids):
            total += (
                await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.chat_id == chat_id)
                )
                or 0
            )
        return total


async def test_the_warning_comes_a_week_before_and_the_deletion_at_12_months(world: World) -> None:
    await world.person(1, hangs=(), checkin=None)
    await world.person(2, hangs=(), checkin=None)
    async with world.store.unit() as uow:
        await uow.ratings.set(1, date(2026, 3, 2), 4, LAST)
        await uow.ratings.set(2, date(2026, 3, 2), 4, LAST)
        await uow.ratings.set(2, date(2027, 2, 1), 3, LAST + timedelta(days=336))  # still active
        await uow.commit()

    await world.tick(LAST + YEAR - WEEK - timedelta(hours=1))
    assert not any("almost a year" in (m.text or "") for m in world.sent(1))

    await world.tick(LAST + YEAR - WEEK + timedelta(minutes=1))
    assert sum("almost a year" in (m.text or "") for m in world.sent(1)) == 1
    assert not any("almost a year" in (m.text or "") for m in world.sent(2))

    await world.tick(LAST + YEAR - timedelta(minutes=1))  # hourly sweeps until then: no repeat
    assert sum("almost a year" in (m.text or "") for m in world.sent(1)) == 1
    assert await rows_of(world, 1) > 0

    # The sweep runs hourly, so the data goes within the hour after 12 months are up.
    world.clock.current = LAST + YEAR + timedelta(minutes=59)
    report = await world.dispatcher.dispatch(world.clock.current)
    assert report.deleted == 1
    assert await rows_of(world, 1) == 0
    assert await rows_of(world, 2) > 0


async def test_a_checkin_after_the_warning_keeps_the_data(world: World) -> None:
    await world.person(1, hangs=(), checkin=None)
    async with world.store.unit() as uow:
        await uow.ratings.set(1, date(2026, 3, 2), 4, LAST)
        await uow.commit()
    await world.tick(LAST + YEAR - WEEK + timedelta(minutes=1))
    async with world.store.unit() as uow:
        await uow.ratings.set(1, date(2027, 2, 25), 2, LAST + YEAR - timedelta(days=2))
        await uow.commit()
    await world.tick(LAST + YEAR + WEEK)
    assert await rows_of(world, 1) > 0
    assert sum("almost a year" in (m.text or "") for m in world.sent(1)) == 1
