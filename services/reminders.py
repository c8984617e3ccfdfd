"""Reminders: the answers to a bar-hang reminder, and every decision of the dispatcher.

The dispatcher's loop (``conversations/dispatch.py``) only sends. Claiming what is due,
deciding what to skip and why, quieting down, and recording each delivery's state in the
ledger happen here, each in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from coach import texts
from coach.model import Feedback, History, MoveFeedback, Person
from coach.places import load_zone
from coach.safety import hold
from coach.schedule import (
    PROMPTS,
    WEEKDAYS,
    Delivery,
    Kind,
    Reminder,
    State,
    next_occurrence,
    too_late,
)
from services.actions import Action
from services.checkin import red_flags_open
from services.core import Core
from services.outcome import Outcome, Say
from services.unit import Work, unit, wanted

log = logging.getLogger(__name__)

SNOOZE = timedelta(minutes=15)
IGNORED_PROMPTS = 3  # then one "still there?" and no more prompts until the person answers
STILL_THERE = "still_there"


# A bar-hang reminder's buttons ------------------------------------------------------------


async def hang_answer(
    core: Core, chat_id: int, action: Action, day: date | None, slot: str
) -> Outcome:
    """*Done*, *Snooze 15 min* or *Skip* on a bar-hang reminder."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        if not person.registered:
            return Outcome(toast=texts.INVALID_BUTTON)
        toast = await _hang_answer(work, person, action, day, slot)
        await work.commit()
    return Outcome(toast=toast)


async def _hang_answer(
    work: Work, person: Person, action: Action, day: date | None, slot_text: str
) -> str:
    if day is None or not (slot_text.isascii() and slot_text.isdigit()):
        return texts.INVALID_BUTTON
    if day != work.core.today(person):
        return texts.STALE_BUTTON.format(day=texts.day(day))
    if red_flags_open(person):
        return texts.RED_FLAGS_OPEN_TOAST
    slot = int(slot_text)
    if slot in await work.schedule.hang_marks(person.chat_id, day):
        return texts.HANG_ALREADY
    if action is Action.HANG_SNOOZE:
        rows = await work.schedule.of(person.chat_id)
        if any(r.once and r.kind is Kind.HANG and r.slot == slot and r.day == day for r in rows):
            return texts.HANG_SNOOZED_ALREADY  # pressed twice: one reminder, not two
        at = person.hang_times[slot] if slot < len(person.hang_times) else time(0)
        snooze = Reminder(0, person.chat_id, Kind.HANG, slot, at, work.now + SNOOZE, day, once=True)
        await work.schedule.add(person.chat_id, snooze)
        return texts.HANG_SNOOZE_ACK
    mark = "done" if action is Action.HANG_DONE else "skip"
    await work.schedule.mark_hang(person.chat_id, day, slot, mark, work.now)
    if mark == "skip":
        return texts.HANG_SKIP_ACK
    # A hang done from a reminder counts toward the day's plan.
    await work.feedback.add(person.chat_id, MoveFeedback(day, "bar_hang", Feedback.DONE), work.now)
    return texts.HANG_DONE_ACK


# The dispatcher's decisions ---------------------------------------------------------------


@dataclass
class Report:
    """What one dispatch did, for logs and tests."""

    claimed: int = 0
    deleted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)


async def recover(core: Core, now: datetime) -> int:
    """At start: sends left in flight by a crash become uncertain, never repeated; and
    everyone registered whose schedule went missing gets it back from their settings."""
    async with unit(core) as work:
        count = await work.schedule.abandon_in_flight(now)
        missing = await work.people.without_schedule()
        for chat_id in missing:
            person = await work.person(chat_id, repair=False)
            if person is not None:
                await work.schedule.replace(chat_id, wanted(person, now))
        await work.commit()
    if missing:
        log.warning("rebuilt the reminder schedule of %d people who had none", len(missing))
    return count


