"""Shared builders for the coach's brain: histories told day by day, and a hypothesis profile.

Day numbers count the first check-in as day 1: ``day(1)`` is ``START``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

from coach.explain import Standing, standing, why_text
from coach.model import (
    Equipment,
    Feedback,
    History,
    MoveFeedback,
    Profile,
    ProfileChange,
    Rating,
)
from coach.plan import Plan, plan_for
from coach.program import PROGRAM_FILE, Program, default_program, load_program_text
from coach.rules import Day, replay, required_moves

START = date(2026, 1, 5)  # a Monday
EVERYTHING = frozenset(Equipment)
NO_BARBELL = EVERYTHING - {Equipment.BARBELL}
GYM = Profile(equipment=EVERYTHING, gym_experienced=True)
BEGINNER = Profile(equipment=EVERYTHING, gym_experienced=False)


def day(number: int) -> date:
    """The calendar date of day ``number`` (day 1 is START)."""
    return START + timedelta(days=number - 1)


def number(value: date) -> int:
    """The day number of a calendar date (START is day 1)."""
    return (value - START).days + 1


@pytest.fixture
def program() -> Program:
    """The program shipped with Back Coach."""
    return default_program()


@pytest.fixture
def program_text() -> str:
    """The text of the shipped program file."""
    return PROGRAM_FILE.read_text(encoding="utf-8")


def mark_session(program: Program, history: History, on: date) -> History:
    """Press *Done* on every move the replay requires on ``on`` (nothing on a high-pain day)."""
    days = replay(program, history, on)
    assert days and days[-1].day == on, f"no check-in on {on}"
    last = days[-1]
    needed = required_moves(program, history, last.stage, on, last.high, lighter=last.lighter)
    done = tuple(MoveFeedback(on, slug, Feedback.DONE) for slug in needed)
    return replace(history, feedback=history.feedback + done)


@dataclass(frozen=True)
class Story:
    """A person's history, told fluently; every method returns a new story.

    ``next_day`` is the calendar day after the last one told (missed days included).
    """

    program: Program
    history: History
    next_day: date = START

    # --- telling -----------------------------------------------------------------------

    def then(self, pains: Sequence[int | None], *, sessions: bool = False) -> Story:
        """Check in on the following days; ``None`` is a day without a check-in.

        With ``sessions``, every check-in day's required moves are marked *Done*, computed
        from that day's replay (so the lifts' every-other-day rest is respected).
        """
        story = self
        for pain in pains:
            today = story.next_day
            if pain is not None:
                story = story.rate(today, pain)
                if sessions:
                    story = story.session(today)
            story = replace(story, next_day=today + timedelta(days=1))
        return story

    def away(self, days_without_checkin: int) -> Story:
        """Skip this many calendar days."""
        return replace(self, next_day=self.next_day + timedelta(days=days_without_checkin))

    def rate(self, on: date, pain: int) -> Story:
        """Rate a day, replacing that day's rating if there was one (a re-rating)."""
        ratings = (*tuple(r for r in self.history.ratings if r.day != on), Rating(on, pain))
        return replace(self, history=replace(self.history, ratings=ratings))

    def session(self, on: date) -> Story:
        """Do the whole session of ``on``."""
        return replace(self, history=mark_session(self.program, self.history, on))

    def change_profile(self, on: date, profile: Profile) -> Story:
        """Change equipment or gym experience from ``on`` (a dated event; the first change
        also dates the profile held until then, from the first check-in)."""
        changes = self.history.profile_changes
        if not changes:
            first = min((r.day for r in self.history.ratings), default=START)
            changes = (ProfileChange(first, self.history.profile),)
        changes = (*changes, ProfileChange(on, profile))
        return replace(
            self, history=replace(self.history, profile=profile, profile_changes=changes)
        )

    def done(self, on: date, *moves: str) -> Story:
        return self._feedback(on, moves, Feedback.DONE)

    def worse(self, on: date, *moves: str) -> Story:
        return self._feedback(on, moves, Feedback.WORSE)

    def answer(self, on: date, kind: Feedback, *moves: str) -> Story:
        """*Easy*, *Right* or *Hard* (or any feedback) on moves, on ``on``."""
        return self._feedback(on, moves, kind)

    def undo_worse(self, on: date, move: str) -> Story:
        """The *Undo* button: the "worse" row is removed."""
        kept = tuple(
            f
            for f in self.history.feedback
            if not (f.day == on and f.move == move and f.kind is Feedback.WORSE)
        )
        return replace(self, history=replace(self.history, feedback=kept))

    def _feedback(self, on: date, moves: Iterable[str], kind: Feedback) -> Story:
        added = tuple(MoveFeedback(on, slug, kind) for slug in moves)
        return replace(self, history=replace(self.history, feedback=self.history.feedback + added))

    # --- reading -----------------------------------------------------------------------

    @property
    def last(self) -> date:
        return max(r.day for r in self.history.ratings)

    def replay(self, until: date | None = None) -> list[Day]:
        return replay(self.program, self.history, until or self.last)

    def stage(self, on: date | None = None) -> int:
        """The stage coached on ``on`` (default: the last check-in)."""
        return self.replay(on)[-1].stage

    def on(self, when: date) -> Day:
        """The replayed check-in day ``when``."""
        found = [d for d in self.replay(when) if d.day == when]
        assert found, f"no check-in on {when}"
        return found[0]

    def stages(self) -> list[int]:
        """The stage of every check-in day, in order."""
        return [d.stage for d in self.replay()]

    def entered(self, stage: int) -> int | None:
        """The day number on which ``stage`` was first reached, if ever."""
        days = self.replay()
        return next((number(d.day) for d in days if d.stage >= stage), None)

    def plan(self, on: date | None = None) -> Plan:
        found = plan_for(self.program, self.history, on or self.last)
        assert found is not None
        return found

    def standing(self, on: date | None = None) -> Standing:
        return standing(self.program, self.history, on or self.last)

    def why(self, on: date | None = None) -> str:
        return why_text(self.program, self.standing(on))


