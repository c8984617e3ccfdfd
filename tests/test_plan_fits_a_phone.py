"""The daily plan fits a phone: one short message at every stage, short button labels."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pytest

from coach import i18n, texts
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


BUTTON_LIMIT = 12  # buttons under a day's plan, at most


def _signature(profile: Profile) -> tuple[object, ...]:
    """What of a profile a plan can show: which moves it makes possible, and gym experience
    (two equipment lists with the same signature give the same plans)."""
    possible = tuple(m.possible_with(profile.equipment) for m in PROGRAM.moves)
    return (possible, Equipment.BARBELL in profile.equipment, profile.gym_experienced)


def _profiles() -> list[Profile]:
    """Every combination of equipment and gym experience, one of each signature."""
    kinds = list(Equipment)
    seen: dict[tuple[object, ...], Profile] = {}
    for mask in range(2 ** len(kinds)):
        owned = frozenset(k for i, k in enumerate(kinds) if mask >> i & 1)
        for gym in (False, True):
            profile = Profile(owned, gym_experienced=gym)
            seen.setdefault(_signature(profile), profile)
    assert len(seen) < 2 ** len(kinds) * 2
    return list(seen.values())


@cache
def _first_days(profile: Profile, days: int = 45) -> list[tuple[Plan, History]]:
    """The first day of every stage this profile reaches, climbing at pain 1 with every
    move done: once before anything is done, once with everything done."""
    history, found = History(profile), []
    for offset in range(days):
        day = date(2026, 3, 2) + timedelta(days=offset)
        history = History(profile, (*history.ratings, Rating(day, 1)), history.feedback)
        plan = plan_for(PROGRAM, history, day)
        assert plan is not None
        last = replay(PROGRAM, history, day)[-1]
        done = [
            MoveFeedback(day, slug, Feedback.DONE)
            for slug in ["bar_hang", *required_moves(PROGRAM, history, last.stage, day, False)]
        ]
        after = History(profile, history.ratings, (*history.feedback, *done))
        if offset == 0 or plan.change is Change.ADVANCE:
            found += [(plan, history), (plan, after)]
        history = after
    return found


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_stages_first_day_fits_at_every_equipment_combination(language: str) -> None:
    signer = Signer(b"k" * 32)
    stages = set()
    with i18n.speaking(language):
        for profile in _profiles():
            for plan, history in _first_days(profile):
                stages.add(plan.stage)
                # The first plan of a week adds the emergency signs' one line.
                signs = len(parse_html(texts.RED_FLAGS_WEEKLY)[0]) + 2 if plan.weekly_signs else 0
                for legend in (False, True):
                    text = plan_text(PROGRAM, plan, history.feedback, legend=legend)
                    shown = parse_html(text)[0]
                    limit = PLAN_LIMIT + signs
                    assert len(shown) <= limit, (profile, plan.stage, len(shown), shown)
                keyboard = plan_keyboard(signer, 1, plan, history.feedback).inline_keyboard
                count = sum(len(row) for row in keyboard)
                assert count <= BUTTON_LIMIT, (profile, plan.stage, count)
    assert stages == {1, 2, 3, 4, 5}


def test_the_legend_comes_in_the_first_days_and_when_it_fits() -> None:
    plan, history = _first_days(EVERYTHING)[0]
    assert texts.PLAN_FOOTER in plan_text(PROGRAM, plan, history.feedback, legend=True)
    assert texts.PLAN_FOOTER not in plan_text(PROGRAM, plan, history.feedback)
