"""Typed words, end to end, in English, Russian and Spanish: a rating in words said back and
saved; "hurts" and "better" answered with the pain keyboard and a line that acknowledges
them; "done" after a hang reminder marks that hang; "pause" asks, then pauses; "help" is
/help; anything else gets the pain keyboard, never a refusal; and text typed while a
red-flag question is open says it needs the buttons. Each phrase is a person of its own,
registered in their language with an English Telegram app."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from coach import i18n, texts
from coach.model import Equipment, Person, Profile
from services.unit import unit
from tests.e2e.conftest import Bot, labels, stored
from tests.e2e.conftest import Person as Chat

pytestmark = pytest.mark.e2e

MONDAY = date(2026, 3, 2)  # Berlin is UTC+1
SEEDED = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
LANGUAGES = list(i18n.LANGUAGES)

SAID = {
    "en": {
        "rating": "pain 6",
        "out_of_ten": "6/10",
        "worse": "my back really hurts today after lifting",
        "better": "much better today",
        "done": "did it",
        "pause": "stop",
        "help": "help",
        "other": "hello there",
    },
    "ru": {
        "rating": "боль 6",
        "out_of_ten": "6/10",
        "worse": "спина сильно болит после тренировки",
        "better": "стало лучше",
        "done": "сделала",
        "pause": "пауза",
        "help": "помощь",
        "other": "привет",
    },
    "es": {
        "rating": "dolor 6",
        "out_of_ten": "6/10",
        "worse": "me duele mucho la espalda",
        "better": "mucho mejor",
        "done": "lo hice",
        "pause": "pausa",
        "help": "ayuda",
        "other": "hola",
    },
}
PAIN_LABELS = [str(n) for n in range(11)]


def plain(html: str) -> str:
    """A text as Telegram shows it, without its tags."""
    return re.sub(r"<[^>]+>", "", html)


async def seed(bot: Bot, chat_id: int, language: str) -> Chat:
    """A registered person in ``language`` (their Telegram app in English), hangs at 08:30."""
    bot.emu.add_user(chat_id, language_code="en")
    bot.emu.open_chat(chat_id)
    person = Person(
        chat_id=chat_id,
        created_at=SEEDED,
        timezone="Europe/Berlin",
        checkin_time=time(8),
        hang_times=(time(8, 30), time(18, 30)),
        profile=Profile(frozenset(Equipment), gym_experienced=False),
        registered=True,
        language=language,
    )
    async with unit(bot.app.dispatcher.deps) as work:
        await work.add(person)
        await work.save(person, resync=True)
        await work.commit()
    return Chat(bot, chat_id)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_each_typed_phrase_in_each_language(bot: Bot, language: str) -> None:
    said = SAID[language]
    base = 7000 + 100 * LANGUAGES.index(language)
    bot.clock.current = SEEDED
    with i18n.speaking(language):
        # A rating in words is said back, then saved with a press.
        chat = await seed(bot, base + 1, language)
        await chat.say(said["rating"])
        ask = await chat.expect(texts.TYPED_RATING_ASK.format(new=6))
        assert labels(ask) == [texts.BTN_RATING_YES.format(new=6), texts.BTN_RATING_NO]
        assert (await stored(bot, chat.user_id)).ratings == ()
        await chat.press(texts.BTN_RATING_YES.format(new=6))
        plan = await chat.expect("6/10")
        assert plan.buttons, "the plan comes with its buttons"
        assert [r.pain for r in (await stored(bot, chat.user_id)).ratings] == [6]

        # "6/10" too; "No" saves nothing and says so.
        chat = await seed(bot, base + 2, language)
        await chat.say(said["out_of_ten"])
        await chat.expect(texts.TYPED_RATING_ASK.format(new=6))
        message, data = chat.button(texts.BTN_RATING_NO)
        assert await chat.press_data(message.message_id, data) == texts.RATING_NOT_SAVED
        assert (await stored(bot, chat.user_id)).ratings == ()

        # It hurts / it's better: the pain keyboard with a line that acknowledges it.
        for key, line in (("worse", texts.TYPED_WORSE), ("better", texts.TYPED_BETTER)):
            chat = await seed(bot, base + (3 if key == "worse" else 4), language)
            await chat.say(said[key])
            ask = await chat.expect(line)
            assert labels(ask) == PAIN_LABELS
            assert (await stored(bot, chat.user_id)).ratings == ()

        # "Done" after the 08:30 hang reminder marks that hang, and it counts in the plan.
        chat = await seed(bot, base + 5, language)
        when = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
        bot.clock.current = when
        await bot.app.dispatcher.dispatch(when)
        assert bot.emu.sent(chat.user_id)[-1].text == texts.REMINDER_HANG
        await chat.say(said["done"])
        await chat.expect(texts.TYPED_HANG_DONE.format(time="08:30"))
        async with bot.store.unit() as uow:
            assert await uow.schedule.hang_marks(chat.user_id, MONDAY) == {0: "done"}
        assert [f.move for f in (await stored(bot, chat.user_id)).feedback] == ["bar_hang"]
        # Said again with no hang left to mark: the pain question, to get to the plan.
        await chat.say(said["done"])
        ask = await chat.expect(texts.TYPED_DONE_NO_PLAN)
        assert labels(ask) == PAIN_LABELS

        # "Pause" asks first; "Yes" pauses.
        chat = await seed(bot, base + 6, language)
        await chat.say(said["pause"])
        ask = await chat.expect(texts.TYPED_PAUSE_ASK)
        assert labels(ask) == [texts.BTN_PAUSE_YES, texts.BTN_PAUSE_NO]
        assert not (await stored(bot, chat.user_id)).person.paused
        await chat.press(texts.BTN_PAUSE_YES)
        await chat.expect(texts.PAUSED)
        assert (await stored(bot, chat.user_id)).person.paused

        # "Help" is /help.
        chat = await seed(bot, base + 7, language)
        await chat.say(said["help"])
        await chat.expect(plain(texts.HELP)[:40])

        # Anything else: the pain keyboard, never a refusal.
        chat = await seed(bot, base + 8, language)
        await chat.say(said["other"])
        ask = await chat.expect(texts.TYPED_OTHER)
        assert labels(ask) == PAIN_LABELS
        replies = [m.text or "" for m in chat.replies()]
        with i18n.speaking(i18n.DEFAULT):
            assert not any(texts.UNEXPECTED_TEXT in r for r in replies)

        # With the red-flag question open, typed words get a word before the question.
        chat = await seed(bot, base + 9, language)
        await chat.say("/redflags")
        question = texts.RED_FLAGS_ASK["emergency"].format(since="")[:20]
        await chat.expect(question)
        await chat.say(said["worse"])
        await chat.expect(texts.TYPED_DURING_QUESTION)
        await chat.expect(question)
        assert (await stored(bot, chat.user_id)).ratings == ()
