"""The PTB Application's parts: handlers, per-person ordering, the command menu, errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy.exc import SQLAlchemyError
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from coach import texts
from conversations import buttons, commands, data, language, report_command, settings
from conversations.context import Ctx, Deps
from conversations.dispatch import Dispatcher
from conversations.replies import Reply, send_all
from services.actions import Action

log = logging.getLogger(__name__)

# PTB's own limit on updates in flight, lifted: PerPersonProcessor keeps its own.
UNGATED = 2**31 - 1

COMMANDS = [
    "start",
    "checkin",
    "today",
    "why",
    "exercises",
    "progress",
    "report",
    "reminders",
    "settings",
    "pause",
    "resume",
    "export",
    "deletedata",
    "redflags",
    "cleared",
    "privacy",
    "language",
    "help",
]


class PerPersonProcessor(BaseUpdateProcessor):
    """Different people's updates run concurrently, up to ``max_concurrent_updates`` at a
    time; one person's run in order, one at a time, and waiting for one's turn holds no slot.

    PTB takes a slot in its final ``process_update`` before calling ``do_process_update``:
    there, an update waiting for its person's lock would hold a slot, and one person with
    many queued updates would hold them all while everyone else waited. So PTB's own gate
    is opened wide and the slots are taken here, after the person's lock. asyncio's locks
    serve waiters in order, so a person's updates still run in the order they arrived.
    """

    # PTB sizes its gate from this property while ``__init__`` runs: wide open until the
    # real number is set, which PTB then reports (``Application.concurrent_updates``).
    _slots_total: int = UNGATED

    def __init__(
        self,
        max_concurrent_updates: int = 64,
        observe: Callable[[object, Awaitable[Any]], Awaitable[None]] | None = None,
    ) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        super().__init__(UNGATED)
        self._slots_total = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._running = 0
        self._observe = observe  # runs each update's handlers, e.g. timing them
        # A person's lock lives while one of their updates holds or awaits it, then goes.
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    @property
    def max_concurrent_updates(self) -> int:
        return self._slots_total

    @property
    def current_concurrent_updates(self) -> int:
        """Updates being handled now (not those waiting for their person's turn)."""
        return self._running

    @property
    def people(self) -> int:
        """People with an update running or waiting for their turn now: the lock table's
        size, which falls back to 0 once everyone's updates are done."""
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _person_key(update)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock, self._slots:
            self._running += 1
            try:
                await (coroutine if self._observe is None else self._observe(update, coroutine))
            finally:
                self._running -= 1

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class BackCoachApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, holding the bot's parts as typed attributes (set by bootstrap).

    PTB calls ``post_init`` only from ``run_polling``/``run_webhook``; bot.py and the tests
    start the application themselves, so start-up work happens here on every path: the
    command menu, settling the reminder sends a crash left in flight, and starting the
    reminder sender (stopped again before the bot shuts down, as it sends with the bot).
    """

    deps: Deps
    dispatcher: Dispatcher

    async def initialize(self) -> None:
        await super().initialize()
        await register_commands(self)
        await self.dispatcher.recover(self.deps.clock.now())
        await self.dispatcher.start()

    async def shutdown(self) -> None:
        await self.dispatcher.stop()
        await super().shutdown()


def _person_key(update: object) -> int:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return 0


async def tick(ctx: Ctx) -> None:
    """The dispatcher's heartbeat: claim whatever is due now; the sender, running since
    start, sends it. Returns at once, so a slow claim never makes a tick skip."""
    ctx.app.dispatcher.request_tick(ctx.deps.clock.now())


# The kinds of update the handlers below take, asked of Telegram in both modes (polling's
# getUpdates and the webhook): messages and their edits (private chats; a group gets one
# answer), button presses, and the bot's own membership (blocked or unblocked). Nothing else
# is sent, so nothing else is received and read: channel posts, reactions, polls...
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every handler, private chats only; groups get one friendly answer."""
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, language.from_telegram), group=-1)
    buttons.ROUTES[Action.LANGUAGE] = language.pressed
    app.add_handler(MessageHandler(~private & ~filters.UpdateType.EDITED, commands.private_only))
    app.add_handler(MessageHandler(private & filters.UpdateType.EDITED, commands.edited_message))
    app.add_handler(CommandHandler("start", commands.start, filters=private))
    app.add_handler(CommandHandler("checkin", commands.checkin_command, filters=private))
    app.add_handler(CommandHandler("today", commands.today_command, filters=private))
    app.add_handler(CommandHandler("why", commands.why_command, filters=private))
    app.add_handler(CommandHandler("exercises", commands.exercises_command, filters=private))
    app.add_handler(CommandHandler("redflags", commands.redflags_command, filters=private))
    app.add_handler(CommandHandler("cleared", commands.cleared_command, filters=private))
    app.add_handler(CommandHandler(["help", "privacy"], commands.static_command, filters=private))
    app.add_handler(CommandHandler("progress", data.progress_command, filters=private))
    app.add_handler(CommandHandler("export", data.export_command, filters=private))
    app.add_handler(CommandHandler("report", report_command.report_command, filters=private))
    app.add_handler(CommandHandler("deletedata", data.delete_command, filters=private))
    app.add_handler(CommandHandler("pause", settings.pause_command, filters=private))
    app.add_handler(CommandHandler("resume", settings.resume_command, filters=private))
    app.add_handler(CommandHandler("reminders", settings.reminders_command, filters=private))
    app.add_handler(CommandHandler("settings", settings.settings_command, filters=private))
    app.add_handler(CommandHandler("language", language.language_command, filters=private))
    app.add_handler(ChatMemberHandler(settings.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(private & filters.COMMAND, commands.unknown_command))
    app.add_handler(MessageHandler(private & filters.LOCATION, commands.location_message))
    app.add_handler(MessageHandler(private & filters.TEXT, commands.text_message))
    app.add_handler(CallbackQueryHandler(buttons.button))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED, commands.other_message))
    app.add_error_handler(_on_error)


async def register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command list with Telegram (a failure only costs the menu)."""
    try:
        await app.bot.set_my_commands([BotCommand(c, texts.COMMANDS[c]) for c in COMMANDS])
    except TelegramError:
        log.warning("could not register the command list", exc_info=True)
    await language.register_menus(app, COMMANDS)


async def _on_error(update: object, ctx: Ctx) -> None:
    """Log the failure (the token is redacted by the log filter) and apologise; a press is
    answered whatever failed. A database that refuses (full disk, read-only, locked too
    long) is one clear line: the unit of work was rolled back, so nothing is half-saved."""
    error = ctx.error
    apology = texts.ERROR
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error
        log.error("the database refused an update (%s: %s)", type(cause).__name__, cause)
        apology = texts.ERROR_STORAGE
    else:
        log.error("handling an update failed", exc_info=error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if update.effective_chat is not None:
        try:
            await send_all(ctx.bot, update.effective_chat.id, [Reply(apology)])
        except Exception:  # the error may be that Telegram is unreachable
            log.warning("could not send the apology")
