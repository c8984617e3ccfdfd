"""``bot.py --console``: the real bot in a terminal, talking to the local emulator.

Same Application, handlers, database code and rules as in Telegram; the emulator stands in
for Telegram on 127.0.0.1, and a clock the person moves with ``:next-day`` stands in for time.
No token and no network are needed. The console keeps its own database file.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bootstrap import Settings, open_application
from coach import places, texts
from coach.places import load_zone
from conversations.app import BackCoachApplication
from emulator.console import USER_ID, Console
from emulator.emulator import BotApiEmulator
from services.clock import ManualClock

CONSOLE_DIR = Path("console-data")
MAX_TICKS = 100  # reminders in one :next-day, at most


async def next_morning(app: BackCoachApplication, clock: ManualClock) -> str:
    """Move the clock to the next local morning, running every reminder due on the way."""
    store = app.deps.store
    async with store.unit() as uow:
        person = await uow.people.get(USER_ID)
    zone = (person.timezone if person else None) or "UTC"
    at = (person.checkin_time if person else None) or time(8)
    tomorrow = clock.now().astimezone(load_zone(zone)).date() + timedelta(days=1)
    target = datetime.combine(tomorrow, at, tzinfo=load_zone(zone)).astimezone(UTC)
    dispatcher = app.dispatcher
    for _ in range(MAX_TICKS):
        async with store.unit() as uow:
            due = [r.due for r in await uow.schedule.of(USER_ID) if r.due <= target]
        if not due:
            break
        clock.current = max(clock.now(), min(due))
        await dispatcher.dispatch(clock.current)
    clock.current = target
    await dispatcher.dispatch(target)
    local = target.astimezone(load_zone(zone))
    return f"(the clock is now {texts.day(local.date())} {local:%H:%M} in {zone})"


async def run_console(start: date | None, database: Path | None) -> None:
    """Chat with the bot in this terminal until :quit or end of input."""
    token = f"{secrets.randbelow(10**9) + 10**9}:console-{secrets.token_urlsafe(16)}"
    database = database or CONSOLE_DIR / "console.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    day = start or datetime.now(UTC).date()
    clock = ManualClock(datetime.combine(day, time(9), tzinfo=UTC))
    await asyncio.to_thread(places.warm_up)  # the city index, before the first question
    async with BotApiEmulator(token) as emu:
        settings = Settings(
            telegram_bot_token=SecretStr(token),
            telegram_base_url=emu.base_url,
            database_url=f"sqlite+aiosqlite:///{database}",
            poll_timeout=1,
            dispatch_every=None,
            rate_limit=False,
        )
        app: Any = await open_application(settings, clock)
        console = Console(
            emu,
            files=database.parent / "files",
            next_day=lambda: next_morning(app, clock),
        )
        try:
            async with app:
                await app.start()
                await app.updater.start_polling(poll_interval=0, timeout=1)
                await console.run(lambda: asyncio.to_thread(sys.stdin.readline))
                await app.updater.stop()
                await app.stop()
        finally:
            await app.deps.store.close()
