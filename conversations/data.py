"""Telegram handlers of a person's data: /progress (chart), /export (CSV), /deletedata."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction

from conversations.chat_action import showing
from conversations.commands import answer, chat_id
from conversations.context import Ctx
from conversations.limiter import as_file
from conversations.rendering import RENDERER, one_read_at_a_time, progress_pictures
from services import data
from services.figures import ProgressData


async def progress_command(update: Update, ctx: Ctx) -> None:
    """Send the pain chart with stages and sessions, and its caption in words."""
    async with one_read_at_a_time():
        found = await data.progress(ctx.deps, chat_id(update), list(ctx.args or []))
    if not isinstance(found, ProgressData):
        await answer(update, ctx, found)
        return
    async with showing(ctx.bot, chat_id(update), ChatAction.UPLOAD_PHOTO):
        drawn = await RENDERER.run(progress_pictures, found, language=found.language)
    await ctx.bot.send_photo(
        chat_id(update), drawn.chart, caption=drawn.caption, parse_mode="HTML", **as_file(ctx.bot)
    )
    if drawn.activities is not None:  # the activities, week by week, once one is rated
        await ctx.bot.send_photo(
            chat_id(update), drawn.activities, caption=drawn.activities_caption, **as_file(ctx.bot)
        )


async def export_command(update: Update, ctx: Ctx) -> None:
    """Send everything stored about the person as a CSV file."""
    found = await data.export(ctx.deps, chat_id(update))
    if not isinstance(found, data.Export):
        await answer(update, ctx, found)
        return
    await ctx.bot.send_document(
        chat_id(update),
        found.content,
        filename=found.filename,
        caption=found.caption,
        parse_mode="HTML",
        **as_file(ctx.bot),
    )


async def delete_command(update: Update, ctx: Ctx) -> None:
    """Ask for confirmation before erasing everything."""
    await answer(update, ctx, await data.delete_ask(ctx.deps, chat_id(update)))
