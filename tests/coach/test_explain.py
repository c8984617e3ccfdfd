"""/why and the plan's reason: generated from the same table and replay as the decisions."""

from __future__ import annotations

import pytest

from coach import texts
from coach.explain import plan_reason, standing, why_text
from coach.model import Equipment, History, Profile
from coach.program import Program, ProgramError, load_program_text
from coach.rules import Change, Need, Status
from tests.coach.conftest import (
    GYM,
    NO_BARBELL,
    START,
    Story,
    day,
    without_min_days,
)
from tests.coach.conftest import coached as table_coached
from tests.coach.conftest import quick as coached  # v2: no min_days here
from tests.coach.conftest import quick_days as days


def known() -> Story:
    """Stage 2 from day 3; pain 5 on day 4 broke the pain <= 4 streak; sessions on 3-5."""
    return coached([4, 4, 4, 5, 4])


def test_why_names_the_stage_and_how_it_was_reached() -> None:
    text = known().why(day(5))
    assert day(3).isoformat() == "2026-01-07"
    assert texts.WHY_STAGE.format(stage=2, name="Activate") in text
    assert texts.day(day(3)) == "Wed 7 Jan"
    assert texts.ENTERED_BY["advance"].format(day="Wed 7 Jan") in text


def test_why_gives_the_days_and_sessions_still_missing() -> None:
    text = known().why(day(5))
    assert texts.WHY_NEXT.format(stage=3, name="Hinge") in text
    streak = texts.NEED_STREAK.format(pain=4, target=5, have=1, more=" — 4 more days")
    sessions = texts.NEED_SESSIONS.format(stage=2, target=4, have=3, more=" — 1 more session")
    assert f"{texts.UNMET} {streak}" in text.splitlines()
    assert f"{texts.UNMET} {sessions}" in text.splitlines()
    assert "1 more sessions" not in text


def test_the_figures_of_why_come_true_on_the_day_they_promise() -> None:
    story = known()
    at = story.standing(day(5))
    missing = {c.need: c.target - c.have for c in at.conditions if not c.met}
    assert missing == {Need.PAIN_STREAK: 4, Need.SESSIONS: 1}
    later = story.then([4] * 4, sessions=True)
    assert later.stage(day(5 + 3)) == 2
    assert later.stage(day(5 + 4)) == 3


def test_why_says_everything_is_met_the_day_before_moving_up() -> None:
    story = coached([2] * 6)
    text = story.why()
    assert texts.WHY_ALL_MET in text
    assert texts.UNMET not in text
    assert story.then([2]).stage() == 3


def test_why_marks_each_condition_met_or_not() -> None:
    lines = known().why(day(5)).splitlines()
    conditions = [line for line in lines if line.startswith((texts.MET, texts.UNMET))]
    assert [line.startswith(texts.MET) for line in conditions] == [False, False, True]


def test_why_before_any_check_in_says_where_every_program_starts(program: Program) -> None:
    at = standing(program, History(profile=GYM), START)
    text = why_text(program, at)
    assert texts.WHY_STAGE.format(stage=1, name="Decompress") in text
    assert texts.WHY_NO_CHECKINS in text
    streak = texts.NEED_STREAK.format(pain=6, target=3, have=0, more=" — 3 more days")
    assert f"{texts.UNMET} {streak}" in text.splitlines()


def test_why_after_a_flare_says_the_stage_dropped_because_of_it() -> None:
    story = coached([1] * 12).then([7])
    assert story.standing().entered_by is Change.FLARE
    what = texts.FLARE_WHAT["high"].format(pain=7)  # v2: the words of the rule that fired
    assert texts.ENTERED_BY["flare"].format(day=texts.day(day(13)), what=what) in story.why()


def test_why_after_time_away_says_so() -> None:
    story = coached([1] * 12).away(20).then([1])
    assert texts.ENTERED_BY["away"].format(day=texts.day(day(33))) in story.why()


