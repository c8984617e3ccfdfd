"""Many people at once: each update opens its own unit of work."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

from coach.model import Feedback, MoveFeedback, Rating
from storage import Store
from tests.storage.builders import NOW, bare_person

PEOPLE = 50
DAY = date(2026, 3, 10)


async def check_in(store: Store, chat_id: int) -> None:
    """One update: read the person, rate the day twice, mark a move done, move a step on."""
    async with store.unit() as uow:
        person = await uow.people.get(chat_id)
        assert person is not None
        await uow.ratings.set(chat_id, DAY, 8, NOW)
        await asyncio.sleep(0)  # let the other tasks in between statements
        await uow.ratings.set(chat_id, DAY, chat_id % 11, NOW)
        await uow.feedback.add(chat_id, MoveFeedback(DAY, "bar_hang", Feedback.DONE), NOW)
        await uow.people.save(replace(person, step=f"checked_in_{chat_id}"))
        await uow.commit()


async def register(store: Store, chat_id: int) -> None:
    """One /start: a new person and their first rating."""
    async with store.unit() as uow:
        await uow.people.add(bare_person(chat_id))
        await uow.ratings.set(chat_id, DAY - timedelta(days=1), 5, NOW)
        await uow.commit()


async def test_fifty_concurrent_units_of_work_all_commit(store: Store) -> None:
    chat_ids = range(1, PEOPLE + 1)
    await asyncio.wait_for(asyncio.gather(*(register(store, c) for c in chat_ids)), 60)
    await asyncio.wait_for(asyncio.gather(*(check_in(store, c) for c in chat_ids)), 60)
    async with store.unit() as uow:
        people = await uow.people.get_many(set(chat_ids))
        assert sorted(c for c, p in people.items() if p.active) == list(chat_ids)
        for chat_id in chat_ids:
            ratings = await uow.ratings.all(chat_id)
            assert ratings == (Rating(DAY - timedelta(days=1), 5), Rating(DAY, chat_id % 11))
            person = await uow.people.get(chat_id)
            assert person is not None
            assert person.step == f"checked_in_{chat_id}"
            assert len(await uow.feedback.all(chat_id)) == 1
