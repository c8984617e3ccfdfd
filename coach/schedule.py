"""When reminders are due: each person's local times, in their zone, as UTC instants.

Pure functions with time passed in. A local time that doesn't exist on a spring-forward day
(02:30 in Berlin) comes once, at the same distance past the gap; a local time that happens
twice on a fall-back day (01:30) comes once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from coach.places import load_zone


class Kind(StrEnum):
    """The kinds of scheduled message."""

    CHECKIN = "checkin"
    WEEKLY_CHECKIN = "weekly_checkin"  # the check-in prompt, once a week, in maintenance
    HANG = "hang"
    WEEKLY = "weekly"  # the Sunday summary
    RETENTION = "retention"  # the warning a week before an inactive person's data is deleted


# Each kind is one object in services/kinds.py: when it is due, how late it may go, when
# it is skipped and how its message reads.

WEEKLY_AT = time(18, 0)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One due instant of a reminder, and the local day it belongs to."""

    due: datetime  # aware, UTC
    day: date  # the person's local calendar day


def occurrence_on(day: date, at: time, zone: str) -> Occurrence:
    """The UTC instant of local time ``at`` on ``day`` (gaps resolved forward)."""
    local = datetime.combine(day, at, tzinfo=load_zone(zone))  # fold=0: the first 01:30
    return Occurrence(local.astimezone(UTC), day)


def next_occurrence(at: time, zone: str, after: datetime, weekday: int | None = None) -> Occurrence:
    """The first occurrence of local time ``at`` (on ``weekday`` if given) after ``after``."""
    start = after.astimezone(load_zone(zone)).date() - timedelta(days=1)
    for offset in range(10):
        day = start + timedelta(days=offset)
        if weekday is not None and day.weekday() != weekday:
            continue
        found = occurrence_on(day, at, zone)
        if found.due > after:
            return found
    raise AssertionError("a local time occurs at least once a week")  # pragma: no cover


class Late(StrEnum):
    """Why a due reminder is dropped when it would go late (after downtime, or at the end
    of a peak's queue)."""

    HANG_TOO_LATE = "hang_too_late"
    CHECKIN_TOO_LATE = "checkin_too_late"
    CHECKIN_TOO_LATE_IN_DAY = "checkin_after_21"
    DAY_OVER = "day_over"


HANG_GRACE = timedelta(minutes=60)
CHECKIN_GRACE = timedelta(hours=4)
CHECKIN_LAST_LOCAL = time(21, 0)
# Late by at most this, a reminder is on time: a tick comes up to 20 s after its time, and
# a morning peak's queue at the free rate ends about 13 minutes late.
ON_TIME = timedelta(minutes=30)


def hang_late(due: datetime, now: datetime) -> Late | None:
    """A bar-hang reminder over 60 min late is skipped."""
    return Late.HANG_TOO_LATE if now - due > HANG_GRACE else None


def prompt_late(due: datetime, now: datetime, zone: str) -> Late | None:
    """A late check-in prompt (or a summary) is still sent within 4 hours of its time; and
    from 21:00 local only if it was asked for from 21:00 on, or is on time (``ON_TIME``): a
    morning's prompt, late after a stop, is no message for the night, while someone who
    chose 22:00 gets theirs at 22:00. (No reminder goes after its own day has ended:
    ``Late.DAY_OVER``, decided for every kind by the dispatcher.)"""
    late = now - due
    if late > CHECKIN_GRACE:
        return Late.CHECKIN_TOO_LATE
    if late <= timedelta(0):
        return None
    local = load_zone(zone)
    evening = now.astimezone(local).time() >= CHECKIN_LAST_LOCAL
    if evening and late > ON_TIME and due.astimezone(local).time() < CHECKIN_LAST_LOCAL:
        return Late.CHECKIN_TOO_LATE_IN_DAY
    return None


class State(StrEnum):
    """Where one delivery stands in the ledger.

    queued → sending → sent | failed | uncertain; or skipped straight away. A delivery left
    in ``sending`` by a crash becomes ``uncertain`` and is never sent again (at most once);
    one left ``queued`` was never written to the network and is sent after the restart.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Reminder:
    """A schedule row: a kind of message for one person, and its next due instant."""

    id: int
    chat_id: int
    kind: Kind
    slot: int  # which bar hang of the day (0, 1, 2); 0 for the check-in prompt
    local_time: time
    due: datetime
    day: date
    once: bool = False  # a snoozed reminder: sent once, then the row goes


class PastPrompt(NamedTuple):
    """A ledger row as the "still there?" rule reads it: its day, state and reason."""

    day: date
    state: State
    reason: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One ledger row: an occurrence of a reminder and what became of it."""

    id: int
    chat_id: int
    kind: Kind
    slot: int
    day: date
    attempt: int  # 0, then 1, 2, ... for each snooze of the same occurrence
    state: State
    due: datetime
    at: datetime
    reason: str | None = None
    message_id: int | None = None
