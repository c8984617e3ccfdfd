"""/language: the person chooses what Back Coach speaks to them; it is stored with them."""

from __future__ import annotations

from collections.abc import Collection

from coach import i18n, texts
from services.actions import Action
from services.core import Core
from services.outcome import Button, Message, Outcome, Say
from services.steps import question
from services.unit import unit


def menu() -> Say:
    """The question, with one button per language, each named in its own words."""
    row = tuple(Button(name, Action.LANGUAGE, (code,)) for code, name in i18n.LANGUAGES.items())
    return Say(texts.LANGUAGE_ASK, (row,))


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
    """/language: which language? (Anyone may ask; the person's current one is spoken.)"""
    async with unit(core) as work:
        await work.person(chat_id, repair=False)  # speaks their stored language
    return Outcome([menu()])


async def choose(core: Core, chat_id: int, language: str) -> Outcome:
    """A language button: store it and say so in the new language; a question pending in
    set-up or settings is asked again, now in that language. Someone not yet set up is
    answered in it and told to /start (nothing is stored before consent)."""
    if language not in i18n.LANGUAGES:
        return Outcome(toast=texts.INVALID_BUTTON)
    messages: list[Message]
    async with unit(core) as work:
        person = await work.person(chat_id)
        i18n.use(language, chat_id if person is not None else None)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)], answered=True)
        person.language = language
        await work.save(person)
        await work.commit()
    messages = [Say(texts.LANGUAGE_SET)]
    if person.step is not None:
        messages.append(question(person))
    return Outcome(messages, answered=True)
