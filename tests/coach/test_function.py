"""The activities' scores and changes, worked out by hand from a known history."""

from __future__ import annotations

from datetime import date

import pytest

from coach.function import (
    MDC_ACTIVITY,
    MDC_AVERAGE,
    Activity,
    ActivityRating,
    Week,
    average_change,
    by_week,
    changes,
    clean_name,
    current,
    invite_day,
    invite_due,
    unrated,
    week_of,
)

MON1, MON2, MON3, MON4 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)
SHOES = Activity(1, "tie my shoes", MON1)
FILM = Activity(2, "sit through a film", MON1)
LIFT = Activity(3, "pick up my daughter", MON1, retired=MON3)
WALK = Activity(4, "walk the dog", MON3)
ACTIVITIES = (SHOES, FILM, LIFT, WALK)
# Shoes 3 → 4 → (no rating) → 6; film 5 → 5 → 6; the lift 2 → 3, then retired; the walk,
# named in week 3, rated once.
RATINGS = (
    ActivityRating(1, MON1, 3),
    ActivityRating(2, MON1, 5),
    ActivityRating(3, MON1, 2),
    ActivityRating(1, MON2, 4),
    ActivityRating(2, MON2, 5),
    ActivityRating(3, MON2, 3),
    ActivityRating(2, MON3, 6),
    ActivityRating(4, MON3, 1),
    ActivityRating(1, MON4, 6),
)


def test_the_week_starts_on_monday() -> None:
    assert week_of(date(2026, 3, 8)) == MON1  # a Sunday
    assert week_of(MON2) == MON2


def test_each_activity_from_its_first_rating_to_its_latest() -> None:
    found = {c.activity.name: c for c in changes(ACTIVITIES, RATINGS)}
    assert (found["tie my shoes"].first, found["tie my shoes"].latest) == (3, 6)
    assert found["tie my shoes"].delta == 3 and found["tie my shoes"].detectable
    assert found["sit through a film"].delta == 1 and not found["sit through a film"].detectable
    assert found["pick up my daughter"].latest_week == MON2  # retired: its history stays
    assert found["walk the dog"].delta == 0
    # Current activities first, retired last.
    assert [c.activity.id for c in changes(ACTIVITIES, RATINGS)] == [1, 2, 4, 3]


def test_the_detectable_change_is_the_scales_three_points_either_way() -> None:
    assert MDC_ACTIVITY == 3 and MDC_AVERAGE == 2
    worse = changes((SHOES,), (ActivityRating(1, MON1, 8), ActivityRating(1, MON2, 5)))
    assert worse[0].delta == -3 and worse[0].detectable
    less = changes((SHOES,), (ActivityRating(1, MON1, 8), ActivityRating(1, MON2, 6)))
    assert not less[0].detectable


def test_the_average_change_counts_only_activities_rated_twice() -> None:
    # Shoes +3, film +1, the lift +1; the walk has one rating and does not count.
    assert average_change(changes(ACTIVITIES, RATINGS)) == pytest.approx(5 / 3)
    assert average_change(changes((WALK,), (ActivityRating(4, MON3, 1),))) is None


def test_the_table_by_week_keeps_gaps_and_invents_nothing() -> None:
    weeks = by_week(ACTIVITIES, RATINGS)
    assert [w.week for w in weeks] == [MON1, MON2, MON3, MON4]
    assert weeks[0].scores == (3, 5, 2, None)
    assert weeks[2].scores == (None, 6, None, 1)  # shoes not rated in week 3: a gap
    assert weeks[3].scores == (6, None, None, None)
    assert weeks[0].average == pytest.approx(10 / 3)
    assert weeks[3].average == 6
    assert Week(MON1, (None, None)).average is None
    # A week with no rating at all stays a row of gaps between rated weeks.
    skipped = by_week((SHOES,), (ActivityRating(1, MON1, 2), ActivityRating(1, MON3, 5)))
    assert [w.scores for w in skipped] == [(2,), (None,), (5,)]
    assert by_week(ACTIVITIES, ()) == ()


def test_the_weekly_question_asks_current_activities_not_yet_rated() -> None:
    assert current(ACTIVITIES) == (SHOES, FILM, WALK)
    assert unrated(ACTIVITIES, RATINGS, MON3) == (SHOES,)
    assert unrated(ACTIVITIES, RATINGS, MON4) == (FILM, WALK)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("  tie my   shoes ", "tie my shoes"),
        ("сидеть в кино", "сидеть в кино"),
        ("", None),
        ("   ", None),
        ("12345", None),
        ("x" * 61, None),
        ("line one\nline two", "line one line two"),
    ],
)
def test_a_typed_name_is_one_trimmed_line_of_words(typed: str, name: str | None) -> None:
    assert clean_name(typed) == name


def test_the_invitation_comes_on_the_third_check_in_day_and_again_every_fourteenth() -> None:
    today = date(2026, 3, 20)
    assert [n for n in range(40) if invite_day(n)] == [3, 17, 31]
    assert not invite_due(2, False, None, today)
    assert invite_due(3, False, None, today)
    assert not invite_due(3, True, None, today)  # named one: never again
    assert not invite_due(9, False, None, today)  # not an invitation day
    assert invite_due(17, False, date(2026, 3, 6), today)  # "not now" on the third day
    assert not invite_due(17, False, today, today)  # already asked today (a re-rated day)
