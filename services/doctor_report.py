"""/report: what a person's report for their doctor is made from, read in one unit of work,
and the figures made from it.

The service reads and refuses; the figures (a replay of the whole history, tens of
milliseconds for 90 days) are made by ``services.figures.figures`` where the PDF is drawn,
out of the bot's event loop, so ten people asking at once do not hold up everyone else.
"""

from __future__ import annotations

from dataclasses import replace

from coach import texts
from services.access import registered
from services.core import Core
from services.data import window_of
from services.figures import ReportData, ReportFile, figures
from services.outcome import Outcome, Say
from services.unit import unit

# A doctor reads one page: 30 days by default, 90 at most (13 weeks still fit two pages).
MAX_WINDOW = 90

__all__ = ["MAX_WINDOW", "ReportData", "ReportFile", "figures", "report"]


async def report(core: Core, chat_id: int, args: list[str]) -> ReportData | Outcome:
    """/report [days]: what the report is made from, or what to say instead."""
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
    return ReportData(core.program, person, history, events, today, window)
