"""Check-in times late in the evening, through the real bot on both databases.

A late check-in prompt is held back after 21:00 (a morning's prompt, hours late after a
stop, is no message for the night), but a prompt someone asked for at 22:00 is not late
at 22:00: it comes every evening. And a prompt that would go after its local day has ended
(asked for 23:55, ten minutes late) is held back: its buttons would rate a day that is
over, and the next evening's comes as usual. A bar hang's snooze that would end after
midnight is not offered: the pop-up says why and what to press instead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coach.schedule import Kind
from tests.e2e.conftest import Bot, Person, no_to_safety, to_safety_questions

pytestmark = pytest.mark.e2e

TICK = timedelta(seconds=10)  # a tick runs up to 20 s after a reminder's time


async def onboard_at(person: Person, checkin: str, *, check_in: bool = True) -> None:
    """Onboarding in Berlin with a typed check-in time and no bar (no hang reminders),
    then (or not) today's first check-in."""
    await to_safety_questions(person)
    await no_to_safety(person)
    await person.say(checkin)
    await person.choose_equipment(())
    await person.expect("How does your back feel")
    if check_in:
        await person.press("3")
        await person.expect("Today's plan")


async def checkin_ledger(bot: Bot, chat_id: int) -> list[tuple[date, str, str | None]]:
    async with bot.store.unit() as uow:
        rows = await uow.schedule.deliveries(chat_id)
    return [(d.day, d.state.value, d.reason) for d in rows if d.kind is Kind.CHECKIN]


async def test_a_check_in_time_after_21_gets_its_prompt_every_evening(bot: Bot) -> None:
    person = Person(bot, 5101)
    await onboard_at(person, "22:00")
    bot.clock.current = datetime(2026, 3, 2, 21, 0, tzinfo=UTC) + TICK
    report = await bot.app.dispatcher.dispatch(bot.clock.now())
    assert report.skipped == {"checked_in": 1}  # Monday's rating was given at onboarding
    for day in (3, 4):
        due = datetime(2026, 3, day, 21, 0, tzinfo=UTC)  # 22:00 in Berlin
        bot.clock.current = due + TICK
        await bot.app.dispatcher.dispatch(bot.clock.now())
        await person.expect("How does your back feel")
        await person.press("2")
        await person.expect("Today's plan")
    assert await checkin_ledger(bot, person.user_id) == [
        (date(2026, 3, 2), "skipped", "checked_in"),
        (date(2026, 3, 3), "sent", None),
        (date(2026, 3, 4), "sent", None),
    ]


async def test_a_prompt_that_would_go_after_its_day_has_ended_is_held_back(bot: Bot) -> None:
    person = Person(bot, 5102)
    await onboard_at(person, "23:55", check_in=False)  # Monday's question left open
    seen = person.seen
    # Monday's 23:55 prompt, ten minutes late (a stop, or a peak): Tuesday 00:05 in Berlin.
    bot.clock.current = datetime(2026, 3, 2, 22, 55, tzinfo=UTC) + timedelta(minutes=10)
    report = await bot.app.dispatcher.dispatch(bot.clock.now())
    assert report.skipped == {"day_over": 1}
    await person.say("/help")
    await person.expect("this list")
    assert not any("How does your back feel" in (m.text or "") for m in person.messages()[seen:])
    # Tuesday's comes at its time, and rates Tuesday.
    bot.clock.current = datetime(2026, 3, 3, 22, 55, tzinfo=UTC) + TICK
    await bot.app.dispatcher.dispatch(bot.clock.now())
    await person.expect("How does your back feel")
    await person.press("4")
    await person.expect("Today's plan")
    assert await checkin_ledger(bot, person.user_id) == [
        (date(2026, 3, 2), "skipped", "day_over"),
        (date(2026, 3, 3), "sent", None),
    ]


async def test_a_bar_hang_near_midnight_offers_no_snooze_past_it(bot: Bot) -> None:
    person = Person(bot, 5103)
    await to_safety_questions(person)
    await no_to_safety(person)
    await person.press("08:00")
    await person.choose_equipment(("pull-up bar",))
    await person.expect("type 2 or 3 times")
    await person.say("12:00, 23:40")
    await person.expect("How does your back feel")
    await person.press("3")
    await person.expect("Today's plan")
    hang = datetime(2026, 3, 2, 22, 40, tzinfo=UTC)  # 23:40 in Berlin
    bot.clock.current = hang + TICK
    report = await bot.app.dispatcher.dispatch(bot.clock.now())
    assert report.skipped == {"hang_too_late": 1}  # the 12:00 one, hours ago
    reminder = await person.expect("Bar hang time")
    bot.clock.current = hang + timedelta(minutes=6)  # 23:46
    snooze = next(b["callback_data"] for b in reminder.buttons if "Snooze" in b["text"])
    toast = await person.press_data(reminder.message_id, snooze)
    assert toast is not None and toast.startswith("Too close to midnight to snooze")
    async with bot.store.unit() as uow:
        assert [r for r in await uow.schedule.of(person.user_id) if r.once] == []
