"""Back Coach in Russian and Spanish, end to end: the language of the person's Telegram app
at /start, kept with them; a check-in and the plan, /why, a red-flag "yes" with their
country's number, /language back to English; the command menu in every language; and two
people in different languages at the same moment, each answered in their own."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from telegram import Chat, Message, Update

from coach import i18n, texts
from conversations import language
from tests.e2e.conftest import Bot, Person, labels, stored


async def onboard(person: Person, zone: str) -> None:
    """Set-up in the person's language, no screening or red-flag "yes", no equipment."""
    with i18n.speaking((await stored(person.bot, person.user_id)).person.language):
        await person.expect(texts.CONSENT.split("\n\n")[-1])
        await person.press(texts.CONSENT_YES)
        await person.expect(texts.TIMEZONE_ASK[:20])
        await person.say(zone)
        await person.expect(texts.TIMEZONE_SET.split(":")[0])
        await person.expect(texts.SCREENING_ASK[:30])
        await person.press(texts.NONE_OF_THESE)
        await person.expect(texts.RED_FLAGS_ASK["emergency"][:20])
        await person.press(texts.NO)
        await person.expect(texts.RED_FLAGS_ASK["urgent"][:10])
        await person.press(texts.NO)
        await person.expect(texts.RED_FLAGS_ASK["soon"][:10])
        await person.press(texts.NO)
        await person.expect(texts.CHECKIN_TIME_ASK[:20])
        await person.press("08:00")
        question = await person.expect(texts.EQUIPMENT_ASK_ALL[:15])
        done = next(b for b in question.buttons if b["text"] == texts.DONE)
        await person.press_data(question.message_id, done["callback_data"])
        await person.expect(texts.PAIN_ASK[:20])


async def start_in(bot: Bot, user_id: int, code: str) -> Person:
    bot.emu.add_user(user_id, language_code=code)
    person = Person(bot, user_id)
    await person.say("/start")
    await person.expect("👋")
    return person


async def test_a_russian_app_gets_russian_from_start_to_red_flag_and_back_to_english(
    bot: Bot,
) -> None:
    person = await start_in(bot, 6001, "ru")
    assert "проведёт вас" in (person.messages()[0].text or "")
    assert (await stored(bot, person.user_id)).person.language == "ru"
    await onboard(person, "Europe/Moscow")

    await person.press("3")
    plan = await person.expect("План на сегодня")
    assert "Вис на турнике" in (plan.text or "")
    assert "Today's plan" not in (plan.text or "")
    await person.say("/why")
    why = await person.expect("Вы на этапе 1")
    assert "Разгрузка" in (why.text or "")

    await person.say("/redflags")
    await person.expect("Есть ли у вас")
    await person.press("Да")
    advice = await person.expect("вызовите скорую помощь")
    assert "112" in (advice.text or "") and "Россия" in (advice.text or "")
    assert "приёмное отделение" in (advice.text or "")
    assert labels(advice) == []  # never a button on the advice
    await person.expect("/cleared")  # the pause says how the all-clear starts

    await person.say("/language")
    menu = await person.expect("На каком языке")
    assert labels(menu) == ["English", "Русский", "Español"]
    await person.press("English")
    await person.expect("From now on I speak English.")
    assert (await stored(bot, person.user_id)).person.language == "en"
    await person.say("/help")
    await person.expect("/help — this list")


async def test_a_mexican_spanish_app_gets_spanish_with_mexicos_number(bot: Bot) -> None:
    person = await start_in(bot, 6002, "es-MX")
    assert "te guía por la progresión" in (person.messages()[0].text or "")
    assert (await stored(bot, person.user_id)).person.language == "es"
    await onboard(person, "America/Mexico_City")

    await person.press("2")
    plan = await person.expect("Plan de hoy")
    assert "Colgarse de barra" in (plan.text or "")
    await person.say("/why")
    await person.expect("Estás en la etapa 1")

    await person.say("/redflags")
    await person.expect("¿Tienes alguno")
    await person.press("Sí")
    advice = await person.expect("urgencias")
    assert "911" in (advice.text or "") and "México" in (advice.text or "")

    await person.say("/language")
    await person.expect("¿En qué idioma")
    await person.press("English")
    await person.expect("From now on I speak English.")


async def test_an_app_in_a_language_we_do_not_ship_gets_english(bot: Bot) -> None:
    person = await start_in(bot, 6003, "pt-BR")
    assert "guides you through" in (person.messages()[0].text or "")
    assert (await stored(bot, person.user_id)).person.language == "en"


