"""/pause, /resume, /reminders and /settings: every setting can be changed later."""

from __future__ import annotations

from html import escape

from telegram import Update

from coach import texts
from coach.explain import standing
from coach.model import Person
from coach.safety import hold
from conversations import steps
from conversations.access import registered
from conversations.checkin import today_of
from conversations.context import Ctx, Deps
from conversations.payload import Payload
from conversations.reminders import next_prompt, sync
from conversations.render import keyboard
from conversations.replies import Reply, send_all
from storage.unit_of_work import UnitOfWork

# Settings buttons: which step each one starts.
CHANGES = {
    "ct": steps.CHECKIN_TIME,
    "hc": steps.HANG_COUNT,
    "tz": steps.TIMEZONE,
    "eq": steps.EQUIPMENT_STEPS[0],
}


def _times(person: Person) -> tuple[str, str]:
    checkin = f"{person.checkin_time:%H:%M}" if person.checkin_time else "none"
    hangs = ", ".join(f"{t:%H:%M}" for t in person.hang_times) or "none"
    return checkin, hangs


def reminders_reply(deps: Deps, person: Person) -> Reply:
    """The reminder times, with buttons to change them."""
    checkin, hangs = _times(person)
    state = texts.REMINDERS_OFF if person.paused else texts.REMINDERS_ON
    text = texts.REMINDERS_TITLE.format(
        zone=escape(person.timezone or "?"), checkin=checkin, hangs=hangs, state=state
    )
    sign = deps.signer.sign
    rows = [
        [(texts.BTN_CHANGE_CHECKIN, sign(person.chat_id, "st", "ct"))],
        [(texts.BTN_CHANGE_HANGS, sign(person.chat_id, "st", "hc"))],
        [(texts.BTN_CHANGE_ZONE, sign(person.chat_id, "st", "tz"))],
    ]
    return Reply(text, keyboard(rows))


def settings_reply(deps: Deps, person: Person, maintenance: bool) -> Reply:
    """Every setting, with buttons to change each (weekly check-ins only in maintenance)."""
    checkin, hangs = _times(person)
    owned = sorted(texts.EQUIPMENT[e.value] for e in person.profile.equipment)
    text = texts.SETTINGS_TITLE.format(
        zone=escape(person.timezone or "?"),
        checkin=checkin,
        hangs=hangs,
        equipment=escape(", ".join(owned) or "none"),
        gym="yes" if person.profile.gym_experienced else "new to the gym",
        weekly="on" if person.weekly_summary else "off",
        often="weekly, Mondays" if person.checkin_weekly else "daily",
    )
    sign = deps.signer.sign
    weekly = texts.BTN_WEEKLY_OFF if person.weekly_summary else texts.BTN_WEEKLY_ON
    rows = [
        [(texts.BTN_CHANGE_CHECKIN, sign(person.chat_id, "st", "ct"))],
        [(texts.BTN_CHANGE_HANGS, sign(person.chat_id, "st", "hc"))],
        [(texts.BTN_CHANGE_ZONE, sign(person.chat_id, "st", "tz"))],
        [(texts.BTN_CHANGE_EQUIPMENT, sign(person.chat_id, "st", "eq"))],
        [(weekly, sign(person.chat_id, "st", "ws"))],
    ]
    if person.checkin_weekly:
        rows.append([(texts.BTN_CHECKIN_DAILY, sign(person.chat_id, "st", "cw"))])
    elif maintenance:
        rows.append([(texts.BTN_CHECKIN_WEEKLY, sign(person.chat_id, "st", "cw"))])
    return Reply(text, keyboard(rows))


async def settings_button(
    deps: Deps, uow: UnitOfWork, person: Person, payload: Payload
) -> list[Reply]:
    """A settings button: start changing one setting, or flip the weekly summary."""
    choice = payload.args[0] if payload.args else ""
    maintenance = await in_maintenance_now(deps, uow, person)
    if choice == "ws":
        person.weekly_summary = not person.weekly_summary
        return [Reply(texts.SAVED), settings_reply(deps, person, maintenance)]
    if choice == "cw" and (person.checkin_weekly or maintenance):
        person.checkin_weekly = not person.checkin_weekly
        return [Reply(texts.SAVED), settings_reply(deps, person, maintenance)]
    step = CHANGES.get(choice)
    if step is None:
        return [Reply(texts.INVALID_BUTTON)]
    person.step, person.step_data = step, {"settings": True}
    return [steps.question(deps.signer, person)]


async def in_maintenance_now(deps: Deps, uow: UnitOfWork, person: Person) -> bool:
    """Whether the person is in maintenance today (four weeks at the top, no flare)."""
    history = await uow.history(person.chat_id)
    return standing(deps.program, history, today_of(deps, person)).maintenance


async def pause_command(update: Update, ctx: Ctx) -> None:
    """Stop every reminder and prompt until /resume."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        reply = texts.ALREADY_PAUSED if person.paused else texts.PAUSED
        person.paused = True
        await uow.people.save(person)
        await uow.commit()
    await send_all(ctx.bot, person.chat_id, [Reply(reply)])


async def resume_command(update: Update, ctx: Ctx) -> None:
    """Reminders on again, from now on (nothing missed is sent in a burst)."""
    now = ctx.deps.clock.now()
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        if hold(person) is not None:
            replies = [Reply(texts.RESUME_HELD)]
        else:
            was_paused = person.paused or person.quiet
            person.paused = person.quiet = False
            await sync(uow, person, now)
            await uow.people.save(person)
            await uow.commit()
            nxt = await next_prompt(uow, person)
            replies = [Reply(texts.RESUMED.format(next=nxt) if was_paused else texts.NOT_PAUSED)]
    await send_all(ctx.bot, person.chat_id, replies)


async def reminders_command(update: Update, ctx: Ctx) -> None:
    """Show reminder times and offer changes."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
    if person is not None:
        await send_all(ctx.bot, person.chat_id, [reminders_reply(ctx.deps, person)])


async def settings_command(update: Update, ctx: Ctx) -> None:
    """Show every setting and offer changes."""
    async with ctx.deps.store.unit() as uow:
        person = await registered(update, ctx, uow)
        if person is None:
            return
        maintenance = await in_maintenance_now(ctx.deps, uow, person)
    await send_all(ctx.bot, person.chat_id, [settings_reply(ctx.deps, person, maintenance)])


async def membership(update: Update, ctx: Ctx) -> None:
    """Blocking the bot marks the person inactive; nothing more is sent to them."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status not in ("kicked", "left"):
        return  # coming back is /start's job: it greets the person and picks up where they were
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(change.chat.id)
        if person is None or not person.active:
            return
        person.active = False
        await uow.people.save(person)
        await uow.commit()
