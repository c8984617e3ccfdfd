"""The measuring instrument's parts: the emulator on a thread of its own, running bots,
filling a database in bulk, reading replies and write transactions off the logs.

The emulator runs on its own thread and event loop so that the CPU it spends answering the
bot can be taken out of the bot's: ``process_time`` minus the emulator thread's CPU clock.
Everything the benchmarks time is read from the emulator's call log (a monotonic stamp per
request) against the moment the bench put the update in the emulator's queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import os
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, insert, literal, select, true, update

from bootstrap import build_application, settle_memory
from coach.model import Equipment, Feedback, MoveFeedback, Person, Profile
from coach.places import load_zone
from coach.program import default_program
from coach.schedule import Kind, Reminder, State
from conversations.health import monitor_of
from conversations.web import Webhook, WebServer, set_webhook, web_app
from emulator import BotApiEmulator
from emulator.flood import LIMITED
from services.clock import ManualClock
from services.unit import wanted
from storage.models import Base
from storage.unit_of_work import Store, UnitOfWork

T = TypeVar("T")
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"
PLAN_MARK = "Today's plan"


class EmulatorThread:
    """A BotApiEmulator serving from a thread of its own; its Python API is called there."""

    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="emulator", daemon=True)
        self.options = options
        self.emu: BotApiEmulator

    async def __aenter__(self) -> EmulatorThread:
        self.thread.start()
        self.emu = await self.run(self._start())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.run(self.emu.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    async def _start(self) -> BotApiEmulator:
        emu = BotApiEmulator(flood_control=False, **self.options)
        await emu.start()
        return emu

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the emulator's loop and wait for it from the caller's."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Call a plain function on the emulator's thread (its state is not thread-safe)."""

        async def wrapped() -> T:
            return function(*args)

        return await self.run(wrapped())

    def cpu(self) -> float:
        """CPU seconds the emulator's thread has used."""
        assert self.thread.ident is not None
        return time.clock_gettime(time.pthread_getcpuclockid(self.thread.ident))

    # --- people acting, stamped the moment the update is queued

    async def texts(self, messages: Iterable[tuple[int, str]]) -> list[float]:
        """Each (chat, text) written at once; the monotonic stamp of each."""

        def push() -> list[float]:
            stamps = []
            for chat, text in messages:
                self.emu.send_text(chat, text)
                stamps.append(time.monotonic())
            return stamps

        return await self.call(push)

    async def presses(self, buttons: Iterable[tuple[int, int, str]]) -> list[float]:
        """Each (chat, message id, callback data) pressed at once; the stamp of each."""

        def push() -> list[float]:
            stamps = []
            for chat, message_id, data in buttons:
                self.emu.press_button(chat, message_id, data)
                stamps.append(time.monotonic())
            return stamps

        return await self.call(push)

    def newest_button(self, chat: int, label: str) -> tuple[int, str] | None:
        """(message id, data) of the newest bot message's button whose label is ``label``."""
        for message in reversed(self.emu.sent(chat)):
            for button in message.buttons:
                if button.get("text") == label and "callback_data" in button:
                    return message.message_id, str(button["callback_data"])
        return None


@dataclass(frozen=True)
class Reply:
    """One limited request (send or edit) to a chat, from the call log."""

    chat: int
    method: str
    at: float
    text: str


def replies(calls: Iterable[Any], since: float = 0.0) -> list[Reply]:
    """The sends and edits among ``calls`` made at or after ``since``."""
    found = []
    for call in calls:
        if call.method.lower() not in LIMITED or call.at < since:
            continue
        try:
            chat = int(call.params.get("chat_id"))
        except (TypeError, ValueError):
            continue
        text = str(call.params.get("text") or call.params.get("caption") or "")
        found.append(Reply(chat, call.method, call.at, text))
    return found


def any_reply(_reply: Reply) -> bool:
    return True


