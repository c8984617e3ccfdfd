"""/healthz: 200 with the database, the last tick's age and the queue depth while all is
well; 503 when the database file is gone, or when no tick ran for 3 dispatch intervals."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from tests.web.conftest import Served, eventually

pytestmark = pytest.mark.e2e


async def test_healthz_says_ok_with_its_figures(served: Served) -> None:
    response = await served.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "last_tick_age_seconds": None,  # this bot runs no ticks (the tests dispatch)
        "dispatch_every_seconds": None,
        "queue_depth": 0,
    }


async def test_healthz_is_503_while_the_database_file_is_gone(served: Served) -> None:
    moved = served.database.with_name("elsewhere.sqlite3")
    served.database.rename(moved)  # an unmounted volume, a deleted directory
    try:
        response = await served.http.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unhealthy"
        assert "missing" in body["database"]
        assert body["queue_depth"] is None
        assert not served.database.exists()  # the check made no new, empty database
    finally:
        moved.rename(served.database)
    response = await served.http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.parametrize("dispatch_every", [0.3])
async def test_healthz_is_503_once_no_tick_ran_for_three_intervals(
    served: Served, dispatch_every: float
) -> None:
    monitor = served.app.monitor
    await eventually(monitor.last_tick, "no tick ran")
    response = await served.http.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["dispatch_every_seconds"] == dispatch_every
    assert 0 <= body["last_tick_age_seconds"] <= 3 * dispatch_every

    # The dispatcher stops ticking (stuck, or its job gone): three intervals later, 503.
    (job,) = served.app.job_queue.get_jobs_by_name("dispatch")
    job.enabled = False
    dispatcher = served.app.dispatcher
    # A tick under way (or asked for just before) ends first. On SQLite the claimer goes
    # from taking a request to holding the claim lock without a pause, so between the two
    # nothing is left: no tick runs or is wanted, and none comes (the job is off).
    await eventually(
        lambda: not dispatcher._tick_wanted.is_set() and not dispatcher._claiming.locked(),
        "a tick never ended",
    )
    last = monitor.last_tick()
    served.clock.advance(timedelta(seconds=3 * dispatch_every - 0.05))
    assert (await served.http.get("/healthz")).status_code == 200
    served.clock.advance(timedelta(seconds=0.1))
    response = await served.http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["last_tick_age_seconds"] > 3 * dispatch_every
    assert monitor.last_tick() == last

    job.enabled = True  # ticking again: well again
    await eventually(lambda: monitor.last_tick() != last, "ticks never came back")
    assert (await served.http.get("/healthz")).status_code == 200


@pytest.mark.parametrize("dispatch_every", [600.0])
async def test_healthz_is_503_when_the_first_tick_never_came(
    served: Served, dispatch_every: float
) -> None:
    (job,) = served.app.job_queue.get_jobs_by_name("dispatch")
    job.enabled = False  # the dispatcher never gets going
    await eventually(lambda: served.app.monitor.started, "the job queue never started")
    assert (await served.http.get("/healthz")).status_code == 200  # just started
    served.clock.advance(timedelta(seconds=3 * dispatch_every + 1))
    response = await served.http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["last_tick_age_seconds"] is None


async def test_healthz_counts_the_queued_reminders(served: Served) -> None:
    from coach.schedule import Kind, Reminder, State

    consent = await served.say(6101, "/start", "Do you agree")  # a person, for the rows
    assert consent is not None
    due = served.clock.now()
    async with served.store.unit() as uow:
        for slot in range(3):
            item = Reminder(0, 6101, Kind.HANG, slot, due.time(), due, due.date(), False)
            await uow.schedule.record(item, State.QUEUED, due)
        await uow.commit()
    response = await served.http.get("/healthz")
    assert response.json()["queue_depth"] == 3


async def test_when_the_database_directory_is_removed_health_and_the_webhook_say_so(
    served: Served,
) -> None:
    await served.say(6201, "/start", "Do you agree")
    assert served.rows()["people"] == 1
    shutil.rmtree(served.database.parent)  # a deleted directory, an unmounted volume

    health = await served.http.get("/healthz")
    assert health.status_code == 503
    assert "missing" in health.json()["database"]
    # An update cannot even be taken in: Telegram is asked to post it again later (once
    # the database is back), instead of a 200 for an update whose answer is lost.
    response = await served.post(served.emu.send_text(6202, "/start"))
    assert response.status_code == 503
    assert [m.text for m in served.emu.sent(6202)] == []
    assert not served.database.parent.exists()  # nothing made a new, empty database
