"""SQLite statements make one trip to aiosqlite's thread, with the same results as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import Store
from storage.models import RatingRow
from storage.sqlite_trips import OneTripConnection
from tests.storage.builders import NOW, bare_person

# The shared ``store`` fixture, on its SQLite file alone.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function sent to an aiosqlite thread from now on."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", type(fn).__name__))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


async def test_a_sqlite_connection_gets_the_one_trip_cursor(store: Store) -> None:
    async with store.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert type(raw.dbapi_connection) is OneTripConnection
        assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"


async def test_a_query_and_a_write_make_one_trip_each(store: Store, trips: list[str]) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(1))  # the pool's connection is opened here
        trips.clear()
        await uow.ratings.set(1, date(2026, 3, 2), 4, NOW)
        assert trips == ["_trip"]
        assert await uow.ratings.all(1) != ()
        assert trips == ["_trip", "_trip"]
        await uow.commit()


async def test_rows_counts_and_errors_are_what_sqlite_said(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(1))
        for day in (2, 3, 4):
            await uow.ratings.set(1, date(2026, 3, day), day, NOW)
        await uow.commit()
    async with store.engine.connect() as connection:
        rows = (await connection.execute(select(RatingRow.day).order_by(RatingRow.day))).all()
        assert [row.day.day for row in rows] == [2, 3, 4]
        assert await connection.scalar(select(func.count()).select_from(RatingRow)) == 3
        changed = await connection.execute(text("UPDATE ratings SET pain = 1 WHERE pain > 2"))
        assert changed.rowcount == 2
        with pytest.raises(OperationalError):
            await connection.execute(text("SELECT * FROM no_such_table"))
        await connection.rollback()
    async with store.unit() as uow:
        with pytest.raises(IntegrityError):
            await uow.people.add(bare_person(1))
