"""/pause, /resume, /reminders, /settings and the settings buttons; blocking the bot."""

from __future__ import annotations

from html import escape

from coach import texts
from coach.explain import standing
from coach.model import Equipment, Person
from coach.places import load_zone
from coach.schedule import Kind
from services import checkin, onboarding
from services.access import registered
from services.actions import Action
from services.core import Core
from services.outcome import Button, Message, Outcome, Say
from services.unit import Work, unit


def _times(person: Person) -> tuple[str, str]:
    none = texts.WORDS["none"]
    checkin = f"{person.checkin_time:%H:%M}" if person.checkin_time else none
    hangs = ", ".join(f"{t:%H:%M}" for t in person.hang_times) or none
    return checkin, hangs


def _change(label: str, choice: str) -> tuple[Button]:
    return (Button(label, Action.SETTINGS, (choice,)),)


def reminders_menu(person: Person) -> Say:
    """The reminder times, with buttons to change them."""
    checkin, hangs = _times(person)
    state = texts.REMINDERS_OFF if person.paused else texts.REMINDERS_ON
    text = texts.REMINDERS_TITLE.format(
        zone=escape(person.timezone or "?"), checkin=checkin, hangs=hangs, state=state
    )
    if Equipment.PULLUP_BAR not in person.profile.equipment:
        text = f"{text}\n\n{texts.HANGS_NONE}"
    rows = (
        _change(texts.BTN_CHANGE_CHECKIN, "ct"),
        _change(texts.BTN_CHANGE_HANGS, "hc"),
        _change(texts.BTN_CHANGE_ZONE, "tz"),
    )
    return Say(text, rows)


def settings_menu(person: Person, maintenance: bool) -> Say:
    """Every setting, with buttons to change each (weekly check-ins only in maintenance)."""
    checkin, hangs = _times(person)
    owned = sorted(texts.EQUIPMENT[e.value] for e in person.profile.equipment)
    words = texts.WORDS
    text = texts.SETTINGS_TITLE.format(
        zone=escape(person.timezone or "?"),
        checkin=checkin,
        hangs=hangs,
        equipment=escape(", ".join(owned) or words["none"]),
        gym=words["yes" if person.profile.gym_experienced else "new_to_gym"],
        weekly=words["on" if person.weekly_summary else "off"],
        often=words["weekly" if person.checkin_weekly else "daily"],
    )
    weekly = texts.BTN_WEEKLY_OFF if person.weekly_summary else texts.BTN_WEEKLY_ON
    rows = [
        _change(texts.BTN_CHANGE_CHECKIN, "ct"),
        _change(texts.BTN_CHANGE_HANGS, "hc"),
        _change(texts.BTN_CHANGE_ZONE, "tz"),
        _change(texts.BTN_CHANGE_EQUIPMENT, "eq"),
        _change(weekly, "ws"),
        (Button(texts.BTN_ACTIVITIES, Action.ACTIVITY, ("menu",)),),  # services/function.py
    ]
    if person.checkin_weekly:
        rows.append(_change(texts.BTN_CHECKIN_DAILY, "cw"))
    elif maintenance:
        rows.append(_change(texts.BTN_CHECKIN_WEEKLY, "cw"))
    return Say(text, tuple(rows))


async def in_maintenance_now(work: Work, person: Person) -> bool:
    """Whether the person is in maintenance today (four weeks at the top, no flare)."""
    history = await work.uow.history(person.chat_id)
    return standing(work.core.program, history, work.core.today(person)).maintenance


async def settings_button(core: Core, chat_id: int, choice: str) -> Outcome:
    """A settings button: start changing one setting, or flip a switch."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        if not person.registered:
            return Outcome(toast=texts.INVALID_BUTTON)
        maintenance = await in_maintenance_now(work, person)
        messages: list[Message] | None
        if choice == "ws":
            person.weekly_summary = not person.weekly_summary
            messages = [Say(texts.SAVED), settings_menu(person, maintenance)]
        elif choice == "pz":  # "Yes, pause", asked after a typed "pause" or "stop"
            messages = [Say(texts.ALREADY_PAUSED if person.paused else texts.PAUSED)]
            person.paused = True
        elif choice == "pk":
            messages = [Say(texts.PAUSE_KEPT)]
        elif choice == "cw" and (person.checkin_weekly or maintenance):
            person.checkin_weekly = not person.checkin_weekly
            messages = [Say(texts.SAVED), settings_menu(person, maintenance)]
        else:
            messages = await onboarding.settings_change(work, person, choice)
            if messages is None:
                messages = [Say(texts.INVALID_BUTTON)]
        await work.save(person)
        await work.commit()
    return Outcome(messages)


async def pause(core: Core, chat_id: int) -> Outcome:
    """/pause: stop every reminder and prompt until /resume."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        reply = texts.ALREADY_PAUSED if person.paused else texts.PAUSED
        person.paused = True
        await work.save(person)
        await work.commit()
    return Outcome([Say(reply)])


async def resume(core: Core, chat_id: int) -> Outcome:
    """/resume: reminders on again, from now on (nothing missed is sent in a burst)."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        notice = checkin.held(person)
        if notice is not None:  # what lifts the hold comes with it
            return Outcome([Say(texts.RESUME_HELD), notice])
        was_paused = person.paused or person.quiet or not person.active
        person.paused = person.quiet = False
        person.active = True  # writing to the bot: not blocked any more
        await work.save(person, resync=True)
        await work.commit()
        nxt = await _next_prompt(work, person)
    return Outcome([Say(texts.RESUMED.format(next=nxt) if was_paused else texts.NOT_PAUSED)])


async def _next_prompt(work: Work, person: Person) -> str:
    """The local time of the next check-in prompt, in words."""
    rows = [r for r in await work.schedule.of(person.chat_id) if r.kind is Kind.CHECKIN]
    if not rows or person.timezone is None:
        return "none set"
    due = rows[0].due.astimezone(load_zone(person.timezone))
    return f"{texts.day(due.date())} {due:%H:%M}"


async def reminders(core: Core, chat_id: int) -> Outcome:
    """/reminders: the reminder times and buttons to change them."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
    return refusal if person is None else Outcome([reminders_menu(person)])


async def settings(core: Core, chat_id: int) -> Outcome:
    """/settings: every setting and buttons to change each."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        maintenance = await in_maintenance_now(work, person)
    return Outcome([settings_menu(person, maintenance)])


async def unblocked(core: Core, chat_id: int) -> None:
    """The person unblocked the bot: reminders from now on (a greeting waits for /start)."""
    async with unit(core) as work:
        person = await work.person(chat_id, repair=False)
        if person is None or person.active:
            return
        person.active = True
        await work.save(person, resync=True)
        await work.commit()


async def blocked(core: Core, chat_id: int) -> None:
    """The person blocked the bot: marked inactive, so nothing more is sent to them.

    Coming back is /start's job: it greets the person and picks up where they were.
    """
    async with unit(core) as work:
        person = await work.person(chat_id, repair=False)
        if person is None or not person.active:
            return
        person.active = False
        await work.save(person)
        await work.commit()
