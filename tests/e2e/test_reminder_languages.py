"""Every kind of reminder reaches each person in their own language: the check-in prompt,
the weekly check-in, the bar hang (normal, gentler after a *Worse*, optional on a high-pain
day, and snoozed), the weekly summary, "still there?" and the retention warning, text and
buttons, in English, Russian and Spanish, on each database. Their Telegram apps are all set
to English, so only the language stored with each person can make a reminder Russian or
Spanish."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from coach import i18n, texts
from coach.model import Equipment, Feedback, MoveFeedback, Person, Profile
from coach.program import default_program
from emulator.models import SentMessage
from services.unit import unit
from tests.e2e.conftest import Bot, labels
from tests.e2e.conftest import Person as Chat

pytestmark = pytest.mark.e2e

MONDAY = date(2026, 3, 2)  # Berlin is UTC+1: 08:00 there is 07:00 UTC
SEEDED = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
LANGUAGES = list(i18n.LANGUAGES)

# One person per scenario, in each language: chat id = base + the language's index.
PROMPTS, STILL_THERE, SUMMARY, WEEKLY_CHECKIN, RETENTION, HIGH = 100, 200, 300, 400, 500, 600


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def seed(bot: Bot, chat_id: int, language: str, **changes: object) -> None:
    """A registered person in ``language`` whose Telegram app is set to English."""
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
    for name, value in changes.items():
        setattr(person, name, value)
    async with unit(bot.app.dispatcher.deps) as work:
        await work.add(person)
        await work.save(person, resync=True)
        await work.commit()


async def tick(bot: Bot, when: datetime) -> None:
    bot.clock.current = when
    await bot.app.dispatcher.dispatch(when)


def newest(bot: Bot, chat_id: int) -> SentMessage:
    return bot.emu.sent(chat_id)[-1]


def hang_buttons() -> list[str]:
    return [texts.BTN_HANG_DONE, texts.BTN_HANG_SNOOZE, texts.BTN_HANG_SKIP]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_reminder_kind_speaks_the_persons_language(bot: Bot, language: str) -> None:
    n = LANGUAGES.index(language)
    bot.clock.current = SEEDED
    await seed(bot, PROMPTS + n, language)
    await seed(bot, STILL_THERE + n, language, hang_times=())
    await seed(bot, SUMMARY + n, language, hang_times=(), checkin_time=None)
    await seed(bot, WEEKLY_CHECKIN + n, language, hang_times=(), checkin_weekly=True)
    await seed(  # signed up 360 days ago, and never checked in
        bot,
        RETENTION + n,
        language,
        hang_times=(),
        checkin_time=None,
        weekly_summary=False,
        created_at=SEEDED - timedelta(days=360),
    )
    await seed(bot, HIGH + n, language, checkin_time=None, weekly_summary=False)
    async with unit(bot.app.dispatcher.deps) as work:
        await work.ratings.set(SUMMARY + n, MONDAY, 3, SEEDED)  # the summary needs a check-in
        await work.ratings.set(HIGH + n, MONDAY, 7, SEEDED)  # a high-pain day
        await work.commit()

    with i18n.speaking(language):
        # The hourly sweep of the first tick warns the person inactive for a year.
        await tick(bot, utc(MONDAY, 7))
        assert newest(bot, RETENTION + n).text == texts.RETENTION_WARNING
        prompt = newest(bot, PROMPTS + n)
        assert prompt.text == texts.REMINDER_CHECKIN_MORNING
        assert labels(prompt) == [str(pain) for pain in range(11)]
        weekly_prompt = newest(bot, WEEKLY_CHECKIN + n)
        assert weekly_prompt.text == texts.REMINDER_CHECKIN_MORNING  # Mondays only

        await tick(bot, utc(MONDAY, 7, 30))
        hang = newest(bot, PROMPTS + n)
        assert hang.text == texts.REMINDER_HANG
        assert labels(hang) == hang_buttons()
        high = newest(bot, HIGH + n)  # optional, only if it eases the pain
        assert (high.text, labels(high)) == (texts.REMINDER_HANG_HIGH, hang_buttons())
        snooze = next(b for b in hang.buttons if b["text"] == texts.BTN_HANG_SNOOZE)
        chat = Chat(bot, PROMPTS + n)
        assert await chat.press_data(hang.message_id, snooze["callback_data"]) == (
            texts.HANG_SNOOZE_ACK  # an update, answered in the stored language too
        )
        await tick(bot, utc(MONDAY, 7, 46))
        snoozed = newest(bot, PROMPTS + n)
        assert snoozed.message_id != hang.message_id
        assert (snoozed.text, labels(snoozed)) == (texts.REMINDER_HANG, hang_buttons())

        async with unit(bot.app.dispatcher.deps) as work:  # the hang made it worse
            worse = MoveFeedback(MONDAY, "bar_hang", Feedback.WORSE)
            await work.feedback.add(PROMPTS + n, worse, utc(MONDAY, 8))
            await work.commit()
        await tick(bot, utc(MONDAY, 17, 30))
        gentle = newest(bot, PROMPTS + n)
        what = default_program().move("bar_hang").levels
        # After a Worse: the shortest holds, whose words name the feet (not twice).
        assert gentle.text == texts.REMINDER_HANG_SHORTEST.format(what=what[0])
        assert labels(gentle) == hang_buttons()

        # Three prompts ignored (Monday to Wednesday): Thursday's says "still there?".
        for day in (1, 2):
            await tick(bot, utc(MONDAY + timedelta(days=day), 7))
        await tick(bot, utc(MONDAY + timedelta(days=3), 7))
        assert newest(bot, STILL_THERE + n).text == texts.STILL_THERE

        await tick(bot, utc(MONDAY + timedelta(days=6), 17))  # Sunday 18:00 in Berlin
        summary = newest(bot, SUMMARY + n).text or ""
        assert summary.startswith(_plain(texts.WEEKLY_TITLE))
        assert summary.endswith(_plain(texts.RED_FLAGS_WEEKLY))  # the signs, every week
        assert len(bot.emu.sent(WEEKLY_CHECKIN + n)) == 1  # no prompt between Mondays

    sent = [m.text or "" for chat in range(100 + n, 700 + n, 100) for m in bot.emu.sent(chat)]
    assert len(sent) >= 12
    if language != i18n.DEFAULT:  # none of it in English
        with i18n.speaking(i18n.DEFAULT):
            english = {texts.REMINDER_HANG[:20], texts.REMINDER_CHECKIN[:20], "Still there"}
        assert not [text for text in sent if any(e in text for e in english)]


def _plain(html: str) -> str:
    """A text as Telegram shows it, without its tags."""
    return re.sub(r"<[^>]+>", "", html)


async def test_one_batch_sends_each_person_their_own_language_while_updates_keep_theirs(
    bot: Bot,
) -> None:
    bot.clock.current = SEEDED
    # Interleaved in one batch, sent over about 4 s at 25 a second.
    people = {chat: LANGUAGES[chat % 3] for chat in range(700, 800)}
    for chat, language in people.items():
        await seed(bot, chat, language, hang_times=())
    # A Spanish person asks for /help while the broadcast goes out.
    bot.emu.add_user(900, language_code="es")
    asking = Chat(bot, 900)
    broadcast = asyncio.create_task(tick(bot, utc(MONDAY, 7)))
    await asking.say("/help")
    with i18n.speaking("es"):
        await asking.expect(_plain(texts.HELP)[:30])
    await broadcast
    for chat, language in people.items():
        with i18n.speaking(language):
            assert [m.text for m in bot.emu.sent(chat)] == [texts.REMINDER_CHECKIN_MORNING]
