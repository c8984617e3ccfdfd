"""The morning peak: how early or late each reminder goes when a third of everyone picked the
offered times in one zone (check-in 08:00, first bar hang 08:30) and the rest are spread
through the day.

The claim is the bot's own (``services.reminders.lead`` and ``claim`` on a real database,
every 20 s as the dispatcher ticks); the sending is modelled: queued rows leave in ledger
order at exactly ``rate`` a second (Telegram's pace, which no bot can beat), and each is
recorded as sent. So the figures are the schedule's lateness at the best pace the bot can
have, with and without sending a peak early (``lead``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import bindparam, update

from bench.harness import ZONE, add_people, percentile
from coach.places import load_zone
from coach.program import default_program
from coach.schedule import State
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


async def _run(
    store: Store, rate: float, *, early: bool, paid_rate: float = 0.0
) -> tuple[list[float], list[float], int]:
    """The modelled hours, tick by tick: the bot's claim, then ``rate`` sends a second in
    ledger order, and ``paid_rate`` paid broadcasts a second besides while the queue is
    longer than the free rate sends in ten minutes (``reminders.paying``, as the
    dispatcher decides). Each sent reminder's lateness in seconds (negative: early), that
    of the peak's reminders, and how many went as paid broadcasts."""
    clock = ManualClock(BEGIN)
    core = Core(store, clock, default_program())
    lateness: list[float] = []
    at_peak: list[float] = []  # of the reminders due at 08:00 or 08:30
    paid = 0
    free = BEGIN  # when the sender can next send
    now = BEGIN
    while now < END + timedelta(hours=1):
        clock.current = now
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
            async with store.unit() as uow:  # taken as the sender takes each
                queued = await uow.schedule.in_state(State.QUEUED, budget)
                for delivery in queued:
                    await uow.schedule.take(delivery.id, now)
                await uow.commit()
            ended = []
            for delivery in queued:
                lateness.append((free - delivery.due).total_seconds())
                if delivery.due in (PEAK_PROMPT, PEAK_HANG):
                    at_peak.append(lateness[-1])
                ended.append(Sent(delivery, State.SENT, None, 1))
                free += timedelta(seconds=1 / pace)
            if paying:
                paid += round(len(queued) * (pace - rate) / pace)
            if ended:
                await reminders.record_sends(core, ended)
        now = window_end
        if now >= END and not budget:
            break
    return lateness, at_peak, paid


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


async def morning_peak(database: Any, sizes: Any) -> dict[str, float]:
    """Lateness at the morning peak: every reminder at its time (no early sending), the
    bot's early sending at the free rate, and with paid broadcasts at ``PAID_RATE``."""
    figures: dict[str, float] = {}
    variants = ((False, 0.0, "at_due_"), (True, 0.0, ""), (True, PAID_RATE, "paid_"))
    for early, paid_rate, prefix in variants:
        store = await open_store(await database.new())
        try:
            await add_people(store, 1, sizes.crowd)
            figures[f"{prefix}due_rows"] = float(await _schedule(store, sizes.crowd))
            lateness, peak, paid = await _run(
                store, sizes.send_rate, early=early, paid_rate=paid_rate
            )
        finally:
            await store.close()
        figures.update(_figures(lateness, prefix))
        figures[f"{prefix}peak_median_abs_min"] = median(abs(v) / 60 for v in peak) if peak else 0
        if paid_rate:
            figures[f"{prefix}paid_sent"] = float(paid)
            figures[f"{prefix}stars"] = paid * STARS_PER_PAID
    return figures