def plan_reply(reply: Reply) -> bool:
    """The request that shows the day's plan (a new message, or an edit in place)."""
    return PLAN_MARK in reply.text


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0-1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def until(check: Callable[[], bool], timeout: float, every: float = 0.02) -> bool:  # noqa: ASYNC109
    """Poll ``check`` until true or ``timeout`` seconds; whether it became true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


# --- running a bot in this process, as the end-to-end tests do


@contextlib.asynccontextmanager
async def back_coach(
    emu: BotApiEmulator, store: Store, clock: ManualClock, **options: Any
) -> AsyncIterator[Any]:
    """Back Coach built by bootstrap and polling the emulator (dispatcher ticks off unless
    ``dispatch_every`` is given)."""
    options.setdefault("dispatch_every", None)
    app: Any = build_application(
        emu.token, emu.base_url, store, clock, default_program(), poll_timeout=1, **options
    )
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        settle_memory()  # as bot.py does once started
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.asynccontextmanager
async def back_coach_webhook(
    emu: BotApiEmulator, store: Store, clock: ManualClock, **options: Any
) -> AsyncIterator[tuple[Any, int, str]]:
    """Back Coach in webhook mode, as bot.py runs it: the webhook set with a secret and its
    server listening on a free port of 127.0.0.1; yields (app, port, secret)."""
    options.setdefault("dispatch_every", None)
    app: Any = build_application(
        emu.token, emu.base_url, store, clock, default_program(), **options
    )
    secret = secrets.token_urlsafe(32)
    webhook = Webhook("https://coach.example.org/hook", secret)
    server = WebServer(web_app(app, monitor_of(app), webhook), "127.0.0.1", 0)
    async with app:
        await app.start()
        await server.start()
        await set_webhook(app, webhook)
        settle_memory()
        try:
            yield app, server.port, secret
        finally:
            await server.stop()
            await app.stop()


# --- filling a database in bulk


def template_person(chat: int, now: datetime) -> Person:
    """A registered person with a bar (check-in, three hangs, the weekly summary)."""
    return Person(
        chat,
        now,
        timezone=ZONE,
        checkin_time=clock_time(8),
        hang_times=(clock_time(9), clock_time(13), clock_time(19)),
        profile=Profile(frozenset({Equipment.PULLUP_BAR}), False),
        registered=True,
    )


async def add_people(
    store: Store, first: int, count: int, now: datetime = START, history: int = 0
) -> None:
    """People ``first`` … ``first + count - 1``: one made through the repositories, the rest
    copied from it table by table with INSERT … SELECT, so a 100k database takes seconds
    and every per-person table (whatever the schema holds) gets its rows. With ``history``,
    each has been coached that many days before ``now`` (``add_history``)."""
    async with store.unit() as uow:
        person = template_person(first, now - timedelta(days=history))
        await uow.people.add(person)
        await uow.schedule.replace(first, wanted(person, now))
        await add_history(uow, person, now, history)
        await uow.commit()
    if count > 1:
        async with store.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                if "chat_id" in table.c:
                    await connection.execute(_copies(table, first, count - 1))


async def add_history(uow: UnitOfWork, person: Person, now: datetime, days: int) -> None:
    """``days`` days of a person who uses the bot as asked, up to the day before ``now``:
    a check-in each morning after its prompt, the three hang reminders (two marked done,
    one counted in the plan), the Sunday summary; every reminder in the ledger as sent. What
    the claim reads about its people (their ratings, latest check-in, recent prompts, marks
    and plan hangs) is then there to read, as in a bot that has run for a while."""
    zone = load_zone(ZONE)
    chat = person.chat_id
    today = now.astimezone(zone).date()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)

        def at(hour: int, minute: int = 0, day: date = day) -> datetime:
            return datetime.combine(day, clock_time(hour, minute), zone).astimezone(UTC)

        sent = [(Kind.CHECKIN, 0, clock_time(8))]
        sent += [(Kind.HANG, slot, t) for slot, t in enumerate(person.hang_times)]
        if day.weekday() == 6:
            sent.append((Kind.WEEKLY, 0, clock_time(18)))
        for kind, slot, local in sent:
            due = at(local.hour, local.minute)
            reminder = Reminder(0, chat, kind, slot, local, due, day)
            await uow.schedule.record(reminder, State.SENT, due)
        await uow.ratings.set(chat, day, 2 + back % 4, at(8, 5))
        for slot in (0, 1):
            await uow.schedule.mark_hang(chat, day, slot, "done", at(9 + 4 * slot, 2))
        await uow.feedback.add(chat, MoveFeedback(day, "bar_hang", Feedback.DONE), at(19, 5))


async def lapse_some(store: Store, now: datetime, every: int, days: int) -> None:
    """One person in ``every`` has not checked in for the last ``days`` days (their prompts
    went unanswered), as some people in any crowd: the claim reads their recent prompts to
    decide on "still there?", which it skips for those who checked in the day before."""
    ratings = Base.metadata.tables["ratings"]
    since = now.astimezone(load_zone(ZONE)).date() - timedelta(days=days)
    async with store.engine.begin() as connection:
        await connection.execute(
            ratings.delete().where(ratings.c.chat_id % every == 0, ratings.c.day >= since)
        )


def _copies(table: Any, template: int, count: int) -> Any:
    """INSERT … SELECT: the template's rows of ``table`` for chats template+1 … +count."""
    n = select(literal(1).label("i")).cte("n", recursive=True)
    n = n.union_all(select(n.c.i + 1).where(n.c.i < count))
    columns = [c for c in table.c if not (c.primary_key and c.autoincrement is True)]
    columns = [c for c in columns if not (c.primary_key and c.name == "id")]
    values = [(n.c.i + template).label(c.name) if c.name == "chat_id" else c for c in columns]
    rows = select(*values).select_from(table.join(n, true())).where(table.c.chat_id == template)
    return insert(table).from_select([c.name for c in columns], rows)


