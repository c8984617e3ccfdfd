"""Several processes on one database: person locks and the sender's lock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage import Store, create_engine, migrate
from storage.coordination import Leadership, lock_person
from tests.postgres import PostgresServer

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def test_sqlite_is_one_process_so_it_always_leads(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        assert await Leadership(engine).hold()
        assert await Leadership(engine).hold()
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_one_sender_at_a_time_and_the_next_takes_over(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(await postgres_server.create_database())
    first_engine, second_engine = create_engine(url), create_engine(url)
    first, second = Leadership(first_engine), Leadership(second_engine)
    try:
        assert await first.hold()
        assert not await second.hold()
        assert await first.hold()  # kept, not taken twice
        # The sending process dies: PostgreSQL drops its connection and the lock with it.
        async with second_engine.connect() as admin:
            await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND classid = 16963 AND objid = 1"
                )
            )
        for _ in range(50):
            if await second.hold():
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("no process took over the sender's lock")
        assert not await first.hold()  # its connection is gone: it knows it lost the lock
        await second.release()
        assert await first.hold()  # released at shutdown: taken at once
    finally:
        await first.release()
        await second.release()
        await first_engine.dispose()
        await second_engine.dispose()


@pytest.mark.postgres
async def test_a_process_asking_twice_at_once_leads_in_both_answers(
    postgres_server: PostgresServer,
) -> None:
    # At start the reminder claimer and the sender both ask: the second ask must see the
    # lock the first took, not try for it on a connection of its own and be refused (the
    # claimer then skipped its first tick, and a due reminder waited a whole interval).
    url = postgres_server.url(await postgres_server.create_database())
    engine = create_engine(url)
    leadership = Leadership(engine)
    try:
        for _ in range(5):
            answers = await asyncio.gather(*(leadership.hold() for _ in range(4)))
            assert answers == [True] * 4
            await leadership.release()
    finally:
        await leadership.release()
        await engine.dispose()


@pytest.mark.postgres
async def test_one_persons_units_wait_for_each_other_but_not_for_others(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(await postgres_server.create_database())
    engine = create_engine(url)
    store = Store(engine)
    order: list[str] = []
    try:
        async with store.unit() as first:
            await lock_person(first._session, "postgresql", 7)

            async def same_person() -> None:
                async with store.unit() as second:
                    await lock_person(second._session, "postgresql", 7)
                    order.append("same person")

            async def someone_else() -> None:
                async with store.unit() as other:
                    await lock_person(other._session, "postgresql", 8)
                    order.append("someone else")

            waiting = asyncio.create_task(same_person())
            await asyncio.wait_for(someone_else(), 10)
            await asyncio.sleep(0.3)
            assert order == ["someone else"]  # person 7's second unit still waits
            order.append("first commits")
            await first.commit()
        await asyncio.wait_for(waiting, 10)
        assert order == ["someone else", "first commits", "same person"]
    finally:
        await store.close()


@pytest.mark.postgres
async def test_workers_starting_at_once_migrate_one_after_the_other(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(await postgres_server.create_database())
    engines = [create_engine(url) for _ in range(3)]
    try:
        # Without the lock, two of them create the same tables at once and one fails.
        # (or they wait for each other's locks on the tables for ever).
        await asyncio.wait_for(asyncio.gather(*(migrate(engine) for engine in engines)), 60)
        async with engines[0].connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        assert version is not None and int(version) >= 7
    finally:
        for engine in engines:
            await engine.dispose()