@cache
def without_min_days(text: str | None = None) -> Program:
    """The shipped program (or ``text``) with no minimum days in any stage: for tests of the
    other entry rules (streaks, sessions, flares, the lifts' rest) at their own boundaries."""
    text = PROGRAM_FILE.read_text(encoding="utf-8") if text is None else text
    kept = [line for line in text.splitlines() if not line.startswith("min_days")]
    return load_program_text("\n".join(kept))


def days(
    start: date,
    pains: Sequence[int | None],
    *,
    profile: Profile = GYM,
    program: Program | None = None,
    sessions: bool = False,
) -> Story:
    """A story of check-ins on consecutive days from ``start`` (``None``: a missed day)."""
    story = Story(program or default_program(), History(profile=profile), start)
    return story.then(pains, sessions=sessions)


def quick_days(start: date, pains: Sequence[int | None], **kwargs: Any) -> Story:
    """``days`` under the table without minimum days in a stage."""
    return days(start, pains, program=kwargs.pop("program", None) or without_min_days(), **kwargs)


def quick(pains: Sequence[int | None], **kwargs: Any) -> Story:
    """``coached`` under the table without minimum days in a stage."""
    return coached(pains, program=kwargs.pop("program", None) or without_min_days(), **kwargs)


def coached(
    pains: Sequence[int | None],
    *,
    profile: Profile = GYM,
    program: Program | None = None,
) -> Story:
    """A person who checks in from day 1 and does every session they are given."""
    return days(START, pains, profile=profile, program=program, sessions=True)


def expected_entry_days(program: Program) -> dict[int, int]:
    """The day each stage is entered at pain 1 every day with every session done.

    Derived from the table alone: stage s+1 needs a streak of ``days_in_row`` days (at
    constant low pain the streak is the day number) and ``sessions`` sessions of stage s,
    one a day from the day s was entered (that day's included); a day that changed the
    stage changes nothing more, while day 1 starts at stage 1 without a change. Stage 1's
    plan is the bar hang alone, so it has no sessions and stage 2 can ask for none. And
    ``min_days`` whole days in stage s (its entry day counted, the day of moving up not).
    """
    entered = {1: 1}
    for stage in program.stages[1:]:
        assert stage.enter is not None
        previous = entered[stage.number - 1]
        assert stage.number > 2 or stage.enter.sessions == 0
        changed_that_day = 1 if stage.number > 2 else 0
        entered[stage.number] = max(
            previous + stage.enter.sessions,
            previous + changed_that_day,
            stage.enter.days_in_row,
            previous + stage.enter.min_days,
        )
    return entered
