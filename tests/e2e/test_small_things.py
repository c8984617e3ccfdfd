"""Small words that say what is so: a typed check-in time said back during set-up, the
settings show the weekly summary's state apart from the button's action, and a stale
button points to today without promising to show it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coach import texts
from tests.e2e.conftest import Bot, Person, check_in, labels, no_to_safety, to_safety_questions

pytestmark = pytest.mark.e2e


async def test_a_typed_check_in_time_is_said_back_during_set_up(person: Person) -> None:
    await to_safety_questions(person)
    await no_to_safety(person)
    await person.say("7:30am")
    await person.expect("Check-in time: 07:30 ✓")
    await person.expect("What do you have")


async def test_settings_show_the_state_and_the_button_the_action(person: Person) -> None:
    await person.onboard()
    await person.say("/settings")
    menu = await person.expect("Weekly summary: on")
    assert texts.BTN_WEEKLY_OFF in labels(menu)
    await person.press(texts.BTN_WEEKLY_OFF)
    again = await person.expect("Weekly summary: off")
    assert texts.BTN_WEEKLY_ON in labels(again)


async def test_a_stale_button_points_to_today(bot: Bot, person: Person) -> None:
    await person.onboard()
    plan_id = await check_in(person, 3)
    bot.clock.advance(timedelta(days=1))
    message = next(m for m in person.messages() if m.message_id == plan_id)
    toast = await person.press_data(plan_id, message.buttons[0]["callback_data"])
    assert toast is not None and "For today, use /checkin or /today" in toast
    assert "Here is today" not in toast
