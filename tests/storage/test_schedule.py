"""The schedule rows and ledger on both backends; on PostgreSQL, dispatchers never share a row."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coach.model import Person
from coach.schedule import Kind, Reminder, State
from services.kinds import schedule_for
from storage.schedule import Ending, Entry, Move
from storage.unit_of_work import Store

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


async def person_with_schedule(store: Store, chat_id: int) -> list[Reminder]:
    async with store.unit() as uow:
        await uow.people.add(Person(chat_id, NOW, timezone="Europe/Berlin", registered=True))
        times = {Kind.CHECKIN: (time(8),), Kind.HANG: (time(8, 30), time(18, 30))}
        await uow.schedule.replace(chat_id, schedule_for(times, "Europe/Berlin", NOW))
        await uow.commit()
        return await uow.schedule.of(chat_id)


async def test_due_rows_come_oldest_first_and_only_when_due(store: Store) -> None:
    rows = await person_with_schedule(store, 1)
    assert [(r.kind, r.slot) for r in rows] == [(Kind.CHECKIN, 0), (Kind.HANG, 0), (Kind.HANG, 1)]
    async with store.unit() as uow:
        assert await uow.schedule.due(NOW) == []
        due = await uow.schedule.due(NOW + timedelta(hours=1))
        all_morning = await uow.schedule.due(NOW + timedelta(hours=2))
    assert [(r.kind, r.due) for r in due] == [(Kind.CHECKIN, NOW + timedelta(hours=1))]
    assert [(r.kind, r.slot) for r in all_morning] == [(Kind.CHECKIN, 0), (Kind.HANG, 0)]


async def test_each_snooze_of_an_occurrence_is_a_new_attempt_in_the_ledger(store: Store) -> None:
    [checkin, *_] = await person_with_schedule(store, 1)
    async with store.unit() as uow:
        first = await uow.schedule.record(checkin, State.QUEUED, NOW)
        again = await uow.schedule.record(checkin, State.QUEUED, NOW)
        await uow.schedule.set_state(first.id, State.SENDING, NOW)
        assert await uow.schedule.abandon_in_flight(NOW) == 1
        await uow.commit()
        states = [(d.attempt, d.state) for d in await uow.schedule.deliveries(1)]
    assert (first.attempt, again.attempt) == (0, 1)
    assert states == [(0, State.UNCERTAIN), (1, State.QUEUED)]


async def test_ends_are_recorded_together_and_only_on_rows_still_being_sent(store: Store) -> None:
    checkin, hang, _evening = await person_with_schedule(store, 1)
    later = NOW + timedelta(minutes=1)
    async with store.unit() as uow:
        sent = await uow.schedule.record(checkin, State.QUEUED, NOW)
        failed = await uow.schedule.record(hang, State.QUEUED, NOW)
        settled = await uow.schedule.record(checkin, State.QUEUED, NOW)
        for delivery in (sent, failed, settled):
            await uow.schedule.set_state(delivery.id, State.SENDING, NOW, reason="kept")
        # One was settled meanwhile (a sender that took too long): its end is not recorded.
        await uow.schedule.set_state(settled.id, State.UNCERTAIN, NOW, reason="never finished")
        await uow.schedule.end_many(
            [
                Ending(sent.id, State.SENT, message_id=77),
                Ending(failed.id, State.FAILED, reason="bad request"),
                Ending(settled.id, State.SENT, message_id=78),
            ],
            later,
        )
        await uow.commit()
        rows = {d.id: d for d in await uow.schedule.deliveries(1)}
    assert (rows[sent.id].state, rows[sent.id].message_id, rows[sent.id].reason) == (
        State.SENT,
        77,
        "kept",  # an end without a reason keeps the one there
    )
    assert rows[sent.id].at == later
    assert (rows[failed.id].state, rows[failed.id].reason) == (State.FAILED, "bad request")
    assert rows[failed.id].message_id is None
    assert (rows[settled.id].state, rows[settled.id].reason) == (State.UNCERTAIN, "never finished")
    assert rows[settled.id].message_id is None


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_dispatchers_on_postgresql_never_claim_the_same_row(store: Store) -> None:
    await person_with_schedule(store, 1)
    await person_with_schedule(store, 2)
    later = NOW + timedelta(days=1)
    async with store.unit() as first, store.unit() as second:
        claimed = await first.schedule.due(later)  # locks what it returns until it commits
        others = await second.schedule.due(later)  # skips the locked rows
        assert len(claimed) == 6 and others == []
        await first.commit()
    async with store.unit() as third:
        assert len(await third.schedule.due(later)) == 6  # nothing moved them: due again
    assert {r.day for r in claimed} == {date(2026, 3, 2)}


def _next_day(rows: list[Reminder]) -> list[Move]:
    return [Move(r.id, r.due, r.due + timedelta(days=1), r.day + timedelta(days=1)) for r in rows]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_of_two_claimers_that_read_the_same_rows_each_row_goes_to_one(store: Store) -> None:
    await person_with_schedule(store, 1)
    snooze = Reminder(0, 1, Kind.HANG, 0, time(8, 30), NOW, NOW.date(), once=True)
    async with store.unit() as uow:
        await uow.schedule.add(1, snooze)
        await uow.commit()
    later = NOW + timedelta(days=1)
    async with store.unit() as first, store.unit() as second:
        read_first = await first.schedule.due(later)
        read_second = await second.schedule.due(later)  # SQLite: the same rows
        [snooze_id] = [r.id for r in read_first if r.once]
        repeating = [r for r in read_first if not r.once]
        assert len(repeating) == 3 and read_second == read_first
        # The first claims the snooze and two rows; the second tries all of them after it.
        taken = await first.schedule.claim_rows({snooze_id}, _next_day(repeating[:2]))
        assert taken == {snooze_id, repeating[0].id, repeating[1].id}
        await first.commit()
        left = await second.schedule.claim_rows({snooze_id}, _next_day(repeating))
        assert left == {repeating[2].id}
        await second.commit()
    async with store.unit() as uow:
        after = await uow.schedule.of(1)
    assert sorted((r.id, r.due) for r in after) == sorted(
        (r.id, r.due + timedelta(days=1)) for r in repeating
    )


async def test_the_latest_prompts_are_each_persons_own_newest_oldest_first(store: Store) -> None:
    # Long and short histories side by side, other kinds between them: each person's latest
    # few check-in rows, however far back their ledger goes, and nobody else's.
    for chat_id in (1, 2, 3):
        await person_with_schedule(store, chat_id)
    async with store.unit() as uow:
        for back in range(40, 0, -1):
            day = NOW.date() - timedelta(days=back)
            for chat_id in (1, 2) if back <= 2 else (1,):
                prompt = Reminder(0, chat_id, Kind.CHECKIN, 0, time(8), NOW, day)
                hang = Reminder(0, chat_id, Kind.HANG, 0, time(9), NOW, day)
                state = State.SKIPPED if back % 7 == 0 else State.SENT
                await uow.schedule.record(prompt, state, NOW, "paused" if back % 7 == 0 else None)
                await uow.schedule.record(hang, State.SENT, NOW)
        await uow.commit()
        recent = await uow.schedule.recent_many({1, 2, 3}, Kind.CHECKIN, 9)
    assert set(recent) == {1, 2}
    first_days = [NOW.date() - timedelta(days=back) for back in range(9, 0, -1)]
    assert [p.day for p in recent[1]] == first_days
    assert [p.state for p in recent[1]][-7] == State.SKIPPED  # seven days back
    assert recent[1][-7].reason == "paused"
    assert [(p.day, p.state, p.reason) for p in recent[2]] == [
        (NOW.date() - timedelta(days=2), State.SENT, None),
        (NOW.date() - timedelta(days=1), State.SENT, None),
    ]


async def test_the_latest_prompts_are_the_latest_days_whatever_order_they_were_written(
    store: Store,
) -> None:
    # The walk back reads the ledger's unique index: latest by day, then by attempt (a day
    # asked again after a time change), not by when each row happened to be written.
    await person_with_schedule(store, 1)
    days = [NOW.date() - timedelta(days=back) for back in (1, 5, 2, 4, 3, 6)]
    async with store.unit() as uow:
        for day in days:
            prompt = Reminder(0, 1, Kind.CHECKIN, 0, time(8), NOW, day)
            await uow.schedule.record(prompt, State.SENT, NOW)
        again = Reminder(0, 1, Kind.CHECKIN, 0, time(8), NOW, days[3])  # four days back
        await uow.schedule.record(again, State.SKIPPED, NOW, "paused")
        await uow.commit()
        recent = await uow.schedule.recent_many({1}, Kind.CHECKIN, 5)
    assert [(p.day, p.state) for p in recent[1]] == [
        (NOW.date() - timedelta(days=4), State.SENT),
        (NOW.date() - timedelta(days=4), State.SKIPPED),
        (NOW.date() - timedelta(days=3), State.SENT),
        (NOW.date() - timedelta(days=2), State.SENT),
        (NOW.date() - timedelta(days=1), State.SENT),
    ]


async def test_attempts_are_numbered_per_occurrence_among_many(store: Store) -> None:
    # One batch of ledger rows for several people, kinds, slots and days: each occurrence
    # counts its own earlier rows only.
    for chat_id in (1, 2):
        await person_with_schedule(store, chat_id)
    today, yesterday = NOW.date(), NOW.date() - timedelta(days=1)
    items = [
        Reminder(0, chat_id, kind, slot, time(8), NOW, day)
        for chat_id in (1, 2)
        for kind, slot in ((Kind.CHECKIN, 0), (Kind.HANG, 0), (Kind.HANG, 1))
        for day in (yesterday, today)
    ]
    async with store.unit() as uow:
        await uow.schedule.record(items[0], State.SENT, NOW)  # person 1's check-in yesterday
        await uow.schedule.record(items[3], State.SENT, NOW)  # person 1's first hang today
        await uow.schedule.record(items[3], State.SENT, NOW)  # ... snoozed once
        await uow.schedule.record_many([Entry(item, State.QUEUED) for item in items], NOW)
        await uow.commit()
        attempts = {
            (d.chat_id, d.kind, d.slot, d.day): d.attempt
            for d in await uow.schedule.in_state(State.QUEUED, 100)
        }
    assert attempts[1, Kind.CHECKIN, 0, yesterday] == 1
    assert attempts[1, Kind.HANG, 0, today] == 2
    assert attempts[1, Kind.CHECKIN, 0, today] == 0
    assert attempts[2, Kind.HANG, 0, today] == 0
    assert len(attempts) == len(items)


async def test_an_occurrence_twice_in_one_batch_is_two_attempts_in_the_order_given(
    store: Store,
) -> None:
    # The first of the two is written as the first attempt; the second, left out by the
    # unique index, is counted and written as the next, after the rows that went in at once.
    await person_with_schedule(store, 1)
    morning = Reminder(0, 1, Kind.HANG, 0, time(8), NOW, NOW.date())
    evening = Reminder(0, 1, Kind.HANG, 1, time(18), NOW, NOW.date())
    entries = [
        Entry(morning, State.SKIPPED, "late"),
        Entry(evening, State.QUEUED),
        Entry(morning, State.QUEUED),
    ]
    async with store.unit() as uow:
        await uow.schedule.record_many(entries, NOW)
        await uow.commit()
        written = await uow.schedule.deliveries(1)
    assert [(d.slot, d.attempt, d.state, d.reason) for d in written] == [
        (0, 0, State.SKIPPED, "late"),
        (1, 0, State.QUEUED, None),
        (0, 1, State.QUEUED, None),
    ]


async def test_the_latest_prompts_after_a_day_stop_at_that_day_for_each_person(
    store: Store,
) -> None:
    # Each person's walk stops at their own day (their latest check-in, for "still there?"):
    # rows of that day and before are not read, however few rows that leaves; a person with
    # no day given is walked as far as the limit.
    for chat_id in (1, 2, 3):
        await person_with_schedule(store, chat_id)
    today = NOW.date()
    async with store.unit() as uow:
        for back in range(12, 0, -1):
            for chat_id in (1, 2, 3):
                day = today - timedelta(days=back)
                await uow.schedule.record(
                    Reminder(0, chat_id, Kind.CHECKIN, 0, time(8), NOW, day), State.SENT, NOW
                )
        await uow.commit()
        after = {1: today - timedelta(days=3), 2: today - timedelta(days=30)}
        recent = await uow.schedule.recent_many({1, 2, 3}, Kind.CHECKIN, 9, after=after)
    assert [p.day for p in recent[1]] == [today - timedelta(days=b) for b in (2, 1)]
    nine = [today - timedelta(days=b) for b in range(9, 0, -1)]
    assert [p.day for p in recent[2]] == nine
    assert [p.day for p in recent[3]] == nine
