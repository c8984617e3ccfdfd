"""Stage rules at their boundaries: pain limits, streaks, sessions, gates."""

from __future__ import annotations

import itertools

import pytest

from coach.model import Profile
from coach.program import Program, default_program, load_program_text
from coach.rules import Change, equipment_cap
from tests.coach.conftest import (
    BEGINNER,
    EVERYTHING,
    NO_BARBELL,
    START,
    day,
    expected_entry_days,
)
from tests.coach.conftest import quick as coached  # v2: no min_days here
from tests.coach.conftest import quick_days as days

# --- stage 2: pain <= 6 on 3 days in a row --------------------------------------------------------


def test_three_days_at_pain_6_reach_stage_2_on_the_third() -> None:
    story = days(START, [6, 6, 6])
    assert story.stages() == [1, 1, 2]
    assert story.on(day(3)).change is Change.ADVANCE


def test_a_day_at_pain_7_breaks_the_streak_for_stage_2() -> None:
    assert days(START, [6, 6, 7]).stages() == [1, 1, 1]
    assert days(START, [6, 7, 6, 6]).stages() == [1, 1, 1, 1]
    assert days(START, [6, 7, 6, 6, 6]).stage() == 2


def test_two_days_in_a_row_are_one_too_few_for_stage_2() -> None:
    assert days(START, [0, 0]).stage() == 1


def test_a_missed_calendar_day_inside_a_streak_ends_it() -> None:
    story = days(START, [6, 6, None, 6, 6])
    assert story.stages() == [1, 1, 1, 1]
    assert story.then([6]).stage() == 2


# --- stage 3: pain <= 4 on 5 days in a row, 4 stage-2 sessions, nothing left out ------------------


def test_five_days_in_a_row_at_pain_4_reach_stage_3_and_four_do_not() -> None:
    # Stage 2 on day 3 (pain <= 6); the pain <= 4 streak starts on day 4.
    story = coached([5, 5, 5, 4, 4, 4, 4, 4])
    assert story.stage(day(7)) == 2
    assert story.stage(day(8)) == 3
    assert story.on(day(8)).change is Change.ADVANCE


def test_pain_5_never_reaches_stage_3_however_many_sessions() -> None:
    assert max(coached([5] * 30).stages()) == 2


def test_four_stage_2_sessions_are_needed_for_stage_3_and_three_are_not_enough() -> None:
    story = days(START, [2] * 10)
    for n in (3, 4, 5):
        story = story.session(day(n))
    assert story.stage(day(10)) == 2, "three sessions are one too few"
    story = story.session(day(6))
    assert story.stage(day(6)) == 2
    assert story.stage(day(7)) == 3


def test_sessions_count_only_days_on_which_every_required_move_was_done() -> None:
    story = days(START, [2] * 10)
    for n in range(3, 10):
        story = story.done(day(n), "seated_row")  # the reverse hyper never done
    assert story.stage() == 2
    assert not any(d.session for d in story.replay())


# --- stage 4: pain <= 2 on 7 days in a row, 4 stage-3 sessions, a barbell -------------------------


def test_seven_days_in_a_row_at_pain_2_reach_stage_4_and_six_do_not() -> None:
    # Stage 3 on day 7; the pain <= 2 streak starts on day 8.
    story = coached([4] * 7 + [2] * 7)
    assert story.stage(day(7)) == 3
    assert story.stage(day(13)) == 3
    assert story.stage(day(14)) == 4


def test_pain_3_never_reaches_stage_4() -> None:
    assert max(coached([3] * 30).stages()) == 3


def test_without_a_barbell_the_program_never_goes_above_stage_3() -> None:
    story = coached([0] * 40, profile=Profile(equipment=NO_BARBELL, gym_experienced=True))
    assert max(story.stages()) == 3
    assert story.entered(3) == 7
    assert equipment_cap(story.program, NO_BARBELL) == 3
    assert equipment_cap(story.program, EVERYTHING) == 5


# --- stage 5: 6 stage-4 sessions, pain <= 2 on 7 days in a row, no flare in stage 4 ---------------


def test_six_stage_4_sessions_reach_stage_5_and_five_do_not() -> None:
    story = coached([1] * 15).then([1, 1])  # stage 4 on day 11; sessions on days 11-15
    assert story.stage(day(17)) == 4
    story = story.session(day(17)).then([1])
    assert story.stage(day(18)) == 5


