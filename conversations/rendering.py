"""Charts, PDFs and drawings are made in a process of their own.

Pillow and fpdf2 hold the interpreter while they draw, and take memory once imported: in a
worker thread of the bot's process they would slow everyone's replies for as long as a
chart or a report takes, and keep the bot's memory up for good. A single
child process (spawned on first use, so it shares no threads or sockets with the bot)
draws instead and stops after a few idle minutes; the bot sends what it returns. It also
finds a shared location's time zone, whose outlines would cost the bot as much memory.

/progress and /report send their whole job here: the figures a chart or a report shows come
from a replay of the person's history, which for 90 days takes as long as the drawing, so
it is made here too (``progress_pictures``, ``report_document``) and the bot's event loop
only reads the rows and sends the result.

Each job carries the language of the message it belongs to: a process of its own has none
of the bot's context, so the texts on a chart or a report are spoken in the language the
job names, never a default.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from coach import i18n
from coach.function import Activity, Week
from coach.progress import Series
from coach.report_figures import Report
from services.figures import ProgressData, ReportData, chart, figures

log = logging.getLogger(__name__)

IDLE = 300.0  # seconds without a job before the drawing process stops (it starts again)
T = TypeVar("T")


def chart_png(series: Series) -> bytes:
    """The /progress chart's PNG (in the drawing process)."""
    from conversations.chart import render

    return render(series)


def activities_png(activities: tuple[Activity, ...], weeks: tuple[Week, ...]) -> bytes:
    """The activities' chart, week by week (in the drawing process)."""
    from conversations.function_chart import render

    return render(activities, weeks)


def report_pdf(report: Report) -> bytes:
    """The /report PDF (in the drawing process)."""
    from conversations import report_pdf as pdf

    return pdf.render(report)


@dataclass(frozen=True, slots=True)
class Pictures:
    """What /progress sends: the pain chart and its caption, and the activities' chart
    (None until an activity is rated) with its own."""

    chart: bytes
    caption: str
    activities: bytes | None
    activities_caption: str


def progress_pictures(found: ProgressData) -> Pictures:
    """/progress in the drawing process: the series, the activities' weeks and the caption
    (a replay of the whole history), then both charts."""
    made = chart(found)
    activities = activities_png(made.activities, made.weeks) if made.weeks else None
    return Pictures(chart_png(made.series), made.caption, activities, made.activities_caption)


@dataclass(frozen=True, slots=True)
class Document:
    """What /report sends: the PDF, its file name and its caption."""

    pdf: bytes
    filename: str
    caption: str


def report_document(found: ReportData) -> Document:
    """/report in the drawing process: the figures (a replay of the whole history), then
    the PDF."""
    made = figures(found)
    return Document(report_pdf(made.report), made.filename, made.caption)


_READING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@contextlib.asynccontextmanager
async def one_read_at_a_time() -> AsyncIterator[None]:
    """Around the reading of a /progress or /report: one person's rows at a time. The
    drawing process takes one job at a time anyway, so ten people asking at once lose
    nothing by it, and the loop never holds ten readings' worth of rows to turn into
    values ahead of someone else's reply (each takes a few milliseconds)."""
    loop = asyncio.get_running_loop()
    lock = _READING.get(loop)
    if lock is None:
        lock = _READING[loop] = asyncio.Lock()
    async with lock:
        yield


async def zone_elsewhere(latitude: float, longitude: float) -> str | None:
    """A shared location's zone, looked up in the drawing process: the zones' outlines
    (about 35 MB once loaded) stay out of the bot's memory."""
    from coach import places

    return await RENDERER.run(places.zone_from_location, latitude, longitude, language="en")


NICENESS = 10  # the drawing process's priority below the bot's, on a busy machine


def _yield_to_the_bot() -> None:
    """In the drawing process, once: a lower priority, so that when the cores are busy a
    reply to someone goes before a chart (a chart a second later is no harm; a reply is)."""
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


def _spoken(language: str, job: Callable[..., T], *args: Any) -> T:
    with i18n.speaking(language):
        return job(*args)


class Renderer:
    """The drawing process: started on the first job, stopped after ``idle`` seconds
    without one, started again (once) if it died."""

    def __init__(self, idle: float = IDLE) -> None:
        self.idle = idle
        self._pool: ProcessPoolExecutor | None = None
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None

    async def run(self, job: Callable[..., T], *args: Any, language: str) -> T:
        """Run ``job(*args)`` in the drawing process, speaking ``language``."""
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            pool = self._started()
            self._last = time.monotonic()
            try:
                result: T = await loop.run_in_executor(pool, _spoken, language, job, *args)
            except BrokenProcessPool:
                self.close()
                if attempt == 2:
                    raise
                log.warning("the drawing process died; starting it again")
                continue
            finally:
                self._schedule_stop(loop)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Stop the drawing process (jobs under way are cancelled)."""
        pool, self._pool = self._pool, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_yield_to_the_bot
            )
        return self._pool

    def _schedule_stop(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.idle, self._stop_if_idle)

    def _stop_if_idle(self) -> None:
        self._timer = None
        if self._pool is not None and time.monotonic() - self._last >= self.idle:
            self.close()


RENDERER = Renderer()
