"""Telegram handlers of a person's data: /progress (chart), /export (CSV), /deletedata."""

from __future__ import annotations

import asyncio

from telegram import Update

from coach.progress import Series
from conversations.commands import answer, chat_id
from conversations.context import Ctx
from services import data


async def progress_command(update: Update, ctx: Ctx) -> None:
    """Send the pain chart with stages and sessions, and its caption in words."""
    found = await data.progress(ctx.deps, chat_id(update), list(ctx.args or []))
    if not isinstance(found, data.Chart):
        await answer(update, ctx, found)
        return
    png = await asyncio.to_thread(render_chart, found.series)  # off the event loop
    await ctx.bot.send_photo(chat_id(update), png, caption=found.caption, parse_mode="HTML")
    if found.weeks:  # the activities, week by week, once one is rated
        png = await asyncio.to_thread(render_activities, found)
        await ctx.bot.send_photo(chat_id(update), png, caption=found.activities_caption)


def render_activities(found: data.Chart) -> bytes:
    """The activities' chart's PNG, in a worker thread like the pain chart's."""
    from conversations.function_chart import render

    return render(found.activities, found.weeks)


def render_chart(series: Series) -> bytes:
    """The chart's PNG; call it in a worker thread. The first call imports matplotlib (about
    a second), so the import happens here, never on the event loop; if bot.py's warm-up is
    importing it meanwhile, this thread waits for that import, not the loop."""
    from conversations.chart import render

    return render(series)


def load_charts() -> None:
    """Import matplotlib and the chart module now (in a worker thread at start-up)."""
    import conversations.chart  # noqa: F401


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
    )


async def delete_command(update: Update, ctx: Ctx) -> None:
    """Ask for confirmation before erasing everything."""
    await answer(update, ctx, await data.delete_ask(ctx.deps, chat_id(update)))
