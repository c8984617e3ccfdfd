"""The webhook's inbox on each database: an update taken in once, held with its content
under a lease, finished, taken over when the lease runs out, and a chat's turn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage import Store, create_engine, migrate
from storage.inbox import Inbox, Taken
from tests.postgres import PostgresServer

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STALE = NOW - timedelta(seconds=30)


def inbox(uow: object, store: Store) -> Inbox:
    return Inbox(uow._session, store.engine.dialect.name)  # type: ignore[attr-defined]


async def test_update_ids_are_forgotten_after_a_day(store: Store) -> None:
    async with store.unit() as uow:
        handled = inbox(uow, store)
        assert await handled.take(41, NOW, STALE) is Taken.HANDLE
        await handled.finish([41])
        assert await handled.take(42, NOW + timedelta(hours=25), STALE) is Taken.HANDLE
        await handled.finish([42])
        await uow.commit()
    later = NOW + timedelta(hours=26)
    async with store.unit() as uow:
        handled = inbox(uow, store)
        assert await handled.prune(NOW + timedelta(hours=24)) == 1
        assert await handled.take(41, later, later - timedelta(seconds=30)) is Taken.HANDLE
        assert await handled.take(42, later, later - timedelta(seconds=30)) is Taken.DONE
        await uow.commit()


async def test_an_update_is_taken_once_and_over_only_when_its_lease_ran_out(store: Store) -> None:
    async with store.unit() as uow:
        handled = inbox(uow, store)
        assert await handled.take(7, NOW, STALE, chat=5, worker="a", payload="{}") is Taken.HANDLE
        copy = await handled.take(7, NOW, STALE, chat=5, worker="b", payload="{}")
        assert copy is Taken.HELD  # held by a live worker: it handles it
        await handled.finish([7])
        assert await handled.take(7, NOW, STALE, chat=5, worker="b", payload="{}") is Taken.DONE
        # Taken in long ago and never finished: its worker died; one copy takes it over.
        old = NOW - timedelta(minutes=5)
        assert await handled.take(8, old, STALE, chat=5, worker="a", payload="{}") is Taken.HANDLE
        assert await handled.take(8, NOW, STALE, chat=5, worker="b", payload="{}") is Taken.HANDLE
        assert await handled.take(8, NOW, STALE, chat=5, worker="c", payload="{}") is Taken.HELD
        # Without its content the update is handled before its answer (a worker from before
        # the inbox): a copy is asked to come again later.
        assert await handled.take(9, NOW, STALE) is Taken.HANDLE
        assert await handled.take(9, NOW, STALE, chat=5, worker="b", payload="{}") is Taken.BUSY
        await uow.commit()


async def test_a_lapsed_lease_is_taken_over_once_and_a_renewed_one_is_not(store: Store) -> None:
    old = NOW - timedelta(minutes=1)
    async with store.unit() as uow:
        handled = inbox(uow, store)
        for update_id, worker in ((1, "dead"), (2, "alive"), (3, "dead"), (4, "new")):
            await handled.take(
                update_id, old, STALE, chat=9, worker=worker, payload=f"u{update_id}"
            )
        await handled.finish([3])
        assert await handled.renew("alive", NOW) == 1
        # Its own update (4) the worker is handling: never taken over by itself.
        assert await handled.take_over("new", NOW, STALE) == [(1, "u1")]
        assert await handled.renew("new", NOW) == 2  # its own, and the one it took over
        assert await handled.take_over("other", NOW, STALE) == []  # taken once
        await handled.finish([1])
        await uow.commit()
    async with store.unit() as uow:
        done = await inbox(uow, store).take(1, NOW, STALE, chat=9, worker="x", payload="u1")
        assert done is Taken.DONE


async def test_sqlite_takes_over_what_a_stopped_process_left_at_start(store: Store) -> None:
    async with store.unit() as uow:
        handled = inbox(uow, store)
        await handled.take(1, NOW, STALE, chat=9, worker="before", payload="u1")
        taken = await handled.take_over("now", NOW, STALE, starting=True)
        # PostgreSQL is shared: the other worker may be alive, and its lease still runs.
        assert taken == ([] if handled.shared else [(1, "u1")])
        await uow.commit()


async def test_a_chat_waits_for_its_earlier_update_on_another_worker(store: Store) -> None:
    async with store.unit() as uow:
        handled = inbox(uow, store)
        await handled.take(10, NOW, STALE, chat=9, worker="a", payload="u10")
        await handled.take(11, NOW, STALE, chat=9, worker="b", payload="u11")
        await handled.take(12, NOW, STALE, chat=8, worker="b", payload="u12")
        # On SQLite no other worker is alive: nothing to wait for.
        assert await handled.behind(9, 11, "b") is handled.shared
        assert not await handled.behind(9, 10, "a")  # the earliest
        assert not await handled.behind(8, 12, "b")  # another chat
        await handled.finish([10])
        assert not await handled.behind(9, 11, "b")
        await handled.take(13, NOW, STALE, chat=9, worker="b", payload="u13")
        assert not await handled.behind(9, 13, "b")  # its own worker's: kept in order there
        await uow.commit()


@pytest.mark.postgres
async def test_a_chats_updates_are_taken_in_one_at_a_time_on_postgresql(
    postgres_server: PostgresServer,
) -> None:
    """Two workers take in two updates of one chat at once: the later take-in waits for the
    earlier one's commit, so it sees the update it must wait for."""
    url = postgres_server.url(await postgres_server.create_database())
    engine = create_engine(url)
    await migrate(engine)
    store = Store(engine)
    try:
        async with store.unit() as first:
            taken = await inbox(first, store).take(20, NOW, STALE, chat=9, worker="a", payload="{}")
            assert taken is Taken.HANDLE

            async def second() -> bool:
                async with store.unit() as uow:
                    handled = inbox(uow, store)
                    await handled.take(21, NOW, STALE, chat=9, worker="b", payload="{}")
                    waits = await handled.behind(9, 21, "b")
                    await uow.commit()
                    return waits

            later = asyncio.create_task(second())
            await asyncio.sleep(0.5)
            assert not later.done()  # waiting for the first take-in of the chat to end
            await first.commit()
        assert await asyncio.wait_for(later, 10)  # and then waits its turn behind it
    finally:
        await store.close()
