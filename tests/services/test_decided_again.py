"""A reminder is decided again just before it is sent: at a peak it was claimed up to ten
minutes early and may have queued for ten more, and after a restart it may have waited
longer. What the person did meanwhile (a check-in of their own, a pause, an emergency
answer, the hang done) holds it back as it would have at its claim, recorded in the ledger
with the same reason; what the claim itself decided ("still there?") and the retention
warning still go."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from coach.model import Feedback, MoveFeedback, RedFlagGroup, SafetyState
from coach.schedule import State
from services import reminders
from services.clock import ManualClock
from services.core import Core
from services.reminders import KEEP_FOR, NOTICE, STILL_THERE, Report, Sent
from services.unit import unit
from tests.services.conftest import registered

CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
HANG_1 = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
DAY = date(2026, 3, 2)


async def claimed_early(core: Core, due: datetime, early: timedelta) -> Report:
    """Claim what is due at ``due`` from ``early`` before it, as at a peak."""
    assert isinstance(core.clock, ManualClock)
    core.clock.current = due - early
    report = Report()
    await reminders.claim(core, core.clock.current, report, until=due)
    return report


async def sent_now(core: Core, when: datetime) -> list[int]:
    """What the sender would send at ``when``: the chats of the deliveries it prepares."""
    assert isinstance(core.clock, ManualClock)
    core.clock.current = when
    return sorted(s.delivery.chat_id for s in await reminders.prepare(core, 100))


async def ledger(core: Core, chat_id: int) -> list[tuple[str, str, str | None]]:
    async with core.store.unit() as uow:
        rows = await uow.schedule.deliveries(chat_id)
    return [(d.kind.value, d.state.value, d.reason) for d in rows]


async def change(core: Core, chat_id: int, **changes: object) -> None:
    async with unit(core) as work:
        person = await work.person(chat_id)
        assert person is not None
        for name, value in changes.items():
            setattr(person, name, value)
        await work.save(person)
        await work.commit()


async def test_a_prompt_claimed_early_skips_someone_who_checked_in_meanwhile(core: Core) -> None:
    await registered(core, 1, hang_times=())
    await registered(core, 2, hang_times=())
    assert (await claimed_early(core, CHECKIN, timedelta(minutes=8))).claimed == 2
    async with unit(core) as work:  # person 1 checks in at 07:55, before their prompt went
        await work.ratings.set(1, DAY, 3, CHECKIN - timedelta(minutes=5))
        await work.commit()
    assert await sent_now(core, CHECKIN - timedelta(minutes=4)) == [2]
    assert await ledger(core, 1) == [("checkin", "skipped", "checked_in")]
    assert await ledger(core, 2) == [("checkin", "queued", None)]
    assert await sent_now(core, CHECKIN) == [2]  # held back once, never asked again


async def test_a_pause_or_an_emergency_answer_since_the_claim_holds_every_kind_back(
    core: Core,
) -> None:
    for chat_id in (1, 2, 3):
        await registered(core, chat_id, checkin_time=None)
    await claimed_early(core, HANG_1, timedelta(minutes=6))
    await change(core, 1, paused=True)
    await change(core, 2, safety=SafetyState(red_flag=RedFlagGroup.URGENT, red_flag_at=HANG_1))
    assert await sent_now(core, HANG_1) == [3]
    assert await ledger(core, 1) == [("hang", "skipped", "paused")]
    assert await ledger(core, 2) == [("hang", "skipped", "on_hold")]


async def test_a_hang_done_in_the_plan_or_marked_since_the_claim_is_not_reminded(
    core: Core,
) -> None:
    for chat_id in (1, 2, 3):
        await registered(core, chat_id, checkin_time=None)
    await claimed_early(core, HANG_1, timedelta(minutes=6))
    async with unit(core) as work:
        done = MoveFeedback(DAY, "bar_hang", Feedback.DONE)
        await work.feedback.add(1, done, HANG_1 - timedelta(minutes=3))
        await work.schedule.mark_hang(2, DAY, 0, "done", HANG_1 - timedelta(minutes=2))
        await work.commit()
    assert await sent_now(core, HANG_1) == [3]
    assert await ledger(core, 1) == [("hang", "skipped", "hang_done")]
    assert await ledger(core, 2) == [("hang", "skipped", "hang_marked")]


async def test_a_queued_reminder_found_after_a_long_stop_goes_only_within_its_grace(
    core: Core,
) -> None:
    # Queued at 08:00 and 08:30, the bot then down until 09:40: the hang is over an hour
    # late and goes no more; the check-in prompt may be up to four hours late.
    await registered(core, 1, hang_times=(time(8, 30),))
    await claimed_early(core, HANG_1, timedelta(0))
    assert await sent_now(core, HANG_1 + timedelta(minutes=70)) == [1]
    assert await ledger(core, 1) == [
        ("checkin", "queued", None),
        ("hang", "skipped", "hang_too_late"),
    ]


async def test_still_there_and_the_retention_warning_still_go(core: Core) -> None:
    # "Still there?" quiets its person at the claim: that is no reason to hold it back. The
    # retention warning goes however late and whatever the person's state: the deletion
    # waits for it.
    await registered(core, 1, hang_times=())
    for day in range(3):
        assert isinstance(core.clock, ManualClock)
        core.clock.current = CHECKIN + timedelta(days=day)
        await reminders.claim(core, core.clock.current, Report())
        for sending in await reminders.prepare(core, 10):
            assert await reminders.take(core, sending.delivery)
            await reminders.record_sends(core, [Sent(sending.delivery, State.SENT, None, day + 1)])
    await claimed_early(core, CHECKIN + timedelta(days=3), timedelta(minutes=5))
    [sending] = await reminders.prepare(core, 10)
    assert sending.delivery.reason == STILL_THERE

    await registered(core, 2, hang_times=(), paused=True)
    last = datetime(2025, 1, 10, 8, tzinfo=UTC)
    async with unit(core) as work:
        await work.ratings.set(2, last.date(), 2, last)
        await work.commit()
    warn_at = last + KEEP_FOR - NOTICE + timedelta(hours=1)
    await reminders.sweep(core, warn_at)
    assert 2 in await sent_now(core, warn_at + timedelta(days=2))


async def test_a_delivery_another_sender_took_is_left_as_it_is(core: Core) -> None:
    await registered(core, 1, hang_times=())
    await claimed_early(core, CHECKIN, timedelta(minutes=8))
    [sending] = await reminders.prepare(core, 10)
    assert await reminders.take(core, sending.delivery)  # another sender took it first
    async with unit(core) as work:
        await work.ratings.set(1, DAY, 3, CHECKIN - timedelta(minutes=5))
        await work.commit()
    assert await sent_now(core, CHECKIN) == []
    assert await ledger(core, 1) == [("checkin", "sending", None)]
