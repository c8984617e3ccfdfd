"""Database errors: they carry no person's data, and a connection left read-only (opened while
the file was not writable) is replaced instead of failing every write that meets it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from storage import create_engine, migrate


async def test_a_database_error_shows_no_parameters(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(DBAPIError) as raised:
            async with engine.begin() as connection:
                await connection.execute(
                    text("INSERT INTO no_such_table (chat_id, pain) VALUES (:chat_id, :pain)"),
                    {"chat_id": 987654321, "pain": "pain-seven"},
                )
    finally:
        await engine.dispose()
    assert "987654321" not in str(raised.value)
    assert "pain-seven" not in str(raised.value)


async def test_a_read_only_connection_is_replaced_after_its_first_failed_write(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    try:
        await migrate(engine)
        async with engine.connect() as stale, engine.connect() as fresh:
            # What SQLite does with a file that is not writable when a connection opens: the
            # connection is read-only for good, even once the file is writable again.
            await stale.exec_driver_sql("PRAGMA query_only=ON")
            await fresh.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            await fresh.commit()
        failures = 0
        for value in range(10):
            try:
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO scratch VALUES (:x)"), {"x": value})
            except OperationalError:
                failures += 1
        async with engine.connect() as connection:
            stored = (await connection.exec_driver_sql("SELECT count(*) FROM scratch")).scalar()
    finally:
        await engine.dispose()
    assert failures <= 1
    assert stored == 10 - failures
