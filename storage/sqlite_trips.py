"""One trip to SQLite's thread per statement.

aiosqlite runs each SQLite connection on a thread of its own; every call is a hand-off to
that thread and a wake-up of the event loop when it is done. SQLAlchemy's aiosqlite adapter
makes four such trips per statement (open a cursor, execute, fetch the rows, close the
cursor), three for one that returns no rows. ``OneTripCursor`` does all four in one
function on the connection's thread and hands back the rows with the description, row count
and last row id, which the adapter's cursor would have read afterwards: the same results,
in a quarter of the hand-offs (a pain-rating press in a burst: about 7 trips instead of 39).

Only the plain (buffered) cursor changes; server-side cursors, commits and rollbacks are
the adapter's own. ``one_trip`` gives a new connection the cursor (an engine "connect"
listener, storage/db.py) and leaves it as it is should a later SQLAlchemy or aiosqlite no
longer have the parts it relies on.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any, Self

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.util.concurrency import await_

Trip = tuple[Any, int, int | None, list[Any]]


def _trip(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Trip:
    """On the connection's thread: run one statement and collect everything it returned."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """A buffered DBAPI cursor over an aiosqlite connection: one hand-off a statement."""

    server_side = False

    def __init__(self, adapted: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapted = adapted
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def _run(self, operation: str, parameters: Any, many: bool) -> Trip:
        adapted: Any = self._adapted
        async with adapted._execute_mutex:
            driver = adapted._connection  # aiosqlite's Connection
            trip: Trip = await driver._execute(_trip, driver._conn, operation, parameters, many)
            return trip

    def _go(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            trip = await_(self._run(operation, parameters, many))
        except Exception as error:  # the adapter turns it into the DBAPI's error, as before
            self._adapted._handle_exception(error)
        self.description, self.rowcount, self.lastrowid, rows = trip
        self._rows = deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._go(operation, parameters, False)

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        self._go(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        """Nothing is left open on the thread (SQLAlchemy's asyncio results call this)."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *sizes: Any) -> None:
        """SQLite takes no input sizes."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        rows = self._rows
        return [
            rows.popleft() for _ in range(min(self.arraysize if size is None else size, len(rows)))
        ]

    def fetchall(self) -> Sequence[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's adapted aiosqlite connection, with the one-trip cursor."""

    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]


def _supported(connection: object) -> bool:
    """Whether ``connection`` has the parts OneTripCursor relies on."""
    driver = getattr(connection, "_connection", None)
    return (
        type(connection) is AsyncAdapt_aiosqlite_connection
        and hasattr(connection, "_execute_mutex")
        and hasattr(connection, "_handle_exception")
        and callable(getattr(driver, "_execute", None))
        and isinstance(getattr(driver, "_connection", None), sqlite3.Connection)
    )


def one_trip(connection: object) -> None:
    """Give a new aiosqlite connection (as SQLAlchemy adapted it) the one-trip cursor."""
    if _supported(connection):
        connection.__class__ = OneTripConnection
