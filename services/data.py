"""A person's data: what the progress charts are made from (their figures and captions are
made from it in services/figures.py), the CSV export, and erasing everything."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape

from coach import i18n, texts
from coach.export import Everything, rows, to_csv
from coach.model import Person
from services.access import registered
from services.actions import Action
from services.core import Core
from services.figures import ProgressData
from services.outcome import Button, Outcome, Say
from services.unit import Work, unit
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_WINDOW, MIN_WINDOW, MAX_WINDOW = 30, 7, 365


def _number(text: str) -> bool:
    """Plain digits 0-9 only: "²" or "①" count as digits to str.isdigit, not to int()."""
    return text.isascii() and text.isdigit()


def window_of(args: list[str]) -> int | None:
    """``/progress`` → 30 days; ``/progress 90`` → 90; anything else → None."""
    if not args:
        return DEFAULT_WINDOW
    if len(args) == 1 and _number(args[0]) and MIN_WINDOW <= int(args[0]) <= MAX_WINDOW:
        return int(args[0])
    return None


async def progress(core: Core, chat_id: int, args: list[str]) -> ProgressData | Outcome:
    """/progress [days]: what the charts are made from, or what to say instead."""
    window = window_of(args)
    if window is None:
        return Outcome([Say(texts.PROGRESS_USAGE)])
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        history = await work.uow.history(chat_id)
        function = await work.uow.function(chat_id)
    if len(history.ratings) < 2:
        return Outcome([Say(texts.PROGRESS_TOO_FEW)])
    return ProgressData(core.program, history, function, core.today(person), window)


@dataclass(frozen=True, slots=True)
class Export:
    """The CSV file of everything stored about a person."""

    content: bytes
    filename: str
    caption: str


async def everything(uow: UnitOfWork | Work, person: Person) -> Everything:
    """Every stored row of a person, for the export."""
    chat = person.chat_id
    activities = uow.uow.activities if isinstance(uow, Work) else uow.activities
    named, rated = await activities.export_rows(chat)
    return Everything(
        person=person,
        ratings=await uow.ratings.timed(chat),
        feedback=await uow.feedback.timed(chat),
        safety=await uow.safety.all(chat),
        deliveries=tuple(await uow.schedule.deliveries(chat)),
        hang_marks=tuple(await uow.schedule.all_hang_marks(chat)),
        profile_changes=await uow.profiles.timed(chat),
        activities=named,
        activity_ratings=rated,
    )


async def export(core: Core, chat_id: int) -> Export | Outcome:
    """/export: everything stored about the person, as CSV."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        data = await everything(work, person)
    table = rows(core.program, data, work.now)
    return Export(
        to_csv(table),
        texts.EXPORT_FILENAME.format(day=core.today(person).isoformat()),
        texts.EXPORT_CAPTION.format(zone=escape(person.timezone or "UTC")),
    )


async def delete_ask(core: Core, chat_id: int) -> Outcome:
    """/deletedata: ask for confirmation before erasing everything."""
    async with unit(core) as work:
        person = await work.person(chat_id)
    if person is None:
        return Outcome([Say(texts.NOT_REGISTERED)])
    rows_ = (
        (Button(texts.BTN_DELETE, Action.DELETE, ("yes",)),),
        (Button(texts.BTN_KEEP, Action.DELETE, ("no",)),),
    )
    return Outcome([Say(texts.DELETE_ASK, rows_)])


async def delete(core: Core, chat_id: int, confirmed: bool) -> Outcome:
    """The confirmation: erase every row of the person and every scheduled reminder."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        if not confirmed:
            return Outcome([Say(texts.KEPT)])
        deleted = await work.people.delete_everything(chat_id)
        await work.commit()
    i18n.forget_chat(chat_id)  # a new start speaks their app's language again
    log.info("deleted a person's data on request (%d rows)", deleted)
    return Outcome([Say(texts.DELETED)])
