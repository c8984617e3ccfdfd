"""Flares and lighter days: what counts as one, what it does to the stage, the levels and the
plan, and re-rating."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach import texts
from coach.doses import level_resets, levels_on
from coach.explain import earn_back, plan_reason
from coach.model import Feedback
from coach.plan import Status
from coach.program import Program
from coach.rules import Change, is_flare, lighter_of
from tests.coach.conftest import START, day
from tests.coach.conftest import quick as coached  # v2: no min_days here
from tests.coach.conftest import quick_days as days


def window(*previous: int, today: int) -> dict[date, int]:
    """Ratings on the days before START + 7 (newest last), and today's."""
    today_date = START + timedelta(days=7)
    ratings = {today_date - timedelta(days=len(previous) - i): p for i, p in enumerate(previous)}
    ratings[today_date] = today
    return ratings


def flare(program: Program, ratings: dict[date, int]) -> bool:
    return is_flare(program, ratings, max(ratings))


# --- what a flare is ------------------------------------------------------------------------------


def test_pain_7_is_a_flare_by_itself_even_on_the_first_day(program: Program) -> None:
    assert flare(program, {START: 7})


def test_pain_6_alone_is_not_a_flare(program: Program) -> None:
    assert not flare(program, {START: 6})


def lighter(program: Program, ratings: dict[date, int]) -> bool:
    return lighter_of(program, ratings, max(ratings)) is not None


def test_pain_2_over_a_median_of_0_is_no_lighter_day(program: Program) -> None:
    assert not lighter(program, window(0, 0, 0, 0, 0, 0, 0, today=2))
    assert not lighter(program, window(0, 0, 0, 0, 0, 0, 0, today=3))


def test_pain_4_over_a_median_of_2_is_a_lighter_day_not_a_flare(program: Program) -> None:
    assert lighter(program, window(2, 2, 2, 2, 2, 2, 2, today=4))
    assert lighter(program, window(1, 2, 3, today=4))
    assert not flare(program, window(2, 2, 2, 2, 2, 2, 2, today=4))
    assert not flare(program, window(0, 0, 0, today=6))


def test_a_rise_of_one_point_is_no_lighter_day(program: Program) -> None:
    assert not lighter(program, window(3, 3, 3, 3, 3, 3, 3, today=4))
    assert not lighter(program, window(4, 4, 4, today=5))


def test_a_lighter_day_needs_three_ratings_in_the_previous_seven_days(program: Program) -> None:
    assert not lighter(program, window(0, 0, today=6))
    assert lighter(program, window(0, 0, 0, today=6))


def test_only_ratings_of_the_previous_seven_days_count_toward_the_median(
    program: Program,
) -> None:
    today = START + timedelta(days=10)
    too_old = {today - timedelta(days=n): 0 for n in (8, 9, 10)}
    assert not lighter(program, {**too_old, today: 6})
    recent = {today - timedelta(days=n): 0 for n in (1, 4, 7)}
    assert lighter(program, {**recent, today: 6})


def test_pain_7_or_more_is_never_a_lighter_day(program: Program) -> None:
    assert not lighter(program, window(1, 1, 1, today=7))
    assert flare(program, window(1, 1, 1, today=7))


# --- v3: pain on its way down is never a flare ------------------------------------------------


@pytest.mark.parametrize(("before", "today"), [(8, 7), (9, 8), (10, 7), (8, 5)])
def test_a_rating_lower_than_the_check_in_before_is_never_a_flare(
    program: Program, before: int, today: int
) -> None:
    assert not flare(program, window(3, 3, before, today=today))


@pytest.mark.parametrize(("before", "today"), [(7, 7), (8, 8), (3, 7), (7, 9)])
def test_high_pain_level_with_or_above_the_check_in_before_is_a_flare(
    program: Program, before: int, today: int
) -> None:
    assert flare(program, window(3, 3, before, today=today))


def test_falling_from_8_to_5_keeps_the_stage_and_never_says_up_from() -> None:
    story = coached([3] * 12).then([8]).then([5])
    falling = story.on(story.last)
    assert (falling.flare, falling.change) == (False, None)
    assert story.stage() == story.stage(story.last - timedelta(days=1))


