"""The morning peak: how early or late each reminder goes when a third of everyone picked the
offered times in one zone (check-in 08:00, first bar hang 08:30) and the rest are spread
through the day.

The claim is the bot's own (``services.reminders.lead`` and ``claim`` on a real database,
every 20 s as the dispatcher ticks), and so is each send's preparation (``prepare``: decided
again, composed); the sending is modelled: queued rows leave in ledger order at exactly
``rate`` a second (Telegram's pace, which no bot can beat), and each is recorded as sent.
So the figures are the schedule's lateness at the best pace the bot can have, with and
without sending a peak early (``lead``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import bindparam, update

from bench.harness import ZONE, add_people, percentile
from coach.places import load_zone
from coach.program import default_program
from coach.schedule import Delivery, Kind, State
from services import reminders
from services.clock import ManualClock
from services.core import Core
from services.reminders import Report, Sent
from storage.models import Base
from storage.unit_of_work import Store, open_store

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; 08:00 in Berlin is 07:00 UTC
PEAK_PROMPT = DAY + timedelta(hours=7)
PEAK_HANG = DAY + timedelta(hours=7, minutes=30)
# The modelled hours: an hour before the peak's earliest sending, an hour after its latest.
BEGIN, END = DAY + timedelta(hours=6), DAY + timedelta(hours=8, minutes=30)
TICK = timedelta(seconds=20)


async def _schedule(store: Store, people: int) -> int:
    """Each person's check-in and first hang due today: a third at the peak, the rest
    spread over the day (only those due in the modelled hours stay due); the other hangs
    later. Returns how many rows are due in the modelled hours."""
    table = Base.metadata.tables["reminders"]
    later = DAY + timedelta(days=2)
    rows = []
    for chat in range(1, people + 1):
        if chat % 3 == 0:
            prompt, hang = PEAK_PROMPT, PEAK_HANG
        else:
            minute = (chat * 7919) % 1440
            prompt = DAY + timedelta(minutes=minute)
            hang = prompt + timedelta(minutes=30)
        for kind, slot, when in (("checkin", 0, prompt), ("hang", 0, hang)):
            at = when.astimezone(load_zone(ZONE)).strftime("%H:%M")  # tomorrow's comes a day on
            due = when if BEGIN <= when < END else later
            rows.append({"c": chat, "k": kind, "s": slot, "d": due, "t": at})
    async with store.engine.begin() as connection:
        await connection.execute(update(table).values(due=later))
        await connection.execute(
            update(table)
            .where(
                table.c.chat_id == bindparam("c"),
                table.c.kind == bindparam("k"),
                table.c.slot == bindparam("s"),
            )
            .values(due=bindparam("d"), local_time=bindparam("t"))
            .execution_options(synchronize_session=False),
            rows,
        )
    return sum(row["d"] != later for row in rows)


@dataclass
class Run:
    """What the modelled hours sent: each reminder's lateness in seconds (negative: early),
    that of the peak's reminders, how many went as paid broadcasts, how many the bot held
    back just before sending, and how many prompts reached someone after their own check-in."""

    lateness: list[float] = field(default_factory=list)
    at_peak: list[float] = field(default_factory=list)  # of the reminders due 08:00 or 08:30
    paid: int = 0
    held_back: int = 0
    asked_after: int = 0


async def _checked_in(store: Store, chats: frozenset[int], at: datetime) -> None:
    """These people check in by themselves at ``at`` (pain 3), before any prompt of theirs."""
    day = at.astimezone(load_zone(ZONE)).date()
    async with store.unit() as uow:
        for chat in sorted(chats):
            await uow.ratings.set(chat, day, 3, at)
        await uow.commit()


async def _run(
    store: Store,
    rate: float,
    *,
    early: bool,
    paid_rate: float = 0.0,
    own: frozenset[int] = frozenset(),
) -> Run:
    """The modelled hours, tick by tick: the bot's claim, then ``rate`` sends a second in
    ledger order, each prepared as the bot's sender prepares it (decided again, composed),
    and ``paid_rate`` paid broadcasts a second besides while the queue is longer than the
    free rate sends in ten minutes (``reminders.paying``, as the dispatcher decides). The
    people in ``own`` check in by themselves at 08:00, their prompt claimed or not."""
    clock = ManualClock(BEGIN)
    core = Core(store, clock, default_program())
    run = Run()
    lateness, at_peak = run.lateness, run.at_peak
    free = BEGIN  # when the sender can next send
    now = BEGIN
    rated = not own
    while now < END + timedelta(hours=1):
        clock.current = now
        if not rated and now >= PEAK_PROMPT:
            await _checked_in(store, own, now)
            rated = True
        ahead = await reminders.lead(core, now, rate, paid_rate) if early else timedelta(0)
        await reminders.claim(core, now, Report(), until=now + ahead)
        free = max(free, now)
        window_end = now + TICK
        async with store.unit() as uow:
            waiting = await uow.schedule.count_in_state(State.QUEUED)
        paying = reminders.paying(waiting, rate, paid_rate)
        pace = rate + (paid_rate if paying else 0.0)
        budget = int((window_end - free).total_seconds() * pace)
        if budget > 0:
            queued: list[Delivery] = []
            while len(queued) < budget:
                held = Report()
                batch = await reminders.prepare(core, budget - len(queued), held)
                run.held_back += sum(held.skipped.values())
                if not batch and not held.skipped:
                    break
                async with store.unit() as uow:  # taken as the sender takes each
                    for sending in batch:
                        await uow.schedule.take(sending.delivery.id, now)
                    await uow.commit()
                queued += [sending.delivery for sending in batch]
            ended = []
            for delivery in queued:
                lateness.append((free - delivery.due).total_seconds())
                if delivery.due in (PEAK_PROMPT, PEAK_HANG):
                    at_peak.append(lateness[-1])
                if delivery.kind is Kind.CHECKIN and delivery.chat_id in own and rated:
                    run.asked_after += 1
                ended.append(Sent(delivery, State.SENT, None, 1))
                free += timedelta(seconds=1 / pace)
            if paying:
                run.paid += round(len(queued) * (pace - rate) / pace)
            if ended:
                await reminders.record_sends(core, ended)
        now = window_end
        if now >= END and not budget:
            break
    return run


def _figures(lateness: list[float], prefix: str) -> dict[str, float]:
    minutes = [value / 60 for value in lateness]
    return {
        f"{prefix}sent": float(len(minutes)),
        f"{prefix}earliest_min": -min(minutes, default=0.0),
        f"{prefix}latest_min": max(minutes, default=0.0),
        f"{prefix}median_min": median(minutes) if minutes else 0.0,
        f"{prefix}median_abs_min": median(abs(m) for m in minutes) if minutes else 0.0,
        f"{prefix}p99_late_min": percentile(minutes, 0.99) if minutes else 0.0,
        f"{prefix}within_10_pct": 100 * sum(abs(m) <= 10 for m in minutes) / max(len(minutes), 1),
    }


# The paid broadcasts a second an operator would set for this scenario (PAID_BROADCAST_RATE):
# the least that keeps every reminder within ±10 minutes at 100,000 people.
PAID_RATE = 7.0
STARS_PER_PAID = 0.1  # Telegram's fee per paid broadcast


# People at the peak who check in by themselves at 08:00, before their prompt reaches them
# (it was claimed up to ten minutes early and queued): one in twenty of the peak's third.
OWN_CHECKIN_EVERY = 60


async def morning_peak(database: Any, sizes: Any) -> dict[str, float]:
    """Lateness at the morning peak: every reminder at its time (no early sending), the
    bot's early sending at the free rate, and with paid broadcasts at ``PAID_RATE``; and the
    early sending again with one in twenty of the peak's people checking in by themselves at
    08:00: how many prompts the bot holds back, and how many still ask them afterwards."""
    figures: dict[str, float] = {}
    own = frozenset(range(OWN_CHECKIN_EVERY, sizes.crowd + 1, OWN_CHECKIN_EVERY))
    variants = (
        (False, 0.0, "at_due_", frozenset[int]()),
        (True, 0.0, "", frozenset[int]()),
        (True, PAID_RATE, "paid_", frozenset[int]()),
        (True, 0.0, "own_", own),
    )
    for early, paid_rate, prefix, checking_in in variants:
        store = await open_store(await database.new())
        try:
            await add_people(store, 1, sizes.crowd)
            figures[f"{prefix}due_rows"] = float(await _schedule(store, sizes.crowd))
            run = await _run(
                store, sizes.send_rate, early=early, paid_rate=paid_rate, own=checking_in
            )
        finally:
            await store.close()
        peak = run.at_peak
        figures.update(_figures(run.lateness, prefix))
        figures[f"{prefix}peak_median_abs_min"] = median(abs(v) / 60 for v in peak) if peak else 0
        if paid_rate:
            figures[f"{prefix}paid_sent"] = float(run.paid)
            figures[f"{prefix}stars"] = run.paid * STARS_PER_PAID
        if checking_in:
            figures[f"{prefix}checking_in"] = float(len(checking_in))
            figures[f"{prefix}held_back"] = float(run.held_back)
            figures[f"{prefix}asked_after"] = float(run.asked_after)
    return figures
