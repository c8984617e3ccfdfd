"""Back Coach: wiring only. Settings, database, application, run.

python bot.py            run the bot (needs TELEGRAM_BOT_TOKEN; see README.md)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from telegram import Update

from bootstrap import Settings, open_application
from coach import places
from coach.program import ProgramError, default_program
from conversations.logs import setup_logging

log = logging.getLogger("backcoach")

NO_TOKEN = """\
Back Coach needs a Telegram bot token to run.

  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username; BotFather replies with a token like 123456:ABC-DEF...
  3. Put it in a file named .env next to bot.py (see .env.example):
         TELEGRAM_BOT_TOKEN=123456:ABC-DEF...
     or export TELEGRAM_BOT_TOKEN in your shell, then run this again.

To try Back Coach first without a token or a network, chat with it in this terminal:

    python bot.py --console        (or: make console)
"""


async def run(settings: Settings) -> None:
    """Open the database (migrating it), then poll Telegram until stopped."""
    app: Any = await open_application(settings)
    # The city index takes a second to build: build it now, off the event loop.
    await asyncio.to_thread(places.warm_up)
    stop = asyncio.Event()
    try:
        async with app:
            await app.start()
            await app.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, timeout=settings.poll_timeout
            )
            log.info("Back Coach is running; press Ctrl-C to stop")
            await _wait_for_signal(stop)
            await app.updater.stop()
            await app.stop()
    finally:
        await app.deps.store.close()


async def _wait_for_signal(stop: asyncio.Event) -> None:
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point: check settings, then run."""
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
    args = parser.parse_args(argv)
    if args.console:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        for noisy in ("httpx", "httpcore", "apscheduler", "telegram", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        from conversations.console_app import run_console

        asyncio.run(run_console(args.date, args.database))
        return 0
    settings = Settings()
    if settings.telegram_bot_token is None or not settings.token.strip():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token)
    try:
        default_program()
    except ProgramError as exc:
        print(f"The program file is malformed: {exc}", file=sys.stderr)
        return 3
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
