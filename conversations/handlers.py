"""Telegram handlers: parse the update, call the coach or storage, reply. Nothing more."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from telegram import Update

from coach import texts
from coach.explain import standing, why_text
from coach.model import Person
from coach.safety import hold
from conversations import checkin, onboarding, steps
from conversations.access import chat_id, registered, reply
from conversations.context import Ctx
from conversations.reminders import schedule_key, sync, sync_if_changed
from conversations.render import exercises_text
from conversations.replies import Reply
from storage.unit_of_work import UnitOfWork

MAX_TEXT = 200  # no answer the bot waits for is longer; longer messages change nothing
NUMBER = re.compile(r"^\s*[-+]?\d+([.,]\d+)?\s*$")
NUMBER_WORDS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
}


async def private_only(update: Update, ctx: Ctx) -> None:
    """Answer anything from a group: Back Coach works one to one."""
    if update.callback_query:
        await update.callback_query.answer(texts.GROUP_ONLY_PRIVATE, show_alert=True)
        return
    await reply(update, ctx, [Reply(texts.GROUP_ONLY_PRIVATE)])


async def start(update: Update, ctx: Ctx) -> None:
    """Begin onboarding, or pick up where the person left off; never wipe a registered person."""
    chat, now = chat_id(update), ctx.deps.clock.now()
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat)
        if person is None:
            person = Person(chat_id=chat, created_at=now, step=steps.CONSENT)
            await uow.people.add(person)
            replies = [Reply(texts.WELCOME), steps.question(ctx.deps.signer, person)]
        else:
            if not person.active:  # back after blocking the bot: reminders from now on
                person.active = True
                await sync(uow, person, now)
            person.quiet = False
            await uow.people.save(person)
            if person.registered and person.step is None:
                replies = [Reply(texts.ALREADY_REGISTERED)]
            elif person.registered:  # a question is pending (red flags, a settings change)
                replies = [steps.question(ctx.deps.signer, person)]
            else:
                replies = [Reply(texts.FINISH_SETUP), steps.question(ctx.deps.signer, person)]
        await uow.commit()
    await reply(update, ctx, replies)


async def checkin_command(update: Update, ctx: Ctx) -> None:
    """Ask for today's pain rating."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        held = checkin.hold_reply(ctx.deps, person)
    await reply(update, ctx, [held or checkin.ask_pain(ctx.deps, person)])


async def today_command(update: Update, ctx: Ctx) -> None:
    """Show today's plan again."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        held = checkin.hold_reply(ctx.deps, person)
        replies = [held] if held else await checkin.plan_replies(ctx.deps, uow, person)
    await reply(update, ctx, replies)


async def why_command(update: Update, ctx: Ctx) -> None:
    """Explain the stage, why, and what unlocks the next."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        history = await uow.history(person.chat_id)
    at = standing(ctx.deps.program, history, checkin.today_of(ctx.deps, person))
    await reply(update, ctx, [Reply(escape(why_text(ctx.deps.program, at)))])


async def exercises_command(update: Update, ctx: Ctx) -> None:
    """List every move with its cue and equipment."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        history = await uow.history(person.chat_id)
    at = standing(ctx.deps.program, history, checkin.today_of(ctx.deps, person))
    text = exercises_text(ctx.deps.program, at.stage, person.profile.equipment)
    await reply(update, ctx, [Reply(text)])


async def redflags_command(update: Update, ctx: Ctx) -> None:
    """Ask the red-flag questions now."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        if hold(person) is not None:
            replies = [checkin.hold_reply(ctx.deps, person) or Reply(texts.NOT_NOW)]
        else:
            person.step, person.step_data = steps.RF_EMERGENCY, {}
            await uow.people.save(person)
            await uow.commit()
            replies = [steps.question(ctx.deps.signer, person)]
    await reply(update, ctx, replies)


async def static_command(update: Update, ctx: Ctx) -> None:
    """/help and /privacy."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    text = (
        texts.PRIVACY.format(version=texts.CONSENT_VERSION) if command == "privacy" else texts.HELP
    )
    await reply(update, ctx, [Reply(text)])


async def unknown_command(update: Update, ctx: Ctx) -> None:
    """Any command the bot doesn't have."""
    await reply(update, ctx, [Reply(texts.UNKNOWN_COMMAND)])


async def text_message(update: Update, ctx: Ctx) -> None:
    """Free text: the answer to the current step, a typed pain rating, or a friendly nudge."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    if len(text) > MAX_TEXT:
        await reply(update, ctx, [Reply(texts.TOO_LONG)])
        return
    now = ctx.deps.clock.now()
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat_id(update))
        if person is None:
            replies = [Reply(texts.NOT_REGISTERED)]
        else:
            before = schedule_key(person)
            replies = await _text_for_step(ctx, uow, person, text.strip(), now)
            await sync_if_changed(uow, before, person, now)
            await uow.people.save(person)
            await uow.commit()
    await reply(update, ctx, replies)


async def _text_for_step(
    ctx: Ctx, uow: UnitOfWork, person: Person, text: str, now: datetime
) -> list[Reply]:
    deps = ctx.deps
    if person.step in (steps.TIMEZONE, steps.TZ_CHOICE):
        return onboarding.zone_text(deps, person, text)
    if person.step == steps.CHECKIN_TIME:
        chosen = onboarding.parse_time(text)
        if chosen is None:
            return [Reply(texts.TIME_INVALID), steps.question(deps.signer, person)]
        return onboarding.set_checkin_time(deps, person, chosen)
    if person.step == steps.HANG_TIMES:
        count = int(str(person.step_data.get("hang_count", 2)))
        times = onboarding.parse_times(text, count)
        if times is None:
            return [Reply(texts.HANG_TIMES_INVALID.format(count=count))]
        return onboarding.set_hang_times(deps, person, times)
    if person.step is not None:
        return [steps.question(deps.signer, person)]
    if text.isdigit() and 0 <= int(text) <= 10:
        return await checkin.rate(deps, uow, person, int(text), now)
    if NUMBER.match(text) or text.lower() in NUMBER_WORDS:
        return [Reply(texts.PAIN_INVALID), checkin.ask_pain(deps, person)]
    return [Reply(texts.UNEXPECTED_TEXT)]


async def location_message(update: Update, ctx: Ctx) -> None:
    """A shared location: the time zone, during the time-zone step."""
    message = update.effective_message
    assert message is not None and message.location is not None
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat_id(update))
        before = schedule_key(person) if person else ()
        if person is None or person.step not in (steps.TIMEZONE, steps.TZ_CHOICE):
            replies = [Reply(texts.UNEXPECTED_TEXT)]
        else:
            from coach.places import zone_from_location

            zone = zone_from_location(message.location.latitude, message.location.longitude)
            if zone is None:
                replies = [Reply(texts.TIMEZONE_NOT_FOUND.format(hint=""))]
            else:
                replies = onboarding.set_zone(ctx.deps, person, zone)
            await sync_if_changed(uow, before, person, ctx.deps.clock.now())
            await uow.people.save(person)
            await uow.commit()
    await reply(update, ctx, replies)


async def other_message(update: Update, ctx: Ctx) -> None:
    """Stickers, photos, voice: say what the bot understands."""
    await reply(update, ctx, [Reply(texts.DONT_UNDERSTAND)])
