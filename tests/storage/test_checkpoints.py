"""SQLite's write-ahead log is copied into the database file after a commit, not in it: a
commit holding the write lock never waits for a checkpoint (storage/checkpoints.py)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from storage import open_store
from storage.checkpoints import BACKSTOP_PAGES
from tests.storage.builders import bare_person

BIG = 6_000_000  # characters: about 1,500 pages, past SQLite's default of 1,000 a checkpoint


def _in_file_alone(database: Path, copy: Path, chat_id: int) -> bool:
    """Whether the person's row is in the database file itself (a copy without the log)."""
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as connection:
        found = connection.execute("SELECT 1 FROM people WHERE chat_id = ?", (chat_id,))
        return found.fetchone() is not None


async def test_a_big_commit_leaves_its_pages_to_the_checkpoint_that_follows(
    tmp_path: Path,
) -> None:
    database = tmp_path / "backcoach.sqlite3"
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        assert store.checkpoints is not None
        async with store.engine.connect() as connection:
            backstop = await connection.scalar(text("PRAGMA wal_autocheckpoint"))
        assert backstop == BACKSTOP_PAGES
        await store.checkpoints.checkpoint()  # the new tables, in the file
        person = bare_person(7)
        person.step_data = {"draft": "x" * BIG}
        async with store.unit() as uow:
            await uow.people.add(person)
            await uow.commit()
        # Committed, and only in the log: SQLite's default would have copied these pages
        # into the file within the commit.
        assert not _in_file_alone(database, tmp_path / "copy1.sqlite3", 7)
        for _ in range(100):
            if store.checkpoints.done > 1:
                break
            await asyncio.sleep(0.05)
        assert store.checkpoints.done == 2
        assert _in_file_alone(database, tmp_path / "copy2.sqlite3", 7)
        async with store.unit() as uow:  # and the person reads back whole
            again = await uow.people.get(7)
        assert again is not None and again.step_data == person.step_data
    finally:
        await store.close()


async def test_commits_of_one_moment_share_one_checkpoint(tmp_path: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'backcoach.sqlite3'}")
    try:
        assert store.checkpoints is not None
        for chat_id in range(1, 6):
            async with store.unit() as uow:
                await uow.people.add(bare_person(chat_id))
                await uow.commit()
        async with store.unit() as uow:  # a unit that only read asks for none
            await uow.people.get(1)
        for _ in range(100):
            if store.checkpoints.done:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # longer than the delay: nothing more was asked for
        assert store.checkpoints.done == 1
    finally:
        await store.close()
