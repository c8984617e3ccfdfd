"""No dead end without a bar: Back Coach's stage 1 for a person with no pull-up bar."""

from __future__ import annotations

from coach import texts
from coach.explain import plan_reason
from coach.model import Equipment, Profile
from coach.plan import Status
from coach.program import Program
from tests.coach.conftest import START, day, days

BAND_BENCH = Profile(frozenset({Equipment.BAND, Equipment.BENCH}))
BAND = Profile(frozenset({Equipment.BAND}))
NOTHING = Profile(frozenset())
BAR = Profile(frozenset({Equipment.PULLUP_BAR, Equipment.BAND, Equipment.BENCH}))


def test_without_a_bar_stage_1_offers_the_articles_next_moves_the_equipment_allows(
    program: Program,
) -> None:
    plan = days(START, [3], profile=BAND_BENCH).plan()
    assert plan.stage == 1
    hang = plan.item("bar_hang")
    assert hang is not None and hang.needs_equipment
    adapted = [i for i in plan.items if i.adapted]
    assert [i.move.slug for i in adapted] == ["seated_row", "reverse_hyper"]
    assert all(i.status is Status.DO and i.actionable for i in adapted)
    reason = plan_reason(program, plan)
    assert reason == texts.PLAN_REASON["no_bar"]
    assert "Back Coach's adaptation" in reason and "A bar adds the hang" in reason


def test_only_what_the_equipment_allows() -> None:
    plan = days(START, [3], profile=BAND).plan()
    assert [i.move.slug for i in plan.items if i.adapted] == ["seated_row"]


def test_with_no_equipment_at_all_the_plan_says_what_a_bar_adds(program: Program) -> None:
    plan = days(START, [3], profile=NOTHING).plan()
    assert [i.move.slug for i in plan.items] == ["bar_hang"]
    assert plan_reason(program, plan) == texts.PLAN_REASON["no_bar_none"]


def test_with_a_bar_stage_1_is_the_bar_hang_alone(program: Program) -> None:
    plan = days(START, [3], profile=BAR).plan()
    assert [i.move.slug for i in plan.items] == ["bar_hang"]
    assert plan_reason(program, plan) == texts.PLAN_REASON["same"].format(
        stage=1, name=program.stage(1).name
    )


def test_the_adapted_moves_make_a_session_and_stage_2_comes_on_its_day() -> None:
    story = days(START, [3, 3, 3], profile=BAND_BENCH, sessions=True)
    assert story.on(day(1)).session
    assert story.stages() == [1, 1, 2]
    stage_2 = story.plan()
    assert not any(i.adapted for i in stage_2.items)


def test_a_high_pain_day_without_a_bar_is_no_exercise() -> None:
    plan = days(START, [8], profile=BAND_BENCH).plan()
    assert [i.move.slug for i in plan.items] == ["bar_hang"]


def test_worse_on_an_adapted_move_leaves_it_out_with_its_undo() -> None:
    story = days(START, [3], profile=BAND_BENCH).worse(day(1), "seated_row")
    row = story.plan().item("seated_row")
    assert row is not None and (row.status, row.adapted, row.left_today) == (
        Status.LEFT_OUT,
        True,
        True,
    )
