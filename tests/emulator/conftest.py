"""Fixtures: a running emulator, PTB's real Bot pointed at it, and a raw HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot

from emulator import BotApiEmulator

USER = 1001  # a person who has written to the bot


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    emu.send_text(USER, "hi")  # the chat must exist before the bot can write to it
    async with Bot(emu.token, base_url=emu.base_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def raw(emu: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """For what PTB would refuse to send; base URL already includes the token."""
    async with httpx.AsyncClient(base_url=f"{emu.base_url}{emu.token}/") as client:
        yield client
