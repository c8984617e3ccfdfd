"""A person's "today" across time-zone changes: a day already over in any zone the person
had is never today again.

Pure functions with time passed in. A person's local date in one zone only moves forward;
a change of zone could move it back (Tokyo to Los Angeles just after midnight makes
yesterday "today" again). So a change of zone keeps the day reached in the zone left
behind as a floor, and today is never before it.
"""

from __future__ import annotations

from datetime import date, datetime

from coach.places import load_zone


def local_date(now: datetime, zone: str | None) -> date:
    """The date in ``zone`` at ``now`` (UTC before a zone is chosen)."""
    return (now.astimezone(load_zone(zone)) if zone else now).date()


def today_in(now: datetime, zone: str | None, floor: date | None) -> date:
    """The person's today: their zone's date, never before ``floor``."""
    local = local_date(now, zone)
    return local if floor is None or local >= floor else floor


def floor_on_leaving(now: datetime, zone: str | None, floor: date | None) -> date | None:
    """The floor to keep when leaving ``zone`` at ``now``: the today reached there (none
    before a first zone was chosen)."""
    return floor if zone is None else today_in(now, zone, floor)
