"""/language: the person chooses what Back Coach speaks to them; it is stored with them."""

from __future__ import annotations

from collections.abc import Collection

from coach import i18n, texts
from coach.model import Person
from services.core import Core
from services.outcome import Message, Outcome, Say
from services.steps import Step, language_row, question, started, step_of
from services.unit import unit


def menu() -> Say:
    """The question, with one button per language, each named in its own words."""
    return Say(texts.LANGUAGE_ASK, (language_row(),))


async def speak_stored(core: Core, chat_id: int) -> None:
    """Speak a person's stored language, if they are stored (once per person after a start;
    later updates find it remembered). Only the language is read: no person is built and
    no lock taken, as nothing is decided or written here."""
    async with core.store.unit() as uow:
        stored, code = await uow.people.language(chat_id)
    if stored:
        i18n.use(code, chat_id)


async def remember_stored(core: Core, chat_ids: Collection[int]) -> None:
    """Remember the stored language of each of these people, read in one query: a batch of
    updates from Telegram then reads none of them one by one."""
    async with core.store.unit() as uow:
        found = await uow.people.languages(chat_ids)
    for chat_id, code in found.items():
        i18n.remember(chat_id, code)


async def ask(core: Core, chat_id: int) -> Outcome:
    """/language: which language? (Anyone may ask: in their stored language, or their
    app's before they have one.)"""
    async with unit(core) as work:
        person = await work.person(chat_id, repair=False)
    with i18n.speaking(person.language if person and person.language else i18n.current()):
        return Outcome([menu()])


async def choose(core: Core, chat_id: int, language: str) -> Outcome:
    """A language button: store it and say so in the new language; a question pending in
    set-up or settings is asked again, now in that language (the welcome too, while the
    consent is the question). Chosen before /start, it is kept for set-up: only the chat
    and the language are stored, as /start would store them."""
    if language not in i18n.LANGUAGES:
        return Outcome(toast=texts.INVALID_BUTTON)
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            await work.add(Person(chat_id=chat_id, created_at=work.now, language=language))
        else:
            person.language = language
            await work.save(person)
        await work.commit()
    i18n.learn(chat_id, language)
    with i18n.speaking(language):  # what follows is composed, and rendered, in it
        messages: list[Message] = [Say(texts.LANGUAGE_SET)]
        if person is None or not started(person):
            messages.append(Say(texts.NOT_REGISTERED))
        elif person.step is not None:
            if step_of(person) is Step.CONSENT:
                messages.append(Say(texts.WELCOME))
            messages.append(question(person))
        return Outcome(messages, answered=True)
