"""/progress and /report hand the drawing process what their figures are made from, not the
figures: the services only read rows, and the jobs (``progress_pictures``,
``report_document``) replay the history, compose the captions and draw, in the language the
job carries. What travels is small (the shipped program goes by name) and arrives whole."""

from __future__ import annotations

import asyncio
import pickle
from dataclasses import replace
from datetime import timedelta

from coach import i18n, texts
from coach.program import default_program
from conversations.rendering import (
    _spoken,
    activities_png,
    chart_png,
    one_read_at_a_time,
    progress_pictures,
)
from services import data
from services.core import Core
from services.doctor_report import ReportData, report
from services.figures import ProgressData, chart
from services.unit import unit
from tests.report.test_report_service import PAINS, tell
from tests.services.conftest import core, registered

__all__ = ["core"]


async def test_what_the_services_hand_over_travels_small_and_arrives_whole(core: Core) -> None:
    await registered(core, 21)
    await tell(core, 21, PAINS)
    progress = await data.progress(core, 21, ["90"])
    found = await report(core, 21, ["90"])
    assert isinstance(progress, ProgressData) and isinstance(found, ReportData)
    assert len(progress.history.ratings) == len(PAINS) and progress.window == 90
    for read in (progress, found):
        arrived = pickle.loads(pickle.dumps(read))
        assert arrived == read and arrived.program is default_program()
        # Another program than the shipped one travels whole, and arrives equal.
        other = replace(read, program=default_program().model_copy(deep=True))
        landed = pickle.loads(pickle.dumps(other))
        assert landed == other and landed.program is not default_program()
        assert len(pickle.dumps(read)) + 2000 < len(pickle.dumps(other))


async def test_the_progress_job_sends_the_figures_in_the_language_it_carries(core: Core) -> None:
    await registered(core, 22, language="es")
    await tell(core, 22, PAINS)
    with i18n.speaking("es"):
        found = await data.progress(core, 22, ["90"])
        assert isinstance(found, ProgressData) and found.language == "es"
        made = chart(found)
        png = chart_png(made.series)
    assert made.caption != ""
    with i18n.speaking("en"):
        english = chart(found).caption
    assert english != made.caption  # the caption is in words, so the language shows
    # The drawing process has none of the bot's context: only the job's language.
    drawn = await asyncio.to_thread(_spoken, found.language, progress_pictures, found)
    assert (drawn.caption, drawn.chart) == (made.caption, png)
    assert drawn.activities is None and not made.weeks  # no activity rated yet


async def test_the_activities_chart_comes_with_the_job_once_one_is_rated(core: Core) -> None:
    await registered(core, 23)
    first = await tell(core, 23, PAINS)
    async with unit(core) as work:
        added = await work.uow.activities.add(23, "tie my shoes", first, work.now)
        monday = first - timedelta(days=first.weekday())
        for week, score in enumerate((3, 5, 6)):
            day = monday + timedelta(weeks=week)
            await work.uow.activities.rate(23, added.id, day, score, work.now)
        await work.commit()
    found = await data.progress(core, 23, [])
    assert isinstance(found, ProgressData)
    made = chart(found)
    assert [a.name for a in made.activities] == ["tie my shoes"] and len(made.weeks) >= 3
    drawn = await asyncio.to_thread(_spoken, "en", progress_pictures, found)
    assert drawn.activities == activities_png(made.activities, made.weeks)
    assert drawn.activities_caption == texts.FUNCTION_CHART_CAPTION
    assert drawn.chart == chart_png(made.series) and drawn.caption == made.caption


async def test_readings_for_the_drawing_process_take_turns() -> None:
    """Ten people asking at once: their rows are read one person at a time, in the order
    they asked, and each waits only while another is reading."""
    inside: list[int] = []
    order: list[int] = []

    async def reading(person: int) -> None:
        async with one_read_at_a_time():
            inside.append(person)
            assert inside == [person], inside  # no one else reads meanwhile
            await asyncio.sleep(0.001)
            order.append(person)
            inside.remove(person)

    await asyncio.gather(*(reading(n) for n in range(10)))
    assert order == list(range(10))


def test_each_event_loop_has_its_own_turns() -> None:
    """A lock bound to one loop would refuse another's waiters: the turns are per loop."""

    async def crowd() -> int:
        done = 0

        async def one() -> None:
            nonlocal done
            async with one_read_at_a_time():
                await asyncio.sleep(0)
                done += 1

        await asyncio.gather(one(), one(), one())
        return done

    assert [asyncio.run(crowd()) for _ in range(2)] == [3, 3]
