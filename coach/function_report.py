"""The activities in the doctor's report: a table by week over the report's period, each
activity's change since its first rating, and whether it exceeds the scale's detectable
change (coach/function.py has the figures and their sources). Pure; said of the person in
the third person, as the rest of the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach import texts
from coach.function import (
    MDC_ACTIVITY,
    MDC_AVERAGE,
    Activity,
    Function,
    Week,
    average_change,
    by_week,
    changes,
    week_of,
)


@dataclass(frozen=True, slots=True)
class FunctionTable:
    """What the report shows of the activities: the columns (activities rated in the
    period, oldest first), the rows (each week of the period from the first rated one, gaps
    kept), and one line per activity on its change since its first rating."""

    activities: tuple[Activity, ...]
    weeks: tuple[Week, ...]
    lines: tuple[str, ...]
    average: str | None


def table(function: Function, first: date) -> FunctionTable | None:
    """The activities' part of a report whose period starts on ``first`` (None: no
    activity rated in the period)."""
    from_week = week_of(first)
    every = by_week(function.activities, function.ratings)
    order = sorted(function.activities, key=lambda a: a.id)
    shown = [w for w in every if w.week >= from_week]
    columns = [i for i in range(len(order)) if any(w.scores[i] is not None for w in shown)]
    if not columns:
        return None
    rows = tuple(Week(w.week, tuple(w.scores[i] for i in columns)) for w in shown)
    activities = tuple(order[i] for i in columns)
    found = [c for c in changes(function.activities, function.ratings) if c.activity in activities]
    lines = tuple(_line(c.activity, c.first, c.first_week, c.latest, c.latest_week) for c in found)
    mean = average_change(tuple(found))
    average = None
    if mean is not None:
        verdict = _verdict(abs(mean) >= MDC_AVERAGE)
        average = texts.REPORT_FUNCTION_AVERAGE.format(
            change=f"{mean:+.1f}", mdc=MDC_AVERAGE, verdict=verdict
        )
    return FunctionTable(activities, rows, lines, average)


def _line(activity: Activity, first: int, since: date, latest: int, until: date) -> str:
    name = activity.name
    if activity.retired is not None:
        retired = texts.day_month(activity.retired)
        name = texts.REPORT_FUNCTION_RETIRED.format(name=name, day=retired)
    if until == since:
        return texts.REPORT_FUNCTION_ONCE.format(name=name, score=first, day=texts.day_month(since))
    delta = latest - first
    return texts.REPORT_FUNCTION_CHANGE.format(
        name=name,
        first=first,
        day=texts.day_month(since),
        latest=latest,
        until=texts.day_month(until),
        change=f"{delta:+d}",
        verdict=_verdict(abs(delta) >= MDC_ACTIVITY),
    )


def _verdict(detectable: bool) -> str:
    return texts.REPORT_FUNCTION_BEYOND if detectable else texts.REPORT_FUNCTION_WITHIN
