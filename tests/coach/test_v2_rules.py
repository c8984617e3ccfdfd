"""The v2 rules of DESIGN.md §2, each at the boundary that used to go wrong."""

from __future__ import annotations

from datetime import timedelta

from coach import texts
from coach.explain import plan_reason
from coach.program import Program, default_program
from coach.rules import FlareKind, Status, required_moves
from tests.coach.conftest import START, Story, coached, day, days, expected_entry_days

# --- a session is Done on every move the day's plan asks for ----------------------------------


def test_done_on_one_move_and_worse_on_the_other_is_not_a_session() -> None:
    story = coached([2] * 3).then([2])  # stage 2 from day 3
    story = story.done(day(4), "seated_row").worse(day(4), "reverse_hyper")
    assert not story.on(day(4)).session


def test_done_and_then_worse_on_the_same_move_is_not_a_session() -> None:
    story = coached([2] * 3).then([2]).session(day(4)).worse(day(4), "reverse_hyper")
    assert not story.on(day(4)).session


def test_a_worse_from_an_earlier_day_still_leaves_the_move_out_of_the_session() -> None:
    story = coached([2] * 3).then([2]).worse(day(4), "seated_row").then([2])
    story = story.done(day(5), "reverse_hyper")
    assert story.on(day(5)).session


# --- the words come from the rule that fired ----------------------------------------------------


def test_a_first_ever_rating_of_10_is_high_pain_not_a_rise(program: Program) -> None:
    plan = days(START, [10]).plan()
    assert plan.flare_kind is FlareKind.HIGH
    reason = plan_reason(program, plan)
    assert reason == texts.PLAN_REASON["flare"].format(pain=10, stage=1)
    assert "high pain today" in reason
    assert "rise" not in reason


def test_the_fifth_day_in_a_row_at_9_is_high_pain_not_a_rise(program: Program) -> None:
    story = coached([1] * 12).then([9] * 5)
    plan = story.plan()
    assert plan.flare_kind is FlareKind.HIGH
    assert "rise" not in plan_reason(program, plan)
    assert "high pain today" in plan_reason(program, plan)


def test_a_relative_flare_says_up_from_your_usual_median(program: Program) -> None:
    story = coached([2] * 12).then([4])  # stage 4 would need more days; any stage drops
    plan = story.plan()
    assert (plan.flare_kind, plan.usual) == (FlareKind.RISE, 2)
    reason = plan_reason(program, plan)
    assert "up from your usual 2" in reason
    assert reason == texts.PLAN_REASON["flare_rise_drop"].format(
        pain=4, usual="2", stage=plan.stage
    )


def test_the_usual_pain_is_the_median_the_rule_used(program: Program) -> None:
    story = days(START, [1, 2, 3, 2]).then([5])
    day5 = story.on(day(5))
    assert (day5.flare, day5.flare_kind, day5.usual) == (True, FlareKind.RISE, 2)


def test_why_after_a_flare_names_the_rule_that_fired() -> None:
    high = coached([1] * 12).then([8])
    assert "high pain" in high.why()
    assert "rise" not in high.why()
    rise = coached([2] * 12).then([4])
    assert "up from your usual 2" in rise.why()


# --- the lifts need a low-pain day ------------------------------------------------------------

ENTRY = expected_entry_days(default_program())


def lifting_at(pains: list[int], *, sessions: bool = False) -> Story:
    """Stage 4 from its table day at pain 1, then five days at 3 (sessions done), then
    ``pains``: 4 is then only one above the usual 3, not a flare."""
    return coached([1] * ENTRY[4]).then([3] * 5, sessions=True).then(pains, sessions=sessions)


def test_a_lift_rests_on_a_day_with_pain_above_3_and_has_its_own_reason(
    program: Program,
) -> None:
    story = lifting_at([4])
    plan = story.plan()
    assert (plan.stage, plan.flare) == (4, False)
    deadlift = plan.item("deadlift")
    assert deadlift is not None
    assert deadlift.status is Status.PAIN_REST
    assert not deadlift.actionable
    assert texts.STATUS_NOTE["pain_rest"]
    assert plan_reason(program, plan) == texts.PLAN_REASON["pain_rest"].format(
        stage=4, name="Deadlift", pain_max=3
    )


def test_a_lift_is_in_the_plan_on_a_day_at_pain_3() -> None:
    story = lifting_at([3, 3], sessions=True)
    statuses = {story.plan(story.last - timedelta(days=n)).item("deadlift") for n in (0, 1)}
    assert {i.status for i in statuses if i is not None} == {Status.DO, Status.REST}


def test_a_day_whose_lifts_rest_for_pain_is_still_a_session(program: Program) -> None:
    story = lifting_at([4])
    needed = required_moves(program, story.history, 4, story.last, flare=False)
    assert "deadlift" not in needed
    assert needed
    assert story.session(story.last).on(story.last).session
