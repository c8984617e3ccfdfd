"""The plan's buttons: a finished session is celebrated; "worse" on the bar hang can be undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coach import texts
from tests.e2e.conftest import (
    Bot,
    Person,
    check_in,
    labels,
    message_becomes,
    press_move,
    settle,
    stored,
)

pytestmark = pytest.mark.e2e


async def test_the_last_move_done_completes_the_session(bot: Bot, person: Person) -> None:
    await person.onboard()
    for _day in range(2):
        await check_in(person, 3)
        bot.clock.advance(timedelta(days=1))
    await check_in(person, 3)  # day 3: stage 2, with seated row and reverse hyper
    first = await press_move(person, "dn", "seated_row")
    assert first == texts.DONE_ACK.format(name="Seated Row")
    last = await press_move(person, "dn", "reverse_hyper")
    # v3: the bar hang is still open on the plan ("Done: 2 of 3"), so not "every move of
    # today's plan": the session's moves are done.
    assert last == texts.SESSION_COUNTED
    bot.clock.advance(timedelta(days=1))
    await check_in(person, 3)
    assert await press_move(person, "dn", "bar_hang") == texts.DONE_ACK.format(name="Bar Hang")
    await press_move(person, "dn", "seated_row")
    assert await press_move(person, "dn", "reverse_hyper") == texts.SESSION_COMPLETE


async def test_worse_on_the_bar_hang_can_be_undone(bot: Bot, person: Person) -> None:
    await person.onboard()
    plan_id = await check_in(person, 3)
    await press_move(person, "wr", "bar_hang")
    plan = next(m for m in person.messages() if m.message_id == plan_id)
    await settle(person)
    plan = next(m for m in person.messages() if m.message_id == plan_id)
    assert f"{texts.BTN_UNDO} Bar Hang" in labels(plan)
    assert "20–30 s holds" in (plan.text or "")
    toast = await press_move(person, "un", "bar_hang")
    assert toast == texts.UNDO_ACK.format(name="Bar Hang")
    assert (await stored(bot, person.user_id)).feedback == ()
    await settle(person)
    plan = next(m for m in person.messages() if m.message_id == plan_id)
    assert "20–30 s holds" not in (plan.text or "")


async def test_without_a_pull_up_bar_the_plan_says_what_the_hang_needs(
    bot: Bot, person: Person
) -> None:
    await person.onboard(equipment=False)
    await person.press("2")
    plan = await person.expect("Today's plan")
    assert "Needs a pull-up bar or another sturdy bar" in (plan.text or "")
    await person.say("/why")
    why = await person.expect("You are in stage 1")
    assert "Decompress" in (why.text or "")


async def test_easy_twice_after_done_moves_the_hang_back_up_in_the_plan(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    plan_id = await check_in(person, 3)
    await press_move(person, "wr", "bar_hang")  # shorter holds: level 1 of 3
    for day in range(2):  # Easy on the next two days (the Worse day's own answers yield)
        bot.clock.advance(timedelta(days=1))
        plan_id = await check_in(person, 3)
        await press_move(person, "dn", "bar_hang")
        await message_becomes(
            person, plan_id, lambda m: texts.BTN_DOSE["easy"] in labels(m), "the Easy button"
        )
        message, data = person.button(texts.BTN_DOSE["easy"])
        toast = await person.press_data(message.message_id, data)
        alert = bot.emu.answered_callbacks[-1].show_alert
        if day == 0:  # the first time, the rule, in an alert to read
            assert toast is not None and "Bar Hang felt easy" in toast and alert
        else:  # after that, a quiet pop-up
            assert toast == texts.DOSE_ACK_AGAIN.format(name="Bar Hang", what="easy")
            assert not alert
        await message_becomes(
            person, plan_id, lambda m: texts.BTN_DOSE["easy"] not in labels(m), "answered"
        )
    bot.clock.advance(timedelta(days=1))
    plan_id = await check_in(person, 3)
    text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
    assert "45 s holds" in text and "level 2" in text
    await person.say("/why")
    why = await person.expect("You are in stage")
    assert "Bar Hang level 2 of 3" in (why.text or "")
