"""The day's plan: the stage's moves, the lifts' rest days, the hyper row, missing equipment."""

from __future__ import annotations

import pytest

from coach.model import Equipment, Profile
from coach.plan import Plan, Status, plan_for
from coach.program import Program
from coach.rules import Change, required_moves
from tests.coach.conftest import (
    BEGINNER,
    EVERYTHING,
    GYM,
    NO_BARBELL,
    START,
    Story,
    day,
)
from tests.coach.conftest import quick as coached  # v2: no min_days here
from tests.coach.conftest import quick_days as days

ORDER = [
    "bar_hang",
    "seated_row",
    "reverse_hyper",
    "hyper_row",
    "pull_through",
    "deadlift",
    "barbell_row",
]


def statuses_of(plan: Plan) -> dict[str, Status]:
    return {i.move.slug: i.status for i in plan.items}


def statuses(story: Story, n: int) -> dict[str, Status]:
    return statuses_of(story.plan(day(n)))


def test_there_is_no_plan_before_todays_check_in(program: Program) -> None:
    story = coached([1] * 3)
    assert plan_for(program, story.history, day(4)) is None


@pytest.mark.parametrize(
    ("stage", "first_day", "moves"),
    [(1, 1, 1), (2, 3, 3), (3, 7, 5), (4, 11, 6), (5, 17, 7)],
)
def test_each_stage_adds_its_moves_to_the_plan(
    program: Program, stage: int, first_day: int, moves: int
) -> None:
    plan = coached([1] * first_day).plan()
    assert (plan.stage, plan.stage_name) == (stage, program.stage(stage).name)
    assert [i.move.slug for i in plan.items] == ORDER[:moves]
    assert all(i.status is Status.DO for i in plan.items)


# --- the lifts: every other day -------------------------------------------------------------------


def test_the_deadlift_rests_the_day_after_it_was_done() -> None:
    story = coached([1] * 14)  # stage 4 from day 11
    assert [statuses(story, n)["deadlift"] for n in range(11, 15)] == [
        Status.DO,
        Status.REST,
        Status.DO,
        Status.REST,
    ]


def test_a_resting_lift_is_not_required_for_a_session(program: Program) -> None:
    story = coached([1] * 12)
    rest_day = story.on(day(12))
    needed = required_moves(program, story.history, rest_day.stage, day(12), rest_day.flare)
    assert "deadlift" not in needed
    assert "deadlift" in required_moves(program, story.history, 4, day(11), high=False)
    assert rest_day.session


def test_both_lifts_rest_together_at_stage_5() -> None:
    story = coached([1] * 18)  # stage 5 from day 17; a lift on 15, none on 16
    assert statuses(story, 17)["barbell_row"] is Status.DO
    assert statuses(story, 17)["deadlift"] is Status.DO
    assert statuses(story, 18)["barbell_row"] is Status.REST
    assert statuses(story, 18)["deadlift"] is Status.REST


def test_a_skipped_lift_does_not_rest_the_next_day() -> None:
    story = coached([1] * 11).then([1, 1])  # deadlift done on 11; nothing pressed on 12
    assert statuses(story, 12)["deadlift"] is Status.REST
    assert statuses(story, 13)["deadlift"] is Status.DO


def test_the_other_moves_are_daily() -> None:
    story = coached([1] * 20)
    for n in range(17, 21):
        daily = {
            s: st for s, st in statuses(story, n).items() if s not in {"deadlift", "barbell_row"}
        }
        assert set(daily.values()) == {Status.DO}


# --- the hyper row --------------------------------------------------------------------------------


def test_the_hyper_row_is_offered_only_to_gym_experienced_people() -> None:
    assert coached([1] * 20, profile=GYM).plan(day(7)).item("hyper_row") is not None
    for n in range(1, 21):
        assert coached([1] * 20, profile=BEGINNER).plan(day(n)).item("hyper_row") is None


# --- missing equipment ----------------------------------------------------------------------------


def test_a_move_whose_equipment_is_missing_is_named_not_dropped() -> None:
    profile = Profile(equipment=frozenset({Equipment.PULLUP_BAR, Equipment.BAND}))
    plan = coached([1] * 8, profile=profile).plan()
    assert plan.stage == 3
    assert statuses_of(plan) == {
        "bar_hang": Status.DO,
        "seated_row": Status.DO,
        "reverse_hyper": Status.NO_EQUIPMENT,
        "pull_through": Status.DO,
    }
    reverse_hyper = plan.item("reverse_hyper")
    assert reverse_hyper is not None
    assert not reverse_hyper.actionable


def test_a_band_replaces_the_cable_for_the_rows_and_pull_through() -> None:
    band = Profile(equipment=frozenset({Equipment.PULLUP_BAR, Equipment.BAND, Equipment.BENCH}))
    cable = Profile(equipment=frozenset({Equipment.PULLUP_BAR, Equipment.CABLE, Equipment.BENCH}))
    for profile in (band, cable):
        plan = coached([1] * 8, profile=profile).plan()
        assert statuses_of(plan)["seated_row"] is Status.DO
        assert statuses_of(plan)["pull_through"] is Status.DO


def test_the_hyper_row_needs_a_dumbbell_and_says_so() -> None:
    profile = Profile(equipment=EVERYTHING - {Equipment.DUMBBELL}, gym_experienced=True)
    plan = coached([1] * 8, profile=profile).plan()
    assert statuses_of(plan)["hyper_row"] is Status.NO_EQUIPMENT


def test_a_move_without_its_equipment_is_not_needed_for_a_session() -> None:
    profile = Profile(equipment=frozenset({Equipment.PULLUP_BAR, Equipment.BAND}))
    story = coached([1] * 12, profile=profile)
    assert story.entered(3) == 7  # sessions of the seated row alone count
    assert max(story.stages()) == 3


def test_without_a_barbell_the_lifts_never_appear() -> None:
    story = coached([0] * 30, profile=Profile(equipment=NO_BARBELL, gym_experienced=True))
    for n in range(1, 31):
        plan = story.plan(day(n))
        assert plan.item("deadlift") is None
        assert plan.item("barbell_row") is None


def test_a_new_stage_is_announced_on_the_day_it_is_entered() -> None:
    plan = days(START, [2, 2, 2]).plan()
    assert plan.change is Change.ADVANCE
    assert not plan.ask_red_flags
