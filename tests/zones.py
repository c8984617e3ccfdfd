"""A time zone where it is mid-morning now, for tests that run the real clock: a check-in
prompt due "a few minutes ago" must be one the rules send at whatever hour the suite runs
(none after 21:00 on the person's clock, and a day that does not end meanwhile)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def mid_morning(now: datetime) -> str:
    """An Etc/GMT zone in which ``now`` (aware) falls between 10:00 and 11:00."""
    hours = (10 - now.astimezone(ZoneInfo("UTC")).hour) % 24
    hours = hours - 24 if hours > 14 else hours
    return f"Etc/GMT{-hours:+d}" if hours else "UTC"  # Etc/GMT-3 is three hours ahead
