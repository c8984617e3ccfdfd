"""Back Coach: wiring only. Settings, database, application, run.

python bot.py            run the bot (needs TELEGRAM_BOT_TOKEN; see README.md): polling
                         Telegram, or with WEBHOOK_URL set, serving Telegram's webhook
python bot.py --console  chat with it in this terminal
(installed, the same as: back-coach run / back-coach console; see cli.py)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from bootstrap import Settings, open_application, settle_memory
from coach import i18n, place_index, places
from coach.program import ProgramError, default_program
from conversations.app import ALLOWED_UPDATES
from conversations.health import monitor_of
from conversations.logs import setup_logging
from conversations.web import Webhook, WebServer, set_webhook, web_app, webhook_problems
from storage.db import sqlite_file

log = logging.getLogger("backcoach")

NO_TOKEN = """\
Back Coach needs a Telegram bot token to run.

  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username; BotFather replies with a token like 123456:ABC-DEF...
  3. Put it in a file named .env next to bot.py (see .env.example):
         TELEGRAM_BOT_TOKEN=123456:ABC-DEF...
     or export TELEGRAM_BOT_TOKEN in your shell, then run this again.

To try Back Coach first without a token or a network, chat with it in this terminal
(from the project folder; the first run sets everything up in .venv/):

    make console
"""


REJECTED = """\
Telegram rejected the bot token (TELEGRAM_BOT_TOKEN): it is wrong, or it was revoked.
Get the bot's current token from @BotFather (/mybots, then API Token), put it in .env
and start Back Coach again."""

# Exit statuses besides 0 (stopped by a signal), 2 (no token) and 3 (bad program file).
EXIT_REJECTED = 4
EXIT_UNREACHABLE = 5
EXIT_DATABASE = 6
EXIT_SETTINGS = 7  # settings that cannot run: a webhook without a good secret, a bad value
EXIT_LISTEN = 8  # the webhook's or the metrics' port cannot be listened on
# A language's catalogue or the city index is missing or unreadable: a broken installation.
EXIT_CATALOGUE = 9

# People's health data: every file the bot creates (the SQLite database and its -wal and -shm,
# the record of it below) is its own user's alone (0600).
PRIVATE_UMASK = 0o077

# Next to .env: the SQLite file this installation has used, so that a database that
# disappears (a deleted directory, an unmounted volume) is an error, not a new empty one.
DATABASE_RECORD = Path(".backcoach-database")

# How long start-up waits out a Telegram that answers 5xx or cannot be reached, seconds.
STARTUP_PATIENCE = 60.0
# PTB's own retries of deleteWebhook wait 1, 1.5, 2.25 ... s: eight of them take ~50 s.
BOOTSTRAP_RETRIES = 8


class Fatal(Exception):
    """Back Coach cannot run: ``str(self)`` says why, ``status`` is the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


async def run(settings: Settings) -> int:
    """Open the database (migrating it), then poll Telegram until stopped; the exit status."""
    try:
        _check_database(settings.database_url)
        app: Any = await open_application(settings)
    except SQLAlchemyError as exc:
        return _fatal(_database_failed(exc, settings.database_url))
    except OSError as exc:  # the SQLite file's directory cannot be made
        return _fatal(_database_unwritable(exc, settings.database_url))
    except Fatal as fatal:
        return _fatal(fatal)
    # Loaded meanwhile in a worker thread: polling starts without waiting for them.
    warming = asyncio.create_task(asyncio.to_thread(_warm_up), name="warm-up")
    try:
        await _serve(app, settings)
    except SQLAlchemyError as exc:
        return _fatal(_database_failed(exc, settings.database_url))
    except Fatal as fatal:
        return _fatal(fatal)
    finally:
        await _close(app)
        await asyncio.wait([warming])  # a worker thread cannot be stopped; let it finish
    return 0


def _warm_up() -> None:
    """Load in a worker thread, at start-up, what someone's first answer would otherwise
    wait for: the city index and zone tables. (Charts, reports and drawings are made in a
    process of their own, conversations/rendering.py: Pillow never loads here.)"""
    try:
        places.warm_up()
    except Exception:  # what failed here is loaded again on first use
        log.exception("warming up failed; it is loaded on first use instead")


def _fatal(fatal: Fatal) -> int:
    log.critical("%s", fatal)
    return fatal.status


def _check_database(url: str) -> None:
    """A SQLite file this installation used before must still be there."""
    file = sqlite_file(url)
    if file is None or file.exists():
        return
    try:
        recorded = DATABASE_RECORD.read_text().strip()
    except FileNotFoundError:
        return  # a first start: the file (and its directory) are made
    if recorded == os.path.abspath(file):
        raise Fatal(
            f"The database {file} is missing, but Back Coach has used it before. Restore it "
            f"(or mount its volume) and start again; to start over with an empty database, "
            f"delete {DATABASE_RECORD}.",
            EXIT_DATABASE,
        )


