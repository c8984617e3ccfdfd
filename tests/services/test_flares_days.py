"""Safety v3 day by day through the services: a *Worse* that takes back the day's new stage
says so, and when the stage can be earned again."""

from __future__ import annotations

from datetime import timedelta

from coach import texts
from services import checkin
from services.actions import Action
from services.core import Core
from tests.services.conftest import registered
from tests.services.test_rules_v2_days import EVERYTHING, Walk


async def test_worse_on_the_day_a_stage_is_earned_says_it_is_taken_back_and_until_when(
    core: Core,
) -> None:
    await registered(core, 1, profile=EVERYTHING)
    walk = Walk(core)
    plan, _ = await walk.rate(1)
    while plan.stage < 3:
        plan, _ = await walk.rate(1, do_all=False)
        for item in plan.items:
            if item.actionable and plan.stage < 3:
                await checkin.feedback(core, 1, Action.DONE, item.move.slug, walk.day)
    assert plan.change is not None and plan.stage == 3
    worse = await checkin.feedback(core, 1, Action.WORSE, "seated_row", walk.day)
    back = walk.day + timedelta(days=core.program.rules.worse_leave_out_days)
    said = texts.WORSE_TAKES_ADVANCE.format(name="Seated Row", stage=3, day=texts.day(back))
    assert worse.toast is not None and said in worse.toast
    assert worse.redraw_plan is not None and worse.redraw_plan.plan.stage == 2

    undo = await checkin.feedback(core, 1, Action.UNDO, "seated_row", walk.day)
    assert undo.redraw_plan is not None and undo.redraw_plan.plan.stage == 3


async def test_worse_on_an_ordinary_day_says_nothing_of_stages(core: Core) -> None:
    await registered(core, 1, profile=EVERYTHING)
    walk = Walk(core)
    for _ in range(5):
        plan, _ = await walk.rate(1)
    assert plan.stage == 2 and plan.change is None
    worse = await checkin.feedback(core, 1, Action.WORSE, "seated_row", walk.day)
    assert worse.toast == texts.WORSE_ACK.format(name="Seated Row", days=7)
