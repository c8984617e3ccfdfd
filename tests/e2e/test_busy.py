"""Presses faster than Telegram takes messages: a rating whose plan would wait behind too
many replies is saved, and the press's own pop-up (which takes no message slot) says so at
once and points to /today, instead of the plan joining a queue that keeps growing."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from conversations.buttons import SHED_AFTER
from conversations.limiter import INTERACTIVE
from tests.e2e.conftest import Bot, Person, settle, stored

pytestmark = pytest.mark.e2e


def plan_messages(person: Person) -> list[str]:
    return [m.text or "" for m in person.messages() if "Today's plan" in (m.text or "")]


async def test_a_rating_in_a_flood_of_replies_is_saved_and_answered_in_its_pop_up(
    bot: Bot,
) -> None:
    person = Person(bot, 7401)
    await person.onboard()
    await person.say("/checkin")
    question, data = person.button("3")
    assert question.text and "How does your back feel" in question.text
    await settle(person)  # the question's handling is over: the press is next in line
    bot.emu.flood.enabled = False  # the bot's own limiter alone holds the replies back
    others = range(7501, 7561)
    for chat in others:
        bot.emu.open_chat(chat)
    limiter = bot.app.bot.rate_limiter
    # Sixty replies to others at once: two seconds' worth at Telegram's 30 a second.
    flood = [asyncio.create_task(bot.app.bot.send_message(c, "hello")) for c in others]
    await bot.emu.wait_until(lambda: limiter.backlog(INTERACTIVE) > SHED_AFTER or None, 5)

    toast = await person.press_data(question.message_id, data)

    assert toast is not None and toast.startswith("Saved: 3/10"), toast
    assert "/today" in toast and len(toast) <= 200
    assert bot.emu.answered_callbacks[-1].show_alert  # an alert: it stays until read
    assert limiter.put_off == 1  # counted for /metrics
    await asyncio.gather(*flood)
    assert plan_messages(person) == []  # the plan did not join the queue
    ratings = (await stored(bot, person.user_id)).ratings
    assert [r.pain for r in ratings] == [3]  # but the rating is kept
    today = max(r.day for r in ratings)
    assert isinstance(today, date)

    await person.say("/today")  # and the plan is there when asked for
    plan = await person.expect("Today's plan")
    assert "pain 3/10" in (plan.text or "")


async def test_without_a_queue_the_rating_gets_its_plan(bot: Bot) -> None:
    person = Person(bot, 7402)
    await person.onboard()
    await person.say("/checkin")
    question, data = person.button("3")
    toast = await person.press_data(question.message_id, data)
    assert not (toast or "").startswith("Saved:")
    plan = await person.expect("Today's plan")
    assert "pain 3/10" in (plan.text or "")
