"""A person's data: /progress (chart), /export (CSV) and /deletedata (erase everything)."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Update

from coach import texts
from coach.explain import standing
from coach.export import Everything, rows, to_csv
from coach.model import Person
from coach.progress import caption, series
from conversations.access import chat_id, registered
from conversations.checkin import today_of
from conversations.context import Ctx, Deps
from conversations.payload import Payload
from conversations.render import keyboard
from conversations.replies import Reply, send_all
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_WINDOW, MIN_WINDOW, MAX_WINDOW = 30, 7, 365
CAPTION_LIMIT = 1024  # Telegram's limit on a photo caption


def window_of(args: list[str]) -> int | None:
    """``/progress`` → 30 days; ``/progress 90`` → 90; anything else → None."""
    if not args:
        return DEFAULT_WINDOW
    if len(args) == 1 and args[0].isdigit() and MIN_WINDOW <= int(args[0]) <= MAX_WINDOW:
        return int(args[0])
    return None


async def progress_command(update: Update, ctx: Ctx) -> None:
    """Send the pain chart with stages and sessions, and its caption in words."""
    chat = chat_id(update)
    window = window_of(list(ctx.args or []))
    if window is None:
        await send_all(ctx.bot, chat, [Reply(texts.PROGRESS_USAGE)])
        return
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        history = await uow.history(chat)
    if len(history.ratings) < 2:
        await send_all(ctx.bot, chat, [Reply(texts.PROGRESS_TOO_FEW)])
        return
    program = ctx.deps.program
    at = standing(program, history, today_of(ctx.deps, person))
    from conversations.chart import render  # matplotlib loads on first use, not at start

    png = await asyncio.to_thread(render, series(at, window))  # off the event loop
    text = escape(caption(program, at))[:CAPTION_LIMIT]
    await ctx.bot.send_photo(chat, png, caption=text, parse_mode="HTML")


async def export_command(update: Update, ctx: Ctx) -> None:
    """Send everything stored about the person as a CSV file."""
    chat, now = chat_id(update), ctx.deps.clock.now()
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat)
        if person is None:
            await send_all(ctx.bot, chat, [Reply(texts.NOT_REGISTERED)])
            return
        data = await everything(uow, person)
    table = rows(ctx.deps.program, data, now)
    day = today_of(ctx.deps, person).isoformat()
    await ctx.bot.send_document(
        chat,
        to_csv(table),
        filename=texts.EXPORT_FILENAME.format(day=day),
        caption=texts.EXPORT_CAPTION.format(zone=escape(person.timezone or "UTC")),
        parse_mode="HTML",
    )


async def everything(uow: UnitOfWork, person: Person) -> Everything:
    """Every stored row of a person, for the export."""
    chat = person.chat_id
    return Everything(
        person=person,
        ratings=await uow.ratings.timed(chat),
        feedback=await uow.feedback.timed(chat),
        safety=await uow.safety.all(chat),
        deliveries=tuple(await uow.schedule.deliveries(chat)),
        hang_marks=tuple(await uow.schedule.all_hang_marks(chat)),
    )


async def delete_command(update: Update, ctx: Ctx) -> None:
    """Ask for confirmation before erasing everything."""
    chat = chat_id(update)
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat)
    if person is None:
        await send_all(ctx.bot, chat, [Reply(texts.NOT_REGISTERED)])
        return
    sign = ctx.deps.signer.sign
    markup = keyboard(
        [[(texts.BTN_DELETE, sign(chat, "dd", "yes"))], [(texts.BTN_KEEP, sign(chat, "dd", "no"))]]
    )
    await send_all(ctx.bot, chat, [Reply(texts.DELETE_ASK, markup)])


async def delete_button(
    deps: Deps, uow: UnitOfWork, person: Person, payload: Payload
) -> list[Reply]:
    """The confirmation: erase every row of the person and every scheduled reminder."""
    if payload.args != ("yes",):
        return [Reply(texts.KEPT)]
    deleted = await uow.people.delete_everything(person.chat_id)
    await uow.commit()
    log.info("deleted a person's data on request (%d rows)", deleted)
    return [Reply(texts.DELETED)]
