"""Safety decisions: screening, red flags, escalation to a clinician, repeated "worse".

None of these diagnose; they decide when Back Coach steps back and points to a clinician.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median

from coach.model import (
    Feedback,
    MoveFeedback,
    Person,
    Rating,
    RedFlagGroup,
    SafetyEvent,
    SafetyEventKind,
    Screening,
)
from coach.places import load_zone
from coach.program import Program


class Hold(StrEnum):
    """Why the program is on hold for a person, if it is."""

    SCREENING = "screening"  # waiting for a clinician's go-ahead after screening
    RED_FLAG = "red_flag"  # a red-flag "yes", until a clinician clears them


def hold(person: Person) -> Hold | None:
    """Whether exercises and reminders must stop for this person, and why."""
    safety = person.safety
    if safety.red_flag is not None:
        return Hold.RED_FLAG
    if safety.screening and safety.screening.needs_clearance and not safety.screening_cleared_at:
        return Hold.SCREENING
    return None


def red_flags_answered_since(events: tuple[SafetyEvent, ...], zone: str, first_day: date) -> bool:
    """Whether the red-flag question was answered (either way, by any route) on or after
    ``first_day`` in the person's zone. A clinician's all-clear starts afresh: answers
    before it are about symptoms the clinician has since seen."""
    local = load_zone(zone)
    answered = False
    for event in sorted(events, key=lambda e: e.at):
        if event.kind is SafetyEventKind.CLINICIAN_CLEARED:
            answered = False
        elif event.kind in (SafetyEventKind.RED_FLAGS_NONE, SafetyEventKind.RED_FLAG):
            answered = event.at.astimezone(local).date() >= first_day
    return answered


def record_screening(person: Person, answers: Screening) -> Person:
    """Store screening answers; a new "yes" needs a new go-ahead."""
    cleared = person.safety.screening_cleared_at if not answers.needs_clearance else None
    person.safety = replace(person.safety, screening=answers, screening_cleared_at=cleared)
    return person


def record_red_flag(person: Person, group: RedFlagGroup | None, now: datetime) -> Person:
    """Store a red-flag answer: an emergency or urgent "yes" pauses everything, and the
    emergency group wins; a "soon" (a GP within days) keeps the program going."""
    if group is None or group is RedFlagGroup.SOON:
        return person
    current = person.safety.red_flag
    worst = RedFlagGroup.EMERGENCY if RedFlagGroup.EMERGENCY in (group, current) else group
    person.safety = replace(person.safety, red_flag=worst, red_flag_at=now)
    return person


def clinician_cleared(person: Person, now: datetime) -> Person:
    """Lift a red-flag pause (and a screening hold): a clinician said exercise is OK."""
    screening_cleared = person.safety.screening_cleared_at
    if person.safety.screening and person.safety.screening.needs_clearance:
        screening_cleared = screening_cleared or now
    person.safety = replace(
        person.safety,
        red_flag=None,
        red_flag_at=None,
        cleared_at=now,
        screening_cleared_at=screening_cleared,
    )
    return person


class Escalation(StrEnum):
    """Why the coach suggests seeing a clinician."""

    HIGH_PAIN = "high_pain"
    NO_IMPROVEMENT = "no_improvement"


def escalation(
    program: Program,
    ratings: tuple[Rating, ...],
    today: date,
    last_suggested: date | None,
    *,
    maintenance: bool = False,
) -> Escalation | None:
    """Pain >= 7 on 5 of the last 7 days, or no 2-point improvement after 6 weeks.

    Never on a day rated <= escalate_done (2): the person is doing well today. "No
    improvement" compares the last week's median with the first week's, only when the first
    week's median was >= escalate_floor (4) and the last week's is above escalate_done, never
    in a falling week (its latest rating below its first) and never in maintenance.
    Suggested once, then at most every ``escalate_repeat_days``.
    """
    rules = program.rules
    if last_suggested and (today - last_suggested).days < rules.escalate_repeat_days:
        return None
    by_day = {r.day: r.pain for r in ratings if r.day <= today}
    if not by_day or by_day[max(by_day)] <= rules.escalate_done:
        return None
    days = sorted(d for d in by_day if (today - d).days < rules.escalate_window_days)
    week = [by_day[d] for d in days]
    if sum(p >= rules.escalate_pain for p in week) >= rules.escalate_days:
        return Escalation.HIGH_PAIN
    first = min(by_day)
    if maintenance or (today - first).days < rules.escalate_after_days:
        return None
    baseline = [p for d, p in by_day.items() if (d - first).days < rules.escalate_window_days]
    if median(baseline) < rules.escalate_floor or not week or median(week) <= rules.escalate_done:
        return None
    if falling_week(week):
        return None
    if median(week) > median(baseline) - rules.escalate_improvement:
        return Escalation.NO_IMPROVEMENT
    return None


def falling_week(week: list[int]) -> bool:
    """A week of ratings (in day order) whose latest is below its first: pain on its way
    down, which is no lack of improvement."""
    return len(week) >= 2 and week[-1] < week[0]


def worse_again(program: Program, feedback: tuple[MoveFeedback, ...], move: str, day: date) -> bool:
    """A second "worse" on the same move within 30 days suggests seeing a clinician."""
    window = timedelta(days=program.rules.worse_repeat_days)
    earlier = [
        f.day
        for f in feedback
        if f.kind is Feedback.WORSE and f.move == move and f.day < day and day - f.day <= window
    ]
    return bool(earlier)
