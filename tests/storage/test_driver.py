"""The claim's reads and writes run by the driver (storage/driver.py) give and store what
SQLAlchemy's own would: Python values of the columns' types, in the stored forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import bindparam, update

from coach.schedule import Kind, Reminder, State
from storage import Store
from storage.driver import Write
from storage.models import ReminderRow
from storage.schedule import Entry, Move
from tests.storage.builders import NOW, bare_person, full_person


async def test_the_due_rows_and_their_people_read_back_as_python_values(store: Store) -> None:
    due = NOW - timedelta(minutes=1)
    async with store.unit() as uow:
        for person in (full_person(1), bare_person(2)):
            await uow.people.add(person)
            item = Reminder(0, person.chat_id, Kind.CHECKIN, 0, time(8), due, date(2026, 3, 29))
            await uow.schedule.add(person.chat_id, item)
        await uow.commit()
    async with store.unit() as uow:
        rows = await uow.schedule.due(NOW, 10)
        people = await uow.people.standing_many({1, 2})
    assert [(r.chat_id, r.kind, r.local_time, r.due, r.day) for r in rows] == [
        (1, Kind.CHECKIN, time(8), due, date(2026, 3, 29)),
        (2, Kind.CHECKIN, time(8), due, date(2026, 3, 29)),
    ]
    assert all(r.once is False and r.due.tzinfo is UTC for r in rows)
    full = people[1]
    assert (full.paused, full.active, full.registered, full.quiet) == (True, False, True, True)
    assert all(type(flag) is bool for flag in (full.paused, full.active, full.quiet))
    assert full.created_at == full_person(1).created_at and full.created_at.tzinfo is UTC
    assert full.safety == full_person(1).safety
    assert people[2].safety == bare_person(2).safety


async def test_moves_and_ledger_rows_are_stored_as_sqlalchemy_stores_them(store: Store) -> None:
    due = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    async with store.unit() as uow:
        await uow.people.add(bare_person(1))
        await uow.schedule.add(1, Reminder(0, 1, Kind.CHECKIN, 0, time(8), due, date(2026, 3, 29)))
        await uow.commit()
    async with store.unit() as uow:
        (item,) = await uow.schedule.due(due, 10)
        later = due + timedelta(days=1)
        assert await uow.schedule.claim_rows(set(), [Move(item.id, due, later, date(2026, 3, 30))])
        await uow.schedule.record_many([Entry(item, State.QUEUED)], NOW)
        await uow.commit()
    async with store.unit() as uow:
        (moved,) = await uow.schedule.of(1)
        (ledger,) = await uow.schedule.deliveries(1)
        # Compared by SQLAlchemy's own statements: the stored forms are the usual ones.
        still = await uow.schedule.move(item.id, later, date(2026, 3, 30), was=later)
    assert (moved.due, moved.day) == (later, date(2026, 3, 30))
    assert (ledger.kind, ledger.day, ledger.attempt, ledger.state) == (
        Kind.CHECKIN,
        date(2026, 3, 29),
        0,
        State.QUEUED,
    )
    assert (ledger.due, ledger.at, ledger.reason, ledger.message_id) == (due, NOW, None, None)
    assert still


def test_a_write_whose_parameters_come_in_another_order_stops_the_import() -> None:
    table = ReminderRow.__table__
    statement = update(table).where(table.c.id == bindparam("id")).values(due=bindparam("due"))
    with pytest.raises(RuntimeError, match="order"):
        Write(statement, ("id", "due"))
