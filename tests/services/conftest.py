"""Services over a real SQLite file: no Telegram, no emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from coach.model import Equipment, Person, Profile
from coach.program import default_program
from services.clock import ManualClock
from services.core import Core
from services.unit import unit
from storage.unit_of_work import open_store


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
    yield Core(store, ManualClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC)), default_program())
    await store.close()


async def registered(core: Core, chat_id: int, **changes: object) -> Person:
    """A registered person in Berlin with a schedule, as onboarding leaves them."""
    person = Person(
        chat_id=chat_id,
        created_at=core.clock.now(),
        timezone="Europe/Berlin",
        checkin_time=time(8),
        hang_times=(time(8, 30), time(18, 30)),
        profile=Profile(frozenset(Equipment), gym_experienced=False),
        registered=True,
    )
    for name, value in changes.items():
        setattr(person, name, value)
    async with unit(core) as work:
        await work.add(person)
        await work.save(person, resync=True)
        await work.commit()
    return person
