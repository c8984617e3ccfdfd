"""Reminders end to end: the real Application, the emulator, and a clock the test moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.e2e.conftest import Bot, Person, settle

pytestmark = pytest.mark.e2e

# The fixture's clock starts on Monday 2 March 2026, 08:00 UTC (09:00 in Berlin).


async def tick(bot: Bot, when: datetime) -> None:
    """Move the clock and run one dispatcher tick, as the JobQueue job would."""
    bot.clock.current = when
    await bot.app.dispatcher.dispatch(when)


def count(person: Person, fragment: str) -> int:
    return sum(fragment in (m.text or "") for m in person.messages())


async def test_prompts_and_hangs_arrive_on_each_persons_clock(bot: Bot) -> None:
    berlin, new_york = Person(bot, 6001), Person(bot, 6002)
    await berlin.onboard(zone="Europe/Berlin")  # check-in 08:00, hangs 08:30 and 18:30
    await new_york.onboard(zone="America/New_York")
    await tick(bot, datetime(2026, 3, 2, 17, 30, tzinfo=UTC))  # 18:30 Berlin
    assert count(berlin, "Bar hang time") == 1  # the 08:30 hang was before setup
    assert count(new_york, "Bar hang time") == 0
    await tick(bot, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 18:30 New York (EST)
    assert count(new_york, "Bar hang time") == 1
    await tick(bot, datetime(2026, 3, 3, 7, 0, tzinfo=UTC))  # 08:00 Berlin next day
    assert count(berlin, "Good morning") == 1 and count(new_york, "Good morning") == 0
    await tick(bot, datetime(2026, 3, 3, 13, 0, tzinfo=UTC))  # 08:00 New York
    assert count(new_york, "Good morning") == 1
    # The morning prompt's buttons rate today.
    await berlin.press("4")
    await berlin.expect("Today's plan")


async def test_snooze_brings_the_hang_back_in_15_minutes_and_done_counts_for_the_plan(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.press("2")  # today's check-in
    await person.expect("Today's plan")
    await tick(bot, datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
    await person.expect("Bar hang time")
    await person.press("Snooze")
    await tick(bot, datetime(2026, 3, 2, 17, 44, tzinfo=UTC))
    assert count(person, "Bar hang time") == 1
    await tick(bot, datetime(2026, 3, 2, 17, 46, tzinfo=UTC))
    assert count(person, "Bar hang time") == 2
    reminder, done = person.button("✅ Done")  # the newest: the snoozed reminder
    assert "Bar hang time" in (reminder.text or "")
    toast = await person.press_data(reminder.message_id, done)
    assert toast is not None and "counts toward" in toast
    await person.say("/today")
    plan = await person.expect("Today's plan")
    assert any(b["text"].startswith("✔️") and "Bar Hang" in b["text"] for b in plan.buttons)


async def test_done_and_skip_suppress_pause_stops_everything_and_resume_restarts(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.press("3")
    await person.expect("Today's plan")
    await tick(bot, datetime(2026, 3, 3, 7, 30, tzinfo=UTC))  # next day 08:30 Berlin hang
    await person.expect("Bar hang time")
    await person.press("Skip")
    await settle(person)
    await tick(bot, datetime(2026, 3, 3, 7, 45, tzinfo=UTC))
    assert count(person, "Bar hang time") == 1
    await person.say("/pause")
    await person.expect("Paused")
    before = len(person.messages())
    for hours in (10, 24, 34):
        await tick(bot, datetime(2026, 3, 3, 7, 30, tzinfo=UTC) + timedelta(hours=hours))
    assert len(person.messages()) == before  # nothing while paused
    await person.say("/resume")
    await person.expect("reminders are on again")
    await tick(bot, datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    assert count(person, "Good morning") == 2  # day 2 before the pause, and day 4


async def test_a_time_changed_in_settings_applies_to_the_very_next_prompt(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.say("/settings")
    await person.expect("Settings")
    await person.press("Change check-in time")
    await person.expect("When should I ask")
    await person.say("6:15am")
    await person.expect("Check-in time: 06:15 ✓")
    await tick(bot, datetime(2026, 3, 3, 5, 15, tzinfo=UTC))  # 06:15 Berlin
    assert count(person, "Good morning") == 1
    await tick(bot, datetime(2026, 3, 3, 7, 0, tzinfo=UTC))  # the old 08:00: nothing
    assert count(person, "Good morning") == 1


async def test_three_ignored_prompts_bring_one_still_there_and_an_answer_ends_the_silence(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for day in range(3, 9):  # prompts on 3, 4, 5 March; "still there?" on the 6th
        await tick(bot, datetime(2026, 3, day, 7, 0, tzinfo=UTC))
    assert count(person, "Good morning") == 3
    assert count(person, "Still there?") == 1
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("2")
    await person.expect("Today's plan")
    await tick(bot, datetime(2026, 3, 9, 7, 0, tzinfo=UTC))
    assert count(person, "Good morning") == 4


async def test_three_hangs_and_a_new_time_zone_from_settings_apply_at_once(
    bot: Bot, person: Person
) -> None:
    await person.onboard()  # Berlin; hangs at 08:30 and 18:30
    await person.say("/reminders")
    await person.expect("Your reminders")
    await person.press("Change hang times")
    await person.expect("When should I remind you")
    await person.say("07:10 12:00 21:45")
    await person.expect("Bar-hang reminders: 07:10, 12:00, 21:45 ✓")
    async with bot.store.unit() as uow:
        stored = await uow.people.get(person.user_id)
    assert stored is not None and [f"{t:%H:%M}" for t in stored.hang_times] == [
        "07:10",
        "12:00",
        "21:45",
    ]
    await tick(bot, datetime(2026, 3, 2, 20, 45, tzinfo=UTC))  # 21:45 Berlin
    assert count(person, "Bar hang time") == 1

    # Travel: the person moves to New York; the next check-in prompt follows them.
    await person.say("/settings")
    await person.expect("Settings")
    await person.press("Change time zone")
    await person.expect("Which time zone")
    await person.say("America/New_York")
    await person.expect("Time zone set: America/New_York")
    assert not [t for t in await settle(person) if "Saved" in t]  # said once, not twice
    await tick(bot, datetime(2026, 3, 3, 7, 0, tzinfo=UTC))  # 08:00 Berlin: nothing now
    assert count(person, "Good morning") == 0
    await tick(bot, datetime(2026, 3, 3, 13, 0, tzinfo=UTC))  # 08:00 New York
    assert count(person, "Good morning") == 1


async def test_equipment_can_be_changed_later_and_unlocks_moves(bot: Bot, person: Person) -> None:
    await person.onboard(equipment=False)
    await person.say("/settings")
    await person.expect("Equipment: none")
    await person.press("Change equipment")
    await person.choose_equipment(("pull-up bar", "resistance band", "bench"))
    await person.expect(
        "Equipment: a bench, a pull-up bar, a resistance band · gym experience: no ✓"
    )
    await person.expect("When should I remind you")  # a bar now: when to hang
    await person.press("2 a day")
    await person.expect("Bar-hang reminders: 08:30, 18:30 ✓")
    async with bot.store.unit() as uow:
        stored = await uow.people.get(person.user_id)
    assert stored is not None
    assert {e.value for e in stored.profile.equipment} == {"pullup_bar", "band", "bench"}
    assert not stored.profile.gym_experienced and stored.registered and stored.step is None


async def test_in_maintenance_check_ins_can_go_weekly_and_a_flare_brings_daily_back(
    bot: Bot, person: Person
) -> None:
    from coach.model import Feedback, History, MoveFeedback, Rating
    from coach.program import default_program
    from coach.rules import in_maintenance, replay, required_moves

    await person.onboard()  # Monday 2 March 2026, everything owned
    program, start = default_program(), date(2026, 3, 2)
    async with bot.store.unit() as uow:  # 71 days of low pain, every session done
        profile = (await uow.people.get(person.user_id)).profile  # type: ignore[union-attr]
        history = History(profile)
        for offset in range(71):
            day = start + timedelta(days=offset)
            await uow.ratings.set(person.user_id, day, 1, bot.clock.now())
            history = History(profile, (*history.ratings, Rating(day, 1)), history.feedback)
            last = replay(program, history, day)[-1]
            for slug in required_moves(program, history, last.stage, day, last.flare):
                done = MoveFeedback(day, slug, Feedback.DONE)
                await uow.feedback.add(person.user_id, done, bot.clock.now())
                history = History(profile, history.ratings, (*history.feedback, done))
        await uow.commit()
    last_day = start + timedelta(days=70)
    assert in_maintenance(program, replay(program, history, last_day), last_day)
    bot.clock.current = datetime(2026, 5, 11, 6, 0, tzinfo=UTC)  # Monday, day 71, 08:00 Berlin

    await person.say("/settings")
    await person.expect("Check-in prompt: 08:00 (daily)")
    await person.press("Check in weekly")
    await person.expect("Saved")
    await tick(bot, datetime(2026, 5, 12, 6, 0, tzinfo=UTC))  # Tuesday: no prompt
    assert count(person, "Good morning") == 0
    await tick(bot, datetime(2026, 5, 18, 6, 0, tzinfo=UTC))  # Monday: the weekly prompt
    assert count(person, "Good morning") == 1

    await person.press("7")  # a flare: out of maintenance, daily again
    await person.expect("every day again")
    async with bot.store.unit() as uow:
        stored = await uow.people.get(person.user_id)
    assert stored is not None and not stored.checkin_weekly
    prompts = count(person, "Good morning")  # the pressed prompt turned into the plan
    await tick(bot, datetime(2026, 5, 19, 6, 0, tzinfo=UTC))  # Tuesday: daily prompts are back
    assert count(person, "Good morning") == prompts + 1
