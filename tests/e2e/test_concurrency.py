"""Different people's updates are handled side by side; one person's, strictly in order."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Bot, Person

pytestmark = pytest.mark.e2e


async def test_a_slow_reply_to_one_person_does_not_hold_up_another(bot: Bot) -> None:
    slow, quick = Person(bot, 7101), Person(bot, 7102)
    # /start answers with two messages; Telegram takes 4 s to confirm the first one.
    bot.emu.fail("sendMessage", "delay", chat_id=slow.user_id, delay=4.0)
    await slow.say("/start")
    await slow.expect("Back Coach")  # the welcome is in, its answer still on the way
    await quick.say("/help")
    await quick.expect("this list")
    # The other person was served while the slow handler still waited on its first send.
    assert not any("Do you agree" in (m.text or "") for m in slow.messages())
    await slow.expect("Do you agree")


async def test_one_persons_updates_are_handled_in_the_order_they_were_sent(bot: Bot) -> None:
    person = Person(bot, 7103)
    bot.emu.fail("sendMessage", "delay", chat_id=person.user_id, delay=1.0)
    await person.say("/start")
    person.emu.send_text(person.user_id, "/help")  # right behind it
    await person.expect("this list")
    texts = [m.text or "" for m in person.messages()]
    assert "Back Coach" in texts[0] and "Do you agree" in texts[1] and "this list" in texts[2]
