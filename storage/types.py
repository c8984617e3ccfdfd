"""Column types and value conversions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time

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


def parse_hhmm(text: str) -> time:
    """Parse "HH:MM" back into a time of day."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