STUCK_AFTER = timedelta(minutes=10)  # a send still "sending" this long never finished


async def settle_stuck(core: Core, now: datetime) -> int:
    """Sends whose outcome was never recorded (the process lost track of them) become
    uncertain: they may have reached Telegram, so they are never sent again."""
    async with unit(core) as work:
        count = await work.schedule.abandon_in_flight(now, before=now - STUCK_AFTER)
        await work.commit()
    if count:
        log.warning("%d reminder sends never finished; not resending", count)
    return count


async def claim(core: Core, now: datetime, report: Report) -> None:
    """Claim every due row into the ledger, as queued or skipped (with the reason), and
    move each row to its next occurrence: one transaction."""
    async with unit(core) as work:
        for item in await work.schedule.due(now):
            person = await work.person(item.chat_id, repair=False)
            if person is None or person.timezone is None:
                await work.schedule.remove(item.id)
                continue
            if not await advance(work, item, person, now):
                continue  # another claimer took this occurrence
            reason = await skip_reason(work, item, person, now)
            if reason is None and item.kind is Kind.CHECKIN:
                reason = await quiet_down(work, item, person)
            state = State.SKIPPED if reason and reason != STILL_THERE else State.QUEUED
            await work.schedule.record(item, state, now, reason)
            report.claimed += 1
            if state is State.SKIPPED:
                report.skipped[reason or ""] = report.skipped.get(reason or "", 0) + 1
                log.info("skipped %s for a person: %s", item.kind, reason)
        await work.commit()


async def queued(core: Core) -> list[Delivery]:
    """The ledger rows waiting to be sent."""
    async with unit(core) as work:
        return await work.schedule.in_state(State.QUEUED)


async def advance(work: Work, item: Reminder, person: Person, now: datetime) -> bool:
    """Move the row to its next occurrence (a snooze row goes). False if another claimer
    moved it first: this occurrence is theirs."""
    if item.once:
        return await work.schedule.remove(item.id)
    assert person.timezone is not None
    weekday = WEEKDAYS.get(item.kind)
    found = next_occurrence(item.local_time, person.timezone, max(item.due, now), weekday)
    return await work.schedule.move(item.id, found.due, found.day, was=item.due)


async def skip_reason(work: Work, item: Reminder, person: Person, now: datetime) -> str | None:
    """Why a due reminder is not sent (None: it is sent)."""
    assert person.timezone is not None
    if not person.active:
        return "inactive"
    if not person.registered:
        return "not_registered"
    if person.paused:
        return "paused"
    if hold(person) is not None:
        return "on_hold"
    late = too_late(item.kind, item.due, now, person.timezone)
    if late is not None:
        return late.value
    if item.kind is Kind.WEEKLY:
        return None if await work.ratings.all(person.chat_id) else "no_checkins"
    if red_flags_open(person):
        return "red_flags_open"  # nothing else until the safety question is answered
    if item.kind in PROMPTS:
        if person.quiet:
            return "quiet"
        if await work.ratings.get(person.chat_id, item.day) is not None:
            return "checked_in"
        return None
    if person.quiet:
        return "quiet"  # after "still there?", hangs wait for an answer too
    marks = await work.schedule.hang_marks(person.chat_id, item.day)
    if item.slot in marks:
        return "hang_marked"
    done = sum(mark == "done" for mark in marks.values())
    hang = MoveFeedback(item.day, "bar_hang", Feedback.DONE)
    plan_done = await work.feedback.exists(person.chat_id, hang)
    if max(done, int(plan_done)) > item.slot:
        return "hang_done"
    return None


