"""Migrations: up, down and up again; the schema they build is the models' schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import create_engine, downgrade, migrate
from storage.checkpoints import BACKSTOP_PAGES
from storage.db import ALEMBIC_INI, SCHEMA_HEAD, alembic_config, normalize_url, schema_revision
from storage.models import Base
from storage.unit_of_work import open_store

REPO = Path(__file__).resolve().parents[2]
APP_TABLES = {
    "people",
    "ratings",
    "feedback",
    "safety_events",
    "reminders",
    "deliveries",
    "hang_marks",
    "profile_changes",
    "handled_updates",
    "uploaded_files",
    "activities",
    "activity_ratings",
    "activity_invites",
}


async def table_names(url: str) -> set[str]:
    """Tables in the database, seen through a fresh engine."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def schema_differences(engine: AsyncEngine) -> list[Any]:
    """What autogenerate would change to make the database match the models."""

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(compare)


async def test_migrations_go_up_down_and_up_again(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        await migrate(engine)
        assert await table_names(sqlite_url) == {*APP_TABLES, "alembic_version"}
        await downgrade(engine)
        assert await table_names(sqlite_url) & APP_TABLES == set()
        await migrate(engine)
        assert await table_names(sqlite_url) >= APP_TABLES
        await migrate(engine)  # already at head: nothing to do
        assert await schema_differences(engine) == []
    finally:
        await engine.dispose()


async def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        assert await schema_differences(engine) == []
        # The check is not vacuous: a missing index is noticed.
        async with engine.begin() as connection:
            await connection.execute(text("DROP INDEX ix_safety_events_chat_id"))
        assert [diff[0] for diff in await schema_differences(engine)] == ["add_index"]
    finally:
        await engine.dispose()


async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        # Migrations switch foreign keys off for batch mode; pooled connections get them back.
        await migrate(engine)
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in (
                    "journal_mode",
                    "busy_timeout",
                    "foreign_keys",
                    "synchronous",
                    "wal_autocheckpoint",
                )
            }
    finally:
        await engine.dispose()
    # synchronous: 1 is NORMAL.
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 60000,
        "foreign_keys": 1,
        "synchronous": 1,
        "wal_autocheckpoint": BACKSTOP_PAGES,  # a backstop: storage/checkpoints.py copies the log
    }


async def test_the_sqlite_files_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "backcoach.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    assert path.exists()


def test_urls_without_an_async_driver_get_one() -> None:
    assert normalize_url("postgresql://bc:s3cret@db:5432/bc") == (
        "postgresql+asyncpg://bc:s3cret@db:5432/bc"
    )
    assert normalize_url("postgres://bc@db/bc") == "postgresql+asyncpg://bc@db/bc"
    assert normalize_url("sqlite:///data/x.sqlite3") == "sqlite+aiosqlite:///data/x.sqlite3"
    assert (
        normalize_url("sqlite+aiosqlite:///data/x.sqlite3") == "sqlite+aiosqlite:///data/x.sqlite3"
    )


def test_alembic_runs_by_hand_with_the_documented_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-hand.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    alembic = [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI.relative_to(REPO))]
    output = {}
    for args in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
        done = subprocess.run(
            [*alembic, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        output[args[0]] = done.stdout + done.stderr
    assert "No new upgrade operations detected" in output["check"]
    assert "Running downgrade 0001 -> , initial tables" in output["downgrade"]


def test_schema_head_names_the_newest_migration() -> None:
    # A new migration must be written into SCHEMA_HEAD, or databases would skip it on open.
    newest = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert newest == SCHEMA_HEAD, f"write the new migration's revision {newest!r} in SCHEMA_HEAD"


OPEN_TWICE = """
import asyncio, sys
from storage.unit_of_work import open_store

async def main(url):
    store = await open_store(url)
    await store.close()
    print("alembic" in sys.modules)

asyncio.run(main(sys.argv[1]))
"""


def test_a_database_at_the_newest_schema_opens_without_alembic(database_url: str) -> None:
    def opened() -> str:
        done = subprocess.run(
            [sys.executable, "-c", OPEN_TWICE, database_url],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert opened() == "True"  # an empty database: migrated, with Alembic
    assert opened() == "False"  # already at the newest schema: nothing imported, nothing run


async def test_a_database_behind_the_newest_schema_is_brought_up_on_open(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        await migrate(engine, "0006")
        assert await schema_revision(engine) == "0006"
        store = await open_store(sqlite_url)
        await store.close()
        assert await schema_revision(engine) == SCHEMA_HEAD
        assert "handled_updates" in await table_names(sqlite_url)
    finally:
        await engine.dispose()