def test_high_pain_falling_from_a_flare_drops_no_second_stage(program: Program) -> None:
    story = coached([1] * 20).then([9, 8])
    assert story.stages()[-2:] == [4, 4]
    plan = story.plan()
    assert (plan.high, plan.flare, plan.change) == (True, False, None)
    assert [i.move.slug for i in plan.items] == ["bar_hang"]
    reason = plan_reason(program, plan)
    assert reason == f"{texts.PLAN_REASON['high'].format(pain=8, stage=4)}\n\n{texts.SELF_CARE}"


# --- v3: a one-day rise below 7 is a lighter day -------------------------------------------------


def test_a_single_4_after_the_first_deadlift_keeps_stage_4_and_every_level(
    program: Program,
) -> None:
    story = coached([1] * 12)  # stage 4 from day 11
    story = story.answer(day(9), Feedback.EASY, "seated_row").answer(
        day(10), Feedback.EASY, "seated_row"
    )
    assert levels_on(program, story.history, day(12))["seated_row"] == 2
    light = story.then([4])
    today = light.on(light.last)
    assert (today.flare, today.lighter, today.change, today.stage) == (False, True, None, 4)
    assert levels_on(program, light.history, light.last)["seated_row"] == 2
    after = light.then([1])
    assert after.stage() == 4
    assert after.plan().item("seated_row").level == 2  # type: ignore[union-attr]


def test_a_lighter_day_rests_the_lifts_and_shows_doses_a_level_down(program: Program) -> None:
    story = coached([1] * 12)
    story = story.answer(day(9), Feedback.EASY, "seated_row").answer(
        day(10), Feedback.EASY, "seated_row"
    )
    plan = story.then([4]).plan()
    assert plan.lighter
    deadlift, row, hang = plan.item("deadlift"), plan.item("seated_row"), plan.item("bar_hang")
    assert deadlift is not None and deadlift.status is Status.PAIN_REST
    assert row is not None and (row.status, row.level) == (Status.DO, 1)
    assert row.dose == texts.DOSE_LEVEL.format(what=program.move("seated_row").levels[0], count=1)
    assert hang is not None and hang.level == program.move("bar_hang").start_level


def test_a_lighter_day_earns_no_stage() -> None:
    # Stage 3 asks pain <= 4 on 5 days: day 7 at 1 earns it, day 7 at 4 (a lighter day) not.
    assert coached([1] * 7).on(day(7)).change is Change.ADVANCE
    story = coached([1] * 6).then([4])
    assert story.on(day(7)).lighter
    assert (story.on(day(7)).change, story.stage()) == (None, 2)


def test_a_lighter_day_can_still_be_a_session() -> None:
    story = coached([1] * 12).then([4], sessions=True)
    assert story.on(story.last).lighter
    assert story.on(story.last).session


# --- v3: levels reset only with a lost stage ----------------------------------------------------


def test_a_flare_at_stage_1_keeps_every_level(program: Program) -> None:
    story = days(START, [2, 2]).answer(day(1), Feedback.HARD, "bar_hang").then([9])
    assert story.stage() == 1
    assert level_resets(story.replay()) == {}


def test_a_lost_stage_starts_the_doses_again_and_says_what_earns_it_back(
    program: Program,
) -> None:
    story = coached([1] * 12)
    story = story.answer(day(9), Feedback.EASY, "seated_row").answer(
        day(10), Feedback.EASY, "seated_row"
    )
    lost = story.then([7])
    assert lost.on(lost.last).change is Change.FLARE
    assert levels_on(program, lost.history, lost.last)["seated_row"] == 1
    reason = plan_reason(program, lost.plan())
    assert earn_back(program, 3) in reason
    enter = program.stage(4).enter
    assert enter is not None
    assert f"pain ≤ {enter.pain_max} on {enter.days_in_row} days in a row" in reason
    assert f"{enter.sessions} stage-3 sessions" in reason
    assert f"{enter.min_days} days in stage 3" in reason


# --- what a flare does ----------------------------------------------------------------------------


