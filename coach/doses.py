"""Doses that grow: each move's dose level, replayed from feedback in day order.

Rules (thresholds in program.toml ``[rules]``):

- every move starts at its ``start_level`` (level 1; the bar hang at its top, the article's
  60 s);
- ``easy_to_step_up`` *Easy* in a row on a move, on different days, step its dose up one level
  (never above the top); a *Right* breaks the run;
- *Hard* steps it down one (never below 1); *Worse* starts it again at level 1;
- at most one step a day for a move: when a day holds several answers for it, the most
  cautious counts (*Worse*, then *Hard*, then *Right*, then *Easy*);
- a lost stage (a flare, time away or a sustained rise that steps back) starts every move
  but the bar hang again at level 1, before that day's answers; nothing else resets a level
  (a lighter day shows doses a level down for the day and keeps the levels);
- the bar hang is *gentle* (shorter holds) from a *Worse* until it is back at its top level.

Feedback of a day counts on that day: the plan of a day shows the level after its answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from coach.ladder import Doses, LevelChange, walk
from coach.model import History
from coach.program import Program
from coach.rules import Change, Day, replay

__all__ = ["Doses", "LevelChange", "doses_on", "level", "level_resets", "levels_on", "walk"]


def level_resets(days: Iterable[Day]) -> dict[date, str]:
    """The replayed days that start every move but the bar hang again, with the reason: only
    the days a stage was lost (a flare, time away or a sustained rise).
    A flare at stage 1, time away at stage 1 or a lighter day keep every level."""
    return {
        day.day: day.change.value
        for day in days
        if day.change is not None and day.change is not Change.ADVANCE
    }


def doses_on(program: Program, history: History, day: date) -> Doses:
    """Every move's dose level on ``day`` (its feedback included)."""
    return walk(program, history.feedback, level_resets(replay(program, history, day)), day)


def levels_on(program: Program, history: History, day: date) -> dict[str, int]:
    """Every move's dose level on ``day``, by slug."""
    return dict(doses_on(program, history, day).levels)


def level(program: Program, history: History, slug: str, day: date) -> int:
    """One move's dose level on ``day`` (1 = its first level)."""
    return doses_on(program, history, day).levels[slug]
