"""``bot.py --console``: the real bot in a terminal, talking to the local emulator.

Same Application, handlers, database code and rules as in Telegram; the emulator stands in
for Telegram on 127.0.0.1, and a clock the person moves with ``:next-day`` and ``:at HH:MM``
stands in for time; ``--language`` sets the person's Telegram app language.
No token and no network are needed. The console keeps its own database file, and its clock
in ``clock.txt`` next to it, so a restart continues the same day.
"""

from __future__ import annotations

import asyncio
import contextlib
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
CLOCK_FILE = "clock.txt"  # next to the database: the console's time, kept across restarts
FIRST_HOUR = time(9)  # a new console starts at 09:00 UTC on its first day
MORNING = time(8)  # :next-day goes to 08:00 local
MAX_TICKS = 100  # reminders in one :next-day, at most


def start_clock(database: Path, start: date | None) -> tuple[ManualClock, bool]:
    """The console's clock: where it was left if this database has one, else ``start`` (or
    today) at 09:00 UTC. True when it continues a stored clock."""
    stored = database.parent / CLOCK_FILE
    if database.exists() and stored.exists():
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(stored.read_text(encoding="utf-8").strip())
            if at.tzinfo is not None:
                return ManualClock(at.astimezone(UTC)), True
    day = start or datetime.now(UTC).date()
    return ManualClock(datetime.combine(day, FIRST_HOUR, tzinfo=UTC)), False


def save_clock(database: Path, clock: ManualClock) -> None:
    """Keep the clock next to the database (whole or not at all)."""
    stored = database.parent / CLOCK_FILE
    partial = stored.with_name(f"{CLOCK_FILE}.new")
    partial.write_text(clock.now().isoformat() + "\n", encoding="utf-8")
    partial.replace(stored)


async def person_zone(app: BackCoachApplication) -> str:
    """The console person's time zone, UTC before they have one."""
    async with app.deps.store.unit() as uow:
        person = await uow.people.get(USER_ID)
    return (person.timezone if person else None) or "UTC"


def clock_line(clock: ManualClock, zone: str) -> str:
    local = clock.now().astimezone(load_zone(zone))
    return f"(the clock is now {texts.day(local.date())} {local:%H:%M} in {zone})"


async def next_morning(app: BackCoachApplication, clock: ManualClock, database: Path) -> str:
    """Move the clock to 08:00 the next local morning, running every reminder due on the
    way, and keep it."""
    zone = await person_zone(app)
    tomorrow = clock.now().astimezone(load_zone(zone)).date() + timedelta(days=1)
    target = datetime.combine(tomorrow, MORNING, tzinfo=load_zone(zone)).astimezone(UTC)
    return await move_to(app, clock, database, target)


async def at_time(
    app: BackCoachApplication, clock: ManualClock, database: Path, wanted: time
) -> str:
    """Move the clock on to the next ``wanted`` local time (today if it is still to come,
    else tomorrow), running every reminder due on the way: a hang reminder comes on its
    own day, and its Snooze works."""
    zone = load_zone(await person_zone(app))
    local = clock.now().astimezone(zone)
    target = datetime.combine(local.date(), wanted, tzinfo=zone)
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), wanted, tzinfo=zone)
    return await move_to(app, clock, database, target.astimezone(UTC))


async def move_to(
    app: BackCoachApplication, clock: ManualClock, database: Path, target: datetime
) -> str:
    """Move the clock on to ``target``, running every reminder due on the way."""
    store = app.deps.store
    dispatcher = app.dispatcher
    for _ in range(MAX_TICKS):
        async with store.unit() as uow:
            due = [r.due for r in await uow.schedule.of(USER_ID) if r.due <= target]
        if not due:
            break
        clock.current = max(clock.now(), min(due))
        save_clock(database, clock)
        await dispatcher.dispatch(clock.current)
    clock.current = target
    save_clock(database, clock)
    await dispatcher.dispatch(target)
    return clock_line(clock, await person_zone(app))


async def run_console(
    start: date | None, database: Path | None, language: str | None = None
) -> None:
    """Chat with the bot in this terminal until :quit or end of input; ``language``: the
    language of the person's Telegram app (which /start takes, if Back Coach speaks it)."""
    token = f"{secrets.randbelow(10**9) + 10**9}:console-{secrets.token_urlsafe(16)}"
    database = database or CONSOLE_DIR / "console.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    clock, continued = start_clock(database, start)
    await asyncio.to_thread(places.warm_up)  # the city index, before the first question
    async with BotApiEmulator(token) as emu:
        if language:
            emu.add_user(USER_ID, language_code=language)
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
            next_day=lambda: next_morning(app, clock, database),
            at=lambda wanted: at_time(app, clock, database, wanted),
        )
        try:
            async with app:
                save_clock(database, clock)
                intro = clock_line(clock, await person_zone(app))
                if continued:
                    intro += " — continuing where this console was left"
                    if start is not None:
                        intro += " (--date only sets a new console's first day)"
                await app.start()
                await app.updater.start_polling(poll_interval=0, timeout=1)
                await console.run(lambda: asyncio.to_thread(sys.stdin.readline), intro)
                await app.updater.stop()
                await app.stop()
        finally:
            await app.deps.store.close()
