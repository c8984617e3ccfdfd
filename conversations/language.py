"""/language, its buttons, the person's language for each update, and the command menus.

An update speaks the language of the person's Telegram app (``User.language_code``) until
their stored language is loaded (services/unit.py ``Work.person``): someone not yet set up
reads /start, /help or /redflags in their own language.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application

from coach import i18n, texts
from conversations.commands import answer, chat_id
from conversations.context import Ctx, Deps
from conversations.payload import Payload
from services import language
from services.outcome import Outcome

log = logging.getLogger(__name__)


async def from_telegram(update: object, ctx: Ctx) -> None:
    """Before any handler: speak the person's stored language (read once per person after a
    start), or their app's for someone not set up (English when we don't ship it). Each
    update runs in its own task, so this never reaches another person's update."""
    user = update.effective_user if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    i18n.use(i18n.choose(user.language_code if user else None))
    if chat is not None and chat.type == "private":
        stored = i18n.known(chat.id)
        if stored is None:
            try:
                await language.speak_stored(ctx.deps, chat.id)
            except SQLAlchemyError:  # the handler that follows says what went wrong, once
                log.debug("the stored language could not be read; the app's is spoken")
        else:
            i18n.use(stored)


async def read_ahead(deps: Deps, updates: Sequence[Update]) -> None:
    """Before a batch of polled updates is handled: the stored language of every private
    chat in it not remembered yet, in one query, so that ``from_telegram`` finds them all
    remembered instead of reading each person's alone. Anyone not stored is read as before,
    when their update runs."""
    chats = {
        chat.id
        for update in updates
        if (chat := update.effective_chat) is not None
        and chat.type == "private"
        and i18n.known(chat.id) is None
    }
    if len(chats) < 2:  # one is read when its update runs, as it would be here
        return
    try:
        await language.remember_stored(deps, chats)
    except SQLAlchemyError:  # each update reads its own then, and says what went wrong
        log.debug("the stored languages of a batch could not be read ahead")


async def language_command(update: Update, ctx: Ctx) -> None:
    """/language: a button per language."""
    await answer(update, ctx, await language.ask(ctx.deps, chat_id(update)))


async def pressed(deps: Deps, chat: int, payload: Payload) -> Outcome:
    """A language button (routed by conversations/buttons.ROUTES)."""
    return await language.choose(deps, chat, payload.args[0] if payload.args else "")


def commands_in(names: list[str], code: str) -> list[BotCommand]:
    """The command menu in one language."""
    with i18n.speaking(code):
        return [BotCommand(name, texts.COMMANDS[name]) for name in names]


async def register_menus(app: Application[Any, Any, Any, Any, Any, Any], names: list[str]) -> None:
    """The menu in every language we ship: English for everyone, and Russian and Spanish
    for apps set to them (a failure only costs the menu)."""
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT:
            continue
        try:
            await app.bot.set_my_commands(commands_in(names, code), language_code=code)
        except TelegramError:
            log.warning("could not register the %s command list", code, exc_info=True)
