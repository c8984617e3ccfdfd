"""Progress in figures and words: the chart's series, its caption and the weekly summary.

All three take their figures from ``explain.standing``, the same function behind /why, so
the chart, the summary and /why can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coach import texts
from coach.explain import Standing, condition_text
from coach.milestones import week_story
from coach.program import Program, default_program

WEEK = 7


@dataclass(frozen=True, slots=True)
class Series:
    """What the chart draws, one entry per calendar day of the window."""

    days: tuple[date, ...]
    pain: tuple[int | None, ...]  # None: no check-in that day
    stage: tuple[int, ...]  # the stage coached that day (carried over days without check-in)
    session: tuple[bool, ...]
    stage_names: tuple[str, ...] = ()  # the program's stage names, stage 1 first

    @property
    def checkins(self) -> int:
        return sum(p is not None for p in self.pain)

    def stage_runs(self) -> list[tuple[int, int, int]]:
        """Runs of days at the same stage: (first index, last index, stage)."""
        runs: list[tuple[int, int, int]] = []
        for index, stage in enumerate(self.stage):
            if runs and runs[-1][2] == stage:
                runs[-1] = (runs[-1][0], index, stage)
            else:
                runs.append((index, index, stage))
        return runs


def series(
    at: Standing,
    window: int,
    program: Program | None = None,
    hangs: frozenset[date] = frozenset(),
) -> Series:
    """The last ``window`` days up to ``at.today``, from the first check-in at the earliest:
    a person who joined 3 days ago gets 3 days, not weeks of blank before they signed up.

    A day is marked when its plan was done: a session, or at stage 1 (the bar hang alone,
    which no session counts) a day in ``hangs``, the days the hang was done.

    The stage names come from ``program``; without one, from the shipped program when it is
    the one ``at`` was worked out with (same name for the stage today), else none."""
    if at.days:
        window = max(1, min(window, _since_first(at)))
    by_day = {d.day: d for d in at.days}
    first = at.today - timedelta(days=window - 1)
    stage = next((d.stage for d in reversed(at.days) if d.day < first), 1)
    days, pain, stages, sessions = [], [], [], []
    for offset in range(window):
        day = first + timedelta(days=offset)
        found = by_day.get(day)
        stage = found.stage if found else stage
        days.append(day)
        pain.append(found.pain if found else None)
        stages.append(stage)
        sessions.append(bool(found and (found.session or (found.stage == 1 and day in hangs))))
    names = _stage_names(at, program)
    return Series(tuple(days), tuple(pain), tuple(stages), tuple(sessions), names)


def _stage_names(at: Standing, program: Program | None) -> tuple[str, ...]:
    if program is None:
        program = default_program()
        if at.stage > program.top or program.stage(at.stage).name != at.stage_name:
            return ()
    return tuple(stage.name for stage in program.stages)


def _since_first(at: Standing) -> int:
    """Days from the first check-in to ``at.today``, both counted (``at.days`` is not empty)."""
    return (at.today - at.days[0].day).days + 1


def averages(at: Standing) -> str:
    """This week's average pain, and last week's beside it when there is one."""
    if at.week_average is None:
        return texts.PROGRESS_NO_WEEK
    if at.last_week_average is None:
        return texts.PROGRESS_WEEK.format(week=texts.decimal(at.week_average))
    week, last = texts.decimal(at.week_average), texts.decimal(at.last_week_average)
    return texts.PROGRESS_WEEKS.format(week=week, last=last)


def next_unlock(program: Program, at: Standing) -> str:
    """What unlocks the next stage, as the unmet conditions in words."""
    if at.next_stage is None:
        return texts.WHY_TOP
    missing = [condition_text(program, c) for c in at.conditions if not c.met]
    if not missing:
        return texts.WHY_ALL_MET
    return texts.PROGRESS_NEXT.format(stage=at.next_stage, needs="; ".join(missing))


def caption(program: Program, at: Standing, shown: Series | None = None) -> str:
    """The chart's caption: the period shown (when given), this week vs last, the stage,
    what unlocks the next."""
    stage = texts.WHY_STAGE.format(stage=at.stage, name=at.stage_name)
    lines = [averages(at), stage, next_unlock(program, at)]
    return "\n".join([period(shown), *lines] if shown is not None else lines)


def period(shown: Series) -> str:
    """The period a chart shows in figures: its days, check-ins, days done, pain."""
    pain = [p for p in shown.pain if p is not None]
    if not pain:
        return texts.PROGRESS_PERIOD_EMPTY.format(days=texts.plural(len(shown.days), "day"))
    return texts.PROGRESS_PERIOD.format(
        days=texts.plural(len(shown.days), "day"),
        checkins=len(pain),
        done=sum(shown.session),
        week=texts.decimal(round(sum(pain) / len(pain), 1)),
        low=min(pain),
        high=max(pain),
    )


def encouragement(at: Standing, sessions_this_week: int, *, flared: bool = False) -> str:
    """One line grounded in the person's own numbers (a week with a flare is no "well done
    for keeping at it", whatever its sessions)."""
    week, last = at.week_average, at.last_week_average
    if week is not None and last is not None and last - week >= 1:
        return texts.CHEER_BETTER.format(drop=texts.decimal(last - week))
    if flared:
        return texts.CHEER_FLARE
    if sessions_this_week >= 3:
        return texts.CHEER_SESSIONS.format(sessions=sessions_this_week)
    if week is not None and last is not None and week - last >= 1:
        return texts.CHEER_HARDER
    if week is None:
        return texts.CHEER_RETURN
    return texts.CHEER_STEADY


def weekly_summary(program: Program, at: Standing) -> str:
    """The Sunday summary: the week's figures, what happened in it (a stage earned or lost,
    flares, the best day: ``milestones.week_story``), the caption's figures and one line of
    encouragement."""
    week = [d for d in at.days if 0 <= (at.today - d.day).days < WEEK]
    sessions = sum(d.session for d in week)
    # Out of the days since sign-up when that is less than a week: "4 of 4 days", not "4 of 7".
    days = min(WEEK, _since_first(at)) if at.days else WEEK
    lines = [
        texts.WEEKLY_TITLE,
        texts.WEEKLY_CHECKINS_SINCE.format(
            checkins=len(week), days=texts.plural(days, "day", after_of=True), sessions=sessions
        ),
        *week_story(program, at, WEEK),
        caption(program, at),
        encouragement(at, sessions, flared=any(d.flare for d in week)),
    ]
    return "\n".join(lines)
