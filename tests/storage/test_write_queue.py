"""SQLite's writers in one process queue in order instead of giving up with "database is
locked".

SQLite lets a waiting writer retry only for its busy timeout (a minute in production). Under
a long burst -- 64 handlers at once and a dispatcher tick -- a writer could wait longer than
that in SQLite's unfair busy handler and fail the person's press. These tests shorten the
busy timeout to a fifth of a second, so that "longer than the busy timeout" takes a second,
not minutes: on a store without the in-process queue the second writer fails every time.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coach.model import Feedback, MoveFeedback
from storage.db import create_engine, migrate
from storage.unit_of_work import Store
from tests.storage.builders import NOW, bare_person

BUSY_MS = 200
HOLD_SECONDS = 1.0  # five busy timeouts
DAY = NOW.date()
POOL_TIMEOUT = 2  # seconds a unit waits for a pooled connection before it fails


def waiting_for_a_connection(engine: AsyncEngine) -> int:
    """Units waiting for one of the pool's connections: SQLAlchemy's queue of idle
    connections is an asyncio.Queue, whose waiting getters are its ``_getters``."""
    queue = engine.sync_engine.pool._pool._queue  # type: ignore[attr-defined]
    return sum(not getter.done() for getter in queue._getters)


async def short_timeout_store(path: Path) -> Store:
    """A migrated SQLite store whose connections give up waiting for the lock after 0.2 s."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    def shorten(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        cursor.close()

    event.listen(engine.sync_engine, "connect", shorten)  # after the project's pragmas
    await migrate(engine)
    store = Store(engine)
    async with store.unit() as uow:
        for chat_id in (1, 2, 3):
            await uow.people.add(bare_person(chat_id))
        await uow.commit()
    return store


async def test_a_writer_waits_for_a_slow_writer_longer_than_the_busy_timeout(
    tmp_path: Path,
) -> None:
    store = await short_timeout_store(tmp_path / "queue.sqlite3")
    first_wrote = asyncio.Event()

    async def slow_writer() -> None:
        async with store.unit() as uow:
            await uow.ratings.set(1, DAY, 4, NOW)
            first_wrote.set()
            await asyncio.sleep(HOLD_SECONDS)  # e.g. a long dispatcher tick
            await uow.commit()

    async def second_writer() -> None:
        await first_wrote.wait()
        async with store.unit() as uow:
            person = await uow.people.get(2)  # reads first, then writes
            assert person is not None
            await uow.ratings.set(2, DAY, 6, NOW)
            await uow.commit()

    try:
        await asyncio.wait_for(asyncio.gather(slow_writer(), second_writer()), 30)
        async with store.unit() as uow:
            assert [r.pain for r in await uow.ratings.all(1)] == [4]
            assert [r.pain for r in await uow.ratings.all(2)] == [6]
    finally:
        await store.close()


async def test_many_writers_behind_a_slow_one_all_commit_in_turn(tmp_path: Path) -> None:
    store = await short_timeout_store(tmp_path / "burst.sqlite3")
    # A writer queues for its turn once it has its connection: with connections at hand (a
    # pool in use for a while), they queue in the order they came.
    async with contextlib.AsyncExitStack() as opened:
        for _ in range(21):
            await opened.enter_async_context(store.engine.connect())
    first_wrote = asyncio.Event()
    order: list[int] = []

    async def slow_writer() -> None:
        async with store.unit() as uow:
            await uow.feedback.add(1, MoveFeedback(DAY, "bar_hang", Feedback.DONE), NOW)
            first_wrote.set()
            await asyncio.sleep(HOLD_SECONDS)
            await uow.commit()

    async def writer(n: int) -> None:
        await first_wrote.wait()
        await asyncio.sleep(n / 1000)  # they arrive in this order
        async with store.unit() as uow:
            await uow.ratings.set(2 + n % 2, DAY, n % 11, NOW)
            order.append(n)
            await uow.commit()

    try:
        await asyncio.wait_for(asyncio.gather(slow_writer(), *(writer(n) for n in range(20))), 60)
        assert order == list(range(20))  # first come, first served
        async with store.unit() as uow:
            assert len(await uow.feedback.all(1)) == 1
            assert [r.pain for r in await uow.ratings.all(3)] == [19 % 11]
    finally:
        await store.close()


async def test_a_writer_holding_the_turn_never_waits_for_a_connection(tmp_path: Path) -> None:
    # The pool's one connection is held by a unit that read and will write next. A second
    # unit whose first statement is a write must wait for a connection *before* it takes
    # the turn to write: taking the turn first, it waited for the connection the first
    # unit held while that unit waited for the turn (until the pool gave up).
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}",
        pool_size=1,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
    )
    await migrate(engine)
    store = Store(engine)
    async with store.unit() as uow:
        for chat_id in (1, 2):
            await uow.people.add(bare_person(chat_id))
        await uow.commit()
    has_read, go_on = asyncio.Event(), asyncio.Event()

    async def reads_then_writes() -> None:
        async with store.unit() as uow:
            assert await uow.people.get(1) is not None  # the pool's only connection
            has_read.set()
            await go_on.wait()
            await uow.ratings.set(1, DAY, 3, NOW)
            await uow.commit()

    async def writes_first() -> None:
        await has_read.wait()
        async with store.unit() as uow:
            await uow.ratings.set(2, DAY, 4, NOW)
            await uow.commit()

    try:
        tasks = [asyncio.create_task(reads_then_writes()), asyncio.create_task(writes_first())]
        await has_read.wait()
        # The second unit waits for the pool's one connection now (the pool would give up
        # after its pool_timeout); only then may the first go on to write.
        async with asyncio.timeout(POOL_TIMEOUT):
            while waiting_for_a_connection(engine) == 0:  # noqa: ASYNC110 - no event to wait on
                await asyncio.sleep(0.01)
        assert not tasks[1].done()
        go_on.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        async with store.unit() as uow:
            assert [r.pain for r in await uow.ratings.all(1)] == [3]
            assert [r.pain for r in await uow.ratings.all(2)] == [4]
    finally:
        await store.close()
