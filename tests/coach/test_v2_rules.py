"""The v2 stage rules, each at the boundary that used to go wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from coach import texts
from coach.doses import levels_on
from coach.explain import plan_reason
from coach.model import Equipment, Feedback, History, Profile, ProfileChange, profile_on
from coach.program import Program, default_program
from coach.rules import Change, FlareKind, Need, Status, required_moves, sustained_rise
from tests.coach.conftest import (
    EVERYTHING,
    START,
    Story,
    coached,
    day,
    days,
    expected_entry_days,
)

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
    assert reason.startswith(texts.PLAN_REASON["flare"].format(pain=10, stage=1))
    assert "high today" in reason
    assert "usual" not in reason


def test_the_fifth_day_in_a_row_at_9_is_high_pain_not_a_rise(program: Program) -> None:
    story = coached([1] * 12).then([9] * 5)
    plan = story.plan()
    assert plan.flare_kind is FlareKind.HIGH
    assert "usual" not in plan_reason(program, plan)
    assert "high today" in plan_reason(program, plan)


def test_a_rise_below_7_is_a_lighter_day_above_the_usual_median(program: Program) -> None:
    story = coached([2] * 12).then([4])
    plan = story.plan()
    assert (plan.flare, plan.lighter, plan.usual, plan.change) == (False, True, 2, None)
    reason = plan_reason(program, plan)
    assert "above your usual 2" in reason
    assert reason == texts.PLAN_REASON["lighter"].format(pain=4, usual="2", stage=plan.stage)


def test_the_usual_pain_is_the_median_the_rule_used(program: Program) -> None:
    story = days(START, [1, 2, 3, 2]).then([5])
    day5 = story.on(day(5))
    assert (day5.flare, day5.lighter, day5.usual) == (False, True, 2)


def test_why_after_a_flare_names_the_rule_that_fired() -> None:
    high = coached([1] * 12).then([8])
    assert "high pain" in high.why()
    assert "usual" not in high.why()
    rise = coached([2] * 12).then([4])
    assert "moved down" not in rise.why()


# --- the lifts need a low-pain day ------------------------------------------------------------

ENTRY = expected_entry_days(default_program())


def lifting_at(pains: list[int], *, sessions: bool = False) -> Story:
    """Stage 4 from its table day at pain 1, then five days at 3 (sessions done), then
    ``pains``: 4 is then only one above the usual 3, not a flare."""
    return coached([1] * ENTRY[4]).then([3] * 5, sessions=True).then(pains, sessions=sessions)


def test_a_lift_rests_on_a_day_with_pain_above_2_and_has_its_own_reason(
    program: Program,
) -> None:
    story = lifting_at([3])
    plan = story.plan()
    assert (plan.stage, plan.flare, plan.lighter) == (4, False, False)
    deadlift = plan.item("deadlift")
    assert deadlift is not None
    assert deadlift.status is Status.PAIN_REST
    assert not deadlift.actionable
    assert texts.STATUS_NOTE["pain_rest"]
    assert plan_reason(program, plan) == texts.PLAN_REASON["pain_rest"].format(
        stage=4, name="Deadlift", pain_max=2
    )


def test_a_lift_is_in_the_plan_on_a_day_at_pain_2() -> None:
    story = lifting_at([2, 2], sessions=True)
    statuses = {story.plan(story.last - timedelta(days=n)).item("deadlift") for n in (0, 1)}
    assert {i.status for i in statuses if i is not None} == {Status.DO, Status.REST}


def test_a_day_whose_lifts_rest_for_pain_is_still_a_session(program: Program) -> None:
    story = lifting_at([4])
    needed = required_moves(program, story.history, 4, story.last, high=False)
    assert "deadlift" not in needed
    assert needed
    assert story.session(story.last).on(story.last).session


# --- a sustained rise steps back one stage --------------------------------------------------------


def test_pain_2_above_the_stages_limit_on_3_check_ins_steps_back_one_stage() -> None:
    story = lifting_at([4, 4])
    assert story.stage() == 4, "two days are one too few"
    story = story.then([4])
    stepped = story.on(story.last)
    assert (stepped.flare, stepped.change, stepped.stage) == (False, Change.SUSTAINED, 3)


def test_3_of_the_last_5_check_ins_are_enough_and_2_of_5_are_not() -> None:
    assert lifting_at([4, 3, 4, 3]).stage() == 4
    story = lifting_at([4, 3, 4, 3, 4])
    assert story.on(story.last).change is Change.SUSTAINED


def test_only_check_ins_since_entering_the_stage_count_toward_a_sustained_rise() -> None:
    # Stages 4 and 5 share the limit 4: the days that stepped back from 5 don't count in 4.
    story = coached([1] * ENTRY[5]).then([3] * 5, sessions=True).then([4, 4, 4, 4, 4])
    assert story.stages()[-5:] == [5, 5, 4, 4, 4]
    assert story.then([4]).stages()[-1] == 3


def test_stage_1_never_steps_back_for_a_sustained_rise(program: Program) -> None:
    assert not sustained_rise(program, 1, [10] * 5)
    assert sustained_rise(program, 2, [8, 0, 8, 0, 8])
    assert not sustained_rise(program, 2, [8, 8, 0, 0, 0, 8])  # only the last 5 count


def test_a_flare_that_is_also_a_sustained_rise_steps_back_only_once() -> None:
    story = lifting_at([4, 4, 7])
    assert story.stages()[-4:] == [4, 4, 4, 3]
    assert story.on(story.last).change is Change.FLARE


def test_the_sustained_rise_is_said_plainly(program: Program) -> None:
    story = lifting_at([4, 4, 4])
    assert "pain has stayed higher than this stage suits" in plan_reason(program, story.plan())
    assert "pain has stayed higher than this stage suits" in story.why()


# --- after a step back, the entry streak starts again --------------------------------------------


def test_after_a_flare_the_streak_back_counts_only_days_after_it() -> None:
    story = coached([1] * 5).then([7])  # stage 2 from day 3; 7 is a flare
    assert (story.on(day(6)).change, story.stage()) == (Change.FLARE, 1)
    back = story.then([1, 1, 1])
    assert back.stages()[-4:] == [1, 1, 1, 2]


def test_why_after_a_step_back_counts_the_streak_from_the_next_day() -> None:
    story = coached([1] * 5).then([7, 1])
    streak = [c for c in story.standing().conditions if c.need is Need.PAIN_STREAK]
    assert [(c.have, c.target) for c in streak] == [(1, 3)]


# --- the profile as of the day ----------------------------------------------------------------

BAR_BENCH_BARBELL = Profile(frozenset({Equipment.PULLUP_BAR, Equipment.BENCH, Equipment.BARBELL}))


def at_stage_5() -> Story:
    """A beginner with a bar, a bench and a barbell (no band): stage 5 on its table day."""
    story = coached([1] * (ENTRY[5] + 2), profile=BAR_BENCH_BARBELL)
    assert story.stage() == 5
    return story


def test_adding_a_band_keeps_the_stage_and_the_past() -> None:
    before = at_stage_5()
    story = before.change_profile(before.next_day, replace(BAR_BENCH_BARBELL, equipment=EVERYTHING))
    story = story.then([1])
    assert story.replay(before.last) == before.replay()
    assert story.stage() == 5
    assert "sessions: 0 of" not in story.why()
    assert story.plan().item("seated_row") is not None


def test_answering_experienced_later_keeps_the_stage() -> None:
    before = at_stage_5()
    story = before.change_profile(before.next_day, replace(BAR_BENCH_BARBELL, gym_experienced=True))
    story = story.then([1, 1])
    assert story.stages()[-3:] == [5, 5, 5]
    assert story.plan().item("hyper_row") is not None  # offered from the day of the change


def test_removing_the_barbell_for_a_day_keeps_stage_5_and_its_levels(program: Program) -> None:
    """v3: it used to cost a month (stage 5 -> 3, back to 5 after 28 days)."""
    top = at_stage_5()
    before = top.answer(top.last - timedelta(days=1), Feedback.EASY, "reverse_hyper")
    before = before.answer(top.last, Feedback.EASY, "reverse_hyper")
    level = levels_on(program, before.history, before.last)["reverse_hyper"]
    assert level == 2
    removed = replace(
        BAR_BENCH_BARBELL, equipment=BAR_BENCH_BARBELL.equipment - {Equipment.BARBELL}
    )
    gone = before.next_day
    story = before.change_profile(gone, removed).then([1])
    assert story.replay(before.last) == before.replay()
    kept = story.on(gone)
    assert (kept.stage, kept.change) == (5, None)
    plan = story.plan()
    for lift in ("deadlift", "barbell_row"):
        item = plan.item(lift)
        assert item is not None and item.status is Status.NO_EQUIPMENT
    row = plan.item("reverse_hyper")
    assert row is not None and row.level == level
    why = story.why()
    assert texts.WHY_KEPT.format(what=texts.EQUIPMENT["barbell"]) not in why  # top: no next
    back = story.change_profile(story.next_day, BAR_BENCH_BARBELL).then([1])
    assert back.stage() == 5
    lifts = {i.move.slug: i.status for i in back.plan().items if i.move.every_other_day}
    assert set(lifts.values()) <= {Status.DO, Status.REST} and len(lifts) == 2
    assert levels_on(program, back.history, back.last)["reverse_hyper"] == level


def test_at_stage_4_without_the_barbell_why_says_the_stage_is_kept() -> None:
    story = coached([1] * ENTRY[4])
    assert story.stage() == 4
    removed = Profile(EVERYTHING - {Equipment.BARBELL}, gym_experienced=True)
    story = story.change_profile(story.next_day, removed).then([1])
    assert story.stage() == 4
    why = story.why()
    assert texts.WHY_KEPT.format(what=texts.EQUIPMENT["barbell"]) in why
    assert texts.WHY_CAP.format(cap=3) not in why


def test_profile_on_is_the_latest_change_on_or_before_the_day() -> None:
    a, b = Profile(), Profile(frozenset({Equipment.BAND}))
    history = History(
        profile=b, profile_changes=(ProfileChange(day(1), a), ProfileChange(day(5), b))
    )
    assert [profile_on(history, day(n)) for n in (1, 4, 5, 9)] == [a, a, b, b]
    assert profile_on(History(profile=b), day(1)) == b
    assert profile_on(history, day(0)) == b  # before any change: the current profile


# --- minimum days in a stage --------------------------------------------------------------------


def test_at_pain_1_each_stage_waits_its_minimum_days() -> None:
    story = coached([1] * 40)
    assert {s: story.entered(s) for s in range(1, 6)} == {1: 1, 2: 3, 3: 10, 4: 24, 5: 38}
    assert story.entered(4) != 11 and story.entered(5) != 17


def test_why_shows_the_days_in_the_stage(program: Program) -> None:
    story = coached([1] * 5)  # stage 2 from day 3; on day 5, two whole days in it
    [days_in] = [c for c in story.standing().conditions if c.need is Need.MIN_DAYS]
    assert (days_in.have, days_in.target, days_in.met, days_in.stage) == (2, 7, False, 2)
    line = texts.NEED_MIN_DAYS.format(stage=2, target=7, have=2, more=" — 5 more days")
    assert f"{texts.UNMET} {line}" in story.why().splitlines()
    assert coached([1] * 9).stage() == 2
    assert coached([1] * 10).stage() == 3  # 5 more days after day 5, as /why promised
