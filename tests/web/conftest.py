"""The bot's HTTP side in process: the real Application over a SQLite file, the emulator as
Telegram, and the real web server on 127.0.0.1, posted to with httpx as Telegram would."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bootstrap import build_application
from coach.program import default_program
from conversations.health import monitor_of
from conversations.web import SECRET_HEADER, Webhook, WebServer, set_webhook, web_app
from conversations.web_guard import Limits
from emulator import BotApiEmulator
from emulator.models import SentMessage
from services.clock import ManualClock
from storage.unit_of_work import Store, open_store
from tests.e2e.conftest import bot_process  # noqa: F401 - the fixture, for bot.py processes

TIMEOUT = 15.0
HOOK_URL = "https://coach.example.org/telegram/updates"


@dataclass
class Served:
    """A running bot taking updates from its webhook, and an HTTP client at its server."""

    emu: BotApiEmulator
    store: Store
    clock: ManualClock
    app: Any
    http: httpx.AsyncClient
    secret: str
    database: Path
    server: WebServer

    async def post(self, update: Any, secret: str | None = None, **kwargs: Any) -> httpx.Response:
        """POST an update to the webhook as Telegram would, with the right secret unless
        ``secret`` (or no header at all, with ``secret=""``)."""
        secret = self.secret if secret is None else secret
        headers = {SECRET_HEADER: secret} if secret else {}
        headers |= kwargs.pop("headers", {})
        if isinstance(update, bytes):
            return await self.http.post("/telegram/updates", content=update, headers=headers)
        return await self.http.post("/telegram/updates", json=update, headers=headers, **kwargs)

    async def say(self, user_id: int, text: str, expect: str) -> SentMessage:
        """The person writes ``text``; Telegram posts it; the bot's first answer since that
        contains ``expect``."""
        seen = len(self.emu.sent(user_id))
        response = await self.post(self.emu.send_text(user_id, text))
        assert response.status_code == 200, response.text
        answer = await self.emu.wait_for(
            user_id, lambda m: expect in (m.text or ""), TIMEOUT, after=seen
        )
        await self.settled()
        return answer

    async def settled(self) -> None:
        """Wait until every update taken in was handled to its end and marked finished (the
        webhook answers before it handles: an answer in the chat may come a moment before
        the handling is counted and finished)."""
        intake = self.server.intake
        assert intake is not None
        await eventually(lambda: intake.held == 0, "updates still held")

    async def press(self, user_id: int, message: SentMessage, label: str) -> None:
        """The person presses a button; Telegram posts it; wait for the bot's answer to it."""
        data = next(b["callback_data"] for b in message.buttons if label in b["text"])
        before = len(self.emu.answered_callbacks)
        response = await self.post(self.emu.press_button(user_id, message.message_id, data))
        assert response.status_code == 200, response.text
        await self.emu.wait_until(lambda: self.emu.answered_callbacks[before:] or None, TIMEOUT)
        await self.settled()

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """GET /metrics, parsed: every sample by name and labels."""
        response = await self.http.get("/metrics")
        assert response.status_code == 200
        return samples(response.text)

    def inbox(self) -> list[tuple[int, int, str | None]]:
        """The webhook's inbox: (update id, done, content) of each update taken in."""
        with closing(sqlite3.connect(self.database)) as db:
            query = "SELECT update_id, done, payload FROM handled_updates ORDER BY update_id"
            return [tuple(row) for row in db.execute(query)]

    def rows(self) -> dict[str, int]:
        """Rows in each table of the database file (the schema's version aside)."""
        with closing(sqlite3.connect(self.database)) as db:
            tables = [
                name
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if name != "alembic_version"
            ]
            return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


async def eventually(condition: Callable[[], object], what: str) -> None:
    """Wait until ``condition()`` is true (for state the emulator does not see change)."""
    async with asyncio.timeout(TIMEOUT):
        while not condition():  # noqa: ASYNC110 - the condition has no event to wait on
            await asyncio.sleep(0.02)
    assert condition(), what


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Prometheus text, parsed by prometheus_client's own parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def updates_counted(found: dict[Any, float], kind: str, outcome: str = "ok") -> float:
    return found[("backcoach_updates_total", (("kind", kind), ("outcome", outcome)))]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
def dispatch_every() -> float | None:
    """Seconds between dispatcher ticks; None: tests dispatch themselves (as tests/e2e)."""
    return None


@pytest.fixture
def limits() -> Limits:
    """The web server's limits on slow and many connections (a module may set its own)."""
    return Limits()


@pytest.fixture
async def served(
    tmp_path: Path, clock: ManualClock, dispatch_every: float | None, limits: Limits
) -> AsyncIterator[Served]:
    database = tmp_path / "data" / "coach.sqlite3"  # its own directory, as deployed
    async with BotApiEmulator() as emu:
        store = await open_store(f"sqlite+aiosqlite:///{database}")
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            clock,
            default_program(),
            dispatch_every=dispatch_every,
        )
        secret = secrets.token_urlsafe(32)
        webhook = Webhook(HOOK_URL, secret)
        async with app:
            await app.start()
            await set_webhook(app, webhook)
            server = WebServer(web_app(app, monitor_of(app), webhook), "127.0.0.1", 0, limits)
            await server.start()
            base = f"http://127.0.0.1:{server.port}"
            try:
                async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as http:
                    yield Served(emu, store, clock, app, http, secret, database, server)
            finally:
                await server.stop()
                await app.stop()
        await store.close()
