"""The program file: it loads, a malformed one fails loudly at its line, and its content."""

from __future__ import annotations

import re

import pytest

from coach.model import Equipment
from coach.program import (
    PROGRAM_FILE,
    Program,
    ProgramError,
    default_program,
    load_program,
    load_program_text,
)


def line_of(text: str, snippet: str) -> int:
    """The 1-based number of the only line containing ``snippet``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(found) == 1, f"{snippet!r} is on lines {found}"
    return found[0]


def error_of(text: str) -> str:
    with pytest.raises(ProgramError) as caught:
        load_program_text(text)
    return str(caught.value)


# --- loading --------------------------------------------------------------------------------------


def test_the_shipped_program_loads() -> None:
    program = load_program(PROGRAM_FILE)
    assert program == default_program()
    assert [m.slug for m in program.moves] == [
        "bar_hang",
        "seated_row",
        "reverse_hyper",
        "hyper_row",
        "pull_through",
        "deadlift",
        "barbell_row",
    ]
    assert [s.name for s in program.stages] == [
        "Decompress",
        "Activate",
        "Hinge",
        "Deadlift",
        "Barbell Row",
    ]


def test_the_shipped_table_holds_the_numbers_of_the_design(program: Program) -> None:
    entries = [s.enter for s in program.stages]
    assert entries[0] is None
    table = [
        (e.pain_max, e.days_in_row, e.sessions, e.no_move_left_out, e.no_flare_in_stage)
        for e in entries[1:]
        if e is not None
    ]
    assert table == [
        (6, 3, 0, False, False),
        (4, 5, 4, True, False),
        (2, 7, 4, True, False),
        (2, 7, 6, True, True),
    ]
    assert [e.equipment for e in entries[1:] if e is not None] == [
        (),
        (),
        (Equipment.BARBELL,),
        (Equipment.BARBELL,),
    ]
    rules = program.rules
    assert (rules.flare_pain, rules.flare_rise_floor, rules.flare_rise) == (7, 4, 2)
    assert (rules.flare_window_days, rules.flare_min_ratings, rules.red_flag_pain) == (7, 3, 8)
    assert (rules.worse_leave_out_days, rules.worse_repeat_days) == (7, 30)
    assert (rules.escalate_pain, rules.escalate_days, rules.escalate_window_days) == (7, 5, 7)
    assert (rules.escalate_improvement, rules.escalate_after_days) == (2, 42)
    assert (rules.away_days, rules.maintenance_days) == (14, 28)
    assert (rules.red_flag_recheck_days, rules.lift_pain_max) == (3, 2)
    assert (rules.escalate_floor, rules.escalate_done) == (4, 2)
    assert (rules.sustained_rise, rules.sustained_days, rules.sustained_window) == (2, 3, 5)
    assert [e.min_days if e else None for e in entries] == [None, 0, 7, 14, 14]


# --- failing loudly, at the line ------------------------------------------------------------------


def test_a_toml_syntax_error_fails_with_its_line(program_text: str) -> None:
    line = line_of(program_text, "flare_pain = 7")
    message = error_of(program_text.replace("flare_pain = 7", "flare_pain = = 7"))
    assert f"line {line}" in message


def test_a_pain_limit_of_14_fails_naming_its_line(program_text: str) -> None:
    line = line_of(program_text, "pain_max = 4")
    message = error_of(program_text.replace("pain_max = 4", "pain_max = 14"))
    assert message.startswith(f"program.toml line {line}: stages.2.enter.pain_max")


def test_an_unknown_move_in_a_stage_fails_naming_it_and_its_line(program_text: str) -> None:
    line = line_of(program_text, 'adds = ["deadlift"]')
    message = error_of(
        program_text.replace('adds = ["deadlift"]', 'adds = ["deadlift", "dead_bug"]')
    )
    assert "unknown moves: dead_bug" in message
    assert f"line {line}:" in message


def test_a_duplicate_slug_fails_naming_it_and_the_second_definition(program_text: str) -> None:
    line = line_of(program_text, 'slug = "barbell_row"')
    message = error_of(program_text.replace('slug = "barbell_row"', 'slug = "deadlift"'))
    assert "unique: deadlift" in message
    assert f"line {line}:" in message


def test_a_move_added_by_two_stages_fails_at_the_second(program_text: str) -> None:
    line = line_of(program_text, 'adds = ["deadlift"]')
    message = error_of(
        program_text.replace('adds = ["deadlift"]', 'adds = ["deadlift", "bar_hang"]')
    )
    assert "exactly one stage: bar_hang" in message
    assert f"line {line}:" in message


def test_unknown_equipment_fails_at_its_line(program_text: str) -> None:
    line = line_of(program_text, 'equipment = [["bench"]]')
    message = error_of(program_text.replace('equipment = [["bench"]]', 'equipment = [["sofa"]]'))
    assert f"line {line}: moves.2.equipment" in message


def test_a_misspelt_rule_fails_at_its_line(program_text: str) -> None:
    line = line_of(program_text, "away_days = 14")
    message = error_of(program_text.replace("away_days = 14", "away_dayz = 14"))
    assert f"line {line}: rules.away_dayz" in message


def test_stages_out_of_order_fail(program_text: str) -> None:
    assert "numbered" in error_of(program_text.replace("number = 4", "number = 6"))


# --- content --------------------------------------------------------------------------------------


def test_every_move_has_at_least_one_cue(program: Program) -> None:
    assert all(move.cues and all(cue.strip() for cue in move.cues) for move in program.moves)


def test_every_quoted_cue_is_attributed_to_cavaliere(program: Program) -> None:
    quoted = [cue for move in program.moves for cue in move.cues if "“" in cue]
    assert len(quoted) >= 5
    for cue in quoted:
        assert "”" in cue
        assert re.search(r"” — Jeff Cavaliere$", cue), cue


def test_only_the_bar_hang_dose_is_from_the_article(program: Program) -> None:
    sources = {move.slug: move.dose_source for move in program.moves}
    assert sources.pop("bar_hang") == "article"
    assert set(sources.values()) == {"back_coach"}
    assert "60 s" in program.move("bar_hang").dose  # the article's 60-second hang


@pytest.mark.parametrize("slug", ["pull_through", "deadlift", "barbell_row"])
def test_the_how_of_each_lift_is_back_coachs_own_and_recommends_learning_in_person(
    program: Program, slug: str
) -> None:
    move = program.move(slug)
    assert move.how_source == "back_coach"
    assert move.how.startswith("Back Coach's guidance")
    assert "in person with a coach or physical therapist" in move.how


def test_the_hyper_row_is_for_gym_experienced_people_only(program: Program) -> None:
    flagged = [m.slug for m in program.moves if m.gym_experience_required]
    assert flagged == ["hyper_row"]


def test_only_the_deadlift_and_barbell_row_are_every_other_day(program: Program) -> None:
    assert [m.slug for m in program.moves if m.every_other_day] == ["deadlift", "barbell_row"]


def test_the_bar_hang_has_a_gentle_dose_with_feet_on_the_ground(program: Program) -> None:
    gentle = program.move("bar_hang").gentle_dose
    assert gentle is not None
    assert "20–30 s" in gentle
    assert "feet" in gentle


def test_the_moves_need_the_equipment_of_the_design(program: Program) -> None:
    needs = {m.slug: m.equipment for m in program.moves}
    band, cable, bench, dumbbell, barbell = (
        Equipment.BAND,
        Equipment.CABLE,
        Equipment.BENCH,
        Equipment.DUMBBELL,
        Equipment.BARBELL,
    )
    assert needs == {
        "bar_hang": ((Equipment.PULLUP_BAR,),),
        "seated_row": ((band,), (cable,)),
        "reverse_hyper": ((bench,),),
        "hyper_row": ((bench, dumbbell),),
        "pull_through": ((band,), (cable,)),
        "deadlift": ((barbell,),),
        "barbell_row": ((barbell,),),
    }
    assert program.move("seated_row").alternative


def test_every_how_text_says_whose_it_is(program: Program) -> None:
    """Back Coach's own technique says so first; an article-based one marks what Back Coach
    adds (the bot labels it once, never twice)."""
    for move in program.moves:
        if move.how_source == "back_coach":
            assert move.how.startswith("Back Coach's guidance"), move.slug
        else:
            assert "Back Coach's guidance" not in move.how, move.slug
