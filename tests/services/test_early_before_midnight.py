"""At a peak, reminders are claimed up to ten minutes early (services/reminders.py,
``lead``): never before the person's own day has begun. A check-in prompt for 00:05 asks
about the new day; sent at 23:57 the day before, its buttons would belong to a day that has
not come (a tap before midnight gets "that button is from Tuesday"), and the morning text
would arrive the evening before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from services import reminders
from services.clock import ManualClock
from services.core import Core
from services.reminders import Report
from tests.services.conftest import registered

# 00:05 in Berlin on 3 March; 08:05 in Tokyo, where a peak would be.
AFTER_MIDNIGHT = datetime(2026, 3, 2, 23, 5, tzinfo=UTC)


async def claim_early(core: Core, at: datetime, until: datetime) -> Report:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = at
    report = Report()
    await reminders.claim(core, at, report, until=until)
    return report


async def due_chats(core: Core, at: datetime) -> list[int]:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = at
    return sorted(s.delivery.chat_id for s in await reminders.prepare(core, 100))


async def test_a_reminder_after_local_midnight_is_not_claimed_the_evening_before(
    core: Core,
) -> None:
    await registered(core, 1, checkin_time=time(0, 5), hang_times=())
    await registered(core, 2, timezone="Asia/Tokyo", checkin_time=time(8, 5), hang_times=())
    early = AFTER_MIDNIGHT - timedelta(minutes=8)  # 23:57 in Berlin, 07:57 in Tokyo
    report = await claim_early(core, early, AFTER_MIDNIGHT)
    assert report.claimed == 1  # Tokyo's, whose morning has come; Berlin's day has not
    assert await due_chats(core, early + timedelta(minutes=1)) == [2]

    # From midnight in Berlin it may go early too (Tokyo's still waits for its turn).
    report = await claim_early(core, AFTER_MIDNIGHT - timedelta(minutes=3), AFTER_MIDNIGHT)
    assert report.claimed == 1
    waiting = {(s.delivery.chat_id, s.delivery.day) for s in await reminders.prepare(core, 100)}
    assert waiting == {(1, date(2026, 3, 3)), (2, date(2026, 3, 3))}


async def test_rows_left_for_their_day_do_not_stop_the_claim_of_others(core: Core) -> None:
    # More rows left for their day than a batch reads: the claim goes on past them.
    for chat in range(1, 8):
        await registered(core, chat, checkin_time=time(0, 5), hang_times=())
    for chat in range(8, 12):
        await registered(core, chat, timezone="Asia/Tokyo", checkin_time=time(8, 6), hang_times=())
    early = AFTER_MIDNIGHT - timedelta(minutes=8)
    assert isinstance(core.clock, ManualClock)
    core.clock.current = early
    report = Report()
    await reminders.claim(core, early, report, batch=3, until=AFTER_MIDNIGHT + timedelta(minutes=1))
    assert report.claimed == 4  # Tokyo's check-ins, read after Berlin's seven
