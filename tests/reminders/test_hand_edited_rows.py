"""A schedule row whose due time was written by hand in another form than the stored one
(with the sqlite3 shell, say) is sent once and moved on, not claimed and sent on every tick:
a claim sends only what it moved."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from coach.schedule import Kind
from tests.reminders.conftest import World

# 2 March 2026: Berlin is UTC+1. The person's check-in is 08:00 local = 07:00 UTC.
CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
TICK = timedelta(seconds=20)


def hand_edit(world: World, chat_id: int, due: str) -> None:
    """Set the check-in row's due time as text, as an operator would in the sqlite3 shell."""
    path = world.store.engine.url.database
    assert path is not None
    with closing(sqlite3.connect(path)) as db, db:
        changed = db.execute(
            "UPDATE reminders SET due = ? WHERE chat_id = ? AND kind = ?",
            (due, chat_id, Kind.CHECKIN.value),
        ).rowcount
    assert changed == 1


def stored_due(world: World, chat_id: int) -> str:
    path = world.store.engine.url.database
    assert path is not None
    with closing(sqlite3.connect(path)) as db:
        (due,) = db.execute(
            "SELECT due FROM reminders WHERE chat_id = ? AND kind = ?",
            (chat_id, Kind.CHECKIN.value),
        ).fetchone()
    return str(due)


@pytest.mark.parametrize("written", ["2026-03-02 07:00:00", "2026-03-02 07:00"])
async def test_a_due_time_written_by_hand_is_sent_once_and_moves_on(
    world: World, written: str, caplog: pytest.LogCaptureFixture
) -> None:
    await world.person(1)
    await world.person(2)  # a row as the bot writes it, claimed beside the other
    proper = stored_due(world, 2)
    hand_edit(world, 1, written)
    assert stored_due(world, 1) != proper  # the same instant, another text

    with caplog.at_level(logging.WARNING):
        for tick in range(4):
            await world.tick(CHECKIN + tick * TICK)

    prompts = [m for m in world.sent(1) if "How does your back feel" in (m.text or "")]
    assert len(prompts) == 1
    assert len([m for m in world.sent(2) if "How does your back feel" in (m.text or "")]) == 1
    # Moved on to the next day's check-in, in the stored form.
    tomorrow = datetime(2026, 3, 3, 7, 0)
    assert stored_due(world, 1) == stored_due(world, 2)
    assert stored_due(world, 1).startswith(tomorrow.strftime("%Y-%m-%d %H:%M"))
    fixed = [r for r in caplog.records if "stored in another form" in r.getMessage()]
    assert len(fixed) == 1  # logged once: the row is fixed
