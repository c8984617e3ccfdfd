"""Each button press costs at most one request that Telegram's ~30/s limit counts (one with
a chat_id: a send or an edit); answering the press itself is not limited.

Counted at the emulator's call log, for each kind of press: a pain rating, an answered
set-up question, a toggle, Done / Worse / Undo / a dose feeling on the plan, How?, a
re-rating, and a forged button."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Bot, Person, move_button, settle, to_time_zone

pytestmark = pytest.mark.e2e


def limited_since(bot: Bot, since: int) -> list[str]:
    """The limited calls made since the ``since``-th call."""
    return [
        call.describe()
        for call in bot.emu.calls[since:]
        if call.params.get("chat_id") not in (None, "")
    ]


async def press_counted(person: Person, message_id: int, data: str) -> list[str]:
    """Press a button, wait until the bot has finished with it, return its limited calls."""
    since = len(person.emu.calls)
    await person.press_data(message_id, data)
    await settle_quietly(person, message_id)
    return limited_since(person.bot, since)


async def settle_quietly(person: Person, message_id: int) -> None:
    """Wait until the bot has finished with the person's last update, adding no message to
    the chat (a message would make the pressed one no longer the newest): one person's
    updates run in order, so once a forged press is refused, the one before it is done. The
    refusal is an answerCallbackQuery alone, which no rate limit counts."""
    seen, edits = person.seen, person.edits_seen
    assert await person.press_data(message_id, "an|forged") is not None
    person.seen, person.edits_seen = seen, edits  # later expects look from the real press


async def test_every_kind_of_press_costs_at_most_one_limited_request(bot: Bot) -> None:
    person = Person(bot, 7301)
    await to_time_zone(person)
    consent_id = person.messages()[-1].message_id
    await person.say("Europe/Berlin")
    await person.expect("Do any of these apply")
    question, data = person.button("Pregnant")
    for _ in range(2):  # ticked, then unticked again
        toggle = await press_counted(person, question.message_id, data)
        assert len(toggle) == 1 and "editMessageText" in toggle[0], toggle
    question, data = person.button("None of these")
    answered = await press_counted(person, question.message_id, data)
    assert len(answered) == 1, answered
    await person.expect("groin")  # the next question, in place of the answered one
    for label in ("No", "No", "No"):  # the three red-flag tiers
        question, data = person.button(label)
        assert len(await press_counted(person, question.message_id, data)) == 1
    for label in ("08:00",):
        question, data = person.button(label)
        assert len(await press_counted(person, question.message_id, data)) == 1
    question = await person.expect("What do you have")
    data = next(b["callback_data"] for b in question.buttons if "pull-up bar" in b["text"])
    assert len(await press_counted(person, question.message_id, data)) == 1
    data = next(b["callback_data"] for b in question.buttons if b["text"] == "Done")
    assert len(await press_counted(person, question.message_id, data)) == 1
    question, data = person.button("2 a day")
    assert len(await press_counted(person, question.message_id, data)) == 1
    await person.expect("How does your back feel")

    question, data = person.button("3")
    rating = await press_counted(person, question.message_id, data)
    assert len(rating) == 1 and "editMessageText" in rating[0], rating
    plan = await person.expect("Today's plan")
    assert plan.message_id == question.message_id  # the plan took the question's place
    assert "pain 3/10" in (plan.text or "")

    for action in ("dn", "wr", "un"):
        message, data = move_button(person, action, "bar_hang")
        assert len(await press_counted(person, message.message_id, data)) <= 1
    message, data = move_button(person, "hw", "bar_hang")
    how = await press_counted(person, message.message_id, data)
    # How? is two messages by design: the move's drawing, then its text.
    assert len(how) == 2 and "sendAnimation" in how[0] and "sendMessage" in how[1], how

    forged = await press_counted(person, consent_id, "an|consent|y|forged")
    assert len(forged) <= 1, forged

    await person.say("5")  # a typed rating that differs: "change today's rating?"
    question = await person.expect("Change")
    data = next(b["callback_data"] for b in question.buttons if "5" in b["text"])
    rerate = await press_counted(person, question.message_id, data)
    assert len(rerate) == 1, rerate
    replanned = await person.expect("Today's plan")
    assert "pain 5/10" in (replanned.text or "")


async def test_a_press_on_an_older_message_is_answered_at_the_bottom_of_the_chat(
    bot: Bot,
) -> None:
    person = Person(bot, 7302)
    await person.onboard()
    await person.say("/redflags")
    older = await person.expect("groin")
    await person.say("hello")  # the open question, asked again below
    await person.expect("groin")
    _, data = next((older, b["callback_data"]) for b in older.buttons if b["text"] == "No")
    await person.press_data(older.message_id, data)
    following = await person.expect("And any of these")
    assert following.message_id > older.message_id  # sent, not edited in up the history
    await settle(person)
    now = next(m for m in person.messages() if m.message_id == older.message_id)
    assert "groin" in (now.text or "") and now.buttons == []  # answered: its buttons went
