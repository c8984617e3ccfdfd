"""The reminder dispatcher under load: how long claiming holds the database, and how evenly
reminders leave at the configured rate.

Two parts, each on its own SQLite file, against the emulator on 127.0.0.1 (its flood
control off, so only the dispatcher paces):

* claim: 100,000 people, 1,000 of them with a reminder due (prompts and hangs, some checked
  in, some hangs marked, some quiet, each with a few days of ledger). Prints ms per 1,000
  rows claimed, SQL statements per row, and the longest write transaction (from the first
  write to the commit, seen at the engine).
* pacing: N reminders due at once, the dispatcher started as the Application starts it and
  the repeating job (``conversations.app.tick``) ticking every ``interval`` seconds as
  the JobQueue does (a tick still running when the next is due is skipped, as APScheduler's
  ``max_instances=1`` does). Send times are taken at the emulator as each call arrives.
  Prints the achieved rate against the configured one, the most sends in any sliding
  second, and the time from the first send to the last against N / rate. The rate and
  interval are scaled up from production's 25/s every 20 s (the same 500 sends per
  interval) so the run takes seconds, not minutes.

    .venv/bin/python bench/bench_dispatch.py [--people 100000] [--due 1000]
        [--queued 2000 10000] [--rate 100] [--interval 5]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import tempfile
import time as clock
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from telegram import Bot

from bootstrap import signing_key
from coach.program import default_program
from conversations.context import Deps
from conversations.dispatch import Dispatcher
from conversations.payload import Signer
from emulator import BotApiEmulator
from emulator.models import ApiCall
from services import reminders
from services.clock import ManualClock
from services.reminders import Report
from storage.models import DeliveryRow, HangMarkRow, PersonRow, RatingRow, ReminderRow
from storage.unit_of_work import Store, open_store

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TODAY = NOW.date()


class WriteTimer:
    """Times every write transaction of an engine: from its first non-SELECT statement to
    its commit or rollback; counts statements too."""

    def __init__(self, store: Store) -> None:
        self.longest = 0.0
        self.statements = 0
        engine = store.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements += 1
        if "write_began" not in conn.info and not statement.lstrip().upper().startswith(
            ("SELECT", "PRAGMA")
        ):
            conn.info["write_began"] = clock.perf_counter()

    def _end(self, conn: Any) -> None:
        began = conn.info.pop("write_began", None)
        if began is not None:
            self.longest = max(self.longest, clock.perf_counter() - began)


class StampedCalls(list[ApiCall]):
    """The emulator's call log, with the instant each call arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[float] = []

    def append(self, call: ApiCall) -> None:
        self.stamps.append(clock.perf_counter())
        super().append(call)

    def sends(self) -> list[float]:
        return [s for s, c in zip(self.stamps, self, strict=True) if c.method == "sendMessage"]


def person_row(chat_id: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "chat_id": chat_id,
        "created_at": NOW - timedelta(days=30),
        "timezone": "UTC",
        "checkin_time": "08:00",
        "hang_times": ["08:00"],
        "equipment": ["pullup_bar"],
        "gym_experienced": False,
        "step_data": {},
        "paused": False,
        "active": True,
        "registered": True,
        "quiet": False,
        "weekly_summary": True,
        "checkin_weekly": False,
    }
    row.update(changes)
    return row


def reminder_row(chat_id: int, kind: str, due: datetime) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "kind": kind,
        "slot": 0,
        "local_time": "08:00",
        "due": due,
        "day": due.date(),
        "once": False,
    }


