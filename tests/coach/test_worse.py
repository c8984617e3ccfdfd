""" "Made it worse": seven days left out, advancement blocked, Undo, repeats, the bar hang."""

from __future__ import annotations

import pytest

from coach.model import Feedback
from coach.plan import Status
from coach.program import Program
from coach.rules import left_out, required_moves
from coach.safety import worse_again
from tests.coach.conftest import BEGINNER, Story, day, expected_entry_days
from tests.coach.conftest import quick as coached  # v2: no min_days here


@pytest.fixture
def worse_on_day_4() -> Story:
    """Stage 2 from day 3; the seated row made it worse on day 4; sessions every day."""
    return coached([2] * 4).worse(day(4), "seated_row").then([2] * 8, sessions=True)


def test_worse_leaves_the_move_out_for_exactly_seven_days(worse_on_day_4: Story) -> None:
    for n in range(4, 11):
        item = worse_on_day_4.plan(day(n)).item("seated_row")
        assert item is not None
        assert (item.status, item.until) == (Status.LEFT_OUT, day(11)), f"day {n}"
    back = worse_on_day_4.plan(day(11)).item("seated_row")
    assert back is not None
    assert back.status is Status.DO


def test_a_left_out_move_is_named_in_the_plan_with_the_day_it_comes_back(
    worse_on_day_4: Story,
) -> None:
    [out] = left_out(worse_on_day_4.program, worse_on_day_4.history.feedback, day(10))
    assert (out.move, out.since, out.until) == ("seated_row", day(4), day(11))
    assert left_out(worse_on_day_4.program, worse_on_day_4.history.feedback, day(11)) == []


def test_worse_blocks_advancement_while_the_move_is_left_out(worse_on_day_4: Story) -> None:
    assert expected_entry_days(worse_on_day_4.program)[3] == 7
    assert worse_on_day_4.stage(day(10)) == 2
    assert worse_on_day_4.stage(day(11)) == 3


def test_a_left_out_move_is_not_needed_for_a_session(worse_on_day_4: Story) -> None:
    story = worse_on_day_4
    assert required_moves(story.program, story.history, 2, day(5), high=False) == ["reverse_hyper"]
    assert all(story.on(day(n)).session for n in range(5, 11))
    # v2: on day 4 itself the seated row was asked for, and a *Worse* is not a *Done*.
    assert not story.on(day(4)).session


def test_undo_removes_the_worse_and_advancement_is_not_blocked() -> None:
    story = coached([2] * 4).worse(day(4), "seated_row").undo_worse(day(4), "seated_row")
    story = story.then([2] * 8, sessions=True)
    assert story.entered(3) == 7
    item = story.plan(day(5)).item("seated_row")
    assert item is not None
    assert item.status is Status.DO


def test_worse_on_a_move_of_an_earlier_stage_blocks_stage_5() -> None:
    story = coached([1] * 12).worse(day(12), "reverse_hyper").then([1] * 8, sessions=True)
    assert expected_entry_days(story.program)[5] == 17
    assert story.stage(day(18)) == 4
    assert story.stage(day(19)) == 5


def test_worse_on_a_move_the_plan_does_not_offer_blocks_nothing() -> None:
    # The hyper row is never offered to a beginner, so it is not "a move of the current stage".
    story = coached([1] * 8, profile=BEGINNER).worse(day(8), "hyper_row")
    story = story.then([1] * 4, sessions=True)
    assert story.entered(4) == 11


# --- a second "worse" -----------------------------------------------------------------------------


def test_a_second_worse_on_the_same_move_within_30_days_suggests_a_clinician(
    program: Program,
) -> None:
    first = coached([2] * 4).worse(day(4), "seated_row").history.feedback
    assert not worse_again(program, first, "seated_row", day(4))
    again = coached([2] * 4).worse(day(4), "seated_row").worse(day(34), "seated_row")
    assert worse_again(program, again.history.feedback, "seated_row", day(34))


def test_a_second_worse_after_31_days_does_not(program: Program) -> None:
    story = coached([2] * 4).worse(day(4), "seated_row").worse(day(35), "seated_row")
    assert not worse_again(program, story.history.feedback, "seated_row", day(35))


def test_a_worse_on_another_move_is_not_a_second_worse(program: Program) -> None:
    story = coached([2] * 4).worse(day(4), "seated_row").worse(day(5), "reverse_hyper")
    assert not worse_again(program, story.history.feedback, "reverse_hyper", day(5))


def test_an_undone_worse_does_not_count_as_a_first(program: Program) -> None:
    story = coached([2] * 4).worse(day(4), "seated_row").undo_worse(day(4), "seated_row")
    story = story.worse(day(6), "seated_row")
    assert not worse_again(program, story.history.feedback, "seated_row", day(6))


# --- the bar hang ---------------------------------------------------------------------------------


def test_worse_on_the_bar_hang_gives_shorter_holds_instead_of_leaving_it_out() -> None:
    story = coached([2] * 4).worse(day(4), "bar_hang").then([2] * 8, sessions=True)
    hang = story.plan(day(4)).item("bar_hang")
    assert hang is not None
    assert hang.status is Status.GENTLE
    assert hang.actionable
    assert hang.move.gentle_dose is not None
    # Doses that grow: the gentle dose is the bar hang's level 1, shown with its level.
    assert hang.dose.startswith(hang.move.gentle_dose) and hang.level == 1
    assert hang.move.dose not in hang.dose
    assert left_out(story.program, story.history.feedback, day(4)) == []


def test_the_gentle_hang_lasts_until_easy_answers_bring_it_back_to_the_top() -> None:
    # Doses that grow: no longer seven days; Easy, Easy (45 s), Easy, Easy (60 s) end it.
    story = coached([2] * 4).worse(day(4), "bar_hang").then([2] * 8, sessions=True)
    gentle = [story.plan(day(n)).item("bar_hang") for n in range(4, 12)]
    assert [i.status if i else None for i in gentle] == [Status.GENTLE] * 8
    for n in range(5, 9):
        story = story.answer(day(n), Feedback.EASY, "bar_hang")
    hang = [story.plan(day(n)).item("bar_hang") for n in range(4, 12)]
    assert [i.level if i else None for i in hang] == [1, 1, 2, 2, 3, 3, 3, 3]
    assert [i.status if i else None for i in hang] == [Status.GENTLE] * 4 + [Status.DO] * 4


def test_worse_on_the_bar_hang_does_not_block_advancement() -> None:
    story = coached([2] * 4).worse(day(4), "bar_hang").then([2] * 8, sessions=True)
    assert story.entered(3) == 7


def test_the_gentle_hang_is_still_the_whole_plan_on_a_flare_day() -> None:
    story = coached([2] * 4).worse(day(4), "bar_hang").then([8])
    plan = story.plan()
    assert [(i.move.slug, i.status) for i in plan.items] == [("bar_hang", Status.GENTLE)]
