"""Building Back Coach: settings, store, program, signer, clock, dispatcher and the PTB
Application. ``bot.py``, the console and the tests all build the bot here."""

from __future__ import annotations

import gc
import hashlib
from functools import partial
from typing import Any, Literal, cast

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from telegram.constants import FloodLimit
from telegram.ext import ApplicationBuilder, ContextTypes

from coach.program import Program, default_program
from conversations import language
from conversations.app import BackCoachApplication, PerPersonProcessor, add_handlers, tick
from conversations.context import Ctx, Deps
from conversations.dispatch import Dispatcher
from conversations.health import Monitor
from conversations.limiter import LaneLimiter
from conversations.metrics import Metrics, note_error
from conversations.payload import Signer
from conversations.transport import AiohttpRequest
from conversations.updates_bot import BackCoachBot
from services.clock import Clock, SystemClock
from storage.coordination import Leadership
from storage.db import DEFAULT_URL
from storage.unit_of_work import Store, open_store

TELEGRAM_API = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Back Coach's configuration, from the environment or `.env`. The token is a secret:
    never logged."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = DEFAULT_URL
    telegram_base_url: str = TELEGRAM_API
    log_level: str = "INFO"
    # Telegram long-poll timeout, seconds.
    poll_timeout: int = 30
    # Seconds between reminder dispatcher ticks (None: no ticks, as in the console), and
    # reminders sent per second at most.
    dispatch_every: float | None = 20
    dispatch_rate: float = 25
    # The rate limiter keeps every request under Telegram's limits (people's replies before
    # reminders): at most ``rate_limit_per_second`` requests to chats in any second.
    rate_limit: bool = True
    rate_limit_per_second: int = 30
    # Paid broadcasts (README, "Paid broadcasts at the morning peak"): reminders a second
    # sent besides DISPATCH_RATE with Telegram's allow_paid_broadcast, 0.1 Star each from
    # the bot's balance, only while a peak's queue is longer than the free rate sends in ten
    # minutes. 0 (the default): never. At most Telegram's 1,000 a second.
    paid_broadcast_rate: int = Field(0, ge=0, le=FloodLimit.PAID_MESSAGES_PER_SECOND)
    # Webhook mode (a public bot) when WEBHOOK_URL is set: Telegram posts to that https URL
    # with WEBHOOK_SECRET; the server listens on WEBHOOK_LISTEN:WEBHOOK_PORT (behind a TLS
    # proxy) and also answers /healthz and /metrics there. Polling otherwise. Only the proxy
    # on this machine reaches it by default; a proxy elsewhere (or a container) needs 0.0.0.0.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    # Polling mode: /healthz and /metrics on METRICS_LISTEN:METRICS_PORT when the port is set.
    metrics_port: int | None = None
    metrics_listen: str = "127.0.0.1"
    # "text" (the default) or "json": one JSON object a line.
    log_format: Literal["text", "json"] = "text"

    @field_validator("paid_broadcast_rate")
    @classmethod
    def _paid_needs_the_rate_limiter(cls, rate: int, info: ValidationInfo) -> int:
        if rate and not info.data.get("rate_limit", True):
            raise ValueError("paid broadcasts are paced by the rate limiter: set RATE_LIMIT=true")
        return rate

    @property
    def token(self) -> str:
        """The bot token; callers must have checked it is set."""
        if self.telegram_bot_token is None:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()

    @property
    def secret(self) -> str | None:
        """The webhook's secret, if set."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None


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
    rate_limit_per_second: int = 30,
    poll_timeout: float = 30,
    dispatch_every: float | None = 20,
    dispatch_rate: float = 25,
    paid_broadcast_rate: int = 0,
) -> BackCoachApplication:
    """The whole bot over an open store, ready to run."""
    # The bot is built here, not by the builder, to be a BackCoachBot (the builder offers no
    # bot class); the requests are the ones the builder would make.
    bot = BackCoachBot(
        token,
        base_url=base_url,
        request=AiohttpRequest(connection_pool_size=256),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=poll_timeout + 10),
        rate_limiter=(
            LaneLimiter(
                overall_max_rate=rate_limit_per_second,
                max_retries=3,
                # Two thirds of the window at most for one chat (Telegram lets a chat
                # have a burst of about twenty): one person's queue of replies leaves
                # room for everyone else's.
                chat_share=max(1, rate_limit_per_second * 2 // 3),
                paid_max_rate=paid_broadcast_rate,
            )
            if rate_limit
            else None
        ),
    )
    metrics = Metrics()
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=Ctx))
        .concurrent_updates(PerPersonProcessor(observe=metrics.timed))
        .application_class(BackCoachApplication)
    )
    app: Any = builder.build()
    assert isinstance(app, BackCoachApplication)
    app.deps = Deps(store, clock, program, Signer(signing_key(token)))
    bot.read_ahead(partial(language.read_ahead, app.deps))
    app.dispatcher = Dispatcher(
        app.deps,
        app.bot,
        rate=dispatch_rate,
        paid_rate=paid_broadcast_rate,
        leadership=Leadership(store.engine),
    )
    add_handlers(app)
    app.add_error_handler(note_error)  # after the apology: counts the update as an error
    # /healthz and /metrics (conversations/web.py) read the application's Monitor.
    monitor = cast(Any, app).monitor = Monitor(app, metrics, dispatch_every)
    if dispatch_every is not None:
        assert app.job_queue is not None
        app.job_queue.run_once(monitor.begin, 0, name="monitor")
        # One repeating job for everyone; a late tick runs once (coalesce), never skipped.
        app.job_queue.run_repeating(
            tick,
            interval=dispatch_every,
            first=1,
            name="dispatch",
            job_kwargs={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
    return app


async def open_application(
    settings: Settings, clock: Clock | None = None, program: Program | None = None
) -> BackCoachApplication:
    """Open the database named by the settings (migrating it) and build the bot over it.
    ``app.deps.store`` is closed by the caller."""
    store = await open_store(settings.database_url)
    return build_application(
        settings.token,
        settings.telegram_base_url,
        store,
        clock or SystemClock(),
        program or default_program(),
        rate_limit=settings.rate_limit,
        rate_limit_per_second=settings.rate_limit_per_second,
        poll_timeout=settings.poll_timeout,
        dispatch_every=settings.dispatch_every,
        dispatch_rate=settings.dispatch_rate,
        paid_broadcast_rate=settings.paid_broadcast_rate,
    )


# Objects allocated (less freed) between young-generation collections. Python's 700 runs a
# collection several times per update (each builds thousands of short-lived objects).
GC_YOUNG = 10_000


def settle_memory() -> None:
    """Once the bot has started, in its own process: what start-up made (modules, the
    application, the database's metadata) lives as long as the process, so the garbage
    collector's full passes stop walking it, which shortens their pauses (about 80 ms
    otherwise, every few seconds under load); and young collections run less often. Not
    for tests, which build many applications in one process."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, middle, old)