async def populate(store: Store, people: int, due: int) -> None:
    """``people`` people, each with a prompt and a hang; ``due`` of those rows due at NOW,
    the rest tomorrow. Every fifth due person checked in today, every seventh marked the
    hang, every eleventh is quiet, and each has five days of ledger."""
    due_people = set(range(1, people + 1, max(1, people // due)))
    later = NOW + timedelta(days=1)
    rows: dict[type[Any], list[dict[str, Any]]] = {
        PersonRow: [],
        ReminderRow: [],
        DeliveryRow: [],
        RatingRow: [],
        HangMarkRow: [],
    }
    taken = 0
    for chat_id in range(1, people + 1):
        is_due = chat_id in due_people and taken < due
        quiet = is_due and taken % 11 == 10
        rows[PersonRow].append(person_row(chat_id, quiet=quiet))
        kind = "checkin" if taken % 2 else "hang"
        for each in ("checkin", "hang"):
            rows[ReminderRow].append(
                reminder_row(chat_id, each, NOW if is_due and each == kind else later)
            )
        if not is_due:
            continue
        for back in range(1, 6):
            rows[DeliveryRow].append(
                {
                    "chat_id": chat_id,
                    "kind": "checkin",
                    "slot": 0,
                    "day": TODAY - timedelta(days=back),
                    "attempt": 0,
                    "state": "sent",
                    "due": NOW - timedelta(days=back),
                    "at": NOW - timedelta(days=back),
                }
            )
        if taken % 5 == 1:
            rows[RatingRow].append({"chat_id": chat_id, "day": TODAY, "pain": 3, "updated_at": NOW})
        if taken % 7 == 0:
            mark = {"chat_id": chat_id, "day": TODAY, "slot": 0, "mark": "done", "at": NOW}
            rows[HangMarkRow].append(mark)
        taken += 1
    async with store.engine.begin() as connection:
        for model, values in rows.items():
            for start in range(0, len(values), 20_000):
                await connection.execute(insert(model), values[start : start + 20_000])


async def bench_claim(folder: Path, people: int, due: int) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'claim.sqlite3'}")
    await populate(store, people, due)
    deps = Deps(store, ManualClock(NOW), default_program(), Signer(b"bench"))
    timer = WriteTimer(store)
    report = Report()
    began = clock.perf_counter()
    while True:  # the claim takes a batch at a time; everything due is claimed
        before = report.claimed
        await reminders.claim(deps, NOW, report)
        if report.claimed == before:
            break
    spent = clock.perf_counter() - began
    await store.close()
    print(
        f"claim: {report.claimed} rows due among {people} people in {spent * 1000:.0f} ms "
        f"= {spent * 1000 / report.claimed * 1000:.0f} ms per 1,000 rows; "
        f"{timer.statements / report.claimed:.1f} SQL statements per row; "
        f"longest write transaction {timer.longest * 1000:.0f} ms; skipped {report.skipped}"
    )


async def ticking(
    job: Callable[[datetime], Awaitable[Any]], interval: float, done: Callable[[], bool]
) -> int:
    """Run ``job`` every ``interval`` seconds like the JobQueue: a tick still running when
    the next is due makes that one skip. Returns how many ticks were skipped."""
    skipped, running = 0, None
    while not done():
        if running is None or running.done():
            running = asyncio.ensure_future(job(NOW))
        else:
            skipped += 1
        await asyncio.sleep(interval)
    if running is not None:
        await running
    return skipped


async def bench_pacing(folder: Path, queued: int, rate: float, interval: float) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{folder / f'pace{queued}.sqlite3'}")
    async with store.engine.begin() as connection:
        await connection.execute(insert(PersonRow), [person_row(c) for c in range(1, queued + 1)])
        await connection.execute(
            insert(ReminderRow), [reminder_row(c, "checkin", NOW) for c in range(1, queued + 1)]
        )
    async with BotApiEmulator(flood_control=False) as emu:
        for chat_id in range(1, queued + 1):
            emu.open_chat(chat_id)
        calls = StampedCalls()
        emu.calls = calls
        deps = Deps(store, ManualClock(NOW), default_program(), Signer(signing_key(emu.token)))
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            dispatcher = Dispatcher(deps, bot, rate=rate, concurrency=32)
            await dispatcher.start()  # as the Application does at start

            async def job(now: datetime) -> None:  # conversations.app.tick
                dispatcher.request_tick(now)

            skipped = await ticking(job, interval, lambda: len(calls.sends()) >= queued)
            await dispatcher.stop()
    await store.close()
    sends = calls.sends()
    span = sends[-1] - sends[0]
    busiest = max(bisect.bisect_left(sends, s + 1.0) - i for i, s in enumerate(sends))
    print(
        f"pacing: {len(sends)} queued at {rate:g}/s, ticks every {interval:g} s: "
        f"achieved {(len(sends) - 1) / span:.1f}/s = {(len(sends) - 1) / span / rate:.2f} "
        f"of the rate; most in a sliding second {busiest} (rate {rate:g}); first to last "
        f"{span:.1f} s vs N/rate {len(sends) / rate:.1f} s (x{span / (len(sends) / rate):.2f}); "
        f"{skipped} ticks skipped"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await bench_claim(Path(folder), args.people, args.due)
        for queued in args.queued:
            await bench_pacing(Path(folder), queued, args.rate, args.interval)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--queued", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--interval", type=float, default=5)
    asyncio.run(main(parser.parse_args()))
