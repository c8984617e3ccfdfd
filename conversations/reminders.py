"""Reminder settings and answers: the schedule follows a person's settings at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from coach import texts
from coach.model import Feedback, MoveFeedback, Person
from coach.schedule import WEEKLY_AT, Kind, Reminder, reminders_for
from conversations.clock import local_today
from conversations.context import Deps
from conversations.payload import Payload
from storage.unit_of_work import UnitOfWork

SNOOZE = timedelta(minutes=15)


def schedule_key(person: Person) -> tuple[object, ...]:
    """What the schedule depends on: when it changes, the schedule is rebuilt."""
    return (
        person.registered,
        person.timezone,
        person.checkin_time,
        person.hang_times,
        person.weekly_summary,
        person.checkin_weekly,
    )


def wanted(person: Person, now: datetime) -> list[Reminder]:
    """The schedule a person's settings ask for (nothing before setup is complete)."""
    if not person.registered or person.timezone is None:
        return []
    times: dict[Kind, tuple[time, ...]] = {Kind.HANG: person.hang_times}
    if person.checkin_time is not None:
        prompt = Kind.WEEKLY_CHECKIN if person.checkin_weekly else Kind.CHECKIN
        times[prompt] = (person.checkin_time,)
    if person.weekly_summary:
        times[Kind.WEEKLY] = (WEEKLY_AT,)
    return reminders_for(times, person.timezone, now)


async def sync(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """Rebuild the person's schedule rows from their settings, due from ``now``."""
    await uow.schedule.replace(person.chat_id, wanted(person, now))


async def sync_if_changed(
    uow: UnitOfWork, before: tuple[object, ...], person: Person, now: datetime
) -> None:
    """Rebuild the schedule if a setting it depends on changed in this update."""
    if schedule_key(person) != before:
        await sync(uow, person, now)


async def next_prompt(uow: UnitOfWork, person: Person) -> str:
    """The local time of the next check-in prompt, in words."""
    rows = [r for r in await uow.schedule.of(person.chat_id) if r.kind is Kind.CHECKIN]
    if not rows or person.timezone is None:
        return "none set"
    from coach.places import load_zone

    due = rows[0].due.astimezone(load_zone(person.timezone))
    return f"{texts.day(due.date())} {due:%H:%M}"


async def hang_answer(
    deps: Deps, uow: UnitOfWork, person: Person, payload: Payload, now: datetime
) -> str:
    """*Done*, *Snooze 15 min* or *Skip* on a bar-hang reminder; returns the toast."""
    day = payload.day()
    if day is None or len(payload.args) != 2 or not payload.args[1].isdigit():
        return texts.INVALID_BUTTON
    if day != local_today(deps.clock, person.timezone):
        return texts.STALE_BUTTON.format(day=texts.day(day))
    slot = int(payload.args[1])
    if slot in await uow.schedule.hang_marks(person.chat_id, day):
        return texts.HANG_ALREADY
    if payload.action == "hz":
        at = person.hang_times[slot] if slot < len(person.hang_times) else time(0)
        snooze = Reminder(0, person.chat_id, Kind.HANG, slot, at, now + SNOOZE, day, once=True)
        await uow.schedule.add(person.chat_id, snooze)
        return texts.HANG_SNOOZE_ACK
    mark = "done" if payload.action == "hd" else "skip"
    await uow.schedule.mark_hang(person.chat_id, day, slot, mark, now)
    if mark == "skip":
        return texts.HANG_SKIP_ACK
    # A hang done from a reminder counts toward the day's plan.
    await uow.feedback.add(person.chat_id, MoveFeedback(day, "bar_hang", Feedback.DONE), now)
    return texts.HANG_DONE_ACK