def test_a_flare_drops_exactly_one_stage() -> None:
    story = coached([1] * 12).then([7])  # stage 4 on day 11
    flared = story.on(day(13))
    assert (flared.flare, flared.change, flared.stage) == (True, Change.FLARE, 3)


def test_a_rise_at_low_pain_drops_no_stage() -> None:
    story = coached([2] * 12).then([4])
    assert story.on(day(13)).change is None
    assert story.stage() == 4


def test_a_flare_never_drops_below_stage_1() -> None:
    story = days(START, [9, 9, 9])
    assert story.stages() == [1, 1, 1]
    assert all(d.flare and d.change is None for d in story.replay())


def test_on_a_flare_day_the_plan_is_the_bar_hang_only() -> None:
    plan = coached([1] * 20).then([7]).plan()
    assert plan.flare
    assert [i.move.slug for i in plan.items] == ["bar_hang"]


def test_a_flare_day_is_never_a_session() -> None:
    story = coached([1] * 20).then([7], sessions=True).done(day(21), "seated_row")
    assert not story.on(day(21)).session


@pytest.mark.parametrize(("pain", "asks"), [(7, False), (8, True), (10, True)])
def test_pain_8_or_more_asks_the_red_flags_again_and_7_does_not(pain: int, asks: bool) -> None:
    plan = coached([1] * 5).then([pain]).plan()
    assert plan.flare
    assert plan.ask_red_flags is asks


def test_pain_8_asks_the_red_flags_even_at_stage_1() -> None:
    assert days(START, [8]).plan().ask_red_flags


def test_consecutive_flares_drop_one_stage_each_day() -> None:
    story = coached([1] * 20).then([8, 8, 8, 8, 8, 8])
    assert story.stages()[-6:] == [4, 3, 2, 1, 1, 1]


# --- re-rating: the replay ------------------------------------------------------------------------


def test_re_rating_a_flare_day_down_removes_the_drop() -> None:
    flared = coached([1] * 12).then([7]).then([1] * 3, sessions=True)
    assert flared.on(day(13)).change is Change.FLARE
    assert flared.stage() == 3
    fixed = flared.rate(day(13), 1)
    assert fixed.on(day(13)).change is None
    assert fixed.stage(day(13)) == 4
    assert fixed.stage() == 4


def test_re_rating_a_past_day_up_into_a_flare_causes_the_drop() -> None:
    story = coached([1] * 18)  # stage 5 from day 17
    assert story.stage() == 5
    re_rated = story.rate(day(12), 8)
    assert re_rated.on(day(12)).change is Change.FLARE
    assert re_rated.stage(day(12)) == 3
    assert re_rated.stage() < 5, "re-rating can never skip a regression"


def test_re_rating_changes_nothing_before_the_re_rated_day() -> None:
    story = coached([1] * 18)
    before = story.replay(day(11))
    assert story.rate(day(12), 9).replay(day(11)) == before


# --- v3: a high-pain day: the hang optional, and the NHS's self-care advice ---------------------


@pytest.mark.parametrize("pains", [[1] * 20 + [7], [1] * 20 + [9, 8], [8]])
def test_a_high_pain_day_makes_the_hang_optional_and_gives_the_nhs_advice(
    program: Program, pains: list[int]
) -> None:
    plan = coached(pains).plan()
    assert plan.high
    reason = plan_reason(program, plan)
    assert "a gentle bar hang is optional, only if it eases the pain" in reason
    assert reason.endswith(texts.SELF_CARE)
    assert "nhs.uk/conditions/back-pain" in texts.SELF_CARE
    for word in ("walk", "heat", "moving"):
        assert word in texts.SELF_CARE
    for medicine in ("ibuprofen", "paracetamol", "painkiller", "medicine", "tablet"):
        assert medicine not in texts.SELF_CARE.lower()
    assert "bar hangs only" not in reason


def test_no_self_care_block_on_an_ordinary_or_lighter_day(program: Program) -> None:
    assert texts.SELF_CARE not in plan_reason(program, coached([1] * 5).plan())
    assert texts.SELF_CARE not in plan_reason(program, coached([2] * 12).then([4]).plan())
