"""Another writer holding SQLite's lock for seconds: a press waits for it, never fails."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import date

from services import checkin
from services.core import Core
from services.outcome import ShowPlan
from tests.services.conftest import registered

HOLD_SECONDS = 6.0  # longer than the 5 s SQLite's busy_timeout used to allow


async def test_a_press_waits_out_a_writer_holding_the_lock(core: Core) -> None:
    await registered(core, 1)
    path = core.store.engine.url.database
    assert path is not None
    locked = threading.Event()

    def hold_the_lock() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE people SET quiet = quiet")
        locked.set()
        time.sleep(HOLD_SECONDS)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    await asyncio.to_thread(locked.wait)
    began = time.monotonic()
    outcome = await checkin.rate_button(core, 1, date(2026, 3, 2), 2)
    waited = time.monotonic() - began
    await asyncio.to_thread(holder.join)
    assert isinstance(outcome.messages[0], ShowPlan)
    assert waited >= HOLD_SECONDS - 1
