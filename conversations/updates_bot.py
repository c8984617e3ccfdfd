"""The bot object Back Coach polls with: PTB's ExtBot, told when Telegram rejects the token,
and proof against an update it cannot read."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
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

    It also notes the newest message id of each chat, sent or received (a few bytes a chat,
    forgotten at a restart), so a press on an older message is answered at the bottom of the
    chat, where the person looks, rather than edited in place up the history.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rejected = asyncio.Event()
        self._newest: dict[int, int] = {}
        self._read_ahead: Callable[[Sequence[Update]], Awaitable[None]] | None = None

    def read_ahead(self, prepare: Callable[[Sequence[Update]], Awaitable[None]]) -> None:
        """Run ``prepare`` on each polled batch before its updates are handled (bootstrap:
        the batch's languages, read in one query); a failure only costs that head start."""
        self._read_ahead = prepare

    def is_newest(self, chat_id: int, message_id: int) -> bool:
        """Whether no later message of this chat has been seen since start (after a restart,
        before anything is seen, a pressed message counts as the newest)."""
        return message_id >= self._newest.get(chat_id, message_id)

    def _saw(self, message: object) -> None:
        """Note a message sent or received (a raw Bot API ``Message``)."""
        if not isinstance(message, dict):
            return
        chat, message_id = message.get("chat"), message.get("message_id")
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if isinstance(chat_id, int) and isinstance(message_id, int):
            self._newest[chat_id] = max(message_id, self._newest.get(chat_id, 0))

    @property
    def rejected(self) -> asyncio.Event:
        """Set once Telegram refused the token while polling."""
        return self._rejected

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            updates = await super().get_updates(*args, **kwargs)
        except (InvalidToken, Forbidden):
            self._rejected.set()
            raise
        if updates and self._read_ahead is not None:
            try:
                await self._read_ahead(updates)
            except Exception:
                log.warning("could not read ahead for a batch of updates", exc_info=True)
        return updates

    async def _post(self, endpoint: str, data: JSONDict | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            for raw in result:
                self._saw(raw.get("message") if isinstance(raw, dict) else None)
            return [readable for raw in result if (readable := self._readable(raw)) is not None]
        self._saw(result)
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
