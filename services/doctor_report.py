"""/report: the figures of a person's course for their doctor, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from coach import i18n, texts
from coach.report_figures import Report, build
from services.access import registered
from services.core import Core
from services.data import window_of
from services.outcome import Outcome, Say
from services.unit import unit

# A doctor reads one page: 30 days by default, 90 at most (13 weeks still fit two pages).
MAX_WINDOW = 90


@dataclass(frozen=True, slots=True)
class ReportFile:
    """What the PDF shows, with its file name and caption (the PDF is drawn by the caller)."""

    report: Report
    filename: str
    caption: str
    # The language its words were composed in, which the PDF is drawn in.
    language: str = field(default_factory=i18n.current)


async def report(core: Core, chat_id: int, args: list[str]) -> ReportFile | Outcome:
    """/report [days]: the report's figures, or what to say instead."""
    window = window_of(args)
    if window is None or window > MAX_WINDOW:
        return Outcome([Say(texts.REPORT_USAGE)])
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        history = await work.uow.history(chat_id)
        history = replace(history, function=await work.uow.function(chat_id))
        events = await work.safety.all(chat_id)
    today = core.today(person)
    if not any(r.day <= today for r in history.ratings):
        return Outcome([Say(texts.REPORT_NO_CHECKINS)])
    found = build(core.program, person, history, events, today, window)
    return ReportFile(
        found,
        texts.REPORT_FILENAME.format(day=today.isoformat()),
        texts.REPORT_CAPTION.format(days=texts.plural(len(found.series.days), "day")),
    )
