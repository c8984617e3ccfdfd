"""Doses that grow: each move's dose level, replayed from feedback in day order.

Rules (thresholds in program.toml ``[rules]``):

- every move starts at its ``start_level`` (level 1; the bar hang at its top, the article's
  60 s);
- ``easy_to_step_up`` *Easy* in a row on a move, on different days, step its dose up one level
  (never above the top); a *Right* breaks the run;
- *Hard* steps it down one (never below 1); *Worse* starts it again at level 1;
- at most one step a day for a move: when a day holds several answers for it, the most
  cautious counts (*Worse*, then *Hard*, then *Right*, then *Easy*);
- a flare, a step back (any drop of stage) or time away start every move but the bar hang
  again at level 1, before that day's answers;
- the bar hang is *gentle* (shorter holds) from a *Worse* until it is back at its top level.

Feedback of a day counts on that day: the plan of a day shows the level after its answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from coach.model import Feedback, History, MoveFeedback
from coach.program import Program

if TYPE_CHECKING:
    from coach.rules import Day

HANG = "bar_hang"

# The most cautious answer of a day counts.
_CAUTION = {Feedback.EASY: 1, Feedback.RIGHT: 2, Feedback.HARD: 3, Feedback.WORSE: 4}


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A move's dose level changed on a day, and why ("easy", "hard", "worse", or the reset:
    "flare", "away", "sustained", "equipment")."""

    day: date
    move: str
    before: int
    after: int
    why: str


@dataclass(frozen=True, slots=True)
class Doses:
    """Every move's dose level on a day, whether the bar hang is gentle, and the changes."""

    levels: Mapping[str, int]
    gentle_hang: bool
    changes: tuple[LevelChange, ...] = ()


def walk(
    program: Program,
    feedback: Iterable[MoveFeedback],
    resets: Mapping[date, str],
    until: date,
) -> Doses:
    """Replay feedback and resets (day -> reason, from ``level_resets``) up to ``until``."""
    need = program.rules.easy_to_step_up
    levels = {m.slug: m.start_level for m in program.moves}
    tops = {m.slug: m.top_level for m in program.moves}
    easy = dict.fromkeys(levels, 0)
    gentle = False
    changes: list[LevelChange] = []
    answers: dict[date, dict[str, Feedback]] = {}
    for item in feedback:
        if item.day > until or item.kind not in _CAUTION or item.move not in levels:
            continue
        day_answers = answers.setdefault(item.day, {})
        known = day_answers.get(item.move)
        if known is None or _CAUTION[item.kind] > _CAUTION[known]:
            day_answers[item.move] = item.kind

    def move_to(day: date, slug: str, level: int, why: str) -> None:
        if level != levels[slug]:
            changes.append(LevelChange(day, slug, levels[slug], level, why))
            levels[slug] = level

    for day in sorted(set(answers) | {d for d in resets if d <= until}):
        if day in resets:
            for slug in levels:
                if slug != HANG:
                    easy[slug] = 0
                    move_to(day, slug, 1, resets[day])
        for slug, kind in sorted(answers.get(day, {}).items()):
            if kind is Feedback.EASY:
                easy[slug] += 1
                if easy[slug] >= need:
                    easy[slug] = 0
                    move_to(day, slug, min(tops[slug], levels[slug] + 1), "easy")
                continue
            easy[slug] = 0
            if kind is Feedback.HARD:
                move_to(day, slug, max(1, levels[slug] - 1), "hard")
            elif kind is Feedback.WORSE:
                move_to(day, slug, 1, "worse")
                gentle = gentle or slug == HANG
        gentle = gentle and levels[HANG] < tops[HANG]
    return Doses(dict(levels), gentle, tuple(changes))


def level_resets(days: Iterable[Day]) -> dict[date, str]:
    """The replayed days that start every move but the bar hang again, with the reason:
    a flare (at any stage), a step back or a cap by equipment, or time away."""
    found: dict[date, str] = {}
    for day in days:
        if day.flare:
            found[day.day] = "flare"
        elif day.change is not None and day.change.value != "advance":
            found[day.day] = day.change.value
        elif day.away:
            found[day.day] = "away"
    return found


def doses_on(program: Program, history: History, day: date) -> Doses:
    """Every move's dose level on ``day`` (its feedback included)."""
    from coach.rules import replay  # rules uses this module's ``walk``

    return walk(program, history.feedback, level_resets(replay(program, history, day)), day)


def levels_on(program: Program, history: History, day: date) -> dict[str, int]:
    """Every move's dose level on ``day``, by slug."""
    return dict(doses_on(program, history, day).levels)


def level(program: Program, history: History, slug: str, day: date) -> int:
    """One move's dose level on ``day`` (1 = its first level)."""
    return doses_on(program, history, day).levels[slug]
