"""The v2 rules of DESIGN.md §2, each at the boundary that used to go wrong."""

from __future__ import annotations

from coach import texts
from coach.explain import plan_reason
from coach.program import Program
from coach.rules import FlareKind
from tests.coach.conftest import START, coached, day, days

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
