"""Doses that grow: levels per move in the program file, stepped by Easy / Right / Hard / Worse."""

from __future__ import annotations

import pytest

from coach.model import Feedback
from coach.program import Program, ProgramError, load_program_text


def test_easy_right_and_hard_are_feedback_stored_like_done_and_worse() -> None:
    assert (Feedback.EASY, Feedback.RIGHT, Feedback.HARD) == ("easy", "right", "hard")


def test_every_move_has_levels_and_starts_at_its_dose(program: Program) -> None:
    for move in program.moves:
        assert move.levels and move.top_level == len(move.levels)
        assert move.levels[move.start_level - 1] == move.dose


def test_the_bar_hang_starts_at_the_articles_60_seconds_its_top_level(program: Program) -> None:
    hang = program.move("bar_hang")
    assert hang.start_level == hang.top_level == 3
    assert "60 seconds" in hang.levels[-1]
    assert "20–30 seconds" in hang.levels[0] and "45 seconds" in hang.levels[1]
    assert hang.levels[0] == hang.gentle_dose
    assert all("Back Coach's" in level for level in hang.levels[:-1])


def test_every_other_move_starts_at_level_1_and_climbs_in_back_coachs_small_steps(
    program: Program,
) -> None:
    for move in program.moves:
        if move.slug != "bar_hang":
            assert move.start_level == 1
            assert move.dose_source == "back_coach"
    assert program.move("seated_row").top_level == 3
    assert program.rules.easy_to_step_up == 2


@pytest.mark.parametrize("slug", ["deadlift", "barbell_row"])
def test_the_barbell_lifts_stay_at_one_level_adding_weight_only_when_clean(
    program: Program, slug: str
) -> None:
    move = program.move(slug)
    assert move.levels == (move.dose,)
    assert "add weight only when every rep is clean" in move.dose


def test_a_move_without_levels_has_its_gentle_dose_and_dose(program_text: str) -> None:
    text = program_text.replace(
        'levels = ["2 × 12, light", "2 × 15, light", "3 × 15, light"]\n', ""
    )
    moved = load_program_text(text).move("pull_through")
    assert moved.levels == ("2 × 12, light",) and moved.start_level == 1


def test_levels_that_do_not_start_at_the_dose_fail(program_text: str) -> None:
    text = program_text.replace(
        'levels = ["2 × 12, light", "2 × 15', 'levels = ["2 × 10, light", "2 × 15'
    )
    with pytest.raises(ProgramError, match="starting level"):
        load_program_text(text)


def test_empty_levels_fail(program_text: str) -> None:
    text = program_text.replace(
        'levels = ["2 × 12, light", "2 × 15, light", "3 × 15, light"]', "levels = []"
    )
    with pytest.raises(ProgramError, match="levels"):
        load_program_text(text)


def test_a_start_level_above_the_top_fails(program_text: str) -> None:
    text = program_text.replace("start_level = 3", "start_level = 4")
    with pytest.raises(ProgramError, match="start_level 4"):
        load_program_text(text)
