"""Who is writing: the chat of an update, and the registered person behind it."""

from __future__ import annotations

from telegram import Update

from coach import texts
from coach.model import Person
from conversations import steps
from conversations.context import Ctx
from conversations.replies import Reply, send_all
from storage.unit_of_work import UnitOfWork


def chat_id(update: Update) -> int:
    """The chat an update came from (handlers only see updates that have one)."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def reply(update: Update, ctx: Ctx, replies: list[Reply]) -> None:
    """Send replies to the update's chat."""
    await send_all(ctx.bot, chat_id(update), replies)


async def registered(update: Update, ctx: Ctx, uow: UnitOfWork) -> Person | None:
    """The person, if registered; otherwise say what to do and return None."""
    person = await uow.people.get(chat_id(update))
    if person is None:
        await reply(update, ctx, [Reply(texts.NOT_REGISTERED)])
        return None
    if not person.registered:
        await reply(
            update, ctx, [Reply(texts.FINISH_SETUP), steps.question(ctx.deps.signer, person)]
        )
        return None
    return person
