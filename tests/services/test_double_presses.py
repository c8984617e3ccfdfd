"""Double and concurrent presses, as from two workers at once: one effect, no duplicate
rows, no error."""

from __future__ import annotations

import asyncio
from datetime import date

from coach import texts
from coach.model import Feedback
from services import checkin
from services.actions import Action
from services.core import Core
from tests.services.conftest import registered

DAY = date(2026, 3, 2)


async def test_the_same_done_pressed_twice_at_once_counts_once(core: Core) -> None:
    await registered(core, 1)
    await checkin.rate_button(core, 1, DAY, 2)
    toasts = await asyncio.gather(
        *(checkin.feedback(core, 1, Action.DONE, "bar_hang", DAY) for _ in range(4))
    )
    assert sorted(t.toast == texts.DONE_ALREADY for t in toasts) == [False, True, True, True]
    async with core.store.unit() as uow:
        feedback = await uow.feedback.all(1)
    assert [(f.move, f.kind) for f in feedback] == [("bar_hang", Feedback.DONE)]


async def test_done_and_worse_at_once_leave_one_row_each(core: Core) -> None:
    await registered(core, 1)
    await checkin.rate_button(core, 1, DAY, 2)
    await asyncio.gather(
        checkin.feedback(core, 1, Action.DONE, "bar_hang", DAY),
        checkin.feedback(core, 1, Action.WORSE, "bar_hang", DAY),
        checkin.feedback(core, 1, Action.WORSE, "bar_hang", DAY),
    )
    async with core.store.unit() as uow:
        feedback = await uow.feedback.all(1)
    assert sorted(f.kind for f in feedback) == [Feedback.DONE, Feedback.WORSE]


async def test_two_ratings_at_once_leave_one_rating_for_the_day(core: Core) -> None:
    await registered(core, 1)
    outcomes = await asyncio.gather(
        checkin.rate_button(core, 1, DAY, 2), checkin.rate_button(core, 1, DAY, 3)
    )
    assert all(o.messages for o in outcomes)
    async with core.store.unit() as uow:
        ratings = await uow.ratings.all(1)
    assert len(ratings) == 1 and ratings[0].pain in (2, 3)
