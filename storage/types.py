"""Column types and value conversions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC and read back aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store UTC."""
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs an aware one")
        utc = value.astimezone(UTC)
        # SQLite keeps text without an offset; every value being UTC keeps them comparable.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """The full conversion (``process_bind_param``, then the driver type's own, kept
        as SQLAlchemy composes them), remembered for recent UTC values: a claim binds a
        thousand rows at a time, most of them at the same few instants, and converting one
        costs more than looking it up. Only UTC values are remembered: equal UTC values
        are the same instant and convert alike, while equal local times may differ by
        their fold (the repeated hour when clocks go back)."""
        process = super().bind_processor(dialect)
        if process is None:
            return None
        remembered = lru_cache(maxsize=4096)(process)

        def convert(value: datetime | None) -> Any:
            if value is not None and value.tzinfo is UTC:
                return remembered(value)
            return process(value)

        return convert

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime, restoring the zone SQLite dropped."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def format_hhmm(value: time) -> str:
    """Render a local time of day as "HH:MM"."""
    if value.second or value.microsecond or value.tzinfo is not None:
        raise ValueError(f"{value!r}: reminder times are whole minutes without a zone")
    return value.strftime("%H:%M")


@lru_cache(maxsize=4096)  # a few hundred distinct times of day; rows are read by the thousand
def parse_hhmm(text: str) -> time:
    """Parse "HH:MM" back into a time of day."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
