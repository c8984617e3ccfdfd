"""Bad presses on the activities change nothing and get a clear answer: another person's
activity, a retired one, an old week, a week not yet begun; a fourth activity is refused;
a re-rated week replaces its rating."""

from __future__ import annotations

from datetime import date, timedelta

from coach import texts
from coach.function import ActivityRating, week_of
from services import function
from services.core import Core
from services.function_messages import SETTINGS
from services.unit import unit
from tests.services.conftest import registered


async def named(core: Core, chat_id: int, *names: str) -> list[int]:
    ids = []
    async with unit(core) as work:
        for name in names:
            ids.append(
                (await work.uow.activities.add(chat_id, name, core.clock.now().date(), work.now)).id
            )
        await work.commit()
    return ids


async def ratings(core: Core, chat_id: int) -> tuple[ActivityRating, ...]:
    async with unit(core) as work:
        return (await work.uow.function(chat_id)).ratings


async def test_a_press_that_does_not_fit_is_refused_and_stores_nothing(core: Core) -> None:
    await registered(core, 1)
    await registered(core, 2)
    (mine,) = await named(core, 1, "tie my shoes")
    (theirs,) = await named(core, 2, "garden")
    today = date(2026, 3, 2)
    refused = {
        "someone else's": await function.rate(core, 1, SETTINGS, today, theirs, 5),
        "an old week": await function.rate(core, 1, SETTINGS, today - timedelta(days=14), mine, 5),
        "a day to come": await function.rate(core, 1, SETTINGS, today + timedelta(days=1), mine, 5),
        "no day": await function.rate(core, 1, SETTINGS, None, mine, 5),
    }
    assert refused["someone else's"].toast == texts.FUNCTION_NOT_CURRENT
    assert refused["an old week"].toast == texts.FUNCTION_STALE
    assert refused["a day to come"].toast == texts.FUNCTION_STALE
    assert refused["no day"].toast == texts.FUNCTION_STALE
    assert await ratings(core, 1) == () and await ratings(core, 2) == ()

    retired = await function.activity_button(core, 1, "retire", str(mine))
    assert texts.FUNCTION_RETIRED.format(name="tie my shoes") in retired.messages[0].text  # type: ignore[union-attr]
    again = await function.activity_button(core, 1, "retire", str(mine))
    assert again.toast == texts.FUNCTION_NOT_CURRENT
    gone = await function.rate(core, 1, SETTINGS, today, mine, 5)
    assert gone.toast == texts.FUNCTION_NOT_CURRENT and await ratings(core, 1) == ()
    unknown = await function.activity_button(core, 1, "explode", "")
    assert unknown.toast == texts.INVALID_BUTTON


async def test_last_weeks_question_still_counts_for_last_week_and_a_rerating_replaces(
    core: Core,
) -> None:
    await registered(core, 1)
    (shoes,) = await named(core, 1, "tie my shoes")
    sunday = date(2026, 3, 1)  # last week's summary, pressed on Monday 2 March
    await function.rate(core, 1, SETTINGS, sunday, shoes, 3)
    await function.rate(core, 1, SETTINGS, sunday, shoes, 4)
    assert await ratings(core, 1) == (ActivityRating(shoes, week_of(sunday), 4),)


async def test_a_fourth_activity_is_refused(core: Core) -> None:
    await registered(core, 1)
    await named(core, 1, "a", "b", "c")
    full = await function.activity_button(core, 1, "name", "")
    assert full.messages[0].text == texts.FUNCTION_FULL  # type: ignore[union-attr]
    async with unit(core) as work:
        person = await work.person(1)
        assert person is not None and person.step is None
