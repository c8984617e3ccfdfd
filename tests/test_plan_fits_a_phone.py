"""The daily plan fits a phone: one short message at every stage, short button labels."""

from __future__ import annotations

from datetime import date, timedelta

from coach import texts
from coach.model import Equipment, Feedback, History, MoveFeedback, Profile, Rating
from coach.plan import Plan, plan_for
from coach.program import default_program
from coach.rules import Change, replay, required_moves
from conversations.payload import Signer
from conversations.render import plan_keyboard, plan_text
from emulator.html import parse_html

PROGRAM = default_program()
EVERYTHING = Profile(frozenset(Equipment), gym_experienced=True)
PLAN_LIMIT = 700  # visible characters of the plan at stage 5, every move in it
LABEL_LIMIT = 20  # a button label that fits a 360-px-wide phone in a row of three


def plans(days: int = 70) -> list[tuple[Plan, tuple[MoveFeedback, ...]]]:
    """A day-by-day plan at pain 1 with every move done, climbing every stage."""
    history, found = History(EVERYTHING), []
    for offset in range(days):
        day = date(2026, 3, 2) + timedelta(days=offset)
        history = History(EVERYTHING, (*history.ratings, Rating(day, 1)), history.feedback)
        plan = plan_for(PROGRAM, history, day)
        assert plan is not None
        found.append((plan, history.feedback))
        last = replay(PROGRAM, history, day)[-1]
        done = [
            MoveFeedback(day, slug, Feedback.DONE)
            for slug in ["bar_hang", *required_moves(PROGRAM, history, last.stage, day, False)]
        ]
        history = History(EVERYTHING, history.ratings, (*history.feedback, *done))
    return found


def test_the_plan_at_stage_5_with_every_move_fits_in_700_characters() -> None:
    full = [
        (p, f)
        for p, f in plans()
        if p.stage == 5 and p.change is not Change.ADVANCE and all(i.actionable for i in p.items)
    ]
    assert full, "a stage-5 day with every move"
    for plan, feedback in full:
        visible = parse_html(plan_text(PROGRAM, plan, feedback))[0]
        # The first plan of a week adds the emergency signs' one line, once a week.
        weekly = len(parse_html(texts.RED_FLAGS_WEEKLY)[0]) + 2 if plan.weekly_signs else 0
        assert len(visible) <= PLAN_LIMIT + weekly, (plan.day, len(visible), visible)
    assert any(plan.weekly_signs for plan, _ in full)  # the line was measured too


def test_every_button_label_of_every_stage_is_short() -> None:
    signer = Signer(b"k" * 32)
    stages = set()
    for plan, feedback in plans():
        stages.add(plan.stage)
        for row in plan_keyboard(signer, 1, plan, feedback).inline_keyboard:
            assert len(row) <= 3
            for button in row:
                assert len(button.text) <= LABEL_LIMIT, button.text
    assert stages == {1, 2, 3, 4, 5}
