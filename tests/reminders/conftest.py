"""A dispatcher over a real SQLite store, sending through the emulator with PTB's real Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bootstrap import signing_key
from coach.model import Equipment, Person, Profile
from coach.program import default_program
from conversations.context import Deps
from conversations.dispatch import Dispatcher
from conversations.payload import Signer
from conversations.transport import AiohttpRequest
from emulator import BotApiEmulator
from emulator.models import SentMessage
from services.clock import ManualClock
from services.unit import unit
from storage.unit_of_work import Store, open_store


@dataclass
class World:
    emu: BotApiEmulator
    store: Store
    clock: ManualClock
    deps: Deps
    dispatcher: Dispatcher

    async def person(
        self,
        chat_id: int,
        zone: str = "Europe/Berlin",
        checkin: time = time(8),
        hangs: tuple[time, ...] = (time(8, 30), time(18, 30)),
        **changes: object,
    ) -> Person:
        """A registered person with a schedule, as onboarding would leave them."""
        self.emu.send_text(chat_id, "/start")  # the chat exists once the person wrote
        person = Person(
            chat_id=chat_id,
            created_at=self.clock.now(),
            timezone=zone,
            checkin_time=checkin,
            hang_times=hangs,
            profile=Profile(frozenset(Equipment), gym_experienced=False),
            registered=True,
        )
        for name, value in changes.items():
            setattr(person, name, value)
        async with unit(self.deps) as work:
            await work.add(person)
            await work.save(person, resync=True)
            await work.commit()
        return person

    async def tick(self, when: datetime) -> None:
        self.clock.current = when
        await self.dispatcher.dispatch(when)

    def sent(self, chat_id: int) -> list[SentMessage]:
        return self.emu.sent(chat_id)


def request_of(transport: str) -> BaseRequest:
    """The bot's requests: Back Coach's aiohttp transport, or PTB's default (httpx)."""
    return AiohttpRequest() if transport == "aiohttp" else HTTPXRequest()


@pytest.fixture
def transport() -> str:
    """What the world's bot sends with: the one the bot is built with."""
    return "aiohttp"


@pytest.fixture
async def world(tmp_path: Path, transport: str) -> AsyncIterator[World]:
    clock = ManualClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    async with BotApiEmulator() as emu:
        store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
        deps = Deps(store, clock, default_program(), Signer(signing_key(emu.token)))
        async with Bot(emu.token, base_url=emu.base_url, request=request_of(transport)) as bot:
            # Retries back off for real, just faster, so the fault tests need no long waits.
            dispatcher = Dispatcher(deps, bot, backoff=0.05)
            yield World(emu, store, clock, deps, dispatcher)
        await store.close()
