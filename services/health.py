"""What /healthz asks of the database: is it there and answering, and how many reminder
deliveries wait to be sent. Read-only: nothing here writes or commits."""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from coach.schedule import State
from services.core import Core
from services.unit import unit
from storage.db import create_engine, sqlite_file

# Counting queued deliveries stops here: the queue is claimed and emptied every tick, so a
# number this high already says the dispatcher is far behind.
QUEUE_COUNT_LIMIT = 10_000
# How long check-config waits for a database server to answer, seconds.
URL_TIMEOUT = 5.0


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


async def url_problem(url: str) -> tuple[str | None, str]:
    """Can the database at ``url`` be used? (why not, or None; and what was found). A SQLite
    file that does not exist yet is no problem when it can be made: it is made at start."""
    file = sqlite_file(url)
    if file is not None and not file.exists():
        folder = next((p for p in (file.parent, *file.parent.parents) if p.exists()), None)
        if folder is None or not os.access(folder, os.W_OK):
            return f"{file} does not exist and cannot be made", ""
        return None, "a new SQLite file, made at the first start"
    engine = create_engine(url)
    try:
        async with asyncio.timeout(URL_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {URL_TIMEOUT:.0f} s", ""
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc) or type(exc).__name__
        return reason.splitlines()[0], ""
    finally:
        await engine.dispose()
    return None, "reachable"