def _record_database(url: str) -> None:
    """Remember the SQLite file in use (see _check_database)."""
    file = sqlite_file(url)
    if file is None:
        return
    temporary = DATABASE_RECORD.with_name(DATABASE_RECORD.name + ".new")
    try:
        temporary.write_text(os.path.abspath(file) + "\n")
        temporary.replace(DATABASE_RECORD)
    except OSError as exc:
        raise Fatal(
            f"Back Coach cannot write {DATABASE_RECORD} in {os.getcwd()} ({exc.strerror}). "
            "With a SQLite database it records there which file it uses, so that a database "
            "that goes missing (a deleted directory, an unmounted volume) stops it instead of "
            "being replaced by an empty one. Run it from a directory its user can write.",
            EXIT_DATABASE,
        ) from exc


def _database_unwritable(exc: OSError, url: str) -> Fatal:
    """The SQLite file, or its directory, cannot be made."""
    return Fatal(
        f"The database cannot be made ({exc.strerror}: {exc.filename}): "
        f"{make_url(url).render_as_string(hide_password=True)}. Back Coach stores every "
        "answer; give its user a directory it can write, or set DATABASE_URL.",
        EXIT_DATABASE,
    )


def _database_failed(exc: SQLAlchemyError, url: str) -> Fatal:
    """Back Coach writes every answer: a database it cannot write is the end of the run."""
    reason = str(exc.orig) if isinstance(exc, DBAPIError) else type(exc).__name__
    what = "cannot be written" if "readonly" in reason else "cannot be used"
    where = make_url(url).render_as_string(hide_password=True)
    return Fatal(
        f"The database {what} ({reason}): {where}. Back Coach stores every answer and "
        "cannot run without writing; check the file's permissions, the disk and DATABASE_URL.",
        EXIT_DATABASE,
    )