def test_a_person_dropped_from_stage_5_by_a_flare_can_climb_back() -> None:
    # The flare that moved them down is not a flare "since entering" stage 4: six sessions
    # (days 22-27, none on the flare day) and seven days at pain <= 2 (22-28) bring stage 5.
    story = coached([1] * 20).then([7]).then([1] * 7, sessions=True)
    changes = [(d.day, d.stage, d.change) for d in story.replay() if d.change]
    assert changes[-2] == (day(21), 4, Change.FLARE)
    assert changes[-1] == (day(28), 5, Change.ADVANCE)


# --- liveness, from the table ---------------------------------------------------------------------


def test_a_person_at_pain_1_who_does_every_session_reaches_each_stage_when_the_table_says() -> None:
    story = coached([1] * 50, program=default_program())
    expected = expected_entry_days(story.program)
    # v2: min_days (7, 14, 14) in the shipped table; it was {1: 1, 2: 3, 3: 7, 4: 11, 5: 17}.
    assert expected == {1: 1, 2: 3, 3: 10, 4: 24, 5: 38}  # the shipped table, worked by hand
    assert {s: story.entered(s) for s in expected} == expected


def test_a_beginner_reaches_each_stage_on_the_same_days_without_the_hyper_row() -> None:
    story = coached([1] * 40, profile=BEGINNER, program=default_program())
    assert {s: story.entered(s) for s in range(1, 6)} == expected_entry_days(story.program)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("days_in_row = 5", "days_in_row = 12"),  # v2: was 9, now below min_days' day 10
        ("sessions = 6", "sessions = 16"),  # v2: was 2, now above min_days (14)
        (
            "sessions = 4\nno_move_left_out = true\nequipment",
            "sessions = 16\nno_move_left_out = true\nequipment",
        ),
        ("min_days = 7", "min_days = 3"),
    ],
)
def test_entry_days_follow_the_table_when_its_numbers_change(
    program_text: str, old: str, new: str
) -> None:
    assert program_text.count(old) == 1
    changed: Program = load_program_text(program_text.replace(old, new))
    expected = expected_entry_days(changed)
    assert expected != expected_entry_days(load_program_text(program_text))
    story = coached([1] * 80, program=changed)
    assert {s: story.entered(s) for s in expected} == expected


def test_the_stage_changes_at_most_once_a_day_and_only_by_one() -> None:
    story = coached([1] * 20).away(15).then([9, 1, 1, 1], sessions=True)
    stages = story.stages()
    assert all(abs(a - b) <= 1 for a, b in itertools.pairwise(stages))
    back = story.on(day(36))
    assert back.away and back.flare
    assert (back.stage, back.change) == (4, Change.FLARE)


# --- away -----------------------------------------------------------------------------------------


def test_fourteen_days_without_a_check_in_drop_one_stage_and_ask_the_red_flags() -> None:
    story = coached([1] * 12).away(14).then([1])  # stage 4 on day 11; back on day 27
    back = story.on(day(27))
    assert (back.away, back.change, back.stage) == (True, Change.AWAY, 3)
    assert story.plan().ask_red_flags


def test_thirteen_days_without_a_check_in_drop_nothing() -> None:
    story = coached([1] * 12).away(13).then([1])
    back = story.on(day(26))
    assert (back.away, back.change, back.stage) == (False, None, 4)
    assert not story.plan().ask_red_flags


def test_time_away_at_stage_1_drops_nothing_but_still_asks_the_red_flags() -> None:
    story = days(START, [3]).away(20).then([3])
    assert story.stages() == [1, 1]
    assert story.plan().ask_red_flags


# --- maintenance ----------------------------------------------------------------------------------


def test_maintenance_comes_28_days_after_entering_the_top_stage() -> None:
    story = coached([1] * 66, program=default_program())
    entered = expected_entry_days(story.program)[5]
    maintenance = entered + story.program.rules.maintenance_days
    assert maintenance == 66  # v2: min_days; was 45
    assert not story.standing(day(maintenance - 1)).maintenance
    assert story.standing(day(maintenance)).maintenance


def test_no_maintenance_below_the_top_stage() -> None:
    story = coached([1] * 60, profile=Profile(equipment=NO_BARBELL))
    assert not story.standing().maintenance
