"""The dispatcher's decisions without Telegram: what is claimed, what is skipped and why,
quieting down, and the retention sweep, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from coach.model import Equipment, Feedback, MoveFeedback, Profile, RedFlagGroup, SafetyState
from coach.schedule import Kind, State
from services import reminders
from services.clock import ManualClock
from services.core import Core
from services.reminders import KEEP_FOR, NOTICE, STILL_THERE, Report, Sent
from services.unit import unit
from tests.services.conftest import registered

CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
HANG_1 = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 in Berlin


async def claim_at(core: Core, when: datetime) -> Report:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = when
    report = Report()
    await reminders.claim(core, when, report)
    return report


async def ledger(core: Core, chat_id: int) -> list[tuple[str, int, str, str | None]]:
    async with core.store.unit() as uow:
        rows = await uow.schedule.deliveries(chat_id)
    return [(d.kind.value, d.slot, d.state.value, d.reason) for d in rows]


async def test_a_due_prompt_is_queued_once_and_its_row_moves_to_tomorrow(core: Core) -> None:
    await registered(core, 1, hang_times=())
    assert (await claim_at(core, CHECKIN - timedelta(minutes=1))).claimed == 0
    report = await claim_at(core, CHECKIN)
    assert report.claimed == 1 and report.skipped == {}
    assert await ledger(core, 1) == [("checkin", 0, "queued", None)]
    assert (await claim_at(core, CHECKIN + timedelta(minutes=1))).claimed == 0
    async with core.store.unit() as uow:
        rows = [r for r in await uow.schedule.of(1) if r.kind is Kind.CHECKIN]
    assert [r.day for r in rows] == [date(2026, 3, 3)]


async def test_each_skip_reason_is_recorded(core: Core) -> None:
    await registered(core, 1, hang_times=(), active=False)
    await registered(core, 2, hang_times=(), paused=True)
    flagged = SafetyState(red_flag=RedFlagGroup.URGENT, red_flag_at=CHECKIN)
    await registered(core, 3, hang_times=(), safety=flagged)
    await registered(core, 4, hang_times=())
    async with unit(core) as work:
        await work.ratings.set(4, date(2026, 3, 2), 3, CHECKIN - timedelta(hours=1))
        await work.commit()
    report = await claim_at(core, CHECKIN)
    assert report.skipped == {"inactive": 1, "paused": 1, "on_hold": 1, "checked_in": 1}
    assert (await ledger(core, 4))[0][2:] == ("skipped", "checked_in")


async def test_a_hang_done_in_the_plan_or_marked_is_not_reminded(core: Core) -> None:
    await registered(core, 1, checkin_time=None)
    await registered(core, 2, checkin_time=None)
    async with unit(core) as work:
        done = MoveFeedback(date(2026, 3, 2), "bar_hang", Feedback.DONE)
        await work.feedback.add(1, done, CHECKIN)
        await work.schedule.mark_hang(2, date(2026, 3, 2), 0, "skip", CHECKIN)
        await work.commit()
    report = await claim_at(core, HANG_1)
    assert report.skipped == {"hang_done": 1, "hang_marked": 1}


async def test_a_late_hang_after_downtime_is_skipped(core: Core) -> None:
    await registered(core, 1, checkin_time=None)
    report = await claim_at(core, HANG_1 + timedelta(hours=5))
    assert sum(report.skipped.values()) == 1
    assert (await ledger(core, 1))[0][2] == "skipped"


async def test_three_ignored_prompts_bring_one_still_there_and_then_quiet(core: Core) -> None:
    await registered(core, 1, hang_times=())
    for day in range(3):
        await claim_at(core, CHECKIN + timedelta(days=day))
        for sending in await reminders.prepare(core, 10):
            assert await reminders.take(core, sending.delivery)
            await reminders.record_sends(core, [Sent(sending.delivery, State.SENT, None, day + 1)])
    await claim_at(core, CHECKIN + timedelta(days=3))
    assert [row[3] for row in await ledger(core, 1)] == [None, None, None, STILL_THERE]
    async with core.store.unit() as uow:
        person = await uow.people.get(1)
    assert person is not None and person.quiet
    report = await claim_at(core, CHECKIN + timedelta(days=4))
    assert report.skipped == {"quiet": 1}


async def test_two_claimers_at_once_claim_each_due_row_once(core: Core) -> None:
    # On SQLite both read the same due rows; their writes go one at a time, and the one
    # that comes second finds the rows moved, decides again without them, writes nothing.
    for chat_id in range(1, 41):
        await registered(core, chat_id)
    assert isinstance(core.clock, ManualClock)
    core.clock.current = HANG_1
    reports = [Report(), Report()]
    await asyncio.gather(*(reminders.claim(core, HANG_1, r, batch=16) for r in reports))
    assert sum(r.claimed for r in reports) == 80  # each person's check-in and first hang
    for chat_id in range(1, 41):
        assert sorted(row[:3] for row in await ledger(core, chat_id)) == [
            ("checkin", 0, "queued"),
            ("hang", 0, "queued"),
        ]
    assert await claim_at(core, HANG_1) == Report()


async def test_a_blocked_send_marks_the_person_inactive_and_clears_their_schedule(
    core: Core,
) -> None:
    await registered(core, 1, hang_times=())
    await claim_at(core, CHECKIN)
    [sending] = await reminders.prepare(core, 10)
    assert await reminders.take(core, sending.delivery)
    await reminders.record_sends(
        core, [Sent(sending.delivery, State.FAILED, "blocked", None, blocked=True)]
    )
    async with core.store.unit() as uow:
        person = await uow.people.get(1)
        rows = await uow.schedule.of(1)
    assert person is not None and not person.active and rows == []
    assert (await ledger(core, 1))[0][2:] == ("failed", "blocked")


async def test_recover_makes_in_flight_sends_uncertain(core: Core) -> None:
    await registered(core, 1, hang_times=())
    await claim_at(core, CHECKIN)
    [sending] = await reminders.prepare(core, 10)
    assert await reminders.take(core, sending.delivery)
    assert await reminders.recover(core, CHECKIN + timedelta(seconds=5)) == 1
    assert (await ledger(core, 1))[0][2] == "uncertain"


async def test_retention_warns_after_358_days_and_deletes_a_week_after_the_warning(
    core: Core,
) -> None:
    await registered(core, 1, hang_times=())
    await registered(core, 2, hang_times=())
    last = datetime(2025, 1, 10, 8, tzinfo=UTC)
    async with unit(core) as work:
        await work.ratings.set(1, date(2025, 1, 10), 2, last)
        await work.ratings.set(2, date(2025, 6, 1), 2, last + timedelta(days=142))
        await work.commit()
    warn_at = last + KEEP_FOR - NOTICE + timedelta(hours=1)
    assert await reminders.sweep(core, warn_at) == 0
    assert [row[:3] for row in await ledger(core, 1)] == [("retention", 0, "queued")]
    assert await ledger(core, 2) == []
    assert await reminders.sweep(core, warn_at + timedelta(days=3)) == 0  # warned once only
    assert len(await ledger(core, 1)) == 1
    assert await reminders.sweep(core, warn_at + NOTICE) == 1
    async with core.store.unit() as uow:
        assert await uow.people.get(1) is None
        assert await uow.people.get(2) is not None


async def test_a_checkin_after_the_warning_resets_retention(core: Core) -> None:
    await registered(core, 1, hang_times=())
    last = datetime(2025, 1, 10, 8, tzinfo=UTC)
    async with unit(core) as work:
        await work.ratings.set(1, date(2025, 1, 10), 2, last)
        await work.commit()
    warn_at = last + KEEP_FOR - NOTICE + timedelta(hours=1)
    await reminders.sweep(core, warn_at)
    async with unit(core) as work:
        await work.ratings.set(1, warn_at.date(), 1, warn_at + timedelta(hours=1))
        await work.commit()
    assert await reminders.sweep(core, warn_at + NOTICE + timedelta(days=1)) == 0
    async with core.store.unit() as uow:
        assert await uow.people.get(1) is not None


async def test_after_still_there_the_hang_reminders_wait_too(core: Core) -> None:
    await registered(core, 1, quiet=True)  # "still there?" was sent; no answer yet
    report = await claim_at(core, HANG_1)
    assert report.skipped == {"quiet": 2}  # the 08:00 prompt and the 08:30 hang
    assert [row[3] for row in await ledger(core, 1)] == ["quiet", "quiet"]


async def test_without_a_bar_there_are_no_hang_reminders(core: Core) -> None:
    no_bar = frozenset(Equipment) - {Equipment.PULLUP_BAR}
    await registered(core, 1, profile=Profile(no_bar))
    async with core.store.unit() as uow:
        kinds = {r.kind for r in await uow.schedule.of(1)}
    assert Kind.HANG not in kinds and Kind.CHECKIN in kinds


async def test_a_peak_is_claimed_early_by_half_its_sending_time_and_no_more(core: Core) -> None:
    # 120 prompts due at 08:00 at one a second take 120 s: claimed from 07:59:00 (half of
    # it early), not before; ordinary numbers are claimed at their time.
    for chat_id in range(1, 121):
        await registered(core, chat_id, hang_times=())
    before = CHECKIN - timedelta(seconds=61)
    assert await reminders.lead(core, before, rate=1) == timedelta(seconds=60)
    assert await reminders.lead(core, before, rate=25) == timedelta(0)  # 2.4 s: no peak
    report = Report()
    await reminders.claim(core, before, report, until=before + timedelta(seconds=60))
    assert report.claimed == 0
    at = CHECKIN - timedelta(seconds=60)
    await reminders.claim(core, at, report, until=at + await reminders.lead(core, at, rate=1))
    assert report.claimed == 120 and report.skipped == {}
    # Claimed and moved: the queue keeps the lead while it is sent, nothing is claimed twice.
    assert await reminders.lead(core, at, rate=1) == timedelta(seconds=60)
    await reminders.claim(core, CHECKIN, report)
    assert report.claimed == 120


async def test_the_lead_counts_due_rows_only_as_far_as_it_needs(core: Core) -> None:
    # At a twentieth of a reminder a second, 60 rows already take 20 minutes: the lead is at
    # its most (10 minutes), and the count stops there instead of reading all 120.
    for chat_id in range(1, 121):
        await registered(core, chat_id, hang_times=())
    at = CHECKIN - timedelta(minutes=10)
    async with core.store.unit() as uow:
        assert await uow.schedule.count_due(CHECKIN) == 120
        assert await uow.schedule.count_due(CHECKIN, at_most=60) == 60
        assert await uow.schedule.count_due(CHECKIN, at_most=500) == 120
    assert await reminders.lead(core, at, rate=0.05) == reminders.EARLY_AT_MOST
    assert await reminders.lead(core, at, rate=0.05, paid_rate=0.05) == reminders.EARLY_AT_MOST


def test_a_peak_of_33000_with_paid_broadcasts_is_sent_in_the_time_they_allow() -> None:
    # The free 25 a second alone: 22 minutes, so sent from 11 early to 11 late.
    assert reminders.sending_time(33_000, 25) == timedelta(minutes=22)
    assert reminders.sending_time(33_000, 25, paid_rate=0) == timedelta(minutes=22)
    # 5 paid a second besides: 18,000 beyond the ten minutes' 15,000 go at 30 a second (10
    # minutes), the last 15,000 free (10 more): 20 minutes, within ±10; 3,000 paid.
    assert reminders.sending_time(33_000, 25, paid_rate=5) == timedelta(minutes=20)
    # 100 paid a second: 18,000 at 125 a second, then the free ten minutes.
    assert reminders.sending_time(33_000, 25, paid_rate=100) == timedelta(seconds=744)
    # A queue the free rate sends within the window never pays.
    assert reminders.sending_time(15_000, 25, paid_rate=100) == timedelta(minutes=10)
    assert not reminders.paying(15_000, 25, 100) and reminders.paying(15_001, 25, 100)
    assert not reminders.paying(33_000, 25, 0)
    assert reminders.paying(11, 5, 20, window=timedelta(seconds=2))


async def test_with_paid_broadcasts_a_peak_is_claimed_early_by_half_its_shorter_time(
    core: Core,
) -> None:
    # 240 prompts at 1 a second free take 240 s: claimed 120 s early. With 1 paid a second
    # beyond what the free rate sends in 30 s: 210 at 2 a second, then 30 free: 135 s, so
    # 67.5 s early; with 2 paid a second, 100 s: half of it is no peak.
    for chat_id in range(1, 241):
        await registered(core, chat_id, hang_times=())
    at = CHECKIN - timedelta(seconds=130)
    window = timedelta(seconds=30)
    assert await reminders.lead(core, at, rate=1) == timedelta(seconds=120)
    paid = await reminders.lead(core, at, rate=1, paid_rate=1, window=window)
    assert paid == timedelta(seconds=67.5)
    assert await reminders.lead(core, at, rate=1, paid_rate=2, window=window) == timedelta(0)


async def test_never_more_than_ten_minutes_early(core: Core) -> None:
    for chat_id in range(1, 81):
        await registered(core, chat_id, hang_times=())
    assert await reminders.lead(core, CHECKIN, rate=0.01) == reminders.EARLY_AT_MOST
