"""Safety v3 day by day through the services: a *Worse* that takes back the day's new stage
says so, and when the stage can be earned again; a change of time zone never makes a day
already over today again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coach import texts
from coach.model import Equipment, Profile
from services import checkin, onboarding, settings
from services.actions import Action
from services.clock import ManualClock
from services.core import Core
from services.outcome import ShowPlan
from services.unit import unit
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
    assert worse.toast == texts.WORSE_ACK.format(name="Seated Row", days=texts.plural(7, "day"))


async def test_a_day_over_in_tokyo_is_never_re_rated_after_moving_to_los_angeles(
    core: Core,
) -> None:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = datetime(2026, 3, 9, 15, 20, tzinfo=UTC)  # 00:20 on the 10th in Tokyo
    await registered(core, 1, timezone="Asia/Tokyo")
    yesterday, today = date(2026, 3, 9), date(2026, 3, 10)
    async with unit(core) as work:
        await work.ratings.set(1, yesterday, 2, core.clock.now())
        await work.commit()
    await settings.settings_button(core, 1, "tz")
    await onboarding.typed(core, 1, "America/Los_Angeles")
    async with unit(core) as work:
        person = await work.person(1)
        assert person is not None and person.timezone == "America/Los_Angeles"
        assert core.today(person) == today  # Los Angeles's own date is still the 9th

    refused = await checkin.rate_button(core, 1, yesterday, 9)
    assert refused.toast == texts.STALE_BUTTON.format(day=texts.day(yesterday))
    rated = await checkin.rate_button(core, 1, today, 3)
    assert any(isinstance(m, ShowPlan) for m in rated.messages)
    async with unit(core) as work:
        ratings = await work.ratings.all(1)
    assert sorted((r.day, r.pain) for r in ratings) == [(yesterday, 2), (today, 3)]


async def test_without_a_bar_stage_1_has_moves_and_their_session_says_what_it_counts(
    core: Core,
) -> None:
    band_bench = Profile(frozenset({Equipment.BAND, Equipment.BENCH}))
    await registered(core, 1, profile=band_bench, hang_times=())
    walk = Walk(core)
    plan, _ = await walk.rate(3, do_all=False)
    assert plan.stage == 1
    assert [i.move.slug for i in plan.items if i.adapted] == ["seated_row", "reverse_hyper"]
    first = await checkin.feedback(core, 1, Action.DONE, "seated_row", walk.day)
    assert first.toast == texts.DONE_ACK.format(name="Seated Row")
    last = await checkin.feedback(core, 1, Action.DONE, "reverse_hyper", walk.day)
    # The plan still shows the bar hang open: the toast says what is complete, truly.
    assert last.toast == texts.SESSION_COUNTED
