"""Activities and their weekly ratings on each database: a re-rated week replaces the
rating, a retired activity keeps its history, and deleting a person takes them all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from coach.function import Activity, ActivityRating
from storage import Store
from tests.storage.builders import NOW, full_person

MON1, MON2 = date(2026, 3, 2), date(2026, 3, 9)


async def test_activities_ratings_and_the_invitation_round_trip(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(full_person(1))
        await uow.people.add(full_person(2))
        shoes = await uow.activities.add(1, "tie my shoes", MON1, NOW)
        film = await uow.activities.add(1, "sit through a film", MON1, NOW)
        other = await uow.activities.add(2, "garden", MON1, NOW)
        await uow.activities.rate(1, shoes.id, MON1, 3, NOW)
        await uow.activities.rate(1, shoes.id, MON1, 4, NOW)  # the week re-rated
        await uow.activities.rate(1, film.id, MON1, 5, NOW)
        await uow.activities.rate(2, other.id, MON1, 7, NOW)
        await uow.activities.asked(1, MON1)
        await uow.activities.asked(1, MON2)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.activities.retire(1, film.id, MON2)
        assert not await uow.activities.retire(1, film.id, MON2)  # already retired
        assert not await uow.activities.retire(2, shoes.id, MON2)  # not theirs
        await uow.activities.rate(1, shoes.id, MON2, 6, NOW)
        await uow.commit()
    async with store.unit() as uow:
        function = await uow.function(1)
        assert function.activities == (
            Activity(shoes.id, "tie my shoes", MON1),
            Activity(film.id, "sit through a film", MON1, retired=MON2),
        )
        assert function.ratings == (
            ActivityRating(shoes.id, MON1, 4),
            ActivityRating(film.id, MON1, 5),
            ActivityRating(shoes.id, MON2, 6),
        )
        assert await uow.activities.asked_on(1) == MON2
        assert await uow.activities.asked_on(2) is None
        assert await uow.activities.invite_state(1) == (MON2, True)
        assert await uow.activities.invite_state(2) == (None, True)
        assert await uow.activities.invite_state(3) == (None, False)
        assert await uow.activities.with_current([1, 2, 3]) == {1, 2}
        named, rated = await uow.activities.export_rows(1)
        assert [a.name for a, _ in named] == ["tie my shoes", "sit through a film"]
        assert len(rated) == 3
    async with store.unit() as uow:
        await uow.people.delete_everything(1)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.function(1) == type(function)()
        assert await uow.activities.asked_on(1) is None
        assert (await uow.function(2)).ratings == (ActivityRating(other.id, MON1, 7),)


async def test_a_score_outside_0_to_10_is_refused_by_the_database(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(full_person(1))
        shoes = await uow.activities.add(1, "tie my shoes", MON1, NOW)
        with pytest.raises(IntegrityError):
            await uow.activities.rate(1, shoes.id, MON1, 11, NOW)