async def quiet_down(work: Work, item: Reminder, person: Person) -> str | None:
    """After 3 prompts in a row without a check-in, say "still there?" once and stop.

    "In a row" starts after the person's latest check-in and after the last "still there?".
    """
    latest = await work.ratings.latest_day(person.chat_id)
    # The latest few prompts are enough: "in a row" never reaches further back.
    prompts = await work.schedule.recent(person.chat_id, Kind.CHECKIN, 3 * IGNORED_PROMPTS)
    quieted = [d.day for d in prompts if d.reason == STILL_THERE]
    since = max(([latest] if latest else []) + quieted, default=None)
    ignored = [
        d
        for d in prompts
        if d.state is State.SENT and d.reason is None and (since is None or d.day > since)
    ]
    if len(ignored) < IGNORED_PROMPTS:
        return None
    person.quiet = True
    await work.save(person)
    return STILL_THERE


@dataclass(frozen=True, slots=True)
class Sending:
    """A delivery marked as being sent, with the history its text is made from."""

    delivery: Delivery
    history: History
    zone: str = "UTC"  # the person's, for words that depend on their clock


async def begin_send(core: Core, delivery: Delivery) -> Sending | None:
    """Mark a delivery as being sent, committed before the request (None: another sender
    took it, or the person was deleted since the claim)."""
    async with unit(core) as work:
        person = await work.person(delivery.chat_id, repair=False)
        if person is None:  # deleted since the claim: its ledger rows went with it
            return None
        # Exactly one sender takes a queued row: another tick, or another process, that
        # read the same row finds it no longer queued and leaves it.
        taken = await work.schedule.set_state(
            delivery.id, State.SENDING, core.clock.now(), expected=State.QUEUED
        )
        if not taken:
            return None
        # Only the summary and the hang (gentle or not) read the person's history.
        needs_history = delivery.kind in (Kind.WEEKLY, Kind.HANG)
        history = await work.uow.history(person.chat_id) if needs_history else History()
        await work.commit()
    return Sending(delivery, history, person.timezone or "UTC")


async def record_send(
    core: Core,
    delivery: Delivery,
    state: State,
    *,
    reason: str | None,
    message_id: int | None,
    blocked: bool,
) -> None:
    """Record how a send ended; a person who blocked the bot gets nothing more."""
    async with unit(core) as work:
        await work.schedule.set_state(
            delivery.id,
            state,
            core.clock.now(),
            reason=reason,
            message_id=message_id,
            expected=State.SENDING,
        )
        if blocked:
            person = await work.person(delivery.chat_id, repair=False)
            if person is not None:
                person.active = False  # blocked: nothing more is sent or retried
                await work.schedule.replace(person.chat_id, [])
                await work.save(person)
        await work.commit()


# Retention ---------------------------------------------------------------------------------

KEEP_FOR = timedelta(days=365)
NOTICE = timedelta(days=7)


async def sweep(core: Core, now: datetime) -> int:
    """Inactive people's data: deleted after 12 months without a check-in, warned a week
    before. The warning is a ledger row of kind RETENTION, queued here and sent with every
    other message; the deletion waits until the warning is a week old.

    Returns how many people's data was deleted.
    """
    async with unit(core) as work:
        stale = await work.ratings.last_activity(now - (KEEP_FOR - NOTICE))
    deleted = 0
    for chat_id, last in stale:
        async with unit(core) as work:
            recent = await work.schedule.recent(chat_id, Kind.RETENTION, 5)
            warned = [d.due for d in recent if d.due > last]  # a check-in since resets it
            if warned and last <= now - KEEP_FOR and min(warned) <= now - NOTICE:
                await work.people.delete_everything(chat_id)
                deleted += 1
                log.info("deleted an inactive person's data after 12 months")
            elif not warned:
                person = await work.person(chat_id, repair=False)
                zone = (person.timezone if person else None) or "UTC"
                day = now.astimezone(load_zone(zone)).date()
                item = Reminder(0, chat_id, Kind.RETENTION, 0, time(0), now, day)
                if person is not None and person.active:
                    await work.schedule.record(item, State.QUEUED, now)
                else:  # blocked: the warning can't reach them, the deletion still comes
                    await work.schedule.record(item, State.SKIPPED, now, "inactive")
            await work.commit()
    return deleted