async def test_the_stored_language_wins_over_the_apps(bot: Bot) -> None:
    person = await start_in(bot, 6004, "en")
    await person.say("/language")
    await person.expect("Which language")
    await person.press("Español")
    await person.expect("A partir de ahora te hablo en español.")
    await person.expect("¿Aceptas")  # the pending consent question, asked again in Spanish
    await person.say("/help")
    await person.expect("/help — esta lista")


async def test_two_people_in_different_languages_at_once_each_get_their_own(bot: Bot) -> None:
    people = [(7001, "ru", "проведёт вас"), (7002, "es", "te guía"), (7003, "en", "guides you")]
    for user_id, code, _ in people:
        bot.emu.add_user(user_id, language_code=code)
    for _ in range(3):  # interleaved: every update of one round arrives at the same time
        for user_id, _, _ in people:
            bot.emu.send_text(user_id, "/start")
        for user_id, _, _ in people:
            bot.emu.send_text(user_id, "/help")
    persons = [Person(bot, user_id) for user_id, _, _ in people]
    await asyncio.gather(*(p.expect("/language —") for p in persons))
    for person, (_, code, welcome) in zip(persons, people, strict=True):
        await person.bot.emu.wait_until(
            lambda p=person: (
                len([m for m in p.messages() if "/language —" in (m.text or "")]) == 3 or None
            ),
            15,
            lambda: "three /help answers",
        )
        said = [m.text or "" for m in person.messages()]
        assert welcome in said[0]
        with i18n.speaking(code):
            help_text = texts.HELP
        others = [c for c in ("ru", "es", "en") if c != code]
        for other in others:
            with i18n.speaking(other):
                assert texts.HELP.split("\n")[1] not in "\n".join(said)
        assert sum(help_text.split("\n")[1] in text for text in said) == 3


async def test_the_command_menu_is_registered_in_every_language(bot: Bot) -> None:
    menus = bot.emu.commands_by_scope
    by_language = {language: commands for (_, language), commands in menus.items()}
    assert set(by_language) >= {"", "ru", "es"}
    for code, key in (("en", ""), ("ru", "ru"), ("es", "es")):
        with i18n.speaking(code):
            wanted = texts.COMMANDS["language"]
        described = {c["command"]: c["description"] for c in by_language[key]}
        assert described["language"] == wanted
        assert set(described) == {c["command"] for c in by_language[""]}
    assert by_language["ru"][0]["description"] != by_language[""][0]["description"]


async def test_a_polled_batch_has_its_peoples_languages_read_ahead_in_one_query(
    bot: Bot,
) -> None:
    for user_id, code in ((7101, "ru"), (7102, "es")):
        await start_in(bot, user_id, code)
    i18n._known.clear()  # as after a restart
    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    updates = [
        Update(n, message=Message(n, at, Chat(chat_id, Chat.PRIVATE), text="/help"))
        for n, chat_id in enumerate((7101, 7102, 7101, 7199), start=1)
    ]
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    engine = bot.store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        await language.read_ahead(bot.app.deps, updates)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 1
    assert (i18n.known(7101), i18n.known(7102), i18n.known(7199)) == ("ru", "es", None)

    i18n.use("en", 7101)  # a /language of theirs, remembered while a read-ahead ran
    i18n.remember(7101, "ru")
    assert i18n.known(7101) == "en"


async def test_a_language_chosen_before_start_is_kept_and_the_welcome_offers_the_choice(
    bot: Bot,
) -> None:
    bot.emu.add_user(6101, language_code="en")
    person = Person(bot, 6101)
    await person.say("/language")
    await person.expect(texts.LANGUAGE_ASK)
    await person.press("Русский")
    with i18n.speaking("ru"):
        await person.expect(texts.NOT_REGISTERED)
        await person.say("/start")
        await person.expect(_plain(texts.WELCOME)[:20])
        consent = await person.expect(texts.CONSENT.split("\n\n")[-1])
        assert labels(consent) == [texts.CONSENT_YES, texts.CONSENT_NO, *i18n.LANGUAGES.values()]
    assert (await stored(bot, 6101)).person.language == "ru"
    await person.press("Español")  # changed at the consent: the welcome again, in Spanish
    with i18n.speaking("es"):
        await person.expect(texts.LANGUAGE_SET)
        await person.expect(_plain(texts.WELCOME)[:20])
        await person.expect(texts.CONSENT.split("\n\n")[-1])
        await person.press(texts.CONSENT_YES)
        await person.expect(texts.TIMEZONE_ASK[:20])
    assert (await stored(bot, 6101)).person.language == "es"


def _plain(html: str) -> str:
    """A text as Telegram shows it, without its tags."""
    return re.sub(r"<[^>]+>", "", html)
