"""SQLite: the claim's statements of a thousand rows, run by the driver itself.

A claim reads its thousand due rows and their people, and writes a thousand moves and
ledger rows. SQLAlchemy's work per row (a parameter set to build for each row written, a
Row with a converter per column for each row read) cost more than SQLite's own there
(1,000 due rows: ~7 ms of ~15; their people: ~15 ms of ~24). These statements are compiled
once from the SQLAlchemy statements to their SQLite text, their parameters and values are
converted with the columns' own converters, and the driver runs them: the same SQL, the
same stored forms, without the per-row machinery. Everything else goes through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

SQLITE: Final = sqlite.dialect(paramstyle="qmark")
Convert = Callable[[Any], Any]


def to_sqlite(kind: TypeEngine[Any]) -> Convert | None:
    """How a column of this type converts a value for SQLite (None: as it is)."""
    convert: Convert | None = kind.dialect_impl(SQLITE).bind_processor(SQLITE)
    return convert


def converter(kind: TypeEngine[Any]) -> Convert:
    """A column type's conversion for SQLite, for a type that has one."""
    convert = to_sqlite(kind)
    if convert is None:
        raise TypeError(f"{kind!r} converts nothing for SQLite")
    return convert


def from_sqlite(kind: TypeEngine[Any]) -> Convert | None:
    """How a column of this type converts what SQLite returns (None: as it is)."""
    convert: Convert | None = kind.dialect_impl(SQLITE).result_processor(SQLITE, None)
    return convert


class Write:
    """A write statement's text, run by the driver for each of many rows given in
    ``order`` (its parameters' order in the text) and converted already."""

    def __init__(self, statement: Any, order: tuple[str, ...]) -> None:
        compiled = statement.compile(dialect=SQLITE)
        if tuple(compiled.positiontup or ()) != order:
            raise RuntimeError(f"parameters in the order {compiled.positiontup}, not {order}")
        self.text = str(compiled)

    async def run(self, session: AsyncSession, rows: Sequence[tuple[Any, ...]]) -> int:
        """Run it for each row; the rows changed. The caller holds the write lock."""
        connection = await session.connection()
        result: Any = await connection.exec_driver_sql(self.text, list(rows))
        return int(result.rowcount)


class Read:
    """A SELECT's text, run by the driver with its parameters converted as the statement's
    own would be; its rows come back converted column by column where a column converts
    (instants, days, booleans), None staying None."""

    def __init__(self, statement: Any) -> None:
        compiled = statement.compile(dialect=SQLITE)
        self.text = str(compiled)
        binds = compiled.binds
        self._parameters = [
            (name, binds[name].value, to_sqlite(binds[name].type))
            for name in compiled.positiontup or ()
        ]
        converts = [from_sqlite(column.type) for column in statement.selected_columns]
        self._converts = [(index, c) for index, c in enumerate(converts) if c is not None]

    async def rows(self, session: AsyncSession, **values: Any) -> list[tuple[Any, ...]]:
        parameters = []
        for name, default, convert in self._parameters:
            value = values.get(name, default)
            parameters.append(value if convert is None or value is None else convert(value))
        connection = await session.connection()
        result = await connection.exec_driver_sql(self.text, tuple(parameters))
        converts, found = self._converts, []
        for row in result:
            values_ = list(row)
            for index, convert in converts:
                value = values_[index]
                if value is not None:
                    values_[index] = convert(value)
            found.append(tuple(values_))
        return found
