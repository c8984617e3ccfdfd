"""No reminder goes after its own local day has ended: its buttons would rate or mark a day
that is over (and are refused as from another day). A prompt late past midnight, and a bar
hang whose snooze went late past midnight, are skipped as ``day_over``; a snooze that would
end after midnight is not offered; the next day's come as usual."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from coach import texts
from coach.schedule import State
from services import reminders
from services.actions import Action
from services.clock import ManualClock
from services.core import Core
from services.reminders import STILL_THERE, Sent
from tests.services.conftest import registered
from tests.services.test_dispatch_decisions import claim_at

MONDAY = date(2026, 3, 2)


async def test_a_hang_snoozed_past_midnight_is_not_sent_the_next_day(core: Core) -> None:
    await registered(core, 1, checkin_time=time(9), hang_times=(time(12), time(23, 40)))
    hang = datetime(2026, 3, 2, 22, 40, tzinfo=UTC)  # 23:40 in Berlin
    report = await claim_at(core, hang + timedelta(seconds=10))
    assert report.claimed >= 1 and "day_over" not in report.skipped
    # Snoozed at 23:44 until 23:59; the bot is back from a short stop only at 00:01.
    assert isinstance(core.clock, ManualClock)
    core.clock.current = hang + timedelta(minutes=4)
    said = await reminders.hang_answer(core, 1, Action.HANG_SNOOZE, MONDAY, "1")
    assert said.toast == texts.HANG_SNOOZE_ACK
    report = await claim_at(core, hang + timedelta(minutes=21))
    assert report.skipped == {"day_over": 1}


async def test_a_prompt_held_in_the_queue_past_midnight_is_held_back(core: Core) -> None:
    await registered(core, 1, checkin_time=time(23, 55), hang_times=())
    due = datetime(2026, 3, 2, 22, 55, tzinfo=UTC)  # 23:55 in Berlin
    assert (await claim_at(core, due + timedelta(seconds=10))).claimed == 1
    # Queued at its time, still waiting (a peak's queue, a stop) at 00:01 on Tuesday.
    assert isinstance(core.clock, ManualClock)
    core.clock.current = due + timedelta(minutes=6)
    assert await reminders.prepare(core, 10) == []
    async with core.store.unit() as uow:
        [row] = await uow.schedule.deliveries(1)
    assert (row.day, row.state.value, row.reason) == (MONDAY, "skipped", "day_over")


async def test_a_snooze_that_would_land_after_midnight_says_so_instead(core: Core) -> None:
    # "I'll remind you again in 15 minutes" would be a promise the day's end breaks: near
    # midnight the person hears why there is no snooze, and what to press instead.
    await registered(core, 1, checkin_time=time(9), hang_times=(time(12), time(23, 40)))
    hang = datetime(2026, 3, 2, 22, 40, tzinfo=UTC)  # 23:40 in Berlin
    await claim_at(core, hang + timedelta(seconds=10))
    assert isinstance(core.clock, ManualClock)
    core.clock.current = hang + timedelta(minutes=4)  # 23:44: the snooze ends at 23:59
    said = await reminders.hang_answer(core, 1, Action.HANG_SNOOZE, MONDAY, "1")
    assert said.toast == texts.HANG_SNOOZE_ACK
    core.clock.current = hang + timedelta(minutes=5)  # 23:45: it would end at midnight
    said = await reminders.hang_answer(core, 1, Action.HANG_SNOOZE, MONDAY, "0")
    assert said.toast == texts.HANG_SNOOZE_PAST_MIDNIGHT
    async with core.store.unit() as uow:
        assert [r.slot for r in await uow.schedule.of(1) if r.once] == [1]
    report = await claim_at(core, hang + timedelta(minutes=19, seconds=10))
    assert (report.claimed, report.skipped) == (1, {})  # 23:59: the first snooze goes


async def test_still_there_goes_however_late_it_is_sent(core: Core) -> None:
    # "Still there?" has no buttons for a day: it tells the person why prompts stop. Held
    # back, they would stop without a word; it goes past midnight, and hours late.
    await registered(core, 1, checkin_time=time(23, 55), hang_times=())
    due = datetime(2026, 3, 2, 22, 55, tzinfo=UTC)  # 23:55 in Berlin
    for day in range(3):  # three prompts sent and not answered
        await claim_at(core, due + timedelta(days=day, seconds=10))
        for sending in await reminders.prepare(core, 10):
            assert await reminders.take(core, sending.delivery)
            await reminders.record_sends(core, [Sent(sending.delivery, State.SENT, None, day + 1)])
    await claim_at(core, due + timedelta(days=3, seconds=10))
    assert isinstance(core.clock, ManualClock)
    core.clock.current = due + timedelta(days=3, minutes=10)  # still queued at 00:05
    [sending] = await reminders.prepare(core, 10)
    assert sending.delivery.reason == STILL_THERE
