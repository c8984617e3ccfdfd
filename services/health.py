"""What /healthz asks of the database: is it there and answering, and how many reminder
deliveries wait to be sent. Read-only: nothing here writes or commits."""

from __future__ import annotations

from sqlalchemy import text

from coach.schedule import State
from services.core import Core
from services.unit import unit
from storage.db import sqlite_file

# Counting queued deliveries stops here: the queue is claimed and emptied every tick, so a
# number this high already says the dispatcher is far behind.
QUEUE_COUNT_LIMIT = 10_000


async def database_problem(core: Core) -> str | None:
    """Why the database cannot be used now, or None. A SQLite file must still exist (a
    pooled connection keeps answering over a deleted or unmounted file, and a new one
    would create an empty database), then ``SELECT 1`` must answer."""
    engine = core.store.engine
    file = sqlite_file(engine.url.render_as_string(hide_password=False))
    if file is not None and not file.exists():
        return "the SQLite file is missing"
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return None


async def queued_count(core: Core) -> int:
    """Ledger rows in state *queued* (up to QUEUE_COUNT_LIMIT)."""
    async with unit(core) as work:
        return len(await work.schedule.in_state(State.QUEUED, limit=QUEUE_COUNT_LIMIT))
