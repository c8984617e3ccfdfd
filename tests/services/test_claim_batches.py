"""The batch claim decides exactly as claiming row by row did: the same ledger rows (state,
reason, attempt), the same schedule moves and the same people quieted, for a mixed
population over days with downtime, on two copies of the same database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import update

from coach.model import (
    Equipment,
    Feedback,
    MoveFeedback,
    Person,
    Profile,
    RedFlagGroup,
    SafetyState,
    Screening,
)
from coach.program import default_program
from coach.schedule import Kind, Reminder, State, next_occurrence
from services import reminders
from services.clock import ManualClock
from services.core import Core
from services.kinds import KINDS, Facts
from services.reminders import IGNORED_PROMPTS, SNOOZE, STILL_THERE, Report
from services.steps import Step
from services.unit import Work, unit
from storage.models import DeliveryRow
from storage.unit_of_work import open_store

START = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # a Sunday: the weekly summary comes too
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney"]


# Claiming row by row, as the dispatcher did before batches: the reference -----------------


async def claim_row_by_row(core: Core, now: datetime, report: Report) -> None:
    async with unit(core) as work:
        for item in await work.schedule.due(now, limit=10_000):
            person = await work.person(item.chat_id, repair=False)
            if person is None or person.timezone is None:
                await work.schedule.remove(item.id)
                continue
            if not await advance(work, item, person, now):
                continue
            reason = await skip_reason(work, item, person, now)
            if reason is None and item.kind is Kind.CHECKIN:
                reason = await quiet_down(work, item, person)
            state = State.SKIPPED if reason and reason != STILL_THERE else State.QUEUED
            await work.schedule.record(item, state, now, reason)
            report.claimed += 1
            if state is State.SKIPPED:
                report.skipped[reason or ""] = report.skipped.get(reason or "", 0) + 1
        await work.commit()


async def advance(work: Work, item: Reminder, person: Person, now: datetime) -> bool:
    if item.once:
        return await work.schedule.remove(item.id)
    assert person.timezone is not None
    weekday = KINDS[item.kind].weekday
    found = next_occurrence(item.local_time, person.timezone, max(item.due, now), weekday)
    return await work.schedule.move(item.id, found.due, found.day, was=item.due)


async def skip_reason(work: Work, item: Reminder, person: Person, now: datetime) -> str | None:
    """The kinds' rules (services/kinds.py) over facts read for this one row, one query
    each, as the row-by-row dispatcher read them."""
    hang = MoveFeedback(item.day, "bar_hang", Feedback.DONE)
    facts = Facts(
        {person.chat_id: person},
        rated=frozenset(
            {(person.chat_id, item.day)}
            if await work.ratings.get(person.chat_id, item.day) is not None
            else set()
        ),
        latest=({person.chat_id: item.day} if await work.ratings.all(person.chat_id) else {}),
        marks={
            (person.chat_id, item.day): await work.schedule.hang_marks(person.chat_id, item.day)
        },
        plan_hangs=(
            {(person.chat_id, item.day)}
            if await work.feedback.exists(person.chat_id, hang)
            else set()
        ),
    )
    return reminders.skip_reason(item, person, now, facts)


async def quiet_down(work: Work, item: Reminder, person: Person) -> str | None:
    latest = max((r.day for r in await work.ratings.all(person.chat_id)), default=None)
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


# A mixed population, the same in both databases ---------------------------------------------


def someone(pick: random.Random, chat_id: int) -> Person:
    """A person with a random mix of what the rules look at."""
    person = Person(
        chat_id=chat_id,
        created_at=START,
        timezone=pick.choice(ZONES),
        checkin_time=pick.choice([None, time(7), time(8, 30), time(20)]),
        hang_times=tuple(
            sorted(pick.sample([time(9), time(13), time(19, 30)], pick.randint(0, 3)))
        ),
        profile=Profile(frozenset(Equipment), gym_experienced=False),
        registered=True,
        weekly_summary=pick.random() < 0.7,
        checkin_weekly=pick.random() < 0.15,
    )
    roll = pick.random()
    if roll < 0.08:
        person.paused = True
    elif roll < 0.14:
        person.active = False
    elif roll < 0.2:
        person.safety = SafetyState(red_flag=RedFlagGroup.URGENT, red_flag_at=START)
    elif roll < 0.24:
        person.safety = SafetyState(screening=Screening(pregnant=True))
    elif roll < 0.3:
        person.step = Step.RF_URGENT.value  # the red-flag question is open
    elif roll < 0.36:
        person.quiet = True
    return person


async def populate(core: Core, seed: int, people: int) -> None:
    pick = random.Random(seed)
    days = [START.date() + timedelta(days=d) for d in range(-3, 4)]
    async with unit(core) as work:
        for chat_id in range(1, people + 1):
            person = someone(pick, chat_id)
            await work.add(person)
            await work.save(person, resync=True)
            for day in days:
                if pick.random() < 0.3:
                    await work.ratings.set(chat_id, day, pick.randint(0, 10), START)
                if pick.random() < 0.2:
                    done = MoveFeedback(day, "bar_hang", Feedback.DONE)
                    await work.feedback.add(chat_id, done, START)
                for slot in range(3):
                    if pick.random() < 0.12:
                        mark = pick.choice(["done", "skip"])
                        await work.schedule.mark_hang(chat_id, day, slot, mark, START)
            if person.hang_times and pick.random() < 0.2:  # a snooze waiting
                day = START.date() + timedelta(days=1)
                due = START + timedelta(days=1, hours=pick.randint(0, 20)) + SNOOZE
                snooze = Reminder(0, chat_id, Kind.HANG, 0, time(9), due, day, once=True)
                await work.schedule.add(chat_id, snooze)
            for back in range(1, pick.randint(1, 6)):  # prompts sent and not answered
                day = START.date() - timedelta(days=back)
                item = Reminder(0, chat_id, Kind.CHECKIN, 0, time(8), START, day)
                reason = STILL_THERE if pick.random() < 0.1 else None
                await work.schedule.record(item, State.SENT, START, reason)
        await work.commit()


async def snapshot(core: Core) -> tuple[object, ...]:
    async with core.store.unit() as uow:
        everyone = range(1, 200)
        ledger, schedule, quiet = [], [], []
        for chat_id in everyone:
            person = await uow.people.get(chat_id)
            if person is None:
                continue
            quiet.append((chat_id, person.quiet))
            for d in await uow.schedule.deliveries(chat_id):
                ledger.append((chat_id, d.kind, d.slot, d.day, d.attempt, d.state, d.reason, d.due))
            for r in await uow.schedule.of(chat_id):
                schedule.append((chat_id, r.kind, r.slot, r.due, r.day, r.once))
    return sorted(ledger), sorted(schedule), quiet


async def send_everything_queued(core: Core) -> None:
    """As if every queued reminder was sent: what "still there?" counts."""
    query = update(DeliveryRow).where(DeliveryRow.state == State.QUEUED.value)
    async with core.store.engine.begin() as connection:
        await connection.execute(query.values(state=State.SENT.value))


async def test_batches_decide_exactly_as_row_by_row(tmp_path: Path) -> None:
    cores = []
    for name in ("rows", "batches"):
        store = await open_store(f"sqlite+aiosqlite:///{tmp_path / name}.sqlite3")
        cores.append(Core(store, ManualClock(START), default_program()))
    rows, batches = cores
    try:
        for core in cores:
            await populate(core, seed=20261127, people=90)
        assert await snapshot(rows) == await snapshot(batches)
        # Ticks through four days, with an afternoon and a morning of downtime.
        times = [START + timedelta(minutes=30 * step) for step in range(0, 4 * 48, 3)]
        times = [
            t for t in times if not (START + timedelta(hours=30) < t < START + timedelta(hours=35))
        ]
        times = [
            t for t in times if not (START + timedelta(hours=52) < t < START + timedelta(hours=58))
        ]
        reasons: set[str] = set()
        for when in times:
            expected, got = Report(), Report()
            for core in cores:
                assert isinstance(core.clock, ManualClock)
                core.clock.current = when
            await claim_row_by_row(rows, when, expected)
            await reminders.claim(batches, when, got, batch=7)  # small: many batch edges
            assert (got.claimed, got.skipped) == (expected.claimed, expected.skipped), when
            assert await snapshot(batches) == await snapshot(rows), when
            reasons |= set(expected.skipped)
            for core in cores:
                await send_everything_queued(core)
        # The population really exercised the rules.
        assert {
            "paused",
            "inactive",
            "on_hold",
            "red_flags_open",
            "checked_in",
            "quiet",
            "hang_marked",
            "hang_done",
            "no_checkins",
        } <= reasons
        assert reasons & {"hang_too_late", "checkin_too_late", "checkin_after_21"}
        ledger = (await snapshot(batches))[0]
        assert isinstance(ledger, list)
        assert any(row[6] == STILL_THERE and row[3] >= START.date() for row in ledger)
    finally:
        for core in cores:
            await core.store.close()
