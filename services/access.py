"""Who is writing: the registered person behind a chat, or what to tell them instead."""

from __future__ import annotations

from coach import texts
from coach.model import Person
from services.outcome import Outcome, Say
from services.steps import question, started
from services.unit import Work


async def registered(work: Work, chat_id: int) -> tuple[Person | None, Outcome]:
    """The person if registered; otherwise None and what to say."""
    person = await work.person(chat_id)
    if person is None or not started(person):
        return None, Outcome([Say(texts.NOT_REGISTERED)])
    if not person.registered:
        return None, Outcome([Say(texts.FINISH_SETUP), question(person)])
    return person, Outcome()
