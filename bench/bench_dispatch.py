"""The reminder dispatcher at scale: claim and send for many people, memory kept flat.

Starts the emulator on 127.0.0.1, puts N people (check-in + 3 hangs + weekly each) in a
SQLite file, and runs dispatch(now) over one simulated day. Prints the time per tick, the
sends per second (the pacing limit is lifted to measure the code, not Telegram's 30/s), and
the process's peak memory for two sizes: it should not grow with the number of people.

    .venv/bin/python bench/bench_dispatch.py [people ...]
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from telegram import Bot

from bootstrap import signing_key
from coach.model import Person
from coach.program import default_program
from conversations.context import Deps
from conversations.dispatch import Dispatcher
from conversations.payload import Signer
from emulator import BotApiEmulator
from services.clock import ManualClock
from services.unit import wanted
from storage.unit_of_work import open_store

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(people: int, folder: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{folder / f'bench{people}.sqlite3'}")
    clock_ = ManualClock(START)
    async with BotApiEmulator() as emu:
        deps = Deps(store, clock_, default_program(), Signer(signing_key(emu.token)))
        async with store.unit() as uow:
            for chat_id in range(1, people + 1):
                emu.open_chat(chat_id)
                person = Person(
                    chat_id,
                    START,
                    timezone=ZONES[chat_id % len(ZONES)],
                    checkin_time=time(8),
                    hang_times=(time(9), time(13), time(19)),
                    registered=True,
                )
                await uow.people.add(person)
                await uow.schedule.replace(chat_id, wanted(person, START))
            await uow.commit()
        before = peak_mb()
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            dispatcher = Dispatcher(deps, bot, rate=100_000, concurrency=32)
            ticks, spent, sent = 0, 0.0, 0
            now = START
            while now < START + timedelta(days=1):
                now += timedelta(minutes=15)
                clock_.current = now
                began = clock.perf_counter()
                report = await dispatcher.dispatch(now)
                spent += clock.perf_counter() - began
                sent += sum(report.outcomes.values())
                ticks += 1
        await store.close()
    print(
        f"{people:>6} people: {sent} reminders in {ticks} ticks, {spent:.1f} s in dispatch "
        f"({sent / spent:.0f} sends/s, {spent / ticks * 1000:.0f} ms per tick); "
        f"peak memory {peak_mb():.0f} MB (before dispatching {before:.0f} MB)"
    )


async def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for people in sizes:
            await run(people, Path(folder))


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [250, 1000]))
