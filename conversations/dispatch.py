"""The reminder dispatcher's loop: claim what is due, send each queued delivery, record how
it ended. The decisions and the ledger's writes are ``services.reminders``; here is only the
sending, paced under Telegram's limits.

``dispatch(now)`` is called by one repeating JobQueue job (and directly by tests with any
``now``). No job per person: memory stays flat however many people there are.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Message

from coach import texts
from coach.explain import standing
from coach.places import load_zone
from coach.progress import weekly_summary
from coach.rules import hang_level
from coach.schedule import PROMPTS, Delivery, Kind, State
from conversations.context import Deps
from conversations.render import buttons
from conversations.sending import Outcome, Result, send_with_retries
from services import reminders
from services.actions import Action
from services.outcome import Button, pain_question
from services.reminders import STILL_THERE, Report, Sending

log = logging.getLogger(__name__)

RETENTION_EVERY = timedelta(hours=1)  # how often inactive people's data is looked at
NOON = 12  # "Good morning!" only before noon on the person's clock
RECORD_ATTEMPTS = 6  # with doubling waits from the backoff: about 30 s at the default

__all__ = ["Dispatcher", "Report"]


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
        count = await reminders.recover(self.deps, now)
        if count:
            log.warning("%d reminder sends were in flight at the last crash; not resending", count)
        return count

    async def dispatch(self, now: datetime) -> Report:
        """Claim everything due at ``now`` and send what should be sent."""
        async with self._lock:  # a slow tick and the next never overlap
            report = Report()
            if self._retention_at is None or now - self._retention_at >= RETENTION_EVERY:
                report.deleted += await reminders.sweep(self.deps, now)
                self._retention_at = now
            await reminders.settle_stuck(self.deps, now)
            await reminders.claim(self.deps, now, report)
            queued = await reminders.queued(self.deps)
            # Every send ends before the tick does, whatever one of them raised: a tick that
            # left sends running would let the next tick read the same rows.
            results = await asyncio.gather(
                *(self._send(item, report) for item in queued), return_exceptions=True
            )
            for failed in (r for r in results if isinstance(r, BaseException)):
                log.error("a reminder send failed", exc_info=failed)
            return report

    async def _send(self, delivery: Delivery, report: Report) -> None:
        async with self._slots:
            await self._pace.acquire()
            sending = await reminders.begin_send(self.deps, delivery)
            if sending is None:
                return
            result = await send_with_retries(lambda: self._message(sending), backoff=self.backoff)
            state = {
                Outcome.SENT: State.SENT,
                Outcome.UNCERTAIN: State.UNCERTAIN,
            }.get(result.outcome, State.FAILED)
            await self._record(delivery, state, result)
            report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1

    async def _record(self, delivery: Delivery, state: State, result: Result) -> None:
        """Store how the send ended, waiting out a database that is busy for a while; if it
        never takes the write, the row stays *sending* and is never sent again."""
        delay = self.backoff
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                await reminders.record_send(
                    self.deps,
                    delivery,
                    state,
                    reason=result.reason,
                    message_id=result.message_id,
                    blocked=result.outcome is Outcome.BLOCKED,
                )
                return
            except SQLAlchemyError as exc:
                if attempt == RECORD_ATTEMPTS:
                    raise
                log.warning("recording a send failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(delay)
                delay *= 2

    async def _message(self, sending: Sending) -> Message:
        delivery, history = sending.delivery, sending.history
        chat, signer, program = delivery.chat_id, self.deps.signer, self.deps.program
        if delivery.kind is Kind.RETENTION:
            return await self.bot.send_message(chat, texts.RETENTION_WARNING)
        if delivery.kind is Kind.WEEKLY:
            summary = weekly_summary(program, standing(program, history, delivery.day))
            return await self.bot.send_message(chat, summary, parse_mode="HTML")
        if delivery.kind is Kind.CHECKIN and delivery.reason == STILL_THERE:
            return await self.bot.send_message(chat, texts.STILL_THERE)
        if delivery.kind in PROMPTS:
            markup = buttons(signer, chat, pain_question(delivery.day).buttons)
            morning = delivery.due.astimezone(load_zone(sending.zone)).hour < NOON
            text = texts.REMINDER_CHECKIN_MORNING if morning else texts.REMINDER_CHECKIN
            return await self.bot.send_message(chat, text, reply_markup=markup)
        args = (delivery.day, delivery.slot)
        row = (
            Button(texts.BTN_HANG_DONE, Action.HANG_DONE, args),
            Button(texts.BTN_HANG_SNOOZE, Action.HANG_SNOOZE, args),
            Button(texts.BTN_HANG_SKIP, Action.HANG_SKIP, args),
        )
        hang = program.move("bar_hang")
        level = hang_level(program, history.feedback, delivery.day)
        text = (
            texts.REMINDER_HANG_GENTLE.format(what=hang.levels[level - 1])
            if level < hang.top_level
            else texts.REMINDER_HANG
        )
        return await self.bot.send_message(chat, text, reply_markup=buttons(signer, chat, (row,)))
