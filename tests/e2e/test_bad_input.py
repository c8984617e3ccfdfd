"""Every kind of bad input gets a clear answer and changes nothing that is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coach import texts
from tests.e2e.conftest import (
    Bot,
    Person,
    labels,
    message_becomes,
    move_button,
    press_move,
    send_sticker,
    settle,
    stored,
)


async def registered_with_a_plan(person: Person, pain: int = 3) -> None:
    """Onboarded and checked in today."""
    await person.onboard()
    await person.press(str(pain))
    await person.expect("Today's plan")


async def test_free_text_during_a_button_step_asks_that_step_again(
    bot: Bot, person: Person
) -> None:
    await person.say("/start")
    await person.expect("Do you agree")
    await person.press("I agree")
    await person.expect("Which time zone")
    await person.say("Berlin")
    await person.expect("Do any of these apply")
    before = await stored(bot, person.user_id)

    await person.say("maybe, not sure")
    again = await person.expect("Do any of these apply")
    assert labels(again)[-1] == "None of these"
    assert await stored(bot, person.user_id) == before
    assert before.person.step == "screening"

    await person.press("None of these")  # the re-asked question is answered as usual
    await person.expect("groin")


@pytest.mark.parametrize("text", ["11", "-1", "12/10", "pain 11", "3.5"])
async def test_a_rating_that_is_not_0_to_10_is_refused_with_the_buttons(
    bot: Bot, person: Person, text: str
) -> None:
    await person.onboard()
    before = await stored(bot, person.user_id)
    await person.say(text)
    await person.expect("Please pick a number from 0 to 10")
    ask = await person.expect("How does your back feel")
    assert [label for label in labels(ask)] == [str(n) for n in range(11)]
    assert await stored(bot, person.user_id) == before
    assert before.ratings == ()


async def test_a_typed_rating_in_range_is_taken(bot: Bot, person: Person) -> None:
    await person.onboard()
    await person.say(" 4 ")
    plan = await person.expect("Today's plan")
    assert "pain 4/10" in (plan.text or "")
    assert [r.pain for r in (await stored(bot, person.user_id)).ratings] == [4]


async def test_a_typed_number_after_todays_rating_asks_before_replacing_it(
    bot: Bot, person: Person
) -> None:
    await registered_with_a_plan(person, pain=1)
    before = await stored(bot, person.user_id)
    await person.say("7")  # meant as reps, say
    ask = await person.expect("Change today's 1/10 to 7/10?")
    assert labels(ask) == ["Yes, change to 7/10", "No, keep 1/10"]
    assert not any("Today's plan" in t for t in await settle(person))
    assert await stored(bot, person.user_id) == before

    message, data = person.button("No, keep 1/10")
    assert await person.press_data(message.message_id, data) == "Kept today's 1/10."
    assert await stored(bot, person.user_id) == before
    await message_becomes(person, message.message_id, lambda m: labels(m) == [], "no buttons")

    await person.say("7")
    await person.expect("Change today's 1/10 to 7/10?")
    await person.press("Yes, change to 7/10")
    plan = await person.expect("Today's plan")
    assert "pain 7/10" in (plan.text or "")
    assert [r.pain for r in (await stored(bot, person.user_id)).ratings] == [7]


async def test_an_emoji_gets_a_friendly_pointer_and_changes_nothing(
    bot: Bot, person: Person
) -> None:
    await registered_with_a_plan(person)
    before = await stored(bot, person.user_id)
    await person.say("👍")
    await person.expect("I understand a pain rating")
    assert await stored(bot, person.user_id) == before


@pytest.mark.parametrize("during", ["onboarding", "registered"])
async def test_a_4000_character_message_is_too_long_and_changes_nothing(
    bot: Bot, person: Person, during: str
) -> None:
    if during == "registered":
        await registered_with_a_plan(person)
    else:
        await person.say("/start")
        await person.expect("Do you agree")
        await person.press("I agree")
        await person.expect("Which time zone")
        await person.say("Berlin")
        await person.expect("Do any of these apply")
    before = await stored(bot, person.user_id)
    await person.say("7" * 4000)
    await person.expect("too long")
    assert await stored(bot, person.user_id) == before
    assert not any("Today's plan" in t or "Time zone" in t for t in await settle(person))


async def test_a_pain_button_from_an_earlier_day_says_which_day_and_stores_nothing(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    ask, data = person.button("3")  # Monday's rating buttons, unanswered
    bot.clock.advance(timedelta(days=1))
    before = await stored(bot, person.user_id)

    toast = await person.press_data(ask.message_id, data)
    assert toast is not None
    assert "from Mon 2 Mar" in toast
    assert "/today" in toast
    assert await stored(bot, person.user_id) == before
    assert before.ratings == ()
    assert await settle(person) == []


async def test_a_done_button_from_an_earlier_day_says_which_day_and_stores_nothing(
    bot: Bot, person: Person
) -> None:
    await registered_with_a_plan(person)
    plan, data = move_button(person, "dn", "bar_hang")
    bot.clock.advance(timedelta(days=1))
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("2")
    await person.expect("Today's plan")
    before = await stored(bot, person.user_id)
    edits = len(bot.emu.edits)

    toast = await person.press_data(plan.message_id, data)
    assert toast is not None and "from Mon 2 Mar" in toast
    assert await settle(person) == []
    assert await stored(bot, person.user_id) == before
    assert before.feedback == ()
    assert bot.emu.edits[edits:] == []  # yesterday's plan message is left as it was


async def test_a_forged_payload_is_refused(bot: Bot, person: Person) -> None:
    await person.onboard()
    ask, _data = person.button("3")
    before = await stored(bot, person.user_id)
    toast = await person.press_data(ask.message_id, "pn|20260302|3|AAAAAAAA")
    assert toast is not None and "isn't valid" in toast
    assert await stored(bot, person.user_id) == before
    assert await settle(person) == []


@pytest.mark.parametrize("data", ["", "x", "pn|20260302|3", "|" * 70, "dn|||"])
async def test_malformed_payloads_are_refused_without_a_crash(
    bot: Bot, person: Person, data: str
) -> None:
    await person.onboard()
    ask, _data = person.button("3")
    before = await stored(bot, person.user_id)
    toast = await person.press_data(ask.message_id, data)
    assert toast is not None and "isn't valid" in toast
    assert await stored(bot, person.user_id) == before
    assert not any("went wrong" in t for t in await settle(person))


async def test_another_persons_button_is_refused(bot: Bot, person: Person) -> None:
    other = Person(bot, 5002)
    await person.onboard()
    await other.onboard()
    _their_message, their_data = person.button("3")
    own_message, _own_data = other.button("3")
    before_a = await stored(bot, person.user_id)
    before_b = await stored(bot, other.user_id)

    toast = await other.press_data(own_message.message_id, their_data)
    assert toast is not None and "isn't valid" in toast
    assert await stored(bot, other.user_id) == before_b
    assert await stored(bot, person.user_id) == before_a
    assert await settle(other) == []


async def test_an_unknown_command_is_named_as_unknown(bot: Bot, person: Person) -> None:
    await person.say("/foo")
    await person.expect("don't know that command")
    assert (await stored(bot, person.user_id)).person is None


async def test_a_message_in_a_group_points_to_a_private_chat(bot: Bot, person: Person) -> None:
    group = -100123
    bot.emu.send_text(person.user_id, "/start", chat_type="group", chat_id=group)
    reply = await bot.emu.wait_for(group, None, 15)
    assert texts.GROUP_ONLY_PRIVATE.split(":")[0] in (reply.text or "")
    assert "private chat" in (reply.text or "")
    assert (await stored(bot, person.user_id)).person is None
    assert (await stored(bot, group)).person is None
    assert bot.emu.sent(person.user_id) == []


async def test_a_sticker_gets_a_pointer_to_help(bot: Bot, person: Person) -> None:
    await registered_with_a_plan(person)
    before = await stored(bot, person.user_id)
    start = len(person.messages())
    person.seen = start
    send_sticker(bot, person.user_id)
    await person.expect("I didn't understand that")
    assert await stored(bot, person.user_id) == before


async def test_text_before_start_asks_to_start(bot: Bot, person: Person) -> None:
    await person.say("hello")
    await person.expect("send /start")
    assert (await stored(bot, person.user_id)).person is None


async def test_a_plan_button_pressed_twice_counts_once(bot: Bot, person: Person) -> None:
    await registered_with_a_plan(person)
    assert await press_move(person, "dn", "bar_hang") == texts.DONE_ACK.format(name="Bar Hang")
    assert await press_move(person, "dn", "bar_hang") == texts.DONE_ALREADY
    assert len((await stored(bot, person.user_id)).feedback) == 1


async def test_a_location_outside_the_time_zone_step_changes_nothing(
    bot: Bot, person: Person
) -> None:
    await registered_with_a_plan(person)
    before = await stored(bot, person.user_id)
    await person.share_location(-33.87, 151.21)
    await person.expect("I'm not waiting for a message")
    assert await stored(bot, person.user_id) == before
    assert before.person.timezone == "Europe/Berlin"
