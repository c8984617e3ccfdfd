"""Telegram handlers of /pause, /resume, /reminders, /settings, and blocking the bot."""

from __future__ import annotations

from telegram import Update

from conversations.commands import answer, chat_id
from conversations.context import Ctx
from services import settings


async def pause_command(update: Update, ctx: Ctx) -> None:
    """Stop every reminder and prompt until /resume."""
    await answer(update, ctx, await settings.pause(ctx.deps, chat_id(update)))


async def resume_command(update: Update, ctx: Ctx) -> None:
    """Reminders on again, from now on (nothing missed is sent in a burst)."""
    await answer(update, ctx, await settings.resume(ctx.deps, chat_id(update)))


async def reminders_command(update: Update, ctx: Ctx) -> None:
    """Show reminder times and offer changes."""
    await answer(update, ctx, await settings.reminders(ctx.deps, chat_id(update)))


async def settings_command(update: Update, ctx: Ctx) -> None:
    """Show every setting and offer changes."""
    await answer(update, ctx, await settings.settings(ctx.deps, chat_id(update)))


async def membership(update: Update, ctx: Ctx) -> None:
    """Blocking the bot marks the person inactive (nothing more is sent to them); unblocking
    it brings their reminders back."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status in ("kicked", "left"):
        await settings.blocked(ctx.deps, change.chat.id)
    elif change.new_chat_member.status == "member":
        await settings.unblocked(ctx.deps, change.chat.id)
