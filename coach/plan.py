"""The day's plan: which moves, at which dose, which rest, and what to say about the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from coach.model import History
from coach.program import Move, Program
from coach.rules import (
    Change,
    Day,
    done_by_day,
    gentle_hang,
    in_maintenance,
    left_out,
    lifts_rest,
    offered,
    replay,
)


class Status(StrEnum):
    """What the plan says about one move today."""

    DO = "do"
    GENTLE = "gentle"  # the bar hang after "made it worse": shorter holds
    REST = "rest"  # a lift on the day after lifting
    LEFT_OUT = "left_out"  # "made it worse" in the last 7 days
    NO_EQUIPMENT = "no_equipment"


@dataclass(frozen=True, slots=True)
class Item:
    """One move in the day's plan."""

    move: Move
    status: Status
    until: date | None = None  # for LEFT_OUT: the day it comes back
    needs_equipment: bool = False  # the bar hang without a pull-up bar: any sturdy bar works

    @property
    def dose(self) -> str:
        if self.status is Status.GENTLE and self.move.gentle_dose:
            return self.move.gentle_dose
        return self.move.dose

    @property
    def actionable(self) -> bool:
        """Whether the plan asks for this move today (and shows *Done*)."""
        return self.status in (Status.DO, Status.GENTLE)


@dataclass(frozen=True, slots=True)
class Plan:
    """Today's plan for the stage the person has earned."""

    day: date
    pain: int
    stage: int
    stage_name: str
    items: tuple[Item, ...]
    flare: bool
    change: Change | None
    away: bool
    ask_red_flags: bool
    maintenance: bool = False  # four weeks at the top with no flare (DESIGN.md §2)

    def item(self, slug: str) -> Item | None:
        """The plan's entry for a move, if the plan names it."""
        return next((i for i in self.items if i.move.slug == slug), None)


def plan_for(program: Program, history: History, today: date) -> Plan | None:
    """The plan for ``today``, or None before today's check-in."""
    days = replay(program, history, today)
    if not days or days[-1].day != today:
        return None
    last = days[-1]
    items = _items(program, history, last)
    return Plan(
        day=today,
        pain=last.pain,
        stage=last.stage,
        stage_name=program.stage(last.stage).name,
        items=items,
        flare=last.flare,
        change=last.change,
        away=last.away,
        ask_red_flags=last.pain >= program.rules.red_flag_pain or last.away,
        maintenance=in_maintenance(program, days, today),
    )


def _items(program: Program, history: History, day: Day) -> tuple[Item, ...]:
    hang = program.move("bar_hang")
    gentle = gentle_hang(program, history.feedback, day.day)
    no_bar = not hang.possible_with(history.profile.equipment)
    first = Item(hang, Status.GENTLE if gentle else Status.DO, needs_equipment=no_bar)
    if day.flare:
        return (first,)
    out = {i.move: i.until for i in left_out(program, history.feedback, day.day)}
    resting = lifts_rest(program, done_by_day(history.feedback), day.day)
    items = [first]
    for slug in offered(program, history.profile, day.stage):
        move = program.move(slug)
        if slug == "bar_hang":
            continue
        if not move.possible_with(history.profile.equipment):
            items.append(Item(move, Status.NO_EQUIPMENT))
        elif slug in out:
            items.append(Item(move, Status.LEFT_OUT, out[slug]))
        elif resting and move.every_other_day:
            items.append(Item(move, Status.REST))
        else:
            items.append(Item(move, Status.DO))
    return tuple(items)
