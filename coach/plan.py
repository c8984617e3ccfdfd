"""The day's plan: which moves, at which dose, which rest, and what to say about the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.doses import level_resets, walk
from coach.model import History
from coach.program import Program
from coach.rules import Change, FlareKind, Item, Status, day_items, in_maintenance, replay

__all__ = ["Item", "Plan", "Status", "plan_for"]


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
    maintenance: bool = False  # four weeks at the top with no flare
    flare_kind: FlareKind | None = None  # which flare rule fired today, if one did
    usual: float | None = None  # on a lighter day: the median it was measured against
    high: bool = False  # pain >= flare_pain: the plan is the bar hang alone
    lighter: bool = False  # a rise below flare_pain: lifts rest, doses a level down today
    # The first plan of a week (Monday to Sunday) carries the emergency signs in one line:
    # red flags are asked only at high pain or after time away, so someone at a steady 5
    # still reads them at least once a week when checking in.
    weekly_signs: bool = False

    def item(self, slug: str) -> Item | None:
        """The plan's entry for a move, if the plan names it."""
        return next((i for i in self.items if i.move.slug == slug), None)


def plan_for(program: Program, history: History, today: date) -> Plan | None:
    """The plan for ``today``, or None before today's check-in."""
    days = replay(program, history, today)
    if not days or days[-1].day != today:
        return None
    last = days[-1]
    doses = walk(program, history.feedback, level_resets(days), today)
    items = day_items(
        program,
        history,
        last.stage,
        today,
        last.high,
        levels=doses.levels,
        lighter=last.lighter,
    )
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
        flare_kind=last.flare_kind,
        usual=last.usual,
        weekly_signs=first_of_week(history, today),
        high=last.high,
        lighter=last.lighter,
    )


def first_of_week(history: History, today: date) -> bool:
    """Whether ``today`` is the first check-in day of its week (Monday to Sunday)."""
    week = today.isocalendar()[:2]
    return not any(r.day < today and r.day.isocalendar()[:2] == week for r in history.ratings)
