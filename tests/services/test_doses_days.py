"""Doses that grow, day by day through the services: Easy after a Done, twice, moves the dose
up a level in the plan and /why; Hard moves it down; Worse starts it again; the export
carries the levels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coach import texts
from coach.export import rows
from coach.model import Equipment, Profile
from services import checkin, data
from services.actions import Action
from services.clock import ManualClock
from services.core import Core
from services.outcome import Say, ShowPlan
from services.unit import unit
from tests.services.conftest import registered

START = date(2026, 3, 2)


async def day_of(core: Core, day: date, pain: int = 2) -> ShowPlan:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
    outcome = await checkin.rate_button(core, 1, day, pain)
    return next(m for m in outcome.messages if isinstance(m, ShowPlan))


async def done_and_felt(core: Core, day: date, slug: str, kind: str | None) -> str | None:
    await checkin.feedback(core, 1, Action.DONE, slug, day)
    if kind is None:
        return None
    return (await checkin.dose_feedback(core, 1, slug, day, kind)).toast


def dose(view: ShowPlan, slug: str) -> str:
    item = view.plan.item(slug)
    assert item is not None
    return item.dose


async def test_easy_twice_steps_up_hard_steps_down_worse_starts_again(core: Core) -> None:
    await registered(core, 1, profile=Profile(frozenset(Equipment)))
    days = [START + timedelta(days=n) for n in range(12)]
    for day in days[:3]:  # stage 2 on the third day
        view = await day_of(core, day)
    assert dose(view, "seated_row") == "2 × 12, slow"
    before = await checkin.dose_feedback(core, 1, "seated_row", days[2], "easy")
    assert before.toast == texts.DOSE_ONLY_AFTER_DONE  # only for a move done today
    toast = await done_and_felt(core, days[2], "seated_row", "easy")
    assert toast is not None and "Seated Row felt easy" in toast
    view = await day_of(core, days[3])
    assert dose(view, "seated_row") == "2 × 12, slow"  # one Easy is not enough
    await done_and_felt(core, days[3], "seated_row", "easy")
    view = await day_of(core, days[4])
    assert dose(view, "seated_row") == "2 × 15, slow · level 2"
    why = (await checkin.why(core, 1)).messages[0]
    assert isinstance(why, Say) and "Seated Row level 2 of 3" in why.text

    await done_and_felt(core, days[4], "seated_row", "hard")
    view = await day_of(core, days[5])
    assert dose(view, "seated_row") == "2 × 12, slow"

    await done_and_felt(core, days[5], "seated_row", "easy")
    await day_of(core, days[6])
    await done_and_felt(core, days[6], "seated_row", "easy")
    view = await day_of(core, days[7])
    assert dose(view, "seated_row") == "2 × 15, slow · level 2"
    await checkin.feedback(core, 1, Action.WORSE, "seated_row", days[7])
    async with unit(core) as work:
        person = await work.person(1)
        assert person is not None
        everything = await data.everything(work, person)
    table = rows(core.program, everything, core.clock.now())
    changes = [r for r in table if r[0] == "dose_level_change" and r[3] == "seated_row"]
    assert [r[4] for r in changes] == ["1 -> 2", "2 -> 1", "1 -> 2", "2 -> 1"]
