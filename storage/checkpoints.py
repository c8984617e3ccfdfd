"""SQLite: the write-ahead log copied into the database file beside the writers, not in
their commits.

In WAL mode a commit appends its pages to the log; a *checkpoint* copies them into the
database file and syncs both. Left to SQLite, the commit that takes the log past
``wal_autocheckpoint`` pages runs the checkpoint itself, before it returns: with the write
lock (and the store's turn to write) still held, whoever's commit that is -- a press, or the
dispatcher's claim, whose thousand people spread through the table are a thousand pages
and a checkpoint in nearly every commit (1,000 spread rows moved: a commit of 50-90 ms on
a loaded test machine, 2-15 ms without the checkpoint).

Here each writing commit asks for a checkpoint instead, and one runs shortly after on a
pooled connection of its own (PASSIVE: it waits for no reader and no writer, and none waits
for it), coalescing the commits of that moment. SQLite's own checkpoint stays as a backstop,
far beyond what a moment's writes make (``BACKSTOP_PAGES``), should this one fall behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# Pages (4 KB) the log may hold before a commit checkpoints it itself, as SQLite does at 1,000
# by default: ten times a claim's writes, seconds of a burst of presses.
BACKSTOP_PAGES: Final = 10_000
# How long after a writing commit its checkpoint runs: the commits meanwhile share it.
DELAY: Final = 0.5


class Checkpoints:
    """Background checkpoints of one SQLite file: at most one running, one more wanted."""

    def __init__(self, engine: AsyncEngine, delay: float = DELAY) -> None:
        self._engine, self._delay = engine, delay
        self._wanted = False
        self._task: asyncio.Task[None] | None = None
        self.done = 0  # checkpoints run (for tests and curiosity)

    def written(self) -> None:
        """A transaction with writes committed: its pages are copied over shortly."""
        self._wanted = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self._wanted:
            await asyncio.sleep(self._delay)
            self._wanted = False
            try:
                await self.checkpoint()
            except Exception:  # the backstop copies the log in the end; say so, go on
                log.warning("a checkpoint of the database file failed", exc_info=True)

    async def checkpoint(self) -> tuple[int, int, int]:
        """Copy what the log holds into the database file as far as readers allow, without
        waiting for anyone: (busy, pages in the log, pages copied)."""
        async with self._engine.connect() as connection:
            result = await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            busy, logged, copied = tuple(result.one())
        self.done += 1
        return int(busy), int(logged), int(copied)

    async def close(self) -> None:
        """Stop waiting for the next checkpoint (closing the last connection checkpoints)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
