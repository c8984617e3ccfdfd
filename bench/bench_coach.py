"""The coach's decisions and the chart over long histories: replay, plan, /why, render.

.venv/bin/python bench/bench_coach.py
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

from coach.explain import standing, why_text
from coach.model import Equipment, Feedback, History, MoveFeedback, Profile, Rating
from coach.plan import plan_for
from coach.program import default_program
from coach.progress import series
from coach.rules import replay, required_moves

PROGRAM = default_program()
START = date(2025, 1, 1)


def year_of_history(days: int) -> History:
    profile = Profile(frozenset(Equipment), gym_experienced=True)
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        ratings.append(Rating(day, max(0, 6 - offset // 20) + (offset % 9 == 0)))
        history = History(profile, tuple(ratings), tuple(feedback))
        last = replay(PROGRAM, history, day)[-1]
        feedback += [
            MoveFeedback(day, s, Feedback.DONE)
            for s in required_moves(
                PROGRAM, history, last.stage, day, last.high, lighter=last.lighter
            )
        ]
    return History(profile, tuple(ratings), tuple(feedback))


def timed(label: str, repeat: int, work) -> None:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    for _ in range(repeat):
        work()
    each = (time.perf_counter() - began) / repeat
    print(f"{label}: {each * 1000:.1f} ms")


def main() -> None:
    os.environ.setdefault("MPLCONFIGDIR", ".cache/matplotlib")
    for days in (90, 365):
        history = year_of_history(days)
        today = START + timedelta(days=days - 1)
        print(f"history of {days} days, {len(history.feedback)} feedback rows:")
        timed("  replay", 20, lambda h=history, t=today: replay(PROGRAM, h, t))
        timed("  today's plan", 20, lambda h=history, t=today: plan_for(PROGRAM, h, t))
        timed("  /why", 20, lambda h=history, t=today: why_text(PROGRAM, standing(PROGRAM, h, t)))
    began = time.perf_counter()
    from conversations.chart import render

    print(f"matplotlib import: {(time.perf_counter() - began) * 1000:.0f} ms (once per process)")
    at = standing(PROGRAM, year_of_history(90), START + timedelta(days=89))
    render(series(at, 30))  # warm
    timed("chart, 30 days", 10, lambda: render(series(at, 30)))
    timed("chart, 90 days", 10, lambda: render(series(at, 90)))


if __name__ == "__main__":
    main()
