"""Fixtures: a real SQLite file per test, and an empty database on the session's PostgreSQL
server (tests/postgres.py, shared with the other test directories)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Store, create_engine, migrate
from tests.postgres import PostgresServer

__all__ = ["PostgresServer"]  # tests/storage modules import it from here


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file of its own for this test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'backcoach.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return sqlite_url
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(await server.create_database())


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated database on each backend."""
    engine = create_engine(database_url)
    await migrate(engine)
    store = Store(engine)
    try:
        yield store
    finally:
        await store.close()
