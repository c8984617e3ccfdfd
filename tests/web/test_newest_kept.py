"""The bot keeps the newest message id of a bounded number of chats: the most recently
active ones. A chat forgotten is as after a restart (a pressed message counts as its newest),
and memory stays flat however many people ever wrote."""

from __future__ import annotations

from conversations.updates_bot import NEWEST_KEPT, BackCoachBot

TOKEN = "123456789:AAH4vSecretPartOfTheToken0123456789"


def seen(bot: BackCoachBot, chat_id: int, message_id: int) -> None:
    bot._saw({"message_id": message_id, "chat": {"id": chat_id, "type": "private"}})


def test_the_chats_quiet_the_longest_are_forgotten_past_the_bound() -> None:
    bot = BackCoachBot(TOKEN)
    for chat_id in range(1, NEWEST_KEPT + 1):
        seen(bot, chat_id, 10)
    seen(bot, 1, 11)  # chat 1 is active again: now the most recent
    assert not bot.is_newest(1, 10) and not bot.is_newest(2, 9)

    for chat_id in range(NEWEST_KEPT + 1, NEWEST_KEPT + 3):  # two more chats than the bound
        seen(bot, chat_id, 10)

    assert bot.is_newest(2, 9) and bot.is_newest(3, 9)  # forgotten: as after a restart
    assert not bot.is_newest(4, 9)  # kept
    assert not bot.is_newest(1, 10)  # kept: it was active after them
    assert not bot.is_newest(NEWEST_KEPT + 2, 9)
    assert len(bot._newest) == NEWEST_KEPT
