"""People: every field survives a round trip; delete_everything leaves nothing behind."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coach.model import (
    Feedback,
    MoveFeedback,
    Person,
    SafetyEvent,
    SafetyEventKind,
    SafetyState,
)
from coach.schedule import Kind, State
from services.kinds import schedule_for
from storage import Store
from storage.models import Base
from storage.people import TABLES_WITHOUT_PERSON_DATA, person_tables
from tests.storage.builders import NOW, bare_person, full_person


def assert_aware_utc(person: Person) -> None:
    """Every datetime of a stored person comes back aware and in UTC."""
    safety = person.safety
    for value in (person.created_at, person.consent_at, safety.red_flag_at, safety.cleared_at):
        assert value is not None
        assert value.utcoffset() is not None
        assert value.tzinfo == UTC


async def test_a_person_round_trips_every_field(store: Store) -> None:
    person, bare = full_person(1), bare_person(1)
    assert all(getattr(person, f.name) != getattr(bare, f.name) for f in fields(Person)[1:])
    async with store.unit() as uow:
        await uow.people.add(person)
        await uow.commit()
    async with store.unit() as uow:
        loaded = await uow.people.get(1)
    assert loaded == person
    assert loaded is not None
    assert_aware_utc(loaded)


async def test_a_bare_person_round_trips_with_defaults(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(2))
        await uow.commit()
    async with store.unit() as uow:
        loaded = await uow.people.get(2)
    assert loaded == bare_person(2)
    assert loaded is not None
    assert loaded.safety.screening is None


# What the dispatcher's rules read of a person (services/reminders.py).
STANDING = ("chat_id", "created_at", "timezone", "safety", "step", "paused", "active")
STANDING += ("registered", "quiet")


async def test_a_standing_holds_what_the_rules_read_and_defaults_for_the_rest(
    store: Store,
) -> None:
    lifted = replace(bare_person(3), safety=SafetyState(red_flag_at=NOW))  # its date stays
    people = [full_person(1), bare_person(2), lifted]
    async with store.unit() as uow:
        for person in people:
            await uow.people.add(person)
        await uow.commit()
    async with store.unit() as uow:
        full = await uow.people.get_many({1, 2, 3, 4})
        standing = await uow.people.standing_many({1, 2, 3, 4})
    assert full.keys() == standing.keys() == {1, 2, 3}
    for chat_id, person in full.items():
        loaded = standing[chat_id]
        assert [getattr(loaded, name) for name in STANDING] == [
            getattr(person, name) for name in STANDING
        ]
        others = [f.name for f in fields(Person) if f.name not in STANDING]
        blank = bare_person(chat_id)
        assert [getattr(loaded, name) for name in others] == [
            getattr(blank, name) for name in others
        ]


async def test_save_writes_every_field_back(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(3))
        await uow.commit()
    changed = replace(full_person(3), hang_times=(time(7, 5),), step=None, step_data={})
    async with store.unit() as uow:
        await uow.people.save(changed)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.people.get(3) == changed


async def test_save_of_an_unknown_person_raises(store: Store) -> None:
    async with store.unit() as uow:
        with pytest.raises(LookupError):
            await uow.people.save(bare_person(404))


async def test_adding_the_same_chat_id_twice_fails(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(5))
        await uow.commit()
    async with store.unit() as uow:
        with pytest.raises(IntegrityError):
            await uow.people.add(bare_person(5))


async def test_a_unit_left_without_commit_is_rolled_back(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(6))
    with pytest.raises(RuntimeError):
        async with store.unit() as uow:
            await uow.people.add(bare_person(7))
            raise RuntimeError("handler crashed")
    async with store.unit() as uow:
        assert await uow.people.get(6) is None
        assert await uow.people.get(7) is None


async def fill(store: Store, chat_id: int) -> None:
    """Give a person rows in every table."""
    async with store.unit() as uow:
        await uow.people.add(full_person(chat_id))
        await uow.ratings.set(chat_id, date(2026, 3, 2), 5, NOW)
        await uow.ratings.set(chat_id, date(2026, 3, 3), 4, NOW)
        await uow.feedback.add(
            chat_id, MoveFeedback(date(2026, 3, 3), "bar_hang", Feedback.DONE), NOW
        )
        await uow.safety.log(chat_id, SafetyEvent(NOW, SafetyEventKind.RED_FLAGS_NONE))
        schedule = schedule_for({Kind.CHECKIN: (time(8),)}, "Europe/Berlin", NOW)
        await uow.schedule.replace(chat_id, schedule)
        due = replace(schedule[0], chat_id=chat_id)
        await uow.schedule.record(due, State.SENT, NOW)
        await uow.schedule.mark_hang(chat_id, date(2026, 3, 3), 0, "done", NOW)
        await uow.profiles.record(chat_id, date(2026, 3, 2), full_person(chat_id).profile, NOW)
        shoes = await uow.activities.add(chat_id, "tie my shoes", date(2026, 3, 2), NOW)
        await uow.activities.rate(chat_id, shoes.id, date(2026, 3, 2), 4, NOW)
        await uow.activities.asked(chat_id, date(2026, 3, 2))
        await uow.commit()


async def rows_per_table(store: Store, chat_id: int) -> dict[str, int]:
    """How many rows each table holds for this person, read beside the store."""
    async with store.engine.connect() as connection:
        return {
            table.name: await connection.scalar(
                select(func.count()).select_from(table).where(table.c.chat_id == chat_id)
            )
            or 0
            for table in person_tables()
        }


async def test_delete_everything_leaves_no_row_and_spares_others(store: Store) -> None:
    await fill(store, 100)
    await fill(store, 200)
    before = await rows_per_table(store, 200)
    assert all(before.values())
    async with store.unit() as uow:
        assert await uow.people.get(100) is not None
        deleted = await uow.people.delete_everything(100)
        await uow.commit()
    assert deleted == sum(before.values())
    assert set(await rows_per_table(store, 100)) == {
        t.name for t in Base.metadata.tables.values() if t.name not in TABLES_WITHOUT_PERSON_DATA
    }
    assert all(count == 0 for count in (await rows_per_table(store, 100)).values())
    assert await rows_per_table(store, 200) == before
    async with store.unit() as uow:
        assert await uow.people.get(100) is None
        assert await uow.people.delete_everything(100) == 0


def test_a_table_without_chat_id_must_be_allowlisted() -> None:
    from sqlalchemy import Column, Integer, Table

    extra = Table("lookup_without_owner", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        with pytest.raises(LookupError, match="lookup_without_owner"):
            person_tables()
    finally:
        Base.metadata.remove(extra)
    assert "lookup_without_owner" not in TABLES_WITHOUT_PERSON_DATA
    assert len(person_tables()) == len(Base.metadata.tables) - len(TABLES_WITHOUT_PERSON_DATA)


async def test_naive_datetimes_are_refused(store: Store) -> None:
    async with store.unit() as uow:
        with pytest.raises(Exception, match="naive datetime"):
            await uow.people.add(replace(bare_person(8), created_at=datetime(2026, 1, 1)))
