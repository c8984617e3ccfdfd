"""Doses that grow: levels per move in the program file, stepped by Easy / Right / Hard / Worse."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from coach import texts
from coach.doses import doses_on, level, levels_on
from coach.export import Everything, rows
from coach.model import Feedback, Person
from coach.plan import Status
from coach.program import Program, ProgramError, load_program_text
from coach.rules import day_items, gentle_hang
from tests.coach.conftest import Story, day
from tests.coach.conftest import quick as coached


def test_easy_right_and_hard_are_feedback_stored_like_done_and_worse() -> None:
    assert (Feedback.EASY, Feedback.RIGHT, Feedback.HARD) == ("easy", "right", "hard")


def test_every_move_has_levels_and_starts_at_its_dose(program: Program) -> None:
    for move in program.moves:
        assert move.levels and move.top_level == len(move.levels)
        assert move.levels[move.start_level - 1] == move.dose


def test_the_bar_hang_starts_at_the_articles_60_seconds_its_top_level(program: Program) -> None:
    hang = program.move("bar_hang")
    assert hang.start_level == hang.top_level == 3
    assert "60 s" in hang.levels[-1]
    assert "20–30 s" in hang.levels[0] and "45 s" in hang.levels[1]
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
    assert "add weight only when every rep is clean" in move.tip


def test_a_move_without_levels_has_its_gentle_dose_and_dose(program_text: str) -> None:
    text = program_text.replace('levels = ["2 × 12", "2 × 15", "3 × 15"]\n', "")
    moved = load_program_text(text).move("pull_through")
    assert moved.levels == ("2 × 12",) and moved.start_level == 1


def test_levels_that_do_not_start_at_the_dose_fail(program_text: str) -> None:
    text = program_text.replace('levels = ["2 × 12", "2 × 15', 'levels = ["2 × 10", "2 × 15')
    with pytest.raises(ProgramError, match="starting level"):
        load_program_text(text)


def test_empty_levels_fail(program_text: str) -> None:
    text = program_text.replace('levels = ["2 × 12", "2 × 15", "3 × 15"]', "levels = []")
    with pytest.raises(ProgramError, match="levels"):
        load_program_text(text)


def test_a_start_level_above_the_top_fails(program_text: str) -> None:
    text = program_text.replace("start_level = 3", "start_level = 4")
    with pytest.raises(ProgramError, match="start_level 4"):
        load_program_text(text)


# --- the rules ------------------------------------------------------------------------------------

ROW = "seated_row"


def at_stage_2() -> Story:
    """Days 1-4 at pain 2, every session done: the seated row is in the plan from day 3."""
    story = coached([2] * 4)
    assert story.stage(day(3)) == 2
    return story


def row_dose(story: Story, on: int) -> str:
    item = story.plan(day(on)).item(ROW)
    assert item is not None
    return item.dose


def test_a_move_starts_at_level_1_shown_in_the_plan(program: Program) -> None:
    story = at_stage_2()
    assert level(program, story.history, ROW, day(4)) == 1
    assert row_dose(story, 4) == "2 × 12, slow"  # where it starts: no level shown


def test_easy_easy_steps_the_dose_up_a_level_in_the_plan_and_in_why(program: Program) -> None:
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(3)) == 1
    assert level(program, story.history, ROW, day(4)) == 2
    item = story.plan(day(4)).item(ROW)
    assert item is not None and item.level == 2
    assert item.dose == "2 × 15, slow · level 2"
    assert texts.WHY_DOSES.format(count=2) in story.why().splitlines()
    assert "Seated Row level 2 of 3" in story.why()


def test_the_dose_never_climbs_above_the_top(program: Program) -> None:
    story = at_stage_2().then([2] * 6, sessions=True)
    for n in range(3, 11):
        story = story.answer(day(n), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(10)) == 3


def test_right_between_two_easy_breaks_the_pair(program: Program) -> None:
    story = at_stage_2().then([2] * 2, sessions=True)
    story = story.answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.RIGHT, ROW)
    story = story.answer(day(5), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(5)) == 1
    story = story.answer(day(6), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(6)) == 2


def test_two_easy_on_the_same_day_step_at_most_once(program: Program) -> None:
    story = at_stage_2().answer(day(4), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(4)) == 1
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW)
    story = story.answer(day(4), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(4)) == 2


def test_the_most_cautious_answer_of_a_day_counts(program: Program) -> None:
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW)
    story = story.answer(day(4), Feedback.EASY, ROW).answer(day(4), Feedback.RIGHT, ROW)
    assert level(program, story.history, ROW, day(4)) == 1


def test_hard_steps_the_dose_down_one_never_below_1(program: Program) -> None:
    story = at_stage_2().then([2] * 2, sessions=True)
    story = story.answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    story = story.answer(day(5), Feedback.HARD, ROW)
    assert level(program, story.history, ROW, day(5)) == 1
    story = story.answer(day(6), Feedback.HARD, ROW)
    assert level(program, story.history, ROW, day(6)) == 1


def test_hard_on_the_bar_hang_gives_45_seconds_not_the_gentle_status(program: Program) -> None:
    story = at_stage_2().answer(day(4), Feedback.HARD, "bar_hang")
    hang = story.plan(day(4)).item("bar_hang")
    assert hang is not None and hang.level == 2 and hang.status is Status.DO
    assert "45 s" in hang.dose and hang.dose.endswith("· level 2")


def test_worse_starts_a_move_again_at_level_1(program: Program) -> None:
    story = at_stage_2().then([2] * 4, sessions=True)
    for n in (3, 4, 5, 6):
        story = story.answer(day(n), Feedback.EASY, ROW)
    assert level(program, story.history, ROW, day(6)) == 3
    story = story.worse(day(7), ROW)
    assert level(program, story.history, ROW, day(7)) == 1


def test_worse_on_the_bar_hang_drops_it_to_the_gentle_holds_which_climb_back_without_expiry(
    program: Program,
) -> None:
    story = at_stage_2().worse(day(4), "bar_hang").then([2] * 20, sessions=True)
    hang = story.plan(day(4)).item("bar_hang")
    assert hang is not None and hang.status is Status.GENTLE
    assert "20–30 s" in hang.dose and hang.dose.endswith("· level 1")
    still = story.plan(day(20)).item("bar_hang")  # no expiry after 7 days
    assert still is not None and still.status is Status.GENTLE and still.level == 1
    assert gentle_hang(program, story.history.feedback, day(20))
    story = story.answer(day(21), Feedback.EASY, "bar_hang")
    story = story.answer(day(22), Feedback.EASY, "bar_hang")
    hang = story.plan(day(22)).item("bar_hang")
    assert hang is not None and hang.status is Status.GENTLE and "45 s" in hang.dose
    story = story.answer(day(23), Feedback.EASY, "bar_hang")
    story = story.answer(day(24), Feedback.EASY, "bar_hang")
    hang = story.plan(day(24)).item("bar_hang")
    assert hang is not None and hang.status is Status.DO and "60 s" in hang.dose
    assert not gentle_hang(program, story.history.feedback, day(24))


def test_a_flare_starts_every_move_but_the_bar_hang_again(program: Program) -> None:
    story = at_stage_2().then([2] * 2, sessions=True)
    for n in (3, 4):
        story = story.answer(day(n), Feedback.EASY, ROW, "reverse_hyper")
    story = story.answer(day(5), Feedback.HARD, "bar_hang")
    before = levels_on(program, story.history, day(6))
    assert (before[ROW], before["reverse_hyper"], before["bar_hang"]) == (2, 2, 2)
    story = story.then([8])  # day 7: a flare, a step back to stage 1
    assert story.on(day(7)).flare
    after = levels_on(program, story.history, day(7))
    assert (after[ROW], after["reverse_hyper"], after["bar_hang"]) == (1, 1, 2)
    changes = doses_on(program, story.history, day(7)).changes
    assert [(c.move, c.before, c.after, c.why) for c in changes if c.day == day(7)] == [
        (ROW, 2, 1, "flare"),
        ("reverse_hyper", 2, 1, "flare"),
    ]


def test_time_away_starts_every_move_but_the_bar_hang_again(program: Program) -> None:
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    story = story.answer(day(4), Feedback.HARD, "bar_hang")
    story = story.away(program.rules.away_days).then([2])
    last = story.last
    assert story.on(last).away
    assert levels_on(program, story.history, last)[ROW] == 1
    assert levels_on(program, story.history, last)["bar_hang"] == 2


def test_a_sustained_rise_starts_the_doses_again(program: Program) -> None:
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    story = story.then([2, 8, 8, 8])
    stepped = [d for d in story.replay() if d.change is not None and d.change.value != "advance"]
    assert stepped, "a step back is expected"
    assert levels_on(program, story.history, stepped[0].day)[ROW] == 1


def test_a_plan_without_levels_passed_shows_the_starting_dose(program: Program) -> None:
    story = at_stage_2()
    items = day_items(program, story.history, 2, day(4), high=False)
    row = next(i for i in items if i.move.slug == ROW)
    assert row.level is None and row.dose == program.move(ROW).dose


# --- the export -----------------------------------------------------------------------------------


def test_the_export_carries_each_level_change_and_every_moves_level_today(
    program: Program,
) -> None:
    story = at_stage_2().answer(day(3), Feedback.EASY, ROW).answer(day(4), Feedback.EASY, ROW)
    person = Person(chat_id=1, created_at=datetime(2026, 1, 1, tzinfo=UTC), timezone="UTC")
    data = Everything(
        person,
        tuple((r, datetime.combine(r.day, time(8), UTC)) for r in story.history.ratings),
        tuple((f, datetime.combine(f.day, time(9), UTC)) for f in story.history.feedback),
        (),
        (),
        (),
    )
    table = rows(program, data, datetime.combine(day(4), time(20), UTC))
    body = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    changed = [r for r in body if r["event"] == "dose_level_change"]
    changes = [(r["date"], r["move"], r["value"], r["detail"]) for r in changed]
    assert changes == [(day(4).isoformat(), ROW, "1 -> 2", "easy")]
    today = {r["move"]: (r["value"], r["detail"]) for r in body if r["event"] == "dose_level"}
    assert set(today) == {m.slug for m in program.moves}
    assert today[ROW] == ("2 of 3", program.move(ROW).levels[1])
    assert today["bar_hang"] == ("3 of 3", program.move("bar_hang").dose)
    assert today["deadlift"] == ("1 of 1", program.move("deadlift").dose)
    easy = [r for r in body if r["event"] == "move_easy"]
    assert [r["move"] for r in easy] == [ROW, ROW]