def test_why_without_a_barbell_says_what_would_unlock_more() -> None:
    story = coached([0] * 20, profile=Profile(equipment=NO_BARBELL, gym_experienced=True))
    text = story.why()
    assert texts.WHY_STAGE.format(stage=3, name="Hinge") in text
    missing = texts.NEED_EQUIPMENT.format(items=texts.EQUIPMENT["barbell"])
    assert f"{texts.UNMET} {missing}" in text.splitlines()
    assert texts.WHY_CAP.format(cap=3) in text


def test_why_with_a_barbell_does_not_mention_a_cap() -> None:
    assert texts.WHY_CAP.format(cap=3) not in coached([0] * 8).why()


def test_why_names_a_move_left_out() -> None:
    story = coached([2] * 4).worse(day(4), "seated_row").then([2] * 2, sessions=True)
    out = texts.NEED_NO_LEFT_OUT.format(stage=2, names="Seated Row")
    assert f"{texts.UNMET} {out}" in story.why().splitlines()


def test_why_at_the_top_stage_says_it_is_the_last_and_then_maintenance() -> None:
    story = coached([1] * 45)
    assert texts.WHY_TOP in story.why(day(44))
    assert texts.WHY_MAINTENANCE not in story.why(day(44))
    assert texts.WHY_MAINTENANCE in story.why(day(45))


def test_why_after_a_flare_at_stage_5_shows_the_way_back() -> None:
    # Regression: the flare that moved a person down used to count as a flare in stage 4.
    text = coached([1] * 20).then([7]).why()
    assert f"{texts.MET} {texts.NEED_NO_FLARE.format(flares=0)}" in text.splitlines()


# --- the plan's reason ----------------------------------------------------------------------------


def test_the_plan_says_plainly_why_a_flare_day_is_bar_hangs_only(program: Program) -> None:
    plan = coached([1] * 12).then([7]).plan()
    reason = plan_reason(program, plan)
    assert plan.change is Change.FLARE
    assert reason.startswith(texts.PLAN_REASON["flare_drop"].format(pain=7, stage=3))
    assert "7/10" in reason
    assert "To earn stage 4 back" in reason


def test_the_plan_says_when_the_lifts_rest(program: Program) -> None:
    story = coached([1] * 12)
    assert plan_reason(program, story.plan(day(12))) == texts.PLAN_REASON["rest"].format(
        stage=4, name="Deadlift"
    )


def test_the_plan_says_when_a_stage_was_earned(program: Program) -> None:
    reason = plan_reason(program, coached([1] * 7).plan())
    assert reason == texts.PLAN_REASON["advance"].format(stage=3, name="Hinge")


# --- one number in the table changes the decision and the words -----------------------------------


def test_changing_a_threshold_in_the_table_changes_the_decision_and_the_why_text(
    program_text: str,
) -> None:
    assert program_text.count("days_in_row = 5") == 1
    # v2: without the minimum days in a stage, so that the streak is what decides.
    shipped = without_min_days(program_text)
    changed = without_min_days(program_text.replace("days_in_row = 5", "days_in_row = 6"))
    pains = [5, 5, 3, 3, 3, 3, 3, 3, 3]  # stage 2 on day 3, pain <= 4 from day 3

    before = coached(pains, program=shipped)
    after = coached(pains, program=changed)
    assert before.entered(3) == 7
    assert after.entered(3) == 8

    shipped_line = texts.NEED_STREAK.format(pain=4, target=5, have=4, more=" — 1 more day")
    changed_line = texts.NEED_STREAK.format(pain=4, target=6, have=4, more=" — 2 more days")
    assert f"{texts.UNMET} {shipped_line}" in before.why(day(6)).splitlines()
    assert f"{texts.UNMET} {changed_line}" in after.why(day(6)).splitlines()


def test_changing_a_flare_rule_changes_the_decision_and_the_plan(program_text: str) -> None:
    assert program_text.count("flare_pain = 7") == 1
    changed = load_program_text(program_text.replace("flare_pain = 7", "flare_pain = 8"))
    pains = [6, 6, 6, 6, 7]  # stage 2 on day 3; 7 is only 1 above the median
    shipped = coached(pains)
    relaxed = coached(pains, program=changed)
    assert shipped.plan().flare
    assert [i.move.slug for i in shipped.plan().items] == ["bar_hang"]
    assert shipped.stage() == 1
    assert not relaxed.plan().flare
    assert relaxed.stage() == 2
    assert len(relaxed.plan().items) == 3