# --- a crowd's SQLite file, kept between runs

ROOT = Path(__file__).resolve().parents[1]
# What a crowd's database is made from: its schema, the template person and their schedule.
CROWD_SOURCES = (
    "storage/migrations/versions",
    "bench/harness.py",
    "services/unit.py",
    "services/kinds.py",
    "coach/schedule.py",
)


def crowd_cache() -> Path | None:
    """BENCH_CACHE: the folder where SQLite crowds are kept between runs ("off": none)."""
    setting = os.environ.get("BENCH_CACHE", "")
    if setting == "off":
        return None
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "backcoach-bench-crowds"


def crowd_file(folder: Path, count: int) -> Path:
    """The kept file of a crowd of ``count`` people, named after the sources that make it:
    any change to them makes a new one."""
    digest = hashlib.sha256()
    for name in CROWD_SOURCES:
        source = ROOT / name
        for path in sorted(source.rglob("*.py")) if source.is_dir() else [source]:
            digest.update(path.read_bytes())
    return folder / f"crowd-{count}-{digest.hexdigest()[:12]}.sqlite3"


def reuse_crowd(kept: Path, database: Path) -> float | None:
    """Copy a kept crowd to ``database``; the seconds it took to fill when built, or None
    when none is kept."""
    seconds = kept.with_suffix(".seconds")
    if not (kept.exists() and seconds.exists()):
        return None
    shutil.copyfile(kept, database)
    return float(seconds.read_text())


