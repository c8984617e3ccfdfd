"""The bot's update queue: long polling, offsets and allowed_updates like Telegram."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from emulator.errors import ApiError

# What Telegram delivers when allowed_updates was never set or set to [].
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)


def update_type(update: dict[str, Any]) -> str:
    """The update's kind, e.g. "message" or "callback_query"."""
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates; getUpdates waits on an event instead of polling a clock."""

    def __init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._next_id = 1
        self._allowed: frozenset[str] | None = None  # None: Telegram's default set
        self._poller: object | None = None
        self._changed = asyncio.Event()
        self._closed = False

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet acknowledged by an offset, oldest first."""
        return list(self._updates)

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Enqueue one update and wake a waiting getUpdates."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._updates.append(update)
        self._wake()
        return update

    def drop_pending(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self._updates.clear()

    def close(self) -> None:
        """Answer every waiting long poll at once (the server is stopping)."""
        self._closed = True
        self._wake()

    def reopen(self) -> None:
        """Let long polls wait again (the server is starting)."""
        self._closed = False

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _acknowledge(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:  # "-N": keep the last N, forget all earlier ones
            self._updates = self._updates[offset:]

    def _ready(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed
        ready = [
            u
            for u in self._updates
            if (update_type(u) in allowed if allowed else update_type(u) not in NOT_BY_DEFAULT)
        ]
        return ready[:limit]

    async def get(
        self, offset: int, limit: int, wait: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: acknowledge below ``offset``, then wait up to ``wait`` seconds."""
        if allowed is not None:  # like Telegram, the setting sticks until changed
            self._allowed = frozenset(allowed) or None
        self._acknowledge(offset)
        me = object()
        self._poller = me  # a newer getUpdates terminates this one with 409, as Telegram does
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        try:
            while True:
                changed = self._changed
                if self._poller is not me:
                    raise CONFLICT
                ready = self._ready(limit)
                remaining = deadline - loop.time()
                if ready or self._closed or remaining <= 0:
                    return ready
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            if self._poller is me:
                self._poller = None
