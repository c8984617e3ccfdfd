"""A morning's check-in prompts claimed early, as at a peak, through the real bot on both
databases: someone who checks in by themselves before their prompt goes never gets it (the
ledger says why), everyone else does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.schedule import Kind, State
from conversations.health import monitor_of
from services import reminders
from services.reminders import Report
from tests.e2e.conftest import Bot, Person, check_in, no_to_safety, to_safety_questions

pytestmark = pytest.mark.e2e

TOMORROW_08 = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


async def test_a_prompt_claimed_early_is_not_sent_to_someone_who_checked_in_meanwhile(
    bot: Bot,
) -> None:
    early, late = Person(bot, 5001), Person(bot, 5002)
    for person in (early, late):
        await person.onboard()
        await person.press("3")
        await person.expect("Today's plan")
    # 07:52: a peak's prompts are claimed up to ten minutes before their time.
    bot.clock.current = TOMORROW_08 - timedelta(minutes=8)
    claimed = Report()
    await reminders.claim(bot.app.dispatcher.deps, bot.clock.now(), claimed, until=TOMORROW_08)
    # Two prompts, and yesterday evening's hangs (no dispatch ran since): too late by now.
    assert claimed.claimed == 4 and claimed.skipped == {"hang_too_late": 2}
    bot.clock.current = TOMORROW_08 - timedelta(minutes=5)
    await check_in(early, 2)  # at 07:55, by themselves
    seen_early, seen_late = early.seen, late.seen

    registry = monitor_of(bot.app).metrics.registry
    skipped = {"outcome": "skipped"}
    before = registry.get_sample_value("backcoach_reminders_total", skipped) or 0
    report = await bot.app.dispatcher.dispatch(TOMORROW_08)
    assert report.skipped == {"checked_in": 1}
    assert registry.get_sample_value("backcoach_reminders_total", skipped) == before + 1
    await late.expect("How does your back feel")
    await early.say("/help")
    await early.expect("this list")
    assert not any(
        "How does your back feel" in (m.text or "") for m in early.messages()[seen_early:]
    )
    assert len(late.messages()) > seen_late
    async with bot.store.unit() as uow:
        ledger = {
            chat: [
                (d.state, d.reason)
                for d in await uow.schedule.deliveries(chat)
                if d.kind is Kind.CHECKIN
            ]
            for chat in (early.user_id, late.user_id)
        }
    assert ledger == {
        early.user_id: [(State.SKIPPED, "checked_in")],
        late.user_id: [(State.SENT, None)],
    }


async def test_a_peak_elsewhere_never_sends_a_prompt_before_the_persons_day(bot: Bot) -> None:
    # 23:57 in Berlin is 07:57 in Tokyo: Tokyo's 08:00 prompt may go early, but Berlin's
    # 00:05 prompt asks about a day that has not begun. It waits for its time, and its
    # buttons then rate that day.
    night, tokyo = Person(bot, 5003), Person(bot, 5004)
    await to_safety_questions(night)
    await no_to_safety(night)
    await night.say("00:05")
    await night.choose_equipment(("pull-up bar",))
    await night.expect("type 2 or 3 times")
    await night.say("12:00, 13:00")
    await night.expect("All set")
    await tokyo.onboard(zone="Asia/Tokyo")
    tokyo_08 = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    berlin_0005 = datetime(2026, 3, 2, 23, 5, tzinfo=UTC)

    bot.clock.current = tokyo_08 - timedelta(minutes=3)  # 23:57 in Berlin
    await reminders.claim(bot.app.dispatcher.deps, bot.clock.now(), Report(), until=berlin_0005)
    seen = night.seen
    await bot.app.dispatcher.dispatch(bot.clock.now())
    await tokyo.expect("How does your back feel")
    async with bot.store.unit() as uow:
        assert [
            d for d in await uow.schedule.deliveries(night.user_id) if d.kind is Kind.CHECKIN
        ] == []

    bot.clock.current = berlin_0005
    await bot.app.dispatcher.dispatch(berlin_0005)
    await night.expect("How does your back feel")
    assert len(night.messages()) > seen
    await night.press("3")
    await night.expect("Today's plan")