def keep_crowd(database: Path, kept: Path, seconds: float) -> None:
    """Keep a crowd's closed SQLite file (its log checkpointed into it) for later runs."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    shutil.copyfile(database, partial)
    partial.replace(kept)
    kept.with_suffix(".seconds").write_text(f"{seconds}\n")


async def set_due(
    store: Store, first: int, count: int, due: datetime, kind: str, zone: str = ZONE
) -> int:
    """Make ``kind`` reminders of chats first … first+count-1 due at ``due``, on its local
    day in their ``zone`` (a row's day is its due instant's, as the bot writes them: a
    reminder whose day is over is not sent); rows changed."""
    reminders = Base.metadata.tables["reminders"]
    last = first + count - 1
    async with store.engine.begin() as connection:
        result = await connection.execute(
            update(reminders)
            .where(reminders.c.chat_id.between(first, last), reminders.c.kind == kind)
            .values(due=due, day=due.astimezone(load_zone(zone)).date())
        )
    return int(result.rowcount)


async def set_due_for(store: Store, chats: list[int], due: datetime, kind: str) -> int:
    """Make ``kind`` reminders of these chats (in ``ZONE``) due at ``due``, on its local
    day; rows changed. On SQLite the pages written (a thousand, for people spread through
    the table) are then copied into the file, as a day-old write would have been: a tick
    measured next pays for its own writes, not for this setup's."""
    reminders = Base.metadata.tables["reminders"]
    async with store.engine.begin() as connection:
        result = await connection.execute(
            update(reminders)
            .where(reminders.c.chat_id.in_(chats), reminders.c.kind == kind)
            .values(due=due, day=due.astimezone(load_zone(ZONE)).date())
        )
    if store.engine.dialect.name == "sqlite":
        await settle_log(store)
    return int(result.rowcount)


async def settle_log(store: Store) -> None:
    """SQLite: copy the log into the file, waiting out a checkpoint already running."""
    for _ in range(100):
        async with store.engine.connect() as connection:
            found = await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            busy, logged, copied = found.one()
        if not busy and copied == logged:
            return
        await asyncio.sleep(0.02)


async def push_all_due_after(store: Store, when: datetime) -> None:
    """Move every reminder past ``when`` so only what a row sets due is due."""
    reminders = Base.metadata.tables["reminders"]
    async with store.engine.begin() as connection:
        await connection.execute(update(reminders).values(due=when + timedelta(days=30)))


async def vacuumed(store: Store) -> None:
    """PostgreSQL: the crowd's tables as autovacuum keeps them (on by default; it runs
    within a minute of a change this size). Filled in bulk and every row then moved, each
    table and index holds a dead copy of every row until a vacuum: a count along the due
    index read 400,000 of them (35 ms), which no running bot's database holds."""
    if store.engine.dialect.name != "postgresql":
        return
    async with store.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE")


async def add_ratings(store: Store, chat: int, last: date, days: int) -> None:
    """``days`` daily ratings up to ``last`` for one person (for /progress)."""
    async with store.unit() as uow:
        for back in range(days):
            day = last - timedelta(days=back)
            at = datetime.combine(day, clock_time(8), UTC)
            await uow.ratings.set(chat, day, 2 + back % 5, at)
        await uow.commit()


# --- write transactions, timed at the engine


@dataclass
class WriteWatch:
    """Times each transaction that wrote: from its first write statement to the end of its
    commit (or rollback), when the connection goes back to the pool. The commit is part of
    it: the write lock (SQLite's, and the store's turn to write) is held until it returns,
    and on SQLite it is where the pages are written, and where a checkpoint may run."""

    longest: float = 0.0
    durations: list[float] = field(default_factory=list)
    _first_write: dict[int, float] = field(default_factory=dict)

    def attach(self, store: Store) -> None:
        engine = store.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine.pool, "reset", self._end)

    def detach(self, store: Store) -> None:
        engine = store.engine.sync_engine
        event.remove(engine, "before_cursor_execute", self._statement)
        event.remove(engine.pool, "reset", self._end)

    def reset(self) -> None:
        self.longest, self.durations = 0.0, []

    def _statement(self, connection: Any, *args: Any) -> None:
        statement = str(args[1]).lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE", "WITH")):
            key = id(connection.connection.dbapi_connection)
            self._first_write.setdefault(key, time.monotonic())

    def _end(self, dbapi_connection: Any, *_: Any) -> None:
        """The connection is back in the pool, its transaction over (committed or not)."""
        began = self._first_write.pop(id(dbapi_connection), None)
        if began is not None:
            spent = time.monotonic() - began
            self.durations.append(spent)
            self.longest = max(self.longest, spent)


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max) of the repeats, NaNs dropped."""
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(clean), min(clean), max(clean)
