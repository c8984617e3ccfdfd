"""The CSV export, parsed back and compared with what was stored."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path

from coach.export import rows, to_csv
from coach.model import (
    Equipment,
    Feedback,
    MoveFeedback,
    Person,
    Profile,
    SafetyEvent,
    SafetyEventKind,
)
from coach.program import default_program
from coach.schedule import Kind, Reminder, State
from services.data import everything
from storage.unit_of_work import open_store

# Kiritimati is UTC+14: 00:05 there on 3 March is 10:05 UTC on 2 March.
ZONE = "Pacific/Kiritimati"
EDGE = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
LATE = datetime(2026, 3, 3, 9, 55, tzinfo=UTC)  # 23:55 on 3 March local


async def test_the_export_holds_every_stored_row_with_local_dates(tmp_path: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    person = Person(
        7,
        datetime(2026, 3, 1, tzinfo=UTC),
        timezone=ZONE,
        checkin_time=time(7),
        hang_times=(time(9), time(17)),
        profile=Profile(frozenset({Equipment.BAND}), False),
        consent_version="v1",
        consent_at=datetime(2026, 3, 1, 0, 1, tzinfo=UTC),
        registered=True,
        day_floor=date(2026, 3, 2),
    )
    async with store.unit() as uow:
        await uow.people.add(person)
        await uow.ratings.set(7, date(2026, 3, 3), 5, EDGE)
        await uow.ratings.set(7, date(2026, 3, 3), 4, LATE)  # re-rated: the last counts
        await uow.ratings.set(7, date(2026, 3, 4), 3, datetime(2026, 3, 3, 20, tzinfo=UTC))
        await uow.feedback.add(
            7, MoveFeedback(date(2026, 3, 3), "seated_row", Feedback.WORSE), EDGE
        )
        await uow.feedback.add(7, MoveFeedback(date(2026, 3, 4), "bar_hang", Feedback.DONE), LATE)
        await uow.safety.log(7, SafetyEvent(EDGE, SafetyEventKind.RED_FLAGS_NONE))
        item = Reminder(0, 7, Kind.HANG, 1, time(17), LATE, date(2026, 3, 4))
        await uow.schedule.record(item, State.SENT, LATE)
        await uow.schedule.mark_hang(7, date(2026, 3, 4), 1, "skip", LATE)
        await uow.commit()
    async with store.unit() as uow:
        data = await everything(uow, person)
    await store.close()

    table = list(
        csv.reader(io.StringIO(to_csv(rows(default_program(), data, LATE)).decode("utf-8-sig")))
    )
    header, body = table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert header == ["event", "date", "time", "move", "value", "detail"]

    checkins = [(r["date"], r["time"], r["value"]) for r in body if r["event"] == "checkin"]
    assert checkins == [
        ("2026-03-03", "2026-03-03T23:55:00+14:00", "4"),
        ("2026-03-04", "2026-03-04T10:00:00+14:00", "3"),
    ]
    moves = [(r["event"], r["date"], r["move"]) for r in body if r["event"].startswith("move_")]
    assert moves == [
        ("move_worse", "2026-03-03", "seated_row"),
        ("move_done", "2026-03-04", "bar_hang"),
    ]
    safety = [(r["event"], r["time"]) for r in body if r["event"] == "red_flags_none"]
    assert safety == [("red_flags_none", "2026-03-03T00:05:00+14:00")]  # next local day
    consent = next(r for r in body if r["event"] == "consent")
    assert (consent["date"], consent["value"]) == ("2026-03-01", "v1")
    reminders = [(r["event"], r["value"]) for r in body if r["event"].startswith("reminder_")]
    assert reminders == [("reminder_hang", "sent")]
    marks = [(r["value"], r["detail"]) for r in body if r["event"] == "bar_hang_reminder"]
    assert marks == [("skip", "reminder 2")]
    settings = {r["detail"]: r["value"] for r in body if r["event"] == "setting"}
    assert settings["time_zone"] == ZONE and settings["equipment"] == "band"
    assert settings["checkin_time"] == "07:00" and settings["bar_hang_times"] == "09:00 17:00"
    assert settings["day_floor"] == "2026-03-02"
