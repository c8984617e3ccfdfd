"""Safety: screening, red flags, escalation to a clinician."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest

from coach import red_flags, texts
from coach.model import Person, Rating, RedFlagGroup, Screening
from coach.program import Program
from coach.safety import (
    Escalation,
    Hold,
    clinician_cleared,
    escalation,
    hold,
    record_red_flag,
    record_screening,
)
from tests.coach.conftest import day

NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=3, hours=2)


def newcomer() -> Person:
    return Person(chat_id=7, created_at=NOW)


def ratings(pains: Sequence[int], first: int = 1) -> tuple[Rating, ...]:
    """Ratings on consecutive days from day ``first``."""
    return tuple(Rating(day(first + i), p) for i, p in enumerate(pains))


# --- escalation: high pain ------------------------------------------------------------------------


def test_pain_7_on_5_of_the_last_7_days_suggests_a_clinician(program: Program) -> None:
    assert escalation(program, ratings([7, 1, 7, 7, 1, 8, 10]), day(7), None) is (
        Escalation.HIGH_PAIN
    )


def test_pain_7_on_4_of_the_last_7_days_does_not(program: Program) -> None:
    assert escalation(program, ratings([7, 1, 7, 7, 1, 1, 10]), day(7), None) is None


def test_pain_6_every_day_is_not_high_pain(program: Program) -> None:
    assert escalation(program, ratings([6] * 7), day(7), None) is None


def test_high_pain_counts_only_the_last_7_days(program: Program) -> None:
    # Five days at 7, but the first of them is 7 days before today.
    # (v3: today above 2, since a day rated 2 or less never brings a suggestion.)
    assert escalation(program, ratings([7, 7, 7, 7, 7, 3, 3, 3]), day(8), None) is None
    assert escalation(program, ratings([7, 7, 7, 7, 7, 3, 3]), day(7), None) is (
        Escalation.HIGH_PAIN
    )


# --- escalation: no improvement after 6 weeks -----------------------------------------------------


def six_weeks(last_week: int) -> tuple[Rating, ...]:
    """A first week at pain 6, then 5, and ``last_week`` over the 7 days up to day 43."""
    return ratings([6] * 7 + [5] * 29 + [last_week] * 7)


def test_no_2_point_improvement_after_6_weeks_suggests_a_clinician(program: Program) -> None:
    assert escalation(program, six_weeks(last_week=5), day(43), None) is (Escalation.NO_IMPROVEMENT)


def test_a_2_point_improvement_after_6_weeks_does_not(program: Program) -> None:
    assert escalation(program, six_weeks(last_week=4), day(43), None) is None


def test_no_improvement_is_not_judged_before_6_weeks(program: Program) -> None:
    assert escalation(program, six_weeks(last_week=5)[:-1], day(42), None) is None


# --- escalation: once, then weekly at most --------------------------------------------------------


def test_a_suggestion_is_not_repeated_within_7_days(program: Program) -> None:
    history = ratings([8] * 20)
    assert escalation(program, history, day(20), day(14)) is None
    assert escalation(program, history, day(20), day(13)) is Escalation.HIGH_PAIN
    assert escalation(program, six_weeks(5), day(43), day(37)) is None
    assert escalation(program, six_weeks(5), day(43), day(36)) is Escalation.NO_IMPROVEMENT


def test_no_ratings_suggest_nothing(program: Program) -> None:
    assert escalation(program, (), date(2026, 1, 1), None) is None


# --- screening ------------------------------------------------------------------------------------

SCREENING_ITEMS = [f.name for f in fields(Screening)]


def test_screening_asks_the_four_questions_of_the_design() -> None:
    assert set(SCREENING_ITEMS) == {"pregnant", "recent_spinal_surgery", "osteoporosis", "under_18"}
    assert set(texts.SCREENING_ITEMS) == set(SCREENING_ITEMS)


@pytest.mark.parametrize("item", SCREENING_ITEMS)
def test_any_yes_in_screening_holds_the_program_until_a_clinician_clears_it(item: str) -> None:
    person = record_screening(newcomer(), Screening(**{item: True}))
    assert hold(person) is Hold.SCREENING
    cleared = clinician_cleared(person, LATER)
    assert hold(cleared) is None
    assert cleared.safety.screening_cleared_at == LATER
    assert cleared.safety.cleared_at == LATER


def test_all_no_in_screening_holds_nothing() -> None:
    assert hold(record_screening(newcomer(), Screening())) is None


def test_a_new_yes_in_screening_needs_a_new_go_ahead() -> None:
    person = clinician_cleared(record_screening(newcomer(), Screening(osteoporosis=True)), NOW)
    assert hold(person) is None
    person = record_screening(person, Screening(pregnant=True))
    assert hold(person) is Hold.SCREENING


# --- red flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [RedFlagGroup.EMERGENCY, RedFlagGroup.URGENT])
def test_a_yes_to_either_red_flag_group_holds_the_program(group: RedFlagGroup) -> None:
    person = record_red_flag(newcomer(), group, NOW)
    assert hold(person) is Hold.RED_FLAG
    assert (person.safety.red_flag, person.safety.red_flag_at) == (group, NOW)


def test_no_to_the_red_flags_holds_nothing() -> None:
    person = record_red_flag(newcomer(), None, NOW)
    assert hold(person) is None
    assert person.safety.red_flag is None


@pytest.mark.parametrize(
    "order",
    [
        (RedFlagGroup.EMERGENCY, RedFlagGroup.URGENT),
        (RedFlagGroup.URGENT, RedFlagGroup.EMERGENCY),
    ],
)
def test_emergency_wins_over_urgent_in_either_order(order: tuple[RedFlagGroup, ...]) -> None:
    person = newcomer()
    for group in order:
        person = record_red_flag(person, group, NOW)
    assert person.safety.red_flag is RedFlagGroup.EMERGENCY


def test_a_red_flag_holds_even_after_screening_was_cleared() -> None:
    person = clinician_cleared(record_screening(newcomer(), Screening(under_18=True)), NOW)
    person = record_red_flag(person, RedFlagGroup.URGENT, LATER)
    assert hold(person) is Hold.RED_FLAG


@pytest.mark.parametrize("group", list(RedFlagGroup))
def test_a_clinicians_all_clear_lifts_a_red_flag_and_stores_when(group: RedFlagGroup) -> None:
    person = clinician_cleared(record_red_flag(newcomer(), group, NOW), LATER)
    assert hold(person) is None
    assert person.safety.red_flag is None
    assert person.safety.cleared_at == LATER


def test_a_red_flag_after_an_all_clear_holds_again() -> None:
    person = clinician_cleared(record_red_flag(newcomer(), RedFlagGroup.EMERGENCY, NOW), NOW)
    person = record_red_flag(person, RedFlagGroup.URGENT, LATER)
    assert hold(person) is Hold.RED_FLAG
    assert person.safety.red_flag is RedFlagGroup.URGENT
    assert person.safety.cleared_at == NOW


@pytest.mark.parametrize(
    ("tier", "words"),
    [
        (
            RedFlagGroup.EMERGENCY,
            ["saddle", "tingling", "wipe", "bladder", "bowel", "<b>both</b> legs",
             "one leg getting weaker", "chest pain", "serious fall or accident"],
        ),
        (
            RedFlagGroup.URGENT,
            ["high temperature", "weight loss", "cancer, now or in the past", "night",
             "steroid", "coughing, sneezing or straining", "lump", "upper back"],
        ),
        (RedFlagGroup.SOON, ["3 months", "before age 45", "under 20 or over 50"]),
    ],
)  # fmt: skip
def test_each_red_flag_tier_asks_every_sign_of_the_design(
    tier: RedFlagGroup, words: list[str]
) -> None:
    asked = red_flags.question(tier, since_cleared=False)
    assert [word for word in words if word not in asked] == []


def test_a_fall_or_accident_is_an_emergency_and_age_alone_is_not_urgent() -> None:
    tier = {sign.key: sign.tier for sign in red_flags.signs()}
    assert tier["accident"] is RedFlagGroup.EMERGENCY
    assert tier["chest"] is RedFlagGroup.EMERGENCY
    assert tier["age"] is RedFlagGroup.SOON
    assert red_flags.holds(RedFlagGroup.URGENT) and not red_flags.holds(RedFlagGroup.SOON)


def test_every_sign_of_the_table_has_its_words_a_tier_and_a_source() -> None:
    keys = [sign.key for sign in red_flags.signs()]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(texts.RED_FLAGS_ITEMS)
    for sign in red_flags.signs():
        assert sign.source.url.startswith("https://"), sign.key
        assert sign.source.title and len(sign.section) > 10, sign.key
    assert {sign.tier for sign in red_flags.signs()} == set(red_flags.TIERS)


def test_a_soon_answer_keeps_the_program_going() -> None:
    person = record_red_flag(newcomer(), RedFlagGroup.SOON, NOW)
    assert hold(person) is None
    assert person.safety.red_flag is None


# --- v2: no improvement only from a first week at 4+, down to no more than 2, not in maintenance --


def weeks(first: int, middle: int, last: int) -> tuple[Rating, ...]:
    return ratings([first] * 7 + [middle] * 29 + [last] * 7)


def test_a_person_going_from_1_to_0_is_never_told_to_see_a_clinician(program: Program) -> None:
    assert escalation(program, weeks(1, 1, 0), day(43), None) is None
    assert escalation(program, weeks(3, 3, 3), day(43), None) is None


def test_no_improvement_needs_a_first_week_median_of_4_or_more(program: Program) -> None:
    assert escalation(program, weeks(4, 4, 3), day(43), None) is Escalation.NO_IMPROVEMENT
    assert escalation(program, weeks(3, 3, 3), day(43), None) is None


def test_a_last_week_at_2_or_less_is_not_a_lack_of_improvement(program: Program) -> None:
    assert escalation(program, weeks(4, 3, 2), day(43), None) is None
    assert escalation(program, ratings([4, 4, 4, 4, 0, 0, 0] + [3] * 29 + [3] * 7), day(43), None)


def test_no_improvement_is_never_suggested_in_maintenance(program: Program) -> None:
    assert escalation(program, six_weeks(5), day(43), None, maintenance=True) is None
    assert escalation(program, six_weeks(5), day(43), None, maintenance=False) is (
        Escalation.NO_IMPROVEMENT
    )


# --- v3: never on a good day, never in a falling week, medians with medians -----------------------


def test_a_week_falling_to_0_is_never_no_improvement(program: Program) -> None:
    history = ratings([6] * 7 + [6] * 29 + [6, 5, 4, 3, 2, 1, 0])
    for n in range(37, 44):
        assert escalation(program, history, day(n), None) is None


def test_a_falling_week_above_2_is_no_lack_of_improvement(program: Program) -> None:
    falling = ratings([6] * 7 + [6] * 29 + [7, 7, 6, 6, 5, 5, 4])
    assert escalation(program, falling, day(43), None) is None
    flat = ratings([6] * 7 + [6] * 29 + [4, 5, 5, 6, 6, 7, 7])
    assert escalation(program, flat, day(43), None) is Escalation.NO_IMPROVEMENT


@pytest.mark.parametrize("pain", [0, 1, 2])
def test_no_suggestion_of_any_kind_on_a_day_rated_2_or_less(program: Program, pain: int) -> None:
    # A week that ends where it began, so it is not falling.
    week = [pain, 5, 5, 5, 5, 5, pain]
    assert escalation(program, ratings([5] * 36 + week), day(43), None) is None
    control = [3, 5, 5, 5, 5, 5, 3]
    assert escalation(program, ratings([5] * 36 + control), day(43), None) is not None
    assert escalation(program, ratings([8] * 6 + [pain]), day(7), None) is None
    assert escalation(program, ratings([8] * 6 + [7]), day(7), None) is Escalation.HIGH_PAIN


def test_no_improvement_compares_medians_not_means(program: Program) -> None:
    # First week's median 6 (mean 3.4), last week's 4: two points better by the medians.
    history = ratings([6, 6, 6, 6, 0, 0, 0] + [5] * 29 + [4] * 7)
    assert escalation(program, history, day(43), None) is None
    assert escalation(program, ratings([6] * 36 + [5] * 7), day(43), None) is (
        Escalation.NO_IMPROVEMENT
    )
