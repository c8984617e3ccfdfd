"""/report over 30 and 90 days of a busy history: the figures, and the PDF drawn from them.

.venv/bin/python bench/bench_report.py
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

from coach.model import (
    Equipment,
    Feedback,
    History,
    MoveFeedback,
    Person,
    Profile,
    Rating,
    SafetyEvent,
    SafetyEventKind,
)
from coach.program import default_program
from coach.report import build
from coach.rules import replay, required_moves

PROGRAM = default_program()
START = date(2025, 1, 1)
PERSON = Person(1, datetime(2025, 1, 1, tzinfo=UTC), timezone="Europe/Berlin", registered=True)


def history_of(days: int) -> History:
    """A check-in a day with every session done, a flare every 12 days and a "worse" a
    fortnight: many stage changes and lines, the slow case."""
    profile = Profile(frozenset(Equipment), gym_experienced=True)
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        ratings.append(Rating(day, 8 if offset % 12 == 11 else 1 + offset % 3))
        history = History(profile, tuple(ratings), tuple(feedback))
        last = replay(PROGRAM, history, day)[-1]
        feedback += [
            MoveFeedback(day, s, Feedback.DONE)
            for s in required_moves(
                PROGRAM, history, last.stage, day, last.high, lighter=last.lighter
            )
        ]
        if offset % 14 == 13:
            feedback.append(MoveFeedback(day, "seated_row", Feedback.WORSE))
    return History(profile, tuple(ratings), tuple(feedback))


def timed(label: str, repeat: int, work) -> None:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    for _ in range(repeat):
        work()
    each = (time.perf_counter() - began) / repeat
    print(f"{label}: {each * 1000:.1f} ms")


def main() -> None:
    history = history_of(120)
    today = START + timedelta(days=119)
    events = tuple(
        SafetyEvent(datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(days=n), kind)
        for n, kind in enumerate([SafetyEventKind.SCREENING] + [SafetyEventKind.RED_FLAGS_NONE] * 8)
    )
    print(f"history of 120 days, {len(history.feedback)} feedback rows:")
    for window in (30, 90):
        timed(
            f"  figures, {window} days",
            10,
            lambda w=window: build(PROGRAM, PERSON, history, events, today, w),
        )
    began = time.perf_counter()
    from conversations.report import render

    print(f"fpdf2 import: {(time.perf_counter() - began) * 1000:.0f} ms (once per process)")
    for window in (30, 90):
        report = build(PROGRAM, PERSON, history, events, today, window)
        began = time.perf_counter()
        pdf = render(report)
        first = (time.perf_counter() - began) * 1000
        print(f"  PDF, {window} days, first: {first:.0f} ms, {len(pdf) // 1024} KiB")
        timed(f"  PDF, {window} days", 5, lambda r=report: render(r))
        timed(
            f"  figures + PDF, {window} days",
            5,
            lambda w=window: render(build(PROGRAM, PERSON, history, events, today, w)),
        )


if __name__ == "__main__":
    main()
