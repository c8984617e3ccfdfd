"""The bot object Back Coach polls with: PTB's ExtBot, told when Telegram rejects the token."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import Forbidden, InvalidToken
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class BackCoachBot(ExtBot[Any]):
    """ExtBot that notices a token rejected while polling.

    PTB's updater stops polling for good when ``getUpdates`` answers 401/404 (a revoked
    token) but leaves the process running; ``rejected`` is set then, for bot.py to exit.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rejected = asyncio.Event()

    @property
    def rejected(self) -> asyncio.Event:
        """Set once Telegram refused the token while polling."""
        return self._rejected

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except (InvalidToken, Forbidden):
            self._rejected.set()
            raise
