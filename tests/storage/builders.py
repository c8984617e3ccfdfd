"""Test data: people with every field set to something other than its default."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from coach.model import Equipment, Person, Profile, RedFlagGroup, SafetyState, Screening

BERLIN_SUMMER = timezone(timedelta(hours=2))
NOW = datetime(2026, 3, 29, 7, 30, 15, 123456, tzinfo=UTC)


def bare_person(chat_id: int) -> Person:
    """A person who has only just pressed /start."""
    return Person(chat_id=chat_id, created_at=NOW)


def full_person(chat_id: int) -> Person:
    """A person with no field left at its default, and datetimes in a non-UTC zone."""
    return Person(
        chat_id=chat_id,
        created_at=datetime(2026, 3, 1, 9, 0, 1, 500, tzinfo=BERLIN_SUMMER),
        timezone="Europe/Berlin",
        checkin_time=time(8, 15),
        hang_times=(time(11, 0), time(16, 30), time(20, 45)),
        profile=Profile(
            equipment=frozenset({Equipment.PULLUP_BAR, Equipment.BAND, Equipment.BARBELL}),
            gym_experienced=True,
        ),
        consent_version="2026-03",
        consent_at=datetime(2026, 3, 1, 9, 1, tzinfo=BERLIN_SUMMER),
        safety=SafetyState(
            screening=Screening(pregnant=False, recent_spinal_surgery=True, under_18=False),
            screening_cleared_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
            red_flag=RedFlagGroup.URGENT,
            red_flag_at=datetime(2026, 3, 20, 22, 10, tzinfo=BERLIN_SUMMER),
            cleared_at=datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
        ),
        step="settings.hang_times",
        step_data={"picked": ["11:00", "16:30"], "count": 3, "note": "ü", "nested": {"a": None}},
        paused=True,
        active=False,
        registered=True,
        escalation_suggested_on=date(2026, 3, 22),
        quiet=True,
        weekly_summary=False,
        checkin_weekly=True,
        language="ru",
        day_floor=date(2026, 3, 10),
    )
