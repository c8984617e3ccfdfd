"""The claim's statements of a thousand rows, run by the database driver itself.

A claim reads its thousand due rows and their people, and (on SQLite) writes a thousand
moves and ledger rows. SQLAlchemy's work per row -- a Row with a converter per column for
each row read, a parameter set built for each row written -- cost more than the database's
own there (1,000 due rows on SQLite: ~15 ms through SQLAlchemy, ~8 ms by the driver). These
statements are compiled once, for the dialect of the connection that runs them, from the
SQLAlchemy statements; parameters and values are converted with the columns' own
converters; and the driver runs the text: the same SQL, the same stored forms and the same
values read, without the per-row machinery. Everything else goes through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy import Dialect
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

SQLITE: Final = sqlite.dialect(paramstyle="qmark")
Convert = Callable[[Any], Any]


def converter(kind: TypeEngine[Any], dialect: Dialect = SQLITE) -> Convert:
    """How a column of this type converts a value for the database (a type that does)."""
    convert: Convert | None = kind.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        raise TypeError(f"{kind!r} converts nothing for {dialect.name}")
    return convert


def _to(kind: TypeEngine[Any], dialect: Dialect) -> Convert | None:
    convert: Convert | None = kind.dialect_impl(dialect).bind_processor(dialect)
    return convert


class _Compiled:
    """A statement's text for one dialect, with its parameters' order and converters and
    the converters of the columns it reads."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.text = str(compiled)
        binds = compiled.binds
        self.order = tuple(compiled.positiontup or ())
        self.parameters = [
            (
                name,
                binds[name].value,
                binds[name].type.dialect_impl(dialect).bind_processor(dialect),
            )
            for name in self.order
        ]
        columns = getattr(statement, "selected_columns", ())
        converts = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self.results = [(index, c) for index, c in enumerate(converts) if c is not None]

    def bind(self, values: dict[str, Any]) -> tuple[Any, ...]:
        parameters = []
        for name, default, convert in self.parameters:
            value = values.get(name, default)
            parameters.append(value if convert is None or value is None else convert(value))
        return tuple(parameters)


class _Statement:
    def __init__(self, statement: Any) -> None:
        self._statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self._statement, dialect)
        return found


class Write(_Statement):
    """A write statement run by the driver for each of many rows, each given in ``order``
    (its parameters' order in the text) and converted already."""

    def __init__(self, statement: Any, order: tuple[str, ...]) -> None:
        super().__init__(statement)
        self._order = order
        self.compiled(SQLITE)  # a wrong order shows at import

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = super().compiled(dialect)
        if found.order != self._order:
            raise RuntimeError(f"parameters in the order {found.order}, not {self._order}")
        return found

    async def run(self, session: AsyncSession, rows: Sequence[tuple[Any, ...]]) -> int:
        """Run it for each row; the rows changed. The caller holds the write lock."""
        connection = await session.connection()
        text = self.compiled(connection.dialect).text
        result: Any = await connection.exec_driver_sql(text, list(rows))
        return int(result.rowcount)


class Read(_Statement):
    """A SELECT run by the driver, its parameters converted as the statement's own would be;
    its rows come back as tuples, converted column by column where a column converts
    (instants, days, booleans), None staying None."""

    async def rows(self, session: AsyncSession, **values: Any) -> list[tuple[Any, ...]]:
        connection = await session.connection()
        compiled = self.compiled(connection.dialect)
        result = await connection.exec_driver_sql(compiled.text, compiled.bind(values))
        if not compiled.results:
            return [tuple(row) for row in result]
        # Each column's values converted once per read: a claim's thousand rows share a
        # few due instants and days, and converting one costs more than looking it up.
        converts: list[tuple[int, Convert, dict[Any, Any]]] = [
            (index, convert, {}) for index, convert in compiled.results
        ]
        found = []
        for row in result:
            read = list(row)
            for index, convert, seen in converts:
                value = read[index]
                if value is not None:
                    converted = seen.get(value)
                    if converted is None:
                        converted = seen[value] = convert(value)
                    read[index] = converted
            found.append(tuple(read))
        return found
