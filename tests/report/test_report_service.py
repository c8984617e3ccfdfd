"""/report's service on a real SQLite file: it agrees with /export, refuses what it should,
and leaves nothing to report once the data is deleted. The service reads what the report
is made from; its figures are made from that (``figures``), as the drawing process makes
them for the handler."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import median

import pytest
from babel.dates import format_date

from coach import i18n, texts
from coach.model import Feedback, MoveFeedback, SafetyEvent, SafetyEventKind
from coach.rules import replay, required_moves
from conversations.rendering import _spoken, report_document
from services import data
from services.core import Core
from services.doctor_report import ReportData, ReportFile, figures, report
from services.outcome import Outcome, Say
from services.unit import unit
from tests.report.test_report import pdf_text
from tests.services.conftest import core, registered

__all__ = ["core"]

PAINS = [5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 2, 8, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 3, 2, 1]


async def tell(core: Core, chat_id: int, pains: list[int]) -> date:
    """Check in once a day up to today (Berlin), every session done; returns the first day."""
    today = datetime(2026, 3, 2, 5, 0, tzinfo=UTC).date()
    first = today - timedelta(days=len(pains) - 1)
    async with unit(core) as work:
        for offset, pain in enumerate(pains):
            day = first + timedelta(days=offset)
            at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8)
            await work.ratings.set(chat_id, day, pain, at)
            history = await work.uow.history(chat_id)
            last = replay(core.program, history, day)[-1]
            for slug in required_moves(core.program, history, last.stage, day, last.flare):
                await work.feedback.add(chat_id, MoveFeedback(day, slug, Feedback.DONE), at)
        flagged = datetime.combine(first, datetime.min.time(), UTC) + timedelta(days=3, hours=9)
        await work.safety.log(chat_id, SafetyEvent(flagged, SafetyEventKind.RED_FLAG, "urgent"))
        await work.commit()
    return first


async def made(core: Core, chat_id: int, args: list[str]) -> ReportFile:
    """The report's figures, as the handler has them made from what the service read."""
    found = await report(core, chat_id, args)
    assert isinstance(found, ReportData), found
    return figures(found)


def said(outcome: object) -> str:
    assert isinstance(outcome, Outcome)
    return " ".join(m.text for m in outcome.messages if isinstance(m, Say))


async def test_the_report_and_the_export_agree_on_every_figure(core: Core) -> None:
    await registered(core, 7)
    await tell(core, 7, PAINS)
    found = await made(core, 7, [])
    exported = await data.export(core, 7)
    assert isinstance(found, ReportFile) and isinstance(exported, data.Export)
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    pains: dict[date, int] = {
        date.fromisoformat(r["date"]): int(r["value"]) for r in table if r["event"] == "checkin"
    }
    sessions: dict[date, int] = defaultdict(int)
    for row in table:
        if row["event"] == "session":
            sessions[date.fromisoformat(row["date"])] += 1
    for week in found.report.weeks:
        days = [week.first + timedelta(days=n) for n in range((week.last - week.first).days + 1)]
        told = [pains[d] for d in days if d in pains]
        assert week.median == median(told) and (week.low, week.high) == (min(told), max(told))
        assert week.sessions == sum(sessions[d] for d in days)
    changes = [
        (date.fromisoformat(r["date"]), r["value"]) for r in table if r["event"] == "stage_change"
    ]
    assert changes, "the history moves up and down a stage"
    reported = [(e.day, e.text.split(":")[0]) for e in found.report.changes]
    assert reported == [(day, f"Stage {v.replace('->', '→')}") for day, v in changes]
    flags = [date.fromisoformat(r["date"]) for r in table if r["event"] == "red_flag"]
    assert [e.day for e in found.report.safety] == flags
    assert found.filename == f"back-coach-report-{found.report.today.isoformat()}.pdf"


async def test_bad_windows_get_the_usage_and_no_checkins_a_clear_answer(core: Core) -> None:
    await registered(core, 8)
    for args in (["abc"], ["9999"], ["6"], ["91"], ["30", "x"], ["３０"]):
        assert said(await report(core, 8, args)) == texts.REPORT_USAGE
    assert said(await report(core, 8, [])) == texts.REPORT_NO_CHECKINS
    await tell(core, 8, [4])
    one = await made(core, 8, ["90"])
    assert isinstance(one, ReportFile) and len(one.report.series.days) == 1


async def test_deleted_data_leaves_nothing_to_report(core: Core) -> None:
    await registered(core, 9)
    await tell(core, 9, PAINS)
    assert isinstance(await made(core, 9, ["90"]), ReportFile)
    await data.delete(core, 9, confirmed=True)
    assert said(await report(core, 9, ["90"])) == texts.NOT_REGISTERED


ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


@pytest.mark.parametrize("language", ["ru", "es"])
async def test_a_person_who_speaks_russian_or_spanish_gets_the_report_in_it(
    core: Core, language: str
) -> None:
    """In the person's language (which the update's edge speaks, from their stored one),
    the PDF, made and drawn as the drawing process does it (in a thread of its own, which
    speaks only the language the job carries), has the translated headings, dates as CLDR
    writes them in that language, and decimal commas."""
    await registered(core, 10, language=language)
    await tell(core, 10, PAINS)
    with i18n.speaking(language):
        read = await report(core, 10, [])
        assert isinstance(read, ReportData) and read.language == language
        found = figures(read)
        words = [texts.REPORT_TITLE, *texts.REPORT_HEADINGS.values(), texts.REPORT_ABOUT[:40]]
    drawn = await asyncio.to_thread(_spoken, read.language, report_document, read)
    pdf, caption = drawn.pdf, drawn.caption
    assert (drawn.filename, caption) == (found.filename, found.caption)
    flat = re.sub(r"\s+", " ", pdf_text(pdf))
    english = [texts.REPORT_TITLE, *texts.REPORT_HEADINGS.values(), texts.REPORT_ABOUT[:40]]
    assert caption != texts.REPORT_CAPTION.format(days=len(found.report.series.days))
    for translated, original in zip(words, english, strict=True):
        assert translated != original and translated in flat and original not in flat
    if language == "ru":
        assert all(re.search("[а-яё]", word) for word in words), words
        assert "Боль и тренировки по неделям" in flat
    today, first = found.report.today, found.report.first
    # Month names in full, with the year: the period, the plan's day and the footer.
    written = format_date(
        today, "d MMMM y" if language == "ru" else "d 'de' MMMM 'de' y", locale=language
    )
    assert written in flat
    assert format_date(first, "d MMM", locale=language) in flat  # the chart's first tick
    assert ENGLISH_MONTH.search(flat) is None, ENGLISH_MONTH.search(flat)
    # The oldest block holds the 4 days left of 25 (5, 4, 3, 3): its median is 3.5.
    assert found.report.weeks[0].median == 3.5
    assert "3,5" in flat and "3.5" not in flat
