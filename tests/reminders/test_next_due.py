"""Next-due instants across zones and both daylight-saving transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from coach.schedule import Kind, Late, next_occurrence, occurrence_on
from services.kinds import KINDS


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/Berlin", date(2026, 1, 15), time(8), utc(2026, 1, 15, 7)),
        ("Europe/Berlin", date(2026, 7, 15), time(8), utc(2026, 7, 15, 6)),
        ("America/New_York", date(2026, 1, 15), time(8), utc(2026, 1, 15, 13)),
        ("America/New_York", date(2026, 7, 15), time(8), utc(2026, 7, 15, 12)),
        ("Australia/Sydney", date(2026, 1, 15), time(8), utc(2026, 1, 14, 21)),
        ("Australia/Sydney", date(2026, 7, 15), time(8), utc(2026, 7, 14, 22)),
        ("Asia/Kolkata", date(2026, 1, 15), time(8), utc(2026, 1, 15, 2, 30)),
        ("Asia/Kolkata", date(2026, 7, 15), time(8), utc(2026, 7, 15, 2, 30)),
        # Samoa skipped 30 Dec 2011 when it moved across the date line: its rules changed.
        ("Pacific/Apia", date(2011, 12, 29), time(8), utc(2011, 12, 29, 18)),
        ("Pacific/Apia", date(2011, 12, 31), time(8), utc(2011, 12, 30, 18)),
        ("UTC+05:30", date(2026, 7, 15), time(8), utc(2026, 7, 15, 2, 30)),
    ],
)
def test_a_local_time_maps_to_the_right_instant(
    zone: str, day: date, at: time, expected: datetime
) -> None:
    assert occurrence_on(day, at, zone).due == expected


def daily(zone: str, at: time, start: datetime, days: int) -> list[datetime]:
    """Every occurrence for ``days`` days, by repeatedly asking for the next one."""
    found, after = [], start
    for _ in range(days):
        occurrence = next_occurrence(at, zone, after)
        found.append(occurrence.due)
        after = occurrence.due
    return found


def test_a_0230_reminder_on_the_spring_forward_day_comes_once_in_berlin() -> None:
    dues = daily("Europe/Berlin", time(2, 30), utc(2026, 3, 27), 4)
    days = [d.astimezone(UTC).date() for d in dues]
    assert days == [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert dues[2] == utc(2026, 3, 29, 1, 30)  # 03:30 CEST, just past the gap
    assert dues[3] == utc(2026, 3, 30, 0, 30)  # 02:30 CEST the day after


def test_a_0130_reminder_on_the_fall_back_day_comes_once_in_new_york() -> None:
    dues = daily("America/New_York", time(1, 30), utc(2026, 10, 31), 3)
    assert dues == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_sydney_spring_forward_and_fall_back_each_give_one_reminder_a_day() -> None:
    forward = daily("Australia/Sydney", time(2, 30), utc(2026, 10, 2), 3)  # 4 Oct 2026
    back = daily("Australia/Sydney", time(2, 30), utc(2026, 4, 3), 3)  # 5 Apr 2026
    for dues in (forward, back):
        local_days = [d.astimezone(UTC) + timedelta(hours=10) for d in dues]
        assert len({d.date() for d in local_days}) == 3
        assert all(later - earlier >= timedelta(hours=23) for earlier, later in pairwise(dues))


def test_kolkata_has_no_transitions_so_reminders_are_exactly_a_day_apart() -> None:
    dues = daily("Asia/Kolkata", time(7, 15), utc(2026, 3, 1), 60)
    assert all(later - earlier == timedelta(days=1) for earlier, later in pairwise(dues))


def test_next_occurrence_is_strictly_after_the_given_instant() -> None:
    due = utc(2026, 1, 15, 7)
    assert next_occurrence(time(8), "Europe/Berlin", due).due == utc(2026, 1, 16, 7)
    assert next_occurrence(time(8), "Europe/Berlin", due - timedelta(seconds=1)).due == due


def test_a_hang_over_an_hour_late_is_skipped_but_not_at_an_hour() -> None:
    due = utc(2026, 1, 15, 7)
    assert KINDS[Kind.HANG].too_late(due, due + timedelta(minutes=60), "Europe/Berlin") is None
    late = KINDS[Kind.HANG].too_late(due, due + timedelta(minutes=61), "Europe/Berlin")
    assert late == Late.HANG_TOO_LATE


def test_a_checkin_prompt_is_sent_up_to_four_hours_late_and_before_21_local() -> None:
    due = utc(2026, 1, 15, 7)  # 08:00 in Berlin
    assert KINDS[Kind.CHECKIN].too_late(due, due + timedelta(hours=4), "Europe/Berlin") is None
    over = KINDS[Kind.CHECKIN].too_late(due, due + timedelta(hours=4, minutes=1), "Europe/Berlin")
    assert over == Late.CHECKIN_TOO_LATE
    evening = utc(2026, 1, 15, 18, 30)  # due 19:30 Berlin, now 20:00 → still sent
    assert (
        KINDS[Kind.CHECKIN].too_late(evening, evening + timedelta(minutes=30), "Europe/Berlin")
        is None
    )
    late_evening = utc(2026, 1, 15, 19, 30)  # due 20:30, now 21:05 local → skipped
    result = KINDS[Kind.CHECKIN].too_late(
        late_evening, late_evening + timedelta(minutes=35), "Europe/Berlin"
    )
    assert result == Late.CHECKIN_TOO_LATE_IN_DAY


def test_a_prompt_asked_for_after_21_is_on_time_at_its_time_and_late_within_its_day() -> None:
    prompt = KINDS[Kind.CHECKIN]
    ten_pm = utc(2026, 1, 15, 21)  # 22:00 in Berlin, the person's own choice
    assert prompt.too_late(ten_pm, ten_pm + timedelta(seconds=10), "Europe/Berlin") is None
    assert prompt.too_late(ten_pm, ten_pm + timedelta(minutes=90), "Europe/Berlin") is None
    # A prompt due before 21:00 is on time within half an hour (a peak's queue)...
    ten_to_nine = utc(2026, 1, 15, 19, 50)  # 20:50 in Berlin
    assert (
        prompt.too_late(ten_to_nine, ten_to_nine + timedelta(minutes=20), "Europe/Berlin") is None
    )
    # ...and after that no message for the night.
    late = prompt.too_late(ten_to_nine, ten_to_nine + timedelta(minutes=31), "Europe/Berlin")
    assert late == Late.CHECKIN_TOO_LATE_IN_DAY
