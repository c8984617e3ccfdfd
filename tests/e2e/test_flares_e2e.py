"""Flares in proportion, through the real bot: a one-day rise below 7 is a lighter day that
keeps the stage; high pain up from the day before loses a stage and says what earns it back."""

from __future__ import annotations

from datetime import timedelta

from coach.program import default_program
from tests.e2e.conftest import Bot, Person, check_in, plan_slugs

PROGRAM = default_program()


def plan_text(person: Person, plan_id: int) -> str:
    return next(m.text or "" for m in person.messages() if m.message_id == plan_id)


async def test_a_lighter_day_keeps_the_stage_and_the_next_flare_says_what_earns_it_back(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for _day in range(7):  # stage 2 from the third day at pain 2
        await check_in(person, 2)
        bot.clock.advance(timedelta(days=1))

    lighter = await check_in(person, 4)
    text = plan_text(person, lighter)
    assert "Pain 4/10 is above your usual 2, so today is a lighter day" in text
    assert "You keep stage 2 and your dose levels." in text
    assert "stage 2: Activate" in text
    assert "move back" not in text and "flare" not in text
    assert plan_slugs(person, lighter) == ["bar_hang", "seated_row", "reverse_hyper"]

    bot.clock.advance(timedelta(days=1))
    lost = await check_in(person, 7)
    text = plan_text(person, lost)
    assert "Pain 7/10 is high today, so you move back to stage 1." in text
    assert "a gentle bar hang is optional, only if it eases the pain" in text
    assert "The NHS's advice for back pain (nhs.uk/conditions/back-pain)" in text
    enter = PROGRAM.stage(2).enter
    assert enter is not None
    assert (
        f"To earn stage 2 back: pain ≤ {enter.pain_max} on {enter.days_in_row} days in a row, "
        "counted from tomorrow." in text
    )
    assert plan_slugs(person, lost) == ["bar_hang"]


async def test_without_a_bar_set_up_names_no_empty_hang_times_and_stage_1_says_what_a_bar_adds(
    bot: Bot, person: Person
) -> None:
    await person.onboard(equipment=False)
    said = [m.text or "" for m in person.messages()]
    done = next((t for t in said if "All set" in t), repr(said[-4:]))
    assert "remind you to hang" not in done
    assert "I'll ask about your back at 08:00 (Europe/Berlin" in done
    assert "  " not in done
    plan = await check_in(person, 3)
    text = plan_text(person, plan)
    assert "you have no bar yet" in text and "A bar adds the hang" in text
