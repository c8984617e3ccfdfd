"""What /progress and /report are made from, and the pure work that makes their figures.

The services read a person's rows in their unit of work and return them as plain values
(``ProgressData``, ``ReportData``); ``chart`` and ``figures`` replay the history and compose
the captions from them. That replay takes tens of milliseconds for 90 days, so the bot
runs it in the drawing process together with the drawing (conversations/rendering.py),
never on the event loop that answers everyone else. This module imports only ``coach``:
the drawing process loads it without the database's libraries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any, TypeVar

from coach import i18n, texts
from coach.explain import standing
from coach.function import Activity, Function, Week, by_week
from coach.model import Feedback, History, Person, SafetyEvent
from coach.program import Program, default_program
from coach.progress import Series, caption, series
from coach.report_figures import Report, build

T = TypeVar("T")
CAPTION_LIMIT = 1024  # Telegram's limit on a photo caption


def _shipped(program: Program) -> Program | None:
    """The program as it travels to the drawing process: the one shipped with Back Coach
    goes by name (None), since the drawing process loads it itself (once) and pickling
    the whole program would cost the bot's loop half a millisecond a job."""
    return None if program is default_program() else program


def _arrived(kind: Callable[..., T], program: Program | None, *rest: object) -> T:
    return kind(default_program() if program is None else program, *rest)


@dataclass(frozen=True, slots=True)
class ProgressData:
    """Everything the progress charts are made from, as read from the database: a plain
    value, so it can be handed to the process that computes the figures and draws them
    (a 90-day replay of the history is too long for the event loop everyone shares)."""

    program: Program
    history: History
    function: Function
    today: date
    window: int
    # The language of the message it answers, which the captions and the charts speak.
    language: str = field(default_factory=i18n.current)

    def __reduce__(self) -> tuple[Any, ...]:
        rest = (self.history, self.function, self.today, self.window, self.language)
        return (_arrived, (ProgressData, _shipped(self.program), *rest))


@dataclass(frozen=True, slots=True)
class Chart:
    """What the progress chart shows, and its caption."""

    series: Series
    caption: str
    # The activities' chart (coach/function.py), once one is rated: its weeks, its caption.
    activities: tuple[Activity, ...] = ()
    weeks: tuple[Week, ...] = ()
    activities_caption: str = ""
    # The language its words were composed in, which the charts are drawn in.
    language: str = field(default_factory=i18n.current)


def chart(found: ProgressData) -> Chart:
    """The charts' series, weeks and captions, in the language the current context speaks
    (the drawing process speaks the one ``found`` names). Pure: no database."""
    program, history, function = found.program, found.history, found.function
    at = standing(program, history, found.today)
    hangs = frozenset(
        f.day for f in history.feedback if f.move == "bar_hang" and f.kind is Feedback.DONE
    )
    shown = series(at, found.window, program, hangs)
    return Chart(
        shown,
        escape(caption(program, at, shown))[:CAPTION_LIMIT],
        function.activities,
        by_week(function.activities, function.ratings),
        texts.FUNCTION_CHART_CAPTION,
    )


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the doctor's report is made from, as read from the database: a plain
    value, so it can be handed to the process that makes the figures and draws the PDF."""

    program: Program
    person: Person
    history: History
    events: tuple[SafetyEvent, ...]
    today: date
    window: int
    # The language of the message it answers, which the figures and the PDF speak.
    language: str = field(default_factory=i18n.current)

    def __reduce__(self) -> tuple[Any, ...]:
        rest = (self.person, self.history, self.events, self.today, self.window, self.language)
        return (_arrived, (ReportData, _shipped(self.program), *rest))


@dataclass(frozen=True, slots=True)
class ReportFile:
    """What the PDF shows, with its file name and caption."""

    report: Report
    filename: str
    caption: str
    # The language its words were composed in, which the PDF is drawn in.
    language: str = field(default_factory=i18n.current)


def figures(found: ReportData) -> ReportFile:
    """The report's figures, file name and caption, in the language the current context
    speaks (the drawing process speaks the one ``found`` names)."""
    made = build(
        found.program, found.person, found.history, found.events, found.today, found.window
    )
    return ReportFile(
        made,
        texts.REPORT_FILENAME.format(day=found.today.isoformat()),
        texts.REPORT_CAPTION.format(days=texts.plural(len(made.series.days), "day")),
    )
