"""Scenarios that need no database and no Telegram: what the coach's pure parts cost per
call over long histories (replay, the day's plan, /why, the /progress chart, /report's
figures and PDF), and what speaking a language and looking up a city cost.

A time per call is the median of several timings, after one call that is not counted
(caches, fonts and first imports are a process's one-off cost: ``report_import_ms`` counts
the one that matters, fpdf2's, in a fresh process). The histories are built once per
process, and not timed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach import i18n, places, texts
from coach.explain import standing, why_text
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
from coach.plan import plan_for
from coach.program import default_program
from coach.progress import series
from coach.report_figures import build
from coach.rules import replay, required_moves

if TYPE_CHECKING:
    from bench.rows import Sizes

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = default_program()
FIRST_DAY = date(2025, 1, 1)
SHORT_HISTORY = 90  # days: the coach's figures at a quarter, next to ``Sizes.history_days``
REPORT_HISTORY = 120  # days of history under /report, more than its longest window
PERSON = Person(1, datetime(2025, 1, 1, tzinfo=UTC), timezone="Europe/Berlin", registered=True)
# A city with many namesakes, a city with an accent, a country, an unknown place, an offset.
PLACES = ["Springfield", "München", "Germany", "nowhere at all", "UTC+5:30"]
Figures = dict[str, float]


def _each(work: Callable[[], object], calls: int, rounds: int = 1) -> float:
    """Seconds per call of ``work``: the median over ``calls`` timings of ``rounds`` calls
    each, after one call that is not counted."""
    work()
    spent = []
    for _ in range(calls):
        began = time.perf_counter()
        for _ in range(rounds):
            work()
        spent.append((time.perf_counter() - began) / rounds)
    return statistics.median(spent)


def _done_every_session(days: int, rating: Callable[[int], int], worse_every: int = 0) -> History:
    """``days`` daily check-ins from FIRST_DAY, every session the rules ask for done (and,
    every ``worse_every`` days, a "worse" on the seated row): as long a history, with as
    many stage changes and feedback rows, as a faithful person builds."""
    profile = Profile(frozenset(Equipment), gym_experienced=True)
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        ratings.append(Rating(day, rating(offset)))
        history = History(profile, tuple(ratings), tuple(feedback))
        last = replay(PROGRAM, history, day)[-1]
        feedback += [
            MoveFeedback(day, move, Feedback.DONE)
            for move in required_moves(
                PROGRAM, history, last.stage, day, last.high, lighter=last.lighter
            )
        ]
        if worse_every and offset % worse_every == worse_every - 1:
            feedback.append(MoveFeedback(day, "seated_row", Feedback.WORSE))
    return History(profile, tuple(ratings), tuple(feedback))


@cache
def coach_history(days: int) -> History:
    """Pain falling from 6 by one every 20 days, a point higher every ninth day."""
    return _done_every_session(days, lambda n: max(0, 6 - n // 20) + (n % 9 == 0))


@cache
def report_history() -> History:
    """The slow case for /report: a flare every 12 days and a "worse" every fortnight,
    so many stage changes and lines."""
    return _done_every_session(
        REPORT_HISTORY, lambda n: 8 if n % 12 == 11 else 1 + n % 3, worse_every=14
    )


def _last_day(days: int) -> date:
    return FIRST_DAY + timedelta(days=days - 1)


def _why(history: History, today: date) -> str:
    """/why as the bot makes it: the standing over the history, then its text."""
    return why_text(PROGRAM, standing(PROGRAM, history, today))


async def coach(_database: Any, sizes: Sizes) -> Figures:
    """Replay, the day's plan and /why over a quarter's and ``history_days`` of history;
    the /progress chart (PNG) over 30 and 90 days."""
    from conversations.chart import render

    figures: Figures = {}
    for days, name in ((SHORT_HISTORY, "90"), (sizes.history_days, "long")):
        history, today = coach_history(days), _last_day(days)
        calls = sizes.calls
        figures[f"replay_ms_{name}"] = 1000 * _each(partial(replay, PROGRAM, history, today), calls)
        figures[f"plan_ms_{name}"] = 1000 * _each(partial(plan_for, PROGRAM, history, today), calls)
        figures[f"why_ms_{name}"] = 1000 * _each(partial(_why, history, today), calls)
        figures[f"feedback_rows_{name}"] = float(len(history.feedback))
    at = standing(PROGRAM, coach_history(SHORT_HISTORY), _last_day(SHORT_HISTORY))
    for window in (30, 90):
        shown = series(at, window, PROGRAM)
        figures[f"chart_ms_{window}"] = 1000 * _each(partial(render, shown), sizes.calls)
    return figures


async def _import_seconds(module: str, loaded: str) -> float:
    """How long a fresh interpreter takes to import ``module`` once ``loaded`` (what a
    running bot has imported already) is in: the first use's own share."""
    return await _fresh_seconds(f"import {loaded}", f"import {module}")


