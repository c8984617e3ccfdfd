"""/metrics: Prometheus text that prometheus_client's parser reads, whose counters match
what was handled (updates by kind and outcome, their handling times) and what the
dispatcher did (reminders by outcome, as the ledger has them); one registry per bot. The
events logger's lines for them parse as JSON and carry ids, kinds and outcomes only."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bootstrap import build_application
from coach.program import default_program
from coach.schedule import State
from conversations.health import monitor_of
from conversations.limiter import BACKGROUND, INTERACTIVE
from conversations.logs import EVENTS, JsonLines
from conversations.web import WebServer, web_app
from emulator import BotApiEmulator
from services.clock import ManualClock
from storage.unit_of_work import open_store
from tests.e2e.conftest import Bot, Person
from tests.web.conftest import Served, samples, updates_counted

pytestmark = pytest.mark.e2e

KINDS = ("command", "text", "callback", "location", "member", "other")


def counted(found: dict[Any, float]) -> dict[tuple[str, str], float]:
    return {
        (dict(labels)["kind"], dict(labels)["outcome"]): value
        for (name, labels), value in found.items()
        if name == "backcoach_updates_total"
    }


async def test_every_kind_of_update_is_counted_once_with_its_handling_time(
    served: Served,
) -> None:
    user, emu = 6201, served.emu
    consent = await served.say(user, "/start", "Do you agree")  # a command
    await served.press(user, consent, "I agree")  # a callback
    await emu.wait_for(user, lambda m: "Which time zone" in (m.text or ""), 15)
    await served.say(user, "Berlin", "Time zone set")  # text
    for update in (
        emu.share_location(user, 52.52, 13.40),  # a location (where a button is expected)
        emu.updates.push("message", _sticker(served, user)),  # other
    ):
        assert (await served.post(update)).status_code == 200
    emu.block_chat(user)  # the person blocks the bot: my_chat_member
    assert (await served.post(emu.updates.pending[-1])).status_code == 200

    expected = {"command": 1, "callback": 1, "text": 1, "location": 1, "other": 1, "member": 1}
    found: dict[Any, float] = {}

    async def all_counted() -> bool:
        nonlocal found
        found = await served.metrics()
        return sum(counted(found).values()) >= sum(expected.values())

    for _ in range(300):
        if await all_counted():
            break
    assert counted(found) == {
        **{(kind, "ok"): float(expected[kind]) for kind in KINDS},
        **{(kind, "error"): 0.0 for kind in KINDS},
    }
    for kind in KINDS:  # the histogram saw each update once, and it took some time
        labels = (("kind", kind),)
        assert found[("backcoach_update_handling_seconds_count", labels)] == expected[kind]
        assert found[("backcoach_update_handling_seconds_sum", labels)] > 0


async def test_an_update_whose_handler_fails_counts_as_an_error(served: Served) -> None:
    user = 6202
    await served.say(user, "/start", "Do you agree")
    # A file that fails at the server: sending it raises, and the error handler apologises.
    served.emu.fail("sendDocument", "bad_gateway", chat_id=user, times=5)
    response = await served.post(served.emu.send_text(user, "/export"))
    assert response.status_code == 200
    found: dict[Any, float] = {}
    for _ in range(500):
        found = await served.metrics()
        if sum(counted(found).values()) >= 2:
            break
    assert updates_counted(found, "command", "error") == 1
    assert updates_counted(found, "command", "ok") == 1  # the /start


async def test_two_bots_in_one_process_keep_their_own_figures(served: Served) -> None:
    await served.say(6203, "/help", "this list")
    other = build_application(
        served.emu.token, served.emu.base_url, served.store, served.clock, default_program()
    )
    other_registry = monitor_of(other).metrics.registry
    assert other_registry is not monitor_of(served.app).metrics.registry
    from prometheus_client import generate_latest

    theirs = samples(generate_latest(other_registry).decode())
    assert updates_counted(theirs, "command") == 0
    assert updates_counted(await served.metrics(), "command") == 1


def _sticker(served: Served, user: int) -> dict[str, Any]:
    from tests.e2e.conftest import sticker_message

    return sticker_message(served.emu, user)


# --- Reminders, with the dispatcher ticking, in polling mode with the metrics server.


@pytest.fixture
async def polling(tmp_path: Path) -> AsyncIterator[tuple[Bot, httpx.AsyncClient]]:
    """A polling bot whose dispatcher ticks every 0.2 s, with /metrics on 127.0.0.1."""
    clock = ManualClock()
    clock.current = clock.current.replace(year=2026, month=3, day=2, hour=8, minute=0)
    async with BotApiEmulator() as emu:
        store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
        app: Any = build_application(
            emu.token, emu.base_url, store, clock, default_program(), dispatch_every=0.2
        )
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            server = WebServer(web_app(app, monitor_of(app)), "127.0.0.1", 0)
            await server.start()
            try:
                base = f"http://127.0.0.1:{server.port}"
                async with httpx.AsyncClient(base_url=base, timeout=15) as http:
                    yield Bot(emu, store, clock, app), http
            finally:
                await server.stop()
                await app.updater.stop()
                await app.stop()
        await store.close()


async def test_reminder_counters_match_the_ledger_and_each_outcome_is_a_json_line(
    polling: tuple[Bot, httpx.AsyncClient], caplog: pytest.LogCaptureFixture
) -> None:
    bot, http = polling
    person = Person(bot, 6301)
    await person.onboard()
    # The webhook route exists only in webhook mode.
    assert (await http.post("/telegram/updates", json={})).status_code in (404, 405)
    caplog.set_level(logging.INFO, logger=EVENTS)

    async def ticks() -> float:
        return samples((await http.get("/metrics")).text)[("backcoach_dispatch_ticks_total", ())]

    async def in_flight() -> bool:
        async with bot.store.unit() as uow:
            ledger = await uow.schedule.deliveries(person.user_id)
        return any(d.state in (State.QUEUED, State.SENDING) for d in ledger)

    async def two_more_ticks() -> None:
        """Two more ticks, and every send they took recorded: the clock may then jump a
        day without a send still on its way looking ten minutes stuck."""
        start = await ticks()
        for _ in range(500):
            if await ticks() >= start + 2 and not await in_flight():
                return
        raise AssertionError("the dispatcher stopped ticking")

    bot.clock.advance(timedelta(days=1))  # today's hangs and tomorrow's check-in come due
    await two_more_ticks()
    bot.emu.block_chat(person.user_id, notify=False)  # the next reminder fails: blocked
    bot.clock.advance(timedelta(days=1))
    await two_more_ticks()

    async with bot.store.unit() as uow:
        ledger = await uow.schedule.deliveries(person.user_id)
    states = [d.state for d in ledger]
    found = samples((await http.get("/metrics")).text)
    for outcome, state in [
        ("sent", State.SENT),
        ("skipped", State.SKIPPED),
        ("failed", State.FAILED),
        ("uncertain", State.UNCERTAIN),
    ]:
        assert found[("backcoach_reminders_total", (("outcome", outcome),))] == states.count(
            state
        ), (outcome, states)
    assert states.count(State.SENT) >= 1 and states.count(State.FAILED) >= 1
    assert found[("backcoach_reminder_queue_depth", ())] == states.count(State.QUEUED) == 0

    lines = [json.loads(JsonLines().format(r)) for r in caplog.records if r.name == EVENTS]
    reminders = [line for line in lines if line.get("event") == "reminders"]
    assert sum(line["count"] for line in reminders if line["outcome"] == "sent") == (
        states.count(State.SENT)
    )
    updates = [line for line in lines if line.get("event") == "update"]
    for line in updates:
        assert {"update_id", "kind", "duration_ms", "outcome", "time", "level"} <= set(line)


async def test_rate_limiter_waits_are_reported_by_lane(
    polling: tuple[Bot, httpx.AsyncClient],
) -> None:
    bot, http = polling
    bot.emu.flood.enabled = False  # the limiter alone holds the sends back
    for chat_id in range(7001, 7041):
        bot.emu.open_chat(chat_id)
    limiter = bot.app.bot.rate_limiter
    await asyncio.gather(*(bot.app.bot.send_message(c, "hello") for c in range(7001, 7041)))
    found = samples((await http.get("/metrics")).text)
    waits = {
        dict(labels)["lane"]: value
        for (name, labels), value in found.items()
        if name == "backcoach_rate_limiter_waits_total"
    }
    assert waits["interactive"] >= 10  # 40 sends, 30 a second: at least 10 waited
    assert waits["interactive"] == limiter.waits[INTERACTIVE].waited
    assert waits["background"] == limiter.waits[BACKGROUND].waited
    seconds = {
        dict(labels)["lane"]: value
        for (name, labels), value in found.items()
        if name == "backcoach_rate_limiter_wait_seconds_total"
    }
    assert seconds["interactive"] > 0
