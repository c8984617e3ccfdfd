"""The reminder dispatcher: claim due rows, record each in the ledger, send, move on.

``dispatch(now)`` is called by one repeating JobQueue job (and directly by tests with any
``now``). No job per person: memory stays flat however many people there are.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from telegram import Bot, Message

from coach import texts
from coach.explain import standing
from coach.model import Feedback, History, MoveFeedback, Person
from coach.progress import weekly_summary
from coach.rules import gentle_hang
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
from conversations.context import Deps
from conversations.render import keyboard, pain_keyboard
from conversations.retention import sweep
from conversations.sending import Outcome, send_with_retries
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

IGNORED_PROMPTS = 3  # then one "still there?" and no more prompts until the person answers
RETENTION_EVERY = timedelta(hours=1)  # how often inactive people's data is looked at
STILL_THERE = "still_there"


@dataclass
class Report:
    """What one dispatch did, for logs and tests."""

    claimed: int = 0
    deleted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)


class Dispatcher:
    """Sends reminders for everyone; one per process owns the schedule."""

    def __init__(
        self, deps: Deps, bot: Bot, *, rate: float = 25, concurrency: int = 8, backoff: float = 0.5
    ) -> None:
        self.deps, self.bot, self.backoff = deps, bot, backoff
        self._pace = AsyncLimiter(rate, 1)  # stay under Telegram's ~30 messages/s
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._retention_at: datetime | None = None

    async def recover(self, now: datetime) -> int:
        """At start: sends left in flight by a crash become uncertain, never repeated."""
        async with self.deps.store.unit() as uow:
            count = await uow.schedule.abandon_in_flight(now)
            await uow.commit()
        if count:
            log.warning("%d reminder sends were in flight at the last crash; not resending", count)
        return count

    async def dispatch(self, now: datetime) -> Report:
        """Claim everything due at ``now`` and send what should be sent."""
        async with self._lock:  # a slow tick and the next never overlap
            report = Report()
            if self._retention_at is None or now - self._retention_at >= RETENTION_EVERY:
                report.deleted += await sweep(self.deps.store, now)
                self._retention_at = now
            await self._claim(now, report)
            async with self.deps.store.unit() as uow:
                queued = await uow.schedule.in_state(State.QUEUED)
            await asyncio.gather(*(self._send(item, report) for item in queued))
            return report

    async def _claim(self, now: datetime, report: Report) -> None:
        async with self.deps.store.unit() as uow:
            for item in await uow.schedule.due(now):
                person = await uow.people.get(item.chat_id)
                if person is None or person.timezone is None:
                    await uow.schedule.remove(item.id)
                    continue
                await self._advance(uow, item, person, now)
                reason = await self._skip_reason(uow, item, person, now)
                if reason is None and item.kind is Kind.CHECKIN:
                    reason = await self._quiet_down(uow, item, person)
                state = State.SKIPPED if reason and reason != STILL_THERE else State.QUEUED
                await uow.schedule.record(item, state, now, reason)
                report.claimed += 1
                if state is State.SKIPPED:
                    report.skipped[reason or ""] = report.skipped.get(reason or "", 0) + 1
                    log.info("skipped %s for a person: %s", item.kind, reason)
            await uow.commit()

    async def _advance(
        self, uow: UnitOfWork, item: Reminder, person: Person, now: datetime
    ) -> None:
        """Move the row to its next occurrence (a snooze row goes), in the claim's transaction."""
        if item.once:
            await uow.schedule.remove(item.id)
            return
        assert person.timezone is not None
        weekday = WEEKDAYS.get(item.kind)
        found = next_occurrence(item.local_time, person.timezone, max(item.due, now), weekday)
        await uow.schedule.move(item.id, found.due, found.day)

    async def _skip_reason(
        self, uow: UnitOfWork, item: Reminder, person: Person, now: datetime
    ) -> str | None:
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
            return None if await uow.ratings.all(person.chat_id) else "no_checkins"
        if item.kind in PROMPTS:
            if person.quiet:
                return "quiet"
            if await uow.ratings.get(person.chat_id, item.day) is not None:
                return "checked_in"
            return None
        marks = await uow.schedule.hang_marks(person.chat_id, item.day)
        if item.slot in marks:
            return "hang_marked"
        done = sum(mark == "done" for mark in marks.values())
        hang = MoveFeedback(item.day, "bar_hang", Feedback.DONE)
        plan_done = await uow.feedback.exists(person.chat_id, hang)
        if max(done, int(plan_done)) > item.slot:
            return "hang_done"
        return None

    async def _quiet_down(self, uow: UnitOfWork, item: Reminder, person: Person) -> str | None:
        """After 3 prompts in a row without a check-in, say "still there?" once and stop.

        "In a row" starts after the person's latest check-in and after the last "still there?".
        """
        latest = await uow.ratings.latest_day(person.chat_id)
        # The latest few prompts are enough: "in a row" never reaches further back.
        prompts = await uow.schedule.recent(person.chat_id, Kind.CHECKIN, 3 * IGNORED_PROMPTS)
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
        await uow.people.save(person)
        return STILL_THERE

    async def _send(self, delivery: Delivery, report: Report) -> None:
        async with self._slots:
            await self._pace.acquire()
            async with self.deps.store.unit() as uow:
                person = await uow.people.get(delivery.chat_id)
                if person is None:  # deleted since the claim: its ledger rows went with it
                    return
                await uow.schedule.set_state(delivery.id, State.SENDING, self.deps.clock.now())
                # Only the summary and the hang (gentle or not) read the person's history.
                needs_history = delivery.kind in (Kind.WEEKLY, Kind.HANG)
                history = await uow.history(person.chat_id) if needs_history else History()
                await uow.commit()
            result = await send_with_retries(
                lambda: self._message(delivery, history), backoff=self.backoff
            )
            state = {
                Outcome.SENT: State.SENT,
                Outcome.UNCERTAIN: State.UNCERTAIN,
            }.get(result.outcome, State.FAILED)
            async with self.deps.store.unit() as uow:
                await uow.schedule.set_state(
                    delivery.id,
                    state,
                    self.deps.clock.now(),
                    reason=result.reason,
                    message_id=result.message_id,
                )
                if result.outcome is Outcome.BLOCKED:
                    person.active = False  # blocked: nothing more is sent or retried
                    await uow.schedule.replace(person.chat_id, [])
                    await uow.people.save(person)
                await uow.commit()
            report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1

    async def _message(self, delivery: Delivery, history: History) -> Message:
        chat, signer, program = delivery.chat_id, self.deps.signer, self.deps.program
        if delivery.kind is Kind.RETENTION:
            return await self.bot.send_message(chat, texts.RETENTION_WARNING)
        if delivery.kind is Kind.WEEKLY:
            summary = weekly_summary(program, standing(program, history, delivery.day))
            return await self.bot.send_message(chat, summary, parse_mode="HTML")
        if delivery.kind is Kind.CHECKIN and delivery.reason == STILL_THERE:
            return await self.bot.send_message(chat, texts.STILL_THERE)
        if delivery.kind in PROMPTS:
            markup = pain_keyboard(signer, chat, delivery.day)
            return await self.bot.send_message(chat, texts.REMINDER_CHECKIN, reply_markup=markup)
        args = (delivery.day, delivery.slot)
        buttons = [
            (texts.BTN_HANG_DONE, signer.sign(chat, "hd", *args)),
            (texts.BTN_HANG_SNOOZE, signer.sign(chat, "hz", *args)),
            (texts.BTN_HANG_SKIP, signer.sign(chat, "hs", *args)),
        ]
        gentle = gentle_hang(program, history.feedback, delivery.day)
        text = texts.REMINDER_HANG_GENTLE if gentle else texts.REMINDER_HANG
        return await self.bot.send_message(chat, text, reply_markup=keyboard([buttons]))
