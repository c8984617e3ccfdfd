"""Telegram handlers for commands and messages: who wrote, which service, send. Nothing more."""

from __future__ import annotations

from telegram import Update

from coach import texts
from conversations.context import Ctx
from conversations.render import send
from conversations.rendering import zone_elsewhere
from services import checkin, onboarding, red_flags
from services.outcome import Outcome, Say


def chat_id(update: Update) -> int:
    """The chat an update came from (handlers only see updates that have one)."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def answer(update: Update, ctx: Ctx, outcome: Outcome) -> None:
    """Send a service's messages to the update's chat."""
    await send(ctx, chat_id(update), outcome)


async def private_only(update: Update, ctx: Ctx) -> None:
    """Answer anything from a group: Back Coach works one to one."""
    if update.callback_query:
        await update.callback_query.answer(texts.GROUP_ONLY_PRIVATE, show_alert=True)
        return
    await answer(update, ctx, Outcome([Say(texts.GROUP_ONLY_PRIVATE)]))


async def start(update: Update, ctx: Ctx) -> None:
    """Begin onboarding, or pick up where the person left off; never wipe a registered person."""
    await answer(update, ctx, await onboarding.start(ctx.deps, chat_id(update)))


async def checkin_command(update: Update, ctx: Ctx) -> None:
    """Ask for today's pain rating."""
    await answer(update, ctx, await checkin.checkin(ctx.deps, chat_id(update)))


async def today_command(update: Update, ctx: Ctx) -> None:
    """Show today's plan again."""
    await answer(update, ctx, await checkin.today(ctx.deps, chat_id(update)))


async def why_command(update: Update, ctx: Ctx) -> None:
    """Explain the stage, why, and what unlocks the next."""
    await answer(update, ctx, await checkin.why(ctx.deps, chat_id(update)))


async def exercises_command(update: Update, ctx: Ctx) -> None:
    """List every move with its cue and equipment."""
    await answer(update, ctx, await checkin.exercises(ctx.deps, chat_id(update)))


async def redflags_command(update: Update, ctx: Ctx) -> None:
    """Ask the red-flag questions now."""
    await answer(update, ctx, await onboarding.redflags(ctx.deps, chat_id(update)))


async def cleared_command(update: Update, ctx: Ctx) -> None:
    """A clinician has examined the person after a red-flag answer: the all-clear's questions."""
    await answer(update, ctx, await red_flags.start_clearance(ctx.deps, chat_id(update)))


async def static_command(update: Update, ctx: Ctx) -> None:
    """/help and /privacy."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    text = (
        texts.PRIVACY.format(version=texts.CONSENT_VERSION) if command == "privacy" else texts.HELP
    )
    await answer(update, ctx, Outcome([Say(text)]))


async def unknown_command(update: Update, ctx: Ctx) -> None:
    """Any command the bot doesn't have."""
    await answer(update, ctx, Outcome([Say(texts.UNKNOWN_COMMAND)]))


async def text_message(update: Update, ctx: Ctx) -> None:
    """Free text: the answer to the current step, a typed pain rating, or a friendly nudge."""
    message = update.effective_message
    assert message is not None
    await answer(update, ctx, await onboarding.typed(ctx.deps, chat_id(update), message.text or ""))


async def location_message(update: Update, ctx: Ctx) -> None:
    """A shared location: the time zone, during the time-zone step."""
    message = update.effective_message
    assert message is not None and message.location is not None
    where = message.location
    outcome = await onboarding.location(
        ctx.deps, chat_id(update), where.latitude, where.longitude, zone_elsewhere
    )
    await answer(update, ctx, outcome)


async def edited_message(update: Update, ctx: Ctx) -> None:
    """An edit changes nothing (an edited "2" is not a new rating); say so."""
    await answer(update, ctx, Outcome([Say(texts.EDITS_NOT_READ)]))


async def other_message(update: Update, ctx: Ctx) -> None:
    """Stickers, photos, voice: say what the bot understands."""
    await answer(update, ctx, Outcome([Say(texts.DONT_UNDERSTAND)]))