async def _fresh_seconds(before: str, timed: str) -> float:
    """How long ``timed`` takes in a fresh interpreter once ``before`` has run: a first
    use's cost, whichever repeat measures it (the in-process repeats share one process)."""
    script = (
        f"import time; {before}; began = time.perf_counter(); "
        f"{timed}; print(time.perf_counter() - began)"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    try:
        return float(out.decode().strip())
    except ValueError:
        return float("nan")


def _drawn(render: Callable[[Any], bytes], figures_of: Callable[[], Any]) -> bytes:
    """A /report as the bot makes it once the history is read: its figures, then the PDF."""
    return render(figures_of())


async def report(_database: Any, sizes: Sizes) -> Figures:
    """/report over 30 and 90 days of a busy 120-day history: the figures, the PDF drawn
    from them, both (what a /report costs besides reading the history), the PDF's size;
    and fpdf2's import, which the first /report of a process pays in its worker thread."""
    from conversations.report_command import render

    history, today = report_history(), _last_day(REPORT_HISTORY)
    events = tuple(
        SafetyEvent(datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(days=n), kind)
        for n, kind in enumerate([SafetyEventKind.SCREENING] + [SafetyEventKind.RED_FLAGS_NONE] * 8)
    )
    figures: Figures = {}
    for window in (30, 90):
        figures_of = partial(build, PROGRAM, PERSON, history, events, today, window)
        drawn = figures_of()
        figures[f"report_figures_ms_{window}"] = 1000 * _each(figures_of, sizes.calls)
        figures[f"report_pdf_ms_{window}"] = 1000 * _each(partial(render, drawn), sizes.calls)
        figures[f"report_ms_{window}"] = 1000 * _each(
            partial(_drawn, render, figures_of), max(1, sizes.calls // 2)
        )
        figures[f"report_kib_{window}"] = len(render(drawn)) / 1024
    figures["report_import_ms"] = 1000 * await _import_seconds(
        "conversations.report_pdf", "bootstrap, conversations.report_command"
    )
    return figures


async def lookups(_database: Any, _sizes: Sizes) -> Figures:
    """What speaking a language costs (a catalogue read once, a text, a whole /why in each
    language) and what a time-zone answer costs (city, country or offset; a location)."""
    figures: Figures = {}
    began = time.perf_counter()
    i18n.forget()
    i18n.catalogue("ru")
    figures["catalogue_ms"] = (time.perf_counter() - began) * 1000
    at = standing(PROGRAM, coach_history(SHORT_HISTORY), _last_day(SHORT_HISTORY))
    for language in sorted(i18n.LANGUAGES):
        with i18n.speaking(language):
            text = _each(lambda: texts.WELCOME, 5, 20_000)
            figures[f"text_ns_{language}"] = text * 1e9
            figures[f"why_text_us_{language}"] = 1e6 * _each(lambda: why_text(PROGRAM, at), 5, 50)
    places.warm_up()  # as bot.py does at start, in a thread
    answers = [_each(partial(places.resolve_zone, text), 5, 50) for text in PLACES]
    figures["city_us"] = 1e6 * statistics.mean(answers)
    figures["city_us_worst"] = 1e6 * max(answers)
    berlin = partial(places.zone_from_location, 52.52, 13.405)
    # A process's first location loads the zones' outlines: timed in a fresh interpreter.
    figures["location_first_ms"] = 1000 * await _fresh_seconds(
        "from coach import places", "places.zone_from_location(52.52, 13.405)"
    )
    figures["location_us"] = 1e6 * _each(berlin, 5, 200)
    return figures
