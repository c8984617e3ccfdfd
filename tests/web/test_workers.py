"""Two bot processes behind a load balancer on one PostgreSQL, as a public bot runs: any
worker handles any update, a person's updates apply in order, a reminder broadcast is sent
by one process at a time at the configured rate, exactly once, and when that process is
killed mid-broadcast the other finishes it; what was in flight is uncertain, not resent."""

from __future__ import annotations

import asyncio
import bisect
import gc
import itertools
import secrets
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from coach import texts
from coach.model import Person
from coach.schedule import Kind, Reminder, State
from conversations.web import SECRET_HEADER
from emulator import BotApiEmulator
from storage.unit_of_work import Store, open_store
from tests.e2e.process import BotProcess, fresh_token
from tests.postgres import PostgresServer
from tests.web.test_bot_process import free_port
from tests.zones import mid_morning

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

HOOK = "https://coach.example.org/telegram/updates"
DUE = 2000  # reminders due at once
RATE = 100  # reminders a second (above production's 25, to keep the test short)
PRESSERS = range(9001, 9021)  # 20 people writing while the broadcast goes out
COMMANDS = 10  # each, alternately /pause and /resume
DISPATCH_EVERY = 1.0  # seconds between ticks: the standby asks for the sender's lock at each
# The standby takes over at its next tick and then records outcomes every second: this many
# ticks with not one more reminder settled means it is stuck. As long as it settles some, it
# is waited for, however slowly a loaded machine lets it send.
STALLED_TICKS = 5


def busiest_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    return max((bisect.bisect_left(stamps, s + 1.0) - i for i, s in enumerate(stamps)), default=0)


async def fill(store: Store, now: datetime) -> None:
    """DUE people with a check-in prompt due a minute ago, and the pressers (no reminders)."""
    zone = mid_morning(now)  # the rules send these prompts at whatever hour the test runs
    local_now = (now - timedelta(minutes=1)).astimezone(ZoneInfo(zone))
    day = local_now.date()
    async with store.unit() as uow:
        for chat_id in [*range(1, DUE + 1), *PRESSERS]:
            person = Person(
                chat_id,
                now - timedelta(days=3),
                timezone=zone,
                checkin_time=local_now.time().replace(second=0, microsecond=0),
                registered=True,
            )
            await uow.people.add(person)
            if chat_id <= DUE:
                local = person.checkin_time
                assert local is not None
                due = Reminder(0, chat_id, Kind.CHECKIN, 0, local, now - timedelta(minutes=1), day)
                await uow.schedule.add(chat_id, due)
        await uow.commit()


class Balancer:
    """A load balancer in front of the workers: each post to the next worker in turn; a
    worker that is down, or busy with another copy (503), gets the post retried on the
    next one, as Telegram itself would retry it."""

    def __init__(self, ports: list[int], secret: str) -> None:
        self.clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}") for p in ports]
        self.turn = itertools.cycle(range(len(ports)))
        self.headers = {SECRET_HEADER: secret}

    async def post(self, update: dict[str, object]) -> None:
        for _ in range(200):
            client = self.clients[next(self.turn)]
            try:
                response = await client.post("/telegram/updates", json=update, headers=self.headers)
            except httpx.TransportError:
                continue
            if response.status_code == 200:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"no worker took update {update['update_id']}")

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