def test_why_says_when_no_session_can_count_for_lack_of_equipment() -> None:
    bare = days(START, [3, 3, 3], profile=Profile(frozenset({Equipment.PULLUP_BAR})))
    why = bare.why()
    assert bare.stage() == 2
    assert "no session can count" in why
    assert "Seated Row: a resistance band" in why and "Reverse Hyper: a flat bench" in why
    banded = days(START, [3, 3, 3], profile=Profile(frozenset({Equipment.BAND})))
    assert "no session can count" not in banded.why()


def test_changing_min_days_changes_the_decision_and_the_why_text(program_text: str) -> None:
    assert program_text.count("min_days = 7") == 1
    shipped = load_program_text(program_text)
    changed = load_program_text(program_text.replace("min_days = 7", "min_days = 9"))
    before = table_coached([1] * 12, program=shipped)
    after = table_coached([1] * 12, program=changed)
    assert (before.entered(3), after.entered(3)) == (10, 12)
    shipped_line = texts.NEED_MIN_DAYS.format(stage=2, target=7, have=3, more=" — 4 more days")
    changed_line = texts.NEED_MIN_DAYS.format(stage=2, target=9, have=3, more=" — 6 more days")
    assert f"{texts.UNMET} {shipped_line}" in before.why(day(6)).splitlines()
    assert f"{texts.UNMET} {changed_line}" in after.why(day(6)).splitlines()


def raised_largely_subsided(program_text: str) -> str:
    """The program with "largely subsided" at 3: the lift gate and the lift stages' entry."""
    assert program_text.count("lift_pain_max = 2\n") == 1
    assert program_text.count("\npain_max = 2\n") == 2  # stages 4 and 5, which add the lifts
    raised = program_text.replace("\npain_max = 2\n", "\npain_max = 3\n")
    return raised.replace("lift_pain_max = 2\n", "lift_pain_max = 3\n")


def test_changing_lift_pain_max_changes_the_plan_and_its_reason(program_text: str) -> None:
    shipped = without_min_days(program_text)
    changed = without_min_days(raised_largely_subsided(program_text))
    assert changed.rules.lift_pain_max == 3
    pains = [1] * 12 + [3]  # stage 4 on day 11; a lift on 11, none pressed on 12
    before, after = coached(pains, program=shipped), coached(pains, program=changed)
    for story, status in ((before, Status.PAIN_REST), (after, Status.DO)):
        item = story.plan().item("deadlift")
        assert item is not None
        assert item.status is status
    assert plan_reason(shipped, before.plan()) == texts.PLAN_REASON["pain_rest"].format(
        stage=4, name="Deadlift", pain_max=2
    )
    assert "pain 2/10 or less" in plan_reason(shipped, before.plan())


def test_largely_subsided_is_one_number_for_the_lifts_and_their_stages(program_text: str) -> None:
    lone = program_text.replace("lift_pain_max = 2", "lift_pain_max = 3")
    with pytest.raises(ProgramError, match="lift_pain_max"):
        load_program_text(lone)
    program = load_program_text(program_text)
    lifts = [m.slug for m in program.moves if m.every_other_day]
    for slug in lifts:
        enter = program.stage(program.stage_of(slug)).enter
        assert enter is not None and enter.pain_max == program.rules.lift_pain_max


def test_the_deadlift_says_largely_subsided_is_back_coachs_measure_with_its_numbers(
    program: Program,
) -> None:
    cues = program.move("deadlift").cues
    article = [c for c in cues if "largely subsided" in c and c.endswith("(the article).")]
    ours = [c for c in cues if "as Back Coach measures it" in c]
    assert len(article) == 1 and len(ours) == 1
    enter = program.stage(program.stage_of("deadlift")).enter
    assert enter is not None
    assert f"pain {program.rules.lift_pain_max}/10 or less" in ours[0]
    assert f"{enter.days_in_row} days in a row" in ours[0]
