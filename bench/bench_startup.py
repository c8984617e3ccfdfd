"""Start-up at scale: bot.py with 100,000 people, as a real process against the emulator.

Fills a SQLite file with N registered people with schedules (two made through the
repositories, the rest copied from one of them in bulk SQL, so it takes seconds), makes a
few check-in reminders due now, starts the emulator and ``python bot.py`` against it
(DISPATCH_EVERY at its default, 20 s), and prints:

- ready: start → the first getUpdates (what bot.py does before polling);
- RSS when ready, and again after the first /progress (VmRSS of the bot process);
- ready → the first sendMessage of a due reminder (the dispatcher's first tick);
- the worst latency of someone's /help, sent again and again while another person's first
  /progress is handled (the event loop stalls others see), then during a second /progress
  (the chart's drawing alone), next to /help alone.

    .venv/bin/python bench/bench_startup.py [people]
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from coach.model import Equipment, Person, Profile
from emulator import BotApiEmulator
from services.unit import wanted
from storage.unit_of_work import open_store
from tests.e2e.process import BotProcess

ASKS, OTHER = 1, 2  # the person asking for /progress, and the one who writes meanwhile
DUE = range(3, 23)  # people whose check-in reminder is due at start
CHART_DAYS = 30


async def fill(database: Path, people: int) -> None:
    """Two people through the repositories (one with a month of check-ins), then copies."""
    now = datetime.now(UTC)
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    async with store.unit() as uow:
        for chat_id in (ASKS, OTHER):
            person = Person(
                chat_id,
                now - timedelta(days=CHART_DAYS),
                timezone="Europe/Berlin",
                checkin_time=clock_time(8),
                hang_times=(clock_time(9), clock_time(13), clock_time(19)),
                profile=Profile(frozenset(Equipment)),
                registered=True,
            )
            await uow.people.add(person)
            await uow.schedule.replace(chat_id, wanted(person, now))
        for back in range(CHART_DAYS, 0, -1):
            day = (now - timedelta(days=back)).date()
            await uow.ratings.set(ASKS, day, 3 + back % 4, now - timedelta(days=back))
        await uow.commit()
    await store.close()
    _copy(database, people, now)


def _copy(database: Path, people: int, now: datetime) -> None:
    """People 3..N as copies of person OTHER (row for row), in two INSERT … SELECTs."""
    db = sqlite3.connect(database)
    with db:
        db.execute(
            "CREATE TEMP TABLE ids AS WITH RECURSIVE n(i) AS "
            "(SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n",
            (people,),
        )
        for table in ("people", "reminders"):
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            copied = [c for c in columns if c not in ("chat_id", "id")]
            names = ", ".join(copied)
            db.execute(
                f"INSERT INTO {table} (chat_id, {names}) "
                f"SELECT ids.i, {names} FROM {table}, ids WHERE {table}.chat_id = ?",
                (OTHER,),
            )
        due = (now - timedelta(minutes=1)).replace(tzinfo=None).isoformat(" ", "microseconds")
        db.execute(
            f"UPDATE reminders SET due = ? WHERE kind = 'checkin' "
            f"AND chat_id BETWEEN {DUE.start} AND {DUE.stop - 1}",
            (due,),
        )
    db.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def reply_latency(emu: BotApiEmulator, chat_id: int, text: str) -> float:
    """Seconds from ``chat_id`` sending ``text`` to the bot's first reply."""
    before = len(emu.sent(chat_id))
    began = time.perf_counter()
    emu.send_text(chat_id, text)
    await emu.wait_for(chat_id, after=before, timeout=60)
    return time.perf_counter() - began


async def meanwhile(emu: BotApiEmulator) -> list[float]:
    """ASKS sends /progress; OTHER sends /help at the same instant and again after each
    reply until the chart arrives: the latencies OTHER saw meanwhile."""
    charts = sum(m.kind == "photo" for m in emu.sent(ASKS))
    emu.send_text(ASKS, "/progress")
    seen = [await reply_latency(emu, OTHER, "/help")]
    while sum(m.kind == "photo" for m in emu.sent(ASKS)) == charts:
        seen.append(await reply_latency(emu, OTHER, "/help"))
    return seen


async def measure(database: Path, log: Path, people: int) -> None:
    async with BotApiEmulator() as emu:
        for chat_id in DUE:
            emu.open_chat(chat_id)
        bot = BotProcess(emu.base_url, emu.token, database, log, DISPATCH_EVERY="20")
        async with bot:
            began = time.perf_counter()
            await bot.start()
            assert bot.proc is not None
            await emu.wait_until(lambda: emu.calls_of("getUpdates") or None, 120)
            ready = time.perf_counter() - began
            rss_ready = rss_mb(bot.proc.pid)
            await emu.wait_until(
                lambda: any(emu.sent(c) for c in DUE) or None,
                120,
                lambda: "no due reminder was sent",
            )
            first_tick = time.perf_counter() - began - ready
            alone = await reply_latency(emu, OTHER, "/help")
            first = await meanwhile(emu)
            second = await meanwhile(emu)
            rss_after = rss_mb(bot.proc.pid)
            status = await bot.stop()
    print(f"{people} people, bot exit status {status}")
    print(f"ready (start → first getUpdates): {ready:.2f} s")
    print(f"RSS when ready: {rss_ready:.0f} MB; after the first /progress: {rss_after:.0f} MB")
    print(f"ready → first due reminder sent: {first_tick:.2f} s")
    print(
        f"another person's /help during the first /progress: worst {max(first) * 1000:.0f} ms "
        f"over {len(first)} replies; during the second: worst {max(second) * 1000:.0f} ms "
        f"over {len(second)}; alone: {alone * 1000:.0f} ms"
    )


async def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "startup.sqlite3"
        began = time.perf_counter()
        await fill(database, people)
        print(f"filled {people} people in {time.perf_counter() - began:.1f} s")
        await measure(database, Path(folder) / "bot.log", people)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if sys.argv[1:] else 100_000))
