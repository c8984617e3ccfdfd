"""Milestones in words: a stage earned or lost (what changed, why, what is next and how long
it takes), a welcome back after days away, and what a week held for the Sunday summary.

Every figure comes from ``explain.standing`` and the replayed days, as /why's do.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from coach import texts
from coach.explain import Standing, condition_text, usual_text
from coach.model import Profile
from coach.program import Program
from coach.rules import Change, Day, Need, offered

# Conditions that only time can meet: one more day in a row, in the stage, or one more
# session (at most one a day).
_COUNTED = (Need.PAIN_STREAK, Need.MIN_DAYS, Need.SESSIONS)


def days_to_next(at: Standing) -> int:
    """The fewest days until the next stage can be reached (0: nothing left to count)."""
    return max(
        (max(0, c.target - c.have) for c in at.conditions if c.need in _COUNTED and not c.met),
        default=0,
    )


def next_line(program: Program, at: Standing) -> str:
    """What unlocks the next stage and the soonest it can come."""
    if at.next_stage is None:
        return texts.WHY_TOP
    missing = [condition_text(program, c) for c in at.conditions if not c.met]
    if not missing:
        return texts.WHY_ALL_MET
    days = days_to_next(at)
    template = texts.MILESTONE_NEXT if days else texts.MILESTONE_NEXT_NOW
    return template.format(
        stage=at.next_stage,
        name=escape(at.next_name or ""),
        days=texts.plural(days, "day"),
        needs=escape("; ".join(missing)),
    )


def _why_lost(day: Day) -> str:
    if day.change is Change.FLARE and day.flare_kind is not None:
        what = texts.FLARE_WHAT[day.flare_kind.value].format(
            pain=day.pain, usual=usual_text(day.usual)
        )
        return texts.STAGE_LOST_WHY["flare"].format(what=escape(what))
    return texts.STAGE_LOST_WHY["sustained" if day.change is Change.SUSTAINED else "away"]


def stage_message(program: Program, at: Standing, profile: Profile) -> str | None:
    """The message for a stage earned or lost today (None if the stage did not change)."""
    today = at.days[-1] if at.days and at.days[-1].day == at.today else None
    if today is None or today.change is None:
        return None
    stage = program.stage(at.stage)
    if today.change is Change.ADVANCE:
        enter = stage.enter
        assert enter is not None
        sessions = (
            texts.STAGE_EARNED_SESSIONS.format(count=enter.sessions, stage=at.stage - 1)
            if enter.sessions
            else ""
        )
        added = [s for s in offered(program, profile, at.stage) if s in stage.adds]
        names = escape(", ".join(program.move(s).name for s in added))
        return texts.STAGE_EARNED.format(
            stage=at.stage,
            name=escape(stage.name),
            pain=enter.pain_max,
            days=texts.plural(enter.days_in_row, "day"),
            sessions=sessions,
            names=names,
            next=next_line(program, at),
        )
    return texts.STAGE_LOST.format(
        stage=at.stage,
        name=escape(stage.name),
        old=at.stage + 1,
        why=_why_lost(today),
        next=next_line(program, at),
    )


def welcome_back(program: Program, at: Standing, away: int) -> str:
    """After ``away`` days without a check-in: how long, where the person stands, what next."""
    return texts.WELCOME_BACK.format(
        days=texts.plural(away, "day"),
        stage=at.stage,
        name=escape(at.stage_name),
        next=next_line(program, at),
    )


def week_story(program: Program, at: Standing, week: int = 7) -> list[str]:
    """What the week up to ``at.today`` held: stages earned or lost, flares, the best day."""
    first = at.today - timedelta(days=week - 1)
    days = [d for d in at.days if first <= d.day <= at.today]
    lines = []
    for day in days:
        if day.change is Change.ADVANCE:
            name = escape(program.stage(day.stage).name)
            lines.append(texts.WEEK_EARNED.format(stage=day.stage, name=name, day=_day(day.day)))
        elif day.change in (Change.FLARE, Change.SUSTAINED, Change.AWAY):
            name = escape(program.stage(day.stage).name)
            lines.append(texts.WEEK_LOST.format(stage=day.stage, name=name, day=_day(day.day)))
    flares = [d for d in days if d.flare]
    if flares:
        worst = max(flares, key=lambda d: (d.pain, d.day))
        lines.append(
            texts.WEEK_FLARES.format(flares=len(flares), pain=worst.pain, day=_day(worst.day))
        )
    if len(days) >= 2:
        best = min(days, key=lambda d: (d.pain, -d.day.toordinal()))
        lines.append(texts.WEEK_BEST.format(pain=best.pain, day=_day(best.day)))
    return lines


def _day(value: date) -> str:
    return texts.day(value)
