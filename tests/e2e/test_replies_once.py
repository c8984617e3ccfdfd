"""Each reply arrives once, and none is lost silently, when Telegram's answers go missing.

An edit of the pressed message whose answer is lost after Telegram acted (the connection
closed, the answer cut short, or too slow to come) may have worked: it is not sent again as
a new message. An edit that certainly failed is sent instead. A reply whose delivery is
uncertain is not sent again, and the replies after it in the same answer still go. A redraw
of the pressed message that certainly did not take effect is tried again."""

from __future__ import annotations

import pytest

from coach import texts
from conversations.render import REPLY_ATTEMPTS
from emulator.faults import FaultKind
from tests.e2e.conftest import (
    SCREENING_QUESTION,
    Bot,
    Person,
    check_in,
    labels,
    press_move,
    to_safety_questions,
    to_time_zone,
)

pytestmark = pytest.mark.e2e

UNCERTAIN = [FaultKind.DROP_AFTER_SEND, FaultKind.TRUNCATE, FaultKind.DELAY]


async def finished(person: Person) -> None:
    """Wait until the bot finished with everything the person sent so far: one person's
    updates are handled in order, so anything the last one still sends comes before the
    answer to this one."""
    await person.say("/help")
    await person.expect("this list")


def past_timeout(bot: Bot) -> float:
    """An answer slower than the bot waits for one: it gives up (TimedOut) although Telegram
    carried the request out. The transport waits the read and write timeouts together."""
    request = bot.app.bot.request
    return float(request.read_timeout) + float(request._timeouts["write"]) + 0.5


def with_text(person: Person, fragment: str) -> list[int]:
    """Ids of the person's messages (as they read now) that contain ``fragment``."""
    return [m.message_id for m in person.messages() if fragment in (m.text or "")]


@pytest.mark.parametrize("kind", UNCERTAIN, ids=[k.value for k in UNCERTAIN])
async def test_an_edit_that_may_have_worked_is_not_sent_again(
    bot: Bot, person: Person, kind: FaultKind
) -> None:
    await to_safety_questions(person)
    question, _ = person.button("None of these")
    sent = len(bot.emu.sent(person.user_id))
    bot.emu.fail("editMessageText", kind, chat_id=person.user_id, delay=past_timeout(bot))

    await person.press("None of these")
    await person.expect("groin")  # Telegram acted: the question became the next one
    await finished(person)

    assert with_text(person, "groin") == [question.message_id]  # shown once, in place
    new = [m.text or "" for m in bot.emu.sent(person.user_id)[sent:]]
    assert len(new) == 1 and "this list" in new[0], new  # only the answer to /help
    assert not bot.emu.faults.pending  # the fault was met


async def test_an_edit_that_certainly_failed_is_sent_as_a_new_message(
    bot: Bot, person: Person
) -> None:
    await to_safety_questions(person)
    question, _ = person.button("None of these")
    # Refused every time it is tried: the message still shows the old question.
    bot.emu.fail(
        "editMessageText", FaultKind.BAD_GATEWAY, chat_id=person.user_id, times=REPLY_ATTEMPTS
    )

    await person.press("None of these")
    await person.expect("groin")
    await finished(person)

    (shown,) = with_text(person, "groin")
    assert shown != question.message_id  # a new message, once
    assert not bot.emu.faults.pending


@pytest.mark.parametrize(
    "kind", [FaultKind.DROP_AFTER_SEND, FaultKind.TRUNCATE], ids=["dropped", "truncated"]
)
async def test_the_replies_after_an_uncertain_one_are_still_sent(
    bot: Bot, person: Person, kind: FaultKind
) -> None:
    await to_time_zone(person)
    # Typing the zone is answered with two messages: the zone said back (taking away the
    # location keyboard), then the first screening question. The first one's answer is lost.
    bot.emu.fail("sendMessage", kind, chat_id=person.user_id)

    await person.say("Europe/Berlin")
    await person.expect(SCREENING_QUESTION)
    await finished(person)

    assert len(with_text(person, "Time zone set")) == 1  # delivered, and never again
    assert len(with_text(person, SCREENING_QUESTION)) == 1
    assert not bot.emu.faults.pending


async def test_a_plan_redraw_refused_before_it_was_made_is_tried_again(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    plan_id = await check_in(person, 3)
    bot.emu.fail("editMessageText", FaultKind.BAD_GATEWAY, chat_id=person.user_id)

    await press_move(person, "dn", "bar_hang")
    await finished(person)

    plan = next(m for m in person.messages() if m.message_id == plan_id)
    assert f"{texts.BTN_DONE_ALREADY} Bar Hang" in labels(plan)  # redrawn, on the retry
    assert not bot.emu.faults.pending
