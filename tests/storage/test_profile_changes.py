"""Dated profile changes: one per local day (the last of the day wins), and a database made
before they existed gets each registered person's profile dated before they signed up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from coach.model import Equipment, Profile, ProfileChange
from storage import Store, create_engine, migrate
from storage.unit_of_work import Store as OpenStore
from tests.storage.builders import NOW, full_person

BAR = Profile(frozenset({Equipment.PULLUP_BAR}))
BAR_BAND = Profile(frozenset({Equipment.PULLUP_BAR, Equipment.BAND}), gym_experienced=True)


async def test_the_last_change_of_a_day_is_kept_and_changes_come_back_by_day(
    store: Store,
) -> None:
    async with store.unit() as uow:
        await uow.people.add(full_person(1))
        await uow.profiles.record(1, date(2026, 3, 5), BAR_BAND, NOW)
        await uow.profiles.record(1, date(2026, 3, 2), BAR, NOW)
        await uow.profiles.record(1, date(2026, 3, 5), BAR, NOW)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.profiles.all(1) == (
            ProfileChange(date(2026, 3, 2), BAR),
            ProfileChange(date(2026, 3, 5), BAR),
        )
        history = await uow.history(1)
        assert history.profile_changes == await uow.profiles.all(1)
        assert [c.day for c, _ in await uow.profiles.timed(1)] == [
            date(2026, 3, 2),
            date(2026, 3, 5),
        ]


async def test_migrating_an_older_database_dates_each_registered_profile(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine, "0003")
        async with engine.begin() as connection:
            for chat_id, registered in ((1, True), (2, False)):
                await connection.execute(
                    text(
                        "INSERT INTO people (chat_id, created_at, hang_times, equipment,"
                        " gym_experienced, step_data, paused, active, registered, quiet,"
                        " weekly_summary, checkin_weekly) VALUES (:chat, :created, '[]',"
                        " '[\"pullup_bar\", \"band\"]', :gym, '{}', false, true, :registered,"
                        " false, true, false)"
                    ),
                    {"chat": chat_id, "created": NOW, "gym": True, "registered": registered},
                )
        await migrate(engine)
        store = OpenStore(engine)
        async with store.unit() as uow:
            assert await uow.profiles.all(1) == (ProfileChange(date(2026, 3, 28), BAR_BAND),)
            assert await uow.profiles.all(2) == ()
    finally:
        await engine.dispose()
