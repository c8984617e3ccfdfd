"""Flares: what counts as one, what it does to the stage and the plan, and re-rating."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.program import Program
from coach.rules import Change, is_flare
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


def test_pain_2_over_a_median_of_0_is_not_a_flare(program: Program) -> None:
    assert not flare(program, window(0, 0, 0, 0, 0, 0, 0, today=2))
    assert not flare(program, window(0, 0, 0, 0, 0, 0, 0, today=3))


def test_pain_4_over_a_median_of_2_is_a_flare(program: Program) -> None:
    assert flare(program, window(2, 2, 2, 2, 2, 2, 2, today=4))
    assert flare(program, window(1, 2, 3, today=4))


def test_a_rise_of_one_point_is_not_a_flare(program: Program) -> None:
    assert not flare(program, window(3, 3, 3, 3, 3, 3, 3, today=4))
    assert not flare(program, window(4, 4, 4, today=5))


def test_a_relative_flare_needs_three_ratings_in_the_previous_seven_days(program: Program) -> None:
    assert not flare(program, window(0, 0, today=6))
    assert flare(program, window(0, 0, 0, today=6))


def test_only_ratings_of_the_previous_seven_days_count_toward_the_median(
    program: Program,
) -> None:
    today = START + timedelta(days=10)
    too_old = {today - timedelta(days=n): 0 for n in (8, 9, 10)}
    assert not flare(program, {**too_old, today: 6})
    recent = {today - timedelta(days=n): 0 for n in (1, 4, 7)}
    assert flare(program, {**recent, today: 6})


# --- what a flare does ----------------------------------------------------------------------------


def test_a_flare_drops_exactly_one_stage() -> None:
    story = coached([1] * 12).then([7])  # stage 4 on day 11
    flared = story.on(day(13))
    assert (flared.flare, flared.change, flared.stage) == (True, Change.FLARE, 3)


def test_a_relative_flare_at_low_pain_drops_a_stage_too() -> None:
    story = coached([2] * 12).then([4])
    assert story.on(day(13)).change is Change.FLARE
    assert story.stage() == 3


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
