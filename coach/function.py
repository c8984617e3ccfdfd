"""Function: the activities a person's back gets in the way of, rated 0-10 once a week.

The measure is the Patient-Specific Functional Scale (PSFS): the person names up to three
important activities they are unable to do or have difficulty with because of their
problem, and rates each from 0 ("unable to perform the activity") to 10 ("able to perform
the activity at the same level as before the problem"). Its score at a time is the mean of
the activities' ratings.

    Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on
    individual patients: a report of a patient specific measure. Physiotherapy Canada
    1995;47(4):258-263.

How large a change has to be before it is more than the measure's own noise, as printed
with the scale (Stratford et al. 1995): a minimal detectable change (90 percent confidence) of
2 points for the average score and 3 points for a single activity's score. For chronic low
back pain, Maughan & Lewis (Eur Spine J 2010;19:1484-1494) put the minimal clinically
important difference of the PSFS at 1.4 points (from the standard error of measurement, in
48 people after a five-week back class). Back Coach compares changes with the detectable
changes only; it says so wherever it does, and it reads no more into a change than that.

Everything here is pure: the activities and their ratings come in, figures and words go out.
Nothing invents a point: a week without a rating stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

MAX_ACTIVITIES: Final = 3  # at most three activities at a time (the scale's own "up to 3")
MAX_NAME: Final = 60  # characters of an activity's name, in the person's own words
SCORES: Final = range(11)  # 0 unable … 10 able as before
# Minimal detectable changes at 90 percent confidence (Stratford et al. 1995).
MDC_ACTIVITY: Final = 3
MDC_AVERAGE: Final = 2
# Minimal clinically important difference in chronic low back pain (Maughan & Lewis 2010),
# for the README and the report's footnote; Back Coach decides nothing with it.
MCID_AVERAGE: Final = 1.4
# The invitation: on the third check-in day, and again every 14th check-in day after it
# while nothing is named (about two weeks for someone checking in daily). Only on those days
# does a check-in look the invitation up at all.
INVITE_AFTER_CHECKINS: Final = 3
INVITE_AGAIN_DAYS: Final = 14


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity in the person's own words; ``retired`` keeps its history, unasked."""

    id: int
    name: str
    added: date
    retired: date | None = None

    @property
    def current(self) -> bool:
        return self.retired is None


@dataclass(frozen=True, slots=True)
class ActivityRating:
    """An activity's rating for one week (the Monday it starts); re-rating replaces it."""

    activity: int
    week: date
    score: int


@dataclass(frozen=True, slots=True)
class Function:
    """A person's activities (current and retired) and all their ratings."""

    activities: tuple[Activity, ...] = ()
    ratings: tuple[ActivityRating, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """An activity from its first rating to its latest."""

    activity: Activity
    first: int
    first_week: date
    latest: int
    latest_week: date

    @property
    def delta(self) -> int:
        return self.latest - self.first

    @property
    def detectable(self) -> bool:
        """Whether the change is at least the single activity's detectable change."""
        return abs(self.delta) >= MDC_ACTIVITY


@dataclass(frozen=True, slots=True)
class Week:
    """One row of the table by week: each activity's score (None: not rated that week)."""

    week: date
    scores: tuple[int | None, ...]  # in the order of the activities given

    @property
    def average(self) -> float | None:
        """The scale's score for the week: the mean of the activities rated."""
        rated = [s for s in self.scores if s is not None]
        return sum(rated) / len(rated) if rated else None


def chart_lines(
    activities: tuple[Activity, ...], weeks: tuple[Week, ...]
) -> tuple[tuple[Activity, tuple[int | None, ...]], ...]:
    """Each activity rated at least once, with its score in each week of ``weeks`` (None:
    a gap): the lines of the activities' chart, in the order of ``by_week``."""
    order = sorted(activities, key=lambda a: a.id)
    lines = []
    for index, activity in enumerate(order):
        scores = tuple(w.scores[index] for w in weeks)
        if any(s is not None for s in scores):
            lines.append((activity, scores))
    return tuple(lines)


def week_of(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def clean_name(text: str) -> str | None:
    """An activity's name from a typed message: one line of ordinary words, trimmed; None
    when nothing is left or it is too long."""
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME or not any(c.isalpha() for c in name):
        return None
    return name


def current(activities: tuple[Activity, ...]) -> tuple[Activity, ...]:
    """The activities asked about each week, oldest first."""
    return tuple(a for a in sorted(activities, key=lambda a: a.id) if a.current)


def changes(
    activities: tuple[Activity, ...], ratings: tuple[ActivityRating, ...]
) -> tuple[Change, ...]:
    """Each rated activity (current first, then retired) from its first week's rating to
    its latest week's."""
    by_activity: dict[int, list[ActivityRating]] = {}
    for rating in ratings:
        by_activity.setdefault(rating.activity, []).append(rating)
    found = []
    ordered = sorted(activities, key=lambda a: (not a.current, a.id))
    for activity in ordered:
        own = sorted(by_activity.get(activity.id, ()), key=lambda r: r.week)
        if own:
            first, latest = own[0], own[-1]
            found.append(Change(activity, first.score, first.week, latest.score, latest.week))
    return tuple(found)


def average_change(found: tuple[Change, ...]) -> float | None:
    """The change of the average score over the activities rated at least twice (the mean
    of their changes); None when none was."""
    twice = [c for c in found if c.latest_week > c.first_week]
    return sum(c.delta for c in twice) / len(twice) if twice else None


def by_week(
    activities: tuple[Activity, ...], ratings: tuple[ActivityRating, ...]
) -> tuple[Week, ...]:
    """Every week from the first rating to the latest, each activity's score or None: a
    week without ratings is a row of gaps, never a carried-over or averaged-in number."""
    if not ratings:
        return ()
    order = [a.id for a in sorted(activities, key=lambda a: a.id)]
    scores = {(r.activity, r.week): r.score for r in ratings}
    first = min(r.week for r in ratings)
    last = max(r.week for r in ratings)
    weeks = []
    week = first
    while week <= last:
        weeks.append(Week(week, tuple(scores.get((a, week)) for a in order)))
        week += timedelta(days=7)
    return tuple(weeks)


def unrated(
    activities: tuple[Activity, ...], ratings: tuple[ActivityRating, ...], week: date
) -> tuple[Activity, ...]:
    """The current activities not yet rated for ``week``, in order."""
    done = {r.activity for r in ratings if r.week == week}
    return tuple(a for a in current(activities) if a.id not in done)


def invite_day(checkin_days: int) -> bool:
    """Whether a check-in day may bring the invitation: the third, then every 14th."""
    since = checkin_days - INVITE_AFTER_CHECKINS
    return since >= 0 and since % INVITE_AGAIN_DAYS == 0


def invite_due(checkin_days: int, named: bool, asked_on: date | None, today: date) -> bool:
    """Whether to invite the person to name their activities after today's check-in: only
    on an invitation day (set-up's answers are enough to begin with), never once they have
    named one, and not twice in one day (a re-rated day)."""
    if named or not invite_day(checkin_days):
        return False
    return asked_on is None or asked_on < today
