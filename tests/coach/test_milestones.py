"""Milestones in words, from the replayed days: how soon the next stage can come, the
message of a stage earned or lost, the welcome back, and what a week held."""

from __future__ import annotations

from datetime import date, timedelta

from coach import texts
from coach.explain import standing
from coach.milestones import days_to_next, stage_message, week_story, welcome_back
from coach.model import Equipment, History, Profile, Rating
from coach.program import default_program

PROGRAM = default_program()
START = date(2026, 3, 2)
EVERYTHING = Profile(frozenset(Equipment), gym_experienced=True)


def rated(pains: list[int]) -> History:
    days = [START + timedelta(days=n) for n in range(len(pains))]
    return History(EVERYTHING, tuple(Rating(d, p) for d, p in zip(days, pains, strict=True)))


def test_the_soonest_next_stage_counts_the_longest_wait() -> None:
    at = standing(PROGRAM, rated([5]), START)
    assert at.stage == 1 and days_to_next(at) == 2  # 3 days in a row at pain <= 6: 1 of 3
    at = standing(PROGRAM, rated([5, 5, 5]), START + timedelta(days=2))
    assert at.stage == 2
    assert days_to_next(at) == 7  # 7 days in stage 2 outlast the streak and the sessions


def test_a_stage_earned_says_why_what_is_new_and_what_is_next() -> None:
    at = standing(PROGRAM, rated([5, 5, 5]), START + timedelta(days=2))
    text = stage_message(PROGRAM, at, EVERYTHING)
    assert text is not None
    assert text.startswith("🎉 <b>Stage 2 earned: Activate</b>")
    assert "pain ≤ 6 on 3 days in a row" in text
    assert "Seated Row, Reverse Hyper" in text
    assert "Next: stage 3 (Hinge), in 7 days at the soonest" in text


def test_a_stage_lost_says_why_and_what_earns_it_back() -> None:
    at = standing(PROGRAM, rated([5, 5, 5, 8]), START + timedelta(days=3))
    text = stage_message(PROGRAM, at, EVERYTHING)
    assert text is not None and text.startswith("<b>Back to stage 1 for now: Decompress</b>")
    assert "(from stage 2)" in text and "8/10" in text
    assert "Next: stage 2 (Activate), in 3 days at the soonest" in text


def test_no_message_on_a_day_without_a_change() -> None:
    assert stage_message(PROGRAM, standing(PROGRAM, rated([5, 5]), START), EVERYTHING) is None
    at = standing(PROGRAM, rated([5, 5, 5, 4]), START + timedelta(days=3))
    assert stage_message(PROGRAM, at, EVERYTHING) is None


def test_welcome_back_says_how_long_and_where_the_person_stands() -> None:
    at = standing(PROGRAM, rated([5, 5, 5]), START + timedelta(days=6))
    text = welcome_back(PROGRAM, at, 4)
    assert text.startswith("👋 Welcome back: 4 days since your last check-in.")
    assert "You are in stage 2: Activate." in text


def test_the_week_story_names_the_changes_the_flares_and_the_best_day() -> None:
    at = standing(PROGRAM, rated([4, 3, 2, 7, 3, 2]), START + timedelta(days=6))
    lines = week_story(PROGRAM, at)
    wednesday, thursday = START + timedelta(days=2), START + timedelta(days=3)
    assert lines == [
        texts.WEEK_EARNED.format(stage=2, day=texts.day(wednesday), name="Activate"),
        texts.WEEK_LOST.format(stage=1, day=texts.day(thursday), name="Decompress"),
        texts.WEEK_FLARES.format(flares=1, pain=7, day=texts.day(thursday)),
        texts.WEEK_BEST.format(pain=2, day=texts.day(START + timedelta(days=5))),
    ]


def test_a_quiet_week_has_no_story() -> None:
    at = standing(PROGRAM, rated([3]), START + timedelta(days=10))
    assert week_story(PROGRAM, at) == []
