"""Building the PTB Application: handlers, per-person ordering, commands, errors."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable
from typing import Any
from weakref import WeakValueDictionary

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from coach import texts
from coach.program import Program
from conversations import buttons, data_flow, handlers, settings_flow
from conversations.clock import Clock
from conversations.context import Ctx, Deps
from conversations.dispatch import Dispatcher
from conversations.payload import Signer
from conversations.replies import Reply, send_all
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

COMMANDS = [
    "start",
    "checkin",
    "today",
    "why",
    "exercises",
    "progress",
    "reminders",
    "settings",
    "pause",
    "resume",
    "export",
    "deletedata",
    "redflags",
    "privacy",
    "help",
]


class PerPersonProcessor(BaseUpdateProcessor):
    """Different people's updates run concurrently; one person's run in order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _person_key(update)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class BackCoachApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, doing its start-up work whenever it is initialised.

    PTB calls ``post_init`` only from ``run_polling``/``run_webhook``; bot.py and the tests
    start the application themselves, so start-up work happens here on every path: the
    command menu, and settling the reminder sends a crash left in flight.
    """

    async def initialize(self) -> None:
        await super().initialize()
        await register_commands(self)
        deps: Deps = self.bot_data["deps"]
        await self.bot_data["dispatcher"].recover(deps.clock.now())


def _person_key(update: object) -> int:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return 0


def signing_key(token: str) -> bytes:
    """A key for button payloads derived from the token (so no second secret to manage)."""
    return hashlib.sha256(b"back-coach buttons\0" + token.encode()).digest()


def build_application(
    token: str,
    base_url: str,
    store: Store,
    clock: Clock,
    program: Program,
    *,
    rate_limit: bool = True,
    poll_timeout: float = 30,
    dispatch_every: float | None = 20,
    dispatch_rate: float = 25,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The whole bot, ready to run."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .context_types(ContextTypes(context=Ctx))
        .concurrent_updates(PerPersonProcessor())
        .get_updates_read_timeout(poll_timeout + 10)
        .application_class(BackCoachApplication)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    app = builder.build()
    deps = Deps(store, clock, program, Signer(signing_key(token)))
    app.bot_data["deps"] = deps
    app.bot_data["dispatcher"] = Dispatcher(deps, app.bot, rate=dispatch_rate)
    add_handlers(app)
    if dispatch_every is not None:
        assert app.job_queue is not None
        # One repeating job for everyone; a late tick runs once (coalesce), never skipped.
        app.job_queue.run_repeating(
            _tick,
            interval=dispatch_every,
            first=1,
            name="dispatch",
            job_kwargs={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
    return app


async def _tick(ctx: Ctx) -> None:
    """The dispatcher's heartbeat: send whatever is due now."""
    dispatcher: Dispatcher = ctx.application.bot_data["dispatcher"]
    await dispatcher.dispatch(ctx.deps.clock.now())


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every handler, private chats only; groups get one friendly answer."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(~private & ~filters.UpdateType.EDITED, handlers.private_only))
    app.add_handler(CommandHandler("start", handlers.start, filters=private))
    app.add_handler(CommandHandler("checkin", handlers.checkin_command, filters=private))
    app.add_handler(CommandHandler("today", handlers.today_command, filters=private))
    app.add_handler(CommandHandler("why", handlers.why_command, filters=private))
    app.add_handler(CommandHandler("exercises", handlers.exercises_command, filters=private))
    app.add_handler(CommandHandler("redflags", handlers.redflags_command, filters=private))
    app.add_handler(CommandHandler(["help", "privacy"], handlers.static_command, filters=private))
    app.add_handler(CommandHandler("progress", data_flow.progress_command, filters=private))
    app.add_handler(CommandHandler("export", data_flow.export_command, filters=private))
    app.add_handler(CommandHandler("deletedata", data_flow.delete_command, filters=private))
    app.add_handler(CommandHandler("pause", settings_flow.pause_command, filters=private))
    app.add_handler(CommandHandler("resume", settings_flow.resume_command, filters=private))
    app.add_handler(CommandHandler("reminders", settings_flow.reminders_command, filters=private))
    app.add_handler(CommandHandler("settings", settings_flow.settings_command, filters=private))
    app.add_handler(ChatMemberHandler(settings_flow.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(private & filters.LOCATION, handlers.location_message))
    app.add_handler(MessageHandler(private & filters.TEXT, handlers.text_message))
    app.add_handler(CallbackQueryHandler(buttons.button))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED, handlers.other_message))
    app.add_error_handler(_on_error)


async def register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command list with Telegram (a failure only costs the menu)."""
    try:
        await app.bot.set_my_commands([BotCommand(c, texts.COMMANDS[c]) for c in COMMANDS])
    except TelegramError:
        log.warning("could not register the command list", exc_info=True)


async def _on_error(update: object, ctx: Ctx) -> None:
    """Log the failure (the token is redacted by the log filter) and apologise."""
    log.error("handling an update failed", exc_info=ctx.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await send_all(ctx.bot, update.effective_chat.id, [Reply(texts.ERROR)])
        except Exception:  # the error may be that Telegram is unreachable
            log.warning("could not send the apology")
