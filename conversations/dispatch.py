"""The reminder dispatcher: claim what is due, send each queued delivery, record how it
ended. The decisions and the ledger's writes are ``services.reminders``; here is only the
sending, paced under Telegram's limits.

Two parts cooperate. A *tick* claims what is due (short transactions, a batch at a time)
and wakes the *sender*, a long-running task that drains the queue continuously at the
configured rate: never more than ``rate`` sends in any sliding second, evenly spaced, with
no burst after a pause and no gap between ticks. The repeating JobQueue job only asks for
a tick (``request_tick``), so a slow claim never makes it skip; ticks never overlap.

With paid broadcasts on (``paid_rate``, the operator's PAID_BROADCAST_RATE), a queue longer
than the free rate sends in ``services.reminders.PAID_BEYOND`` also goes through a second
window at ``paid_rate``, each of those sends a paid broadcast (the rate limiter's paid lane);
the free window keeps its rate all along, so only the excess pays.

``dispatch(now)`` claims everything due at ``now`` and returns once it is sent, for the
tests (with any ``now``) and the console. No job per person: memory stays flat however
many people there are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Message

from coach.schedule import Kind, State
from conversations.context import Deps
from conversations.limiter import in_background, in_paid_lane
from conversations.limiter import paid_rate as paid_lane_rate
from conversations.render import reply
from conversations.sending import Result, SendOutcome, send_with_retries
from services import reminders, updates
from services.reminders import Report, Sending, Sent
from storage.coordination import Leadership

log = logging.getLogger(__name__)

RETENTION_EVERY = timedelta(hours=1)  # how often inactive people's data is looked at
# How often sends stuck in flight are looked for: they count as stuck after ten minutes, so
# a look every tick (20 s) would only find them a little sooner, at a query each time.
SETTLE_EVERY = timedelta(minutes=1)
RECORD_ATTEMPTS = 6  # with doubling waits from the backoff: about 30 s at the default
RECORD_EVERY = 1.0  # seconds of outcomes recorded in one transaction
STOP_GRACE = 5.0  # seconds the sender may finish its sends in flight at shutdown
IN_FLIGHT_SECONDS = 0.25  # a send's time at Telegram the number of sends in flight allows

__all__ = ["Dispatcher", "Report", "SlidingWindow"]


class SlidingWindow:
    """At most ``rate`` sends in any sliding second, spaced evenly.

    Sends are spaced ``period / rate`` apart on a grid; a send that comes late keeps the
    grid (so small delays do not add up), but one that comes after a pause starts a new
    grid: no burst makes up for it. Whatever the spacing, the last ``rate`` sends span at
    least ``period`` (plus a small margin for the network's jitter).
    """

    def __init__(
        self,
        rate: float,
        *,
        period: float = 1.0,
        margin: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.size = max(1, math.floor(rate * period))
        self.span = period + margin
        self.spacing = self.span / rate
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque(maxlen=self.size)
        self._next = -math.inf
        self._lock = asyncio.Lock()  # first come, first served

    async def acquire(self) -> None:
        """Wait for the next send's turn."""
        async with self._lock:
            while (wait := self._wait(now := self._clock())) > 0:
                await self._sleep(wait)
            self._starts.append(now)
            late = now - self._next
            self._next = (self._next if 0 <= late < self.spacing else now) + self.spacing

    def hold(self) -> None:
        """No send before a whole period from now: another sender may have filled the
        period that just ended (a sender that died, whose work this one takes over)."""
        self._next = max(self._next, self._clock() + self.span)

    def wait(self) -> float:
        """Seconds until a send could go (0: now)."""
        return max(0.0, self._wait(self._clock()))

    async def ready(self) -> None:
        """Wait until a send could go now, without taking the turn: what is prepared for
        the send (marking it in the ledger) then happens at the last moment."""
        while (wait := self._wait(self._clock())) > 0:
            await self._sleep(wait)

    def _wait(self, now: float) -> float:
        wait = self._next - now
        if len(self._starts) == self.size:
            wait = max(wait, self._starts[0] + self.span - now)
        return wait


class Dispatcher:
    """Sends reminders for everyone; one per process owns the schedule (several may share
    one database: rows are claimed and taken with compare-and-set, never twice)."""

    def __init__(
        self,
        deps: Deps,
        bot: Bot,
        *,
        rate: float = 25,
        paid_rate: float = 0,
        paid_beyond: timedelta = reminders.PAID_BEYOND,
        concurrency: int = 8,
        backoff: float = 0.5,
        leadership: Leadership | None = None,
    ) -> None:
        self.deps, self.bot, self.backoff = deps, bot, backoff
        # With several processes on one PostgreSQL, only the holder of the sender's lock
        # claims and sends from its ticks; the others stand by and take over within a tick
        # of its death. None (or SQLite): this process is the only one.
        self.leadership = leadership
        self.leading = False
        self._asking = asyncio.Lock()  # the claimer and the sender ask who leads at once
        self.rate = rate
        self.last_tick: datetime | None = None  # when the last claim finished
        self._window = SlidingWindow(rate)  # stay under Telegram's ~30 messages/s
        # Paid broadcasts beside the free rate while the queue is longer than the free rate
        # sends in ``paid_beyond``; how many are queued is counted at each tick (only when
        # paid broadcasts are on) and counted down as they are taken.
        self.paid_limit = paid_rate
        self.paid_beyond = paid_beyond
        self._paid_window = SlidingWindow(paid_rate) if paid_rate > 0 else None
        self._queued = 0
        # Sends in flight at most: ``concurrency``, or more when the rates need it (each
        # send is allowed a quarter of a second of Telegram's time at full pace).
        in_flight = max(concurrency, math.ceil((rate + paid_rate) * IN_FLIGHT_SECONDS))
        self._slots = asyncio.Semaphore(in_flight)
        self._claiming = asyncio.Lock()  # ticks never overlap
        self._draining = asyncio.Lock()  # one drain at a time: the sender or dispatch()
        self._retention_at: datetime | None = None
        self._settled_at: datetime | None = None
        self._listeners: list[Report] = []  # reports counting outcomes as they come
        self._ended: list[Sent] = []  # outcomes not recorded yet
        self._requested: datetime | None = None
        self._tick_wanted = asyncio.Event()
        self._send_wanted = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        # Who else wants to know: each claim's report, and each send's kind and outcome
        # (the metrics and the events log; conversations/health.py).
        self.on_claimed: list[Callable[[Report], None]] = []
        self.on_sent: list[Callable[[Kind, SendOutcome], None]] = []
        # ... and the reminders held back just before sending (skipped, with the reason).
        self.on_held: list[Callable[[Report], None]] = []

    async def recover(self, now: datetime) -> int:
        """At start: sends left in flight by a crash become uncertain, never repeated."""
        shared = self.leadership is not None and self.leadership.shared
        # Shared: the sends in flight may be the live sender's; the next sender to take
        # over settles them instead (``_leads``).
        count = await reminders.recover(self.deps, now, in_flight=not shared)
        if count:
            log.warning("%d reminder sends were in flight at the last crash; not resending", count)
        return count

    # Running with the application ----------------------------------------------------------

    async def start(self) -> None:
        """Start the claimer and the sender; the sender drains what a crash left queued."""
        if self._tasks:
            return
        self._stopping = False
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._claimer(), name="reminder claimer"),
            loop.create_task(self._sender(), name="reminder sender"),
        ]
        self._send_wanted.set()

    async def stop(self) -> None:
        """Stop taking rows, let the sends in flight end (a little while) and record them.
        A send cut off stays *sending* and becomes uncertain at the next start."""
        self._stopping = True
        self._tick_wanted.set()
        self._send_wanted.set()
        tasks, self._tasks = self._tasks, []
        _done, pending = await asyncio.wait(tasks, timeout=STOP_GRACE) if tasks else ((), ())
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._flush()
        if self.leadership is not None:
            await self.leadership.release()  # the next process takes over at once
            self.leading = False

    def request_tick(self, now: datetime) -> None:
        """Ask for a claim at ``now`` and return at once (the repeating job's part). Asked
        again while a claim runs, one more claim follows with the latest ``now``."""
        if not self._tasks:
            log.warning("a tick was asked for before the dispatcher started; starting it")
            asyncio.get_running_loop().create_task(self.start())
        self._requested = now
        self._tick_wanted.set()

    async def _leads(self, now: datetime) -> bool:
        """Whether this process sends now (keeping or taking the sender's lock). On taking
        over from a sender that died, its sends in flight become uncertain first."""
        if self.leadership is None:
            return True
        async with self._asking:  # one take-over, even when both ask as the process starts
            try:
                leads = await self.leadership.hold()
            except SQLAlchemyError as exc:
                log.warning("could not check who sends reminders (%s)", type(exc).__name__)
                leads = False
            if leads and not self.leading and self.leadership.shared:
                await reminders.take_over(self.deps, now)
                # The sender before may have sent right up to now: Telegram's second is
                # shared, so this one starts once that second is over.
                self._window.hold()
                if self._paid_window is not None:
                    self._paid_window.hold()
            self.leading = leads
            return leads

    @property
    def paid_rate(self) -> float:
        """Paid broadcasts a second the sender may add to its free rate now: the configured
        rate while the bot's rate limiter has its paid lane open, else 0 (no rate limiter, or
        Telegram refused one for the Stars balance). A peak's lead is computed with it."""
        return min(self.paid_limit, paid_lane_rate(self.bot))

    async def queue_depth(self) -> int:
        """Deliveries queued and not yet sent (in any process)."""
        return await reminders.queue_depth(self.deps)

    async def _claimer(self) -> None:
        while not self._stopping:
            await self._tick_wanted.wait()
            self._tick_wanted.clear()
            now, self._requested = self._requested, None
            if now is None or self._stopping:
                continue
            try:
                if not await self._leads(now):
                    continue  # another process sends
                await self.tick(now)
            except Exception:
                log.exception("claiming reminders failed; the next tick tries again")

    async def _sender(self) -> None:
        while not self._stopping:
            await self._send_wanted.wait()
            self._send_wanted.clear()
            try:
                if not await self._leads(self.deps.clock.now()):
                    continue
                await self._drain()
            except Exception:
                log.exception("sending reminders failed; the next tick tries again")

    # Claiming and sending --------------------------------------------------------------------

    async def tick(self, now: datetime, report: Report | None = None) -> Report:
        """Claim everything due at ``now`` (a batch per transaction) and wake the sender."""
        report = report if report is not None else Report()
        claimed = Report()
        async with self._claiming:  # a slow tick and the next never overlap
            if self._settled_at is None or now - self._settled_at >= SETTLE_EVERY:
                await reminders.settle_stuck(self.deps, now)
                self._settled_at = now
            paid = self.paid_rate
            ahead = await reminders.lead(self.deps, now, self.rate, paid, self.paid_beyond)
            await reminders.claim(self.deps, now, claimed, until=now + ahead)
            if paid:
                self._queued = await reminders.queue_depth(self.deps)
            self.last_tick = self.deps.clock.now()
            # What is due goes first: the sender starts on it while the hourly sweeps, which
            # read every person (their cost grows with the people, a start's must not), run.
            self._send_wanted.set()
            if self._retention_at is None or now - self._retention_at >= RETENTION_EVERY:
                claimed.deleted += await reminders.sweep(self.deps, now)
                await reminders.repair_schedules(self.deps, now)
                await updates.prune(self.deps, now)
                self._retention_at = now
        self._send_wanted.set()
        report.claimed += claimed.claimed
        report.deleted += claimed.deleted
        for reason, count in claimed.skipped.items():
            report.skipped[reason] = report.skipped.get(reason, 0) + count
        for observer in self.on_claimed:
            observer(claimed)
        return report

    async def dispatch(self, now: datetime) -> Report:
        """Claim everything due at ``now`` and return once what should be sent was sent."""
        report = Report()
        self._listeners.append(report)
        try:
            await self.tick(now, report)
            await self._drain()  # after the sender's own drain, if it is draining
        finally:
            self._listeners.remove(report)
        return report

    async def _drain(self) -> None:
        """Send queued deliveries until none is left: each is taken (marked *sending*,
        committed) just before its turn in the window, sent, and its outcome recorded with
        a second's worth of others."""
        async with self._draining:
            running: set[asyncio.Task[None]] = set()
            recorded = time.monotonic()
            try:
                while not self._stopping:
                    size = max(16, math.ceil(self.rate + self.paid_rate))
                    held = Report()  # what the rules hold back now, decided again
                    batch = await reminders.prepare(self.deps, size, held)
                    if held.skipped:
                        self._held_back(held)
                    if not batch:
                        if held.skipped:
                            continue  # all of these held back: those after them may go
                        break
                    for sending in batch:
                        if self._stopping:
                            break
                        await self._slots.acquire()
                        # Marked just before its turn: a crash leaves no row marked that
                        # was not about to be sent.
                        window = await self._turn()
                        if not await reminders.take(self.deps, sending.delivery):
                            self._slots.release()  # another sender took it
                            continue
                        await window.acquire()
                        self._queued = max(0, self._queued - 1)
                        task = asyncio.create_task(self._deliver(sending, window))
                        running.add(task)
                        task.add_done_callback(running.discard)
                        if time.monotonic() - recorded >= RECORD_EVERY:
                            await self._flush()
                            recorded = time.monotonic()
            finally:
                # Every send ends before the drain does, whatever one of them raised.
                results = await asyncio.gather(*running, return_exceptions=True)
                for failed in (r for r in results if isinstance(r, BaseException)):
                    log.error("a reminder send failed", exc_info=failed)
                await self._flush()

    def _held_back(self, held: Report) -> None:
        """Reminders the rules held back just before sending them: skipped, in every
        dispatch's report as the claim's skips are, and for the observers."""
        for report in self._listeners:
            for reason, count in held.skipped.items():
                report.skipped[reason] = report.skipped.get(reason, 0) + count
        for observer in self.on_held:
            observer(held)

    async def _turn(self) -> SlidingWindow:
        """Wait until a send could go now, without taking the turn; the window it goes in:
        the free one, or (while the queue is longer than the free rate sends in
        ``paid_beyond``) the paid one, whichever has a turn first."""
        while True:
            wait = self._window.wait()
            if wait <= 0:
                return self._window
            paid = self._paid_window
            if paid is not None and reminders.paying(
                self._queued, self.rate, self.paid_rate, self.paid_beyond
            ):
                if (paid_wait := paid.wait()) <= 0:
                    return paid
                wait = min(wait, paid_wait)
            await asyncio.sleep(wait)

    async def _deliver(self, sending: Sending, window: SlidingWindow) -> None:
        """Send one taken delivery as a paid broadcast if it had its turn in the paid
        window; the first attempt already had its turn, each retry waits for another."""
        first = True
        paid = window is self._paid_window

        async def attempt() -> Message:
            nonlocal first
            if not first:
                await window.acquire()
            first = False
            return await self._message(sending, paid=paid)

        try:
            result = await send_with_retries(attempt, backoff=self.backoff)
        finally:
            self._slots.release()
        self._ended.append(_ended(sending, result))
        for report in self._listeners:
            report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1
        for observer in self.on_sent:
            observer(sending.delivery.kind, result.outcome)

    async def _flush(self) -> None:
        """Record the outcomes so far in one transaction, waiting out a database that is
        busy for a while; if it never takes the write, those rows stay *sending* and are
        never sent again."""
        ended, self._ended = self._ended, []
        if not ended:
            return
        delay = self.backoff
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                await reminders.record_sends(self.deps, ended)
                return
            except SQLAlchemyError as exc:
                if attempt == RECORD_ATTEMPTS:
                    log.error("could not record %d sends; they stay unresent", len(ended))
                    return
                log.warning("recording sends failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(delay)
                delay *= 2

    async def _message(self, sending: Sending, *, paid: bool = False) -> Message:
        """Render the composed message, in the language it was composed in, and send it.
        Every reminder leaves through here (pacing happens before), in the rate limiter's
        background lane (a person's reply never waits behind a reminder), or its paid lane
        as a paid broadcast."""
        chat, composed = sending.delivery.chat_id, sending.composed
        out = reply(self.deps.signer, self.deps.program, chat, composed.message, composed.language)
        lane = in_paid_lane(self.bot) if paid else in_background(self.bot)
        return await self.bot.send_message(
            chat, out.text, parse_mode="HTML", reply_markup=out.markup, **lane
        )


def _ended(sending: Sending, result: Result) -> Sent:
    """The ledger's record of a send's result: a blocked person gets nothing more."""
    state = {SendOutcome.SENT: State.SENT, SendOutcome.UNCERTAIN: State.UNCERTAIN}.get(
        result.outcome, State.FAILED
    )
    blocked = result.outcome is SendOutcome.BLOCKED
    return Sent(sending.delivery, state, result.reason, result.message_id, blocked)
