"""The edge that reads the time. Tests and the console inject a clock they can move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from coach.places import load_zone


class Clock(Protocol):
    """Something that tells the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ManualClock:
    """A clock that stands still until moved: for tests and the console's `:next-day`."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def local_now(clock: Clock, zone: str | None) -> datetime:
    """The current time in a person's zone (UTC before they chose one)."""
    now = clock.now()
    return now.astimezone(load_zone(zone)) if zone else now


def local_today(clock: Clock, zone: str | None) -> date:
    """Today's date in a person's zone."""
    return local_now(clock, zone).date()