async def wait_until(condition, within: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = clock.monotonic() + within
    while not condition():
        if clock.monotonic() > deadline:
            raise AssertionError(f"{what} within {within:.0f} s")
        await asyncio.sleep(0.05)


async def test_two_workers_one_database_every_reminder_once_and_a_takeover(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = postgres_server.url(await postgres_server.create_database())
    store = await open_store(url)
    await fill(store, datetime.now(UTC))
    # The emulator stamps each call when this process's loop reads it: a full garbage
    # collection of the test process (tens of ms) would stamp a few calls at once, as if
    # they had come together. Frozen, the objects so far are out of those collections.
    gc.collect()
    gc.freeze()
    try:
        await _run_workers(tmp_path, url, store)
    finally:
        gc.unfreeze()


async def _run_workers(tmp_path: Path, url: str, store: Store) -> None:
    secret = secrets.token_urlsafe(32)
    ports = [free_port(), free_port()]
    async with BotApiEmulator(fresh_token(), flood_control=False) as emu:
        for chat_id in [*range(1, DUE + 1), *PRESSERS]:
            emu.open_chat(chat_id)
        workers = []
        for number, port in enumerate(ports):
            worker = BotProcess(
                emu.base_url,
                emu.token,
                tmp_path / "unused.sqlite3",
                tmp_path / f"worker{number}.log",
                WEBHOOK_URL=HOOK,
                WEBHOOK_SECRET=secret,
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(port),
                DISPATCH_EVERY=str(DISPATCH_EVERY),
                DISPATCH_RATE=str(RATE),
                RATE_LIMIT_PER_SECOND=str(RATE + 30),
            )
            worker.env["DATABASE_URL"] = url
            workers.append(worker)
        balancer = Balancer(ports, secret)
        try:
            for worker in workers:
                await worker.start()

            def reminders_out() -> list[float]:
                return [
                    call.at
                    for call in emu.calls_of("sendMessage")
                    if int(str(call.params["chat_id"])) <= DUE and call.outcome.startswith("ok")
                ]

            await wait_until(lambda: len(reminders_out()) >= 1, 60, "no reminder was sent")

            async def person(chat_id: int) -> None:
                for n in range(COMMANDS):
                    await balancer.post(emu.send_text(chat_id, "/pause" if n % 2 else "/resume"))

            await asyncio.gather(*(person(chat_id) for chat_id in PRESSERS))
            # Answered once taken in, handled after: every update handled before the kill (an
            # update killed while being handled is another test's, tests/e2e).
            await wait_until(
                lambda: all(len(emu.sent(c)) >= COMMANDS for c in PRESSERS),
                60,
                "the pressers' updates were not all answered",
            )
            # The sender is whichever process holds the lock: kill it mid-broadcast.
            assert len(reminders_out()) < DUE, "the broadcast ended before the kill"
            sender = next(w for w in workers if "now sends the reminders" in w.log.read_text())
            await sender.kill()
            killed_at = clock.monotonic()

            # Every reminder is either sent or was in flight at the kill (uncertain).
            async def settled() -> tuple[int, int]:
                async with store.unit() as uow:
                    sent = await uow.schedule.count_in_state(State.SENT)
                    uncertain = await uow.schedule.count_in_state(State.UNCERTAIN)
                return sent, uncertain

            done, progressed_at = sum(await settled()), killed_at
            while done < DUE:
                stalled = clock.monotonic() - progressed_at
                assert stalled < STALLED_TICKS * DISPATCH_EVERY, (done, await settled())
                await asyncio.sleep(0.2)
                now_done = sum(await settled())
                if now_done > done:
                    done, progressed_at = now_done, clock.monotonic()
        finally:
            await balancer.close()
            for worker in workers:
                await worker.stop()
        sent, uncertain = await settled()
        out = reminders_out()
        per_chat: dict[int, int] = {}
        for call in emu.calls_of("sendMessage"):
            chat_id = int(str(call.params["chat_id"]))
            if chat_id <= DUE and call.outcome.startswith("ok"):
                per_chat[chat_id] = per_chat.get(chat_id, 0) + 1
        assert max(per_chat.values()) == 1  # nobody got a reminder twice
        assert sent <= len(per_chat) <= sent + uncertain == DUE
        # Only what was in flight at the kill: sends under way, and those of the last second
        # whose outcome the sender had not written to the ledger yet.
        assert uncertain <= RATE + 8
        assert busiest_second(out) <= RATE + 1  # one send may slip in by arrival jitter
        # Each person's updates applied in order, whichever worker took each.
        for chat_id in PRESSERS:
            replies = [m.text or "" for m in emu.sent(chat_id)]
            paused = [r.startswith(texts.PAUSED[:20]) for r in replies]
            assert len(replies) == COMMANDS and paused == [n % 2 == 1 for n in range(COMMANDS)]
        async with store.unit() as uow:
            for chat_id in PRESSERS:
                saved = await uow.people.get(chat_id)
                assert saved is not None and saved.paused  # the last command was /pause
    await store.close()
