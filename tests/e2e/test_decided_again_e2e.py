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
from tests.e2e.conftest import Bot, Person, check_in

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
