"""The bot object Back Coach polls with: PTB's ExtBot, told when Telegram rejects the token,
and proof against an update it cannot read."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.error import Forbidden, InvalidToken
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class BackCoachBot(ExtBot[Any]):
    """ExtBot that notices a token rejected while polling, and skips unreadable updates.

    PTB's updater stops polling for good when ``getUpdates`` answers 401/404 (a revoked
    token) but leaves the process running; ``rejected`` is set then, for bot.py to exit.

    PTB reads a whole ``getUpdates`` batch at once: one update it cannot read fails the
    batch, the offset never moves, and the same batch is fetched forever while nobody is
    served. Here each update of a batch is tried alone; one that fails is logged once
    (its content only at DEBUG) and replaced by a bare ``Update(update_id)``, which no
    handler matches but which moves the offset past it.
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

    async def _post(self, endpoint: str, data: JSONDict | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return [readable for raw in result if (readable := self._readable(raw)) is not None]
        return result

    def _readable(self, raw: object) -> object | None:
        """``raw`` if PTB can read it, else a bare update with its id (None without one)."""
        try:
            Update.de_json(raw, self)  # type: ignore[arg-type]
        except Exception as exc:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            kind = next((k for k in raw if k != "update_id"), "?") if isinstance(raw, dict) else "?"
            log.error(
                "skipped update %s (%s) that could not be read: %s",
                update_id,
                kind,
                type(exc).__name__,
            )
            log.debug("the unreadable update was %r", raw)
            return {"update_id": update_id} if isinstance(update_id, int) else None
        return raw