async def _serve(app: Any, settings: Settings) -> None:
    """Start, take updates (polling, or the webhook) until a signal (or until Telegram
    rejects the token), stop."""
    stop = asyncio.Event()
    _on_signals(stop)
    server = _web_server(app, settings)  # its port is taken now: a busy one stops us early
    try:
        await _patiently("connecting to Telegram", app.initialize)
        _record_database(settings.database_url)
        await app.start()
        if server is not None:
            await server.start()
        await _take_updates(app, settings)
        _dispatch_now(app)
        settle_memory()
        log.info("Back Coach is running; press Ctrl-C to stop")
        rejected = app.bot.rejected
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(rejected.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
    finally:
        if server is not None:
            await server.stop()  # no more posts while the application stops
    if rejected.is_set():
        raise Fatal(REJECTED, EXIT_REJECTED)


def _webhook(settings: Settings) -> Webhook | None:
    """The webhook of webhook mode (its settings were checked at start), or None."""
    if not settings.webhook_url:
        return None
    return Webhook(settings.webhook_url, settings.secret or "")


async def _take_updates(app: Any, settings: Settings) -> None:
    """Webhook mode: set the webhook (with its secret). Polling: delete any webhook left
    set (PTB's start_polling does) and poll."""
    webhook = _webhook(settings)
    if webhook is not None:
        await _patiently("setting the webhook", lambda: set_webhook(app, webhook))
        log.info("Telegram posts updates to the webhook at %s", webhook.url)
        return
    await _patiently(
        "starting to poll",
        lambda: app.updater.start_polling(
            allowed_updates=list(ALLOWED_UPDATES),
            timeout=settings.poll_timeout,
            bootstrap_retries=BOOTSTRAP_RETRIES,
            error_callback=_polling_failed,
        ),
    )


def _web_server(app: Any, settings: Settings) -> WebServer | None:
    """The HTTP server of this mode, its port bound: the webhook with /healthz and
    /metrics, or in polling mode those two alone when METRICS_PORT is set; else None."""
    webhook = _webhook(settings)
    if webhook is not None:
        host, port = settings.webhook_listen, settings.webhook_port
    elif settings.metrics_port is not None:
        host, port = settings.metrics_listen, settings.metrics_port
    else:
        return None
    try:
        return WebServer(web_app(app, monitor_of(app), webhook), host, port)
    except OSError as exc:
        raise Fatal(
            f"Back Coach cannot listen on {host}:{port} ({exc.strerror}); is another "
            "program using that port? Change WEBHOOK_PORT or METRICS_PORT.",
            EXIT_LISTEN,
        ) from exc


def _dispatch_now(app: Any) -> None:
    """Move the dispatcher's first tick to now. Its schedule was set when the application was
    built, and an interval job whose first run passed while starting up (migrations, a slow
    Telegram) would wait a whole interval, leaving due reminders unsent meanwhile."""
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name("dispatch"):
        job.job.modify(next_run_time=datetime.now(UTC))


def _polling_failed(error: TelegramError) -> None:
    """A failed poll, logged once in a line with its reason (PTB polls again with backoff;
    its own report is a traceback each time)."""
    log.warning("polling Telegram failed (%s); trying again", type(error).__name__)


async def _patiently(what: str, action: Callable[[], Awaitable[object]]) -> None:
    """Run ``action``, retrying network failures and 5xx answers with backoff for up to
    STARTUP_PATIENCE seconds; a rejected token is Fatal at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_PATIENCE
    backoff = 1.0
    while True:
        try:
            await action()
            return
        except (InvalidToken, Forbidden) as exc:
            raise Fatal(REJECTED, EXIT_REJECTED) from exc
        except RetryAfter as exc:
            after = exc.retry_after
            wait = after.total_seconds() if isinstance(after, timedelta) else float(after)
            failure = f"Telegram asked to wait {wait:.0f} s"
        except NetworkError as exc:  # TimedOut, 5xx and connection failures
            wait, backoff = backoff, min(2 * backoff, 15.0)
            failure = str(exc)
        if loop.time() + wait > deadline:
            raise Fatal(
                f"Telegram could not be reached while {what} for "
                f"{STARTUP_PATIENCE:.0f} s ({failure}); is the network up?",
                EXIT_UNREACHABLE,
            )
        log.warning("%s failed (%s); retrying in %.0f s", what, failure, wait)
        await asyncio.sleep(wait)


async def _close(app: Any) -> None:
    """Stop whatever of the application is running, then close the database."""
    try:
        if app.updater.running:
            try:
                await app.updater.stop()
            except TelegramError as exc:  # the last getUpdates of a rejected token
                log.debug("stopping the updater: %s", exc)
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.bot.shutdown()  # in case initialize() failed half way
    finally:
        await app.deps.store.close()


def _on_signals(stop: asyncio.Event) -> None:
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def keep_files_private() -> None:
    """From now on this process creates files that only its own user can read or write."""
    os.umask(PRIVATE_UMASK)


def main(argv: list[str] | None = None) -> int:
    """Entry point: check settings, then run."""
    keep_files_private()
    parser = argparse.ArgumentParser(description="Back Coach, a Telegram coach for lower back pain")
    parser.add_argument(
        "--console", action="store_true", help="chat with the bot in this terminal (no token)"
    )
    parser.add_argument(
        "--date", type=date.fromisoformat, help="the console's first day (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--database", type=Path, help="the console's database file (default console-data/)"
    )
    parser.add_argument(
        "--language", help="the console person's Telegram app language (en, ru, es, es-MX…)"
    )
    args = parser.parse_args(argv)
    try:
        i18n.check()
    except i18n.CatalogueError as exc:
        print(
            f"Back Coach's translations are not installed properly: {exc}. Without them it "
            "would answer everyone in English. Reinstall Back Coach (pip install .), or in a "
            "checkout run `make translations`.",
            file=sys.stderr,
        )
        return EXIT_CATALOGUE
    try:
        place_index.check()
    except place_index.BrokenIndex as exc:
        print(
            f"Back Coach's city index is not installed properly: {exc}. Without it no typed "
            "city finds its time zone. Reinstall Back Coach (pip install .), or in a checkout "
            "run `python -m coach.place_index --package`.",
            file=sys.stderr,
        )
        return EXIT_CATALOGUE
    if args.console:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        for noisy in ("httpx", "httpcore", "apscheduler", "telegram", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        from console import run_console

        asyncio.run(run_console(args.date, args.database, args.language))
        return 0
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"A setting is wrong:\n{describe_invalid(exc)}", file=sys.stderr)
        return EXIT_SETTINGS
    if settings.telegram_bot_token is None or not settings.token.strip():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    problems = webhook_problems(settings.webhook_url, settings.secret)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        print(f"Webhook mode (WEBHOOK_URL is set) cannot start:\n{lines}", file=sys.stderr)
        return EXIT_SETTINGS
    setup_logging(settings.log_level, settings.token, settings.log_format, _secrets(settings))
    try:
        default_program()
    except ProgramError as exc:
        print(f"The program file is malformed: {exc}", file=sys.stderr)
        return 3
    return asyncio.run(run(settings))


def _secrets(settings: Settings) -> list[str]:
    """Secrets besides the token that must never be logged."""
    return [settings.secret] if settings.secret else []


def describe_invalid(exc: ValidationError) -> str:
    """Which setting is wrong and why, without the value (it may be a secret)."""
    return "\n".join(
        f"  - {'.'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
        for error in exc.errors()
    )


if __name__ == "__main__":
    sys.exit(main())
