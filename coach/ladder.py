"""The dose-level replay itself (the rules are described in coach/doses.py): feedback and
resets in, every move's level out. Kept apart so that coach/rules.py can use it without a
cycle (coach/doses.py reads the stage replay to find the resets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from coach.model import Feedback, MoveFeedback
from coach.program import Program

HANG = "bar_hang"

# The most cautious answer of a day counts.
_CAUTION = {Feedback.EASY: 1, Feedback.RIGHT: 2, Feedback.HARD: 3, Feedback.WORSE: 4}


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A move's dose level changed on a day, and why ("easy", "hard", "worse", or the reset:
    "flare", "away", "sustained")."""

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
    """Replay feedback and resets (day -> reason, from ``coach.doses.level_resets``) up to
    ``until``."""
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
