"""The bot object Back Coach polls with: PTB's ExtBot, told when Telegram rejects the token,
and proof against an update it cannot read."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.error import Forbidden, InvalidToken
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

# Answers Back Coach never reads: an edit comes back as the whole edited message, keyboard
# and all. It is noted (``_saw``) and PTB returns True, as it does for an edit of an inline
# message, instead of building the message's objects for nobody.
UNREAD_ANSWERS = frozenset({"editMessageText", "editMessageReplyMarkup"})

# Chats whose newest message id is kept, the most recently active ones: a few bytes each, so
# a few megabytes at most however many people ever wrote. A chat forgotten is as after a
# restart: a pressed message counts as its newest.
NEWEST_KEPT = 50_000

# The updates of the getUpdates call under way in this task, read once by ``_post``.
_polled: ContextVar[list[Update] | None] = ContextVar("polled", default=None)


class BackCoachBot(ExtBot[Any]):
    """ExtBot that notices a token rejected while polling, and skips unreadable updates.

    PTB's updater stops polling for good when ``getUpdates`` answers 401/404 (a revoked
    token) but leaves the process running; ``rejected`` is set then, for bot.py to exit.

    PTB reads a whole ``getUpdates`` batch at once: one update it cannot read fails the
    batch, the offset never moves, and the same batch is fetched forever while nobody is
    served. Here each update of a batch is tried alone; one that fails is logged once
    (its content only at DEBUG) and replaced by a bare ``Update(update_id)``, which no
    handler matches but which moves the offset past it. The updates read there are the ones
    ``get_updates`` returns: PTB, handed an empty list, has nothing to read a second time.

    It also notes the newest message id of each chat, sent or received (a few bytes a chat,
    for the NEWEST_KEPT chats most recently active, forgotten at a restart), so a press on
    an older message is answered at the bottom of the chat, where the person looks, rather
    than edited in place up the history. Edits answer True (``UNREAD_ANSWERS``): the edited
    message Telegram returns is noted, not built.
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
            # Taken out and put back: the dict's order is the order chats were last active.
            self._newest[chat_id] = max(message_id, self._newest.pop(chat_id, 0))
            if len(self._newest) > NEWEST_KEPT:
                del self._newest[next(iter(self._newest))]  # the chat quiet the longest

    @property
    def rejected(self) -> asyncio.Event:
        """Set once Telegram refused the token while polling."""
        return self._rejected

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        batch: list[Update] = []
        token = _polled.set(batch)
        try:
            # PTB reads whatever ``_post`` returns; the batch was read there, once, into
            # ``batch``, and PTB is handed nothing to read a second time.
            updates = await super().get_updates(*args, **kwargs) + tuple(batch)
        except (InvalidToken, Forbidden):
            self._rejected.set()
            raise
        finally:
            _polled.reset(token)
        for update in batch:
            self.insert_callback_data(update)  # what ExtBot does for the updates it reads
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
            batch = _polled.get()
            if batch is None:  # asked for the raw batch (do_api_request): as Telegram sent it
                return result
            batch.extend(update for raw in result if (update := self._read(raw)) is not None)
            return []
        self._saw(result)
        if endpoint in UNREAD_ANSWERS and isinstance(result, dict):
            return True
        return result

    def _read(self, raw: object) -> Update | None:
        """The update, or a bare update with its id if PTB cannot read it (None without
        an id)."""
        try:
            return Update.de_json(raw, self)  # type: ignore[arg-type]
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
            return (
                Update.de_json({"update_id": update_id}, self)
                if isinstance(update_id, int)
                else None
            )
