"""Inspecting the emulated chats from tests, and waiting for the bot without sleeping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from emulator.models import ApiCall, SentMessage
from emulator.state import BotState

T = TypeVar("T")


class Inspection(BotState):
    """What the bot sent and called; ``wait_*`` wake on every change instead of polling."""

    def sent(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages to ``chat_id`` in order, as they are now (deleted ones flagged)."""
        return list(self._messages.get(chat_id, []))

    def calls_of(self, method: str) -> list[ApiCall]:
        """Logged calls of one method (case-insensitive)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def wait_until(
        self,
        condition: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the tests' API
        explain: Callable[[], str] | None = None,
    ) -> T:
        """First non-None result of ``condition``, re-checked after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed  # taken before the check so no change slips between
            result = condition()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(explain() if explain else f"{condition} within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' API; waiting is event-driven inside
        after: int = 0,
    ) -> SentMessage:
        """First bot message to ``chat_id``, skipping ``after`` of them, matching ``predicate``."""

        def find() -> SentMessage | None:
            for message in self._messages.get(chat_id, [])[after:]:
                if predicate is None or predicate(message):
                    return message
            return None

        def explain() -> str:
            lines = [m.describe() for m in self.sent(chat_id)] or ["(nothing)"]
            calls = [c.describe() for c in self.calls if c.method != "getUpdates"][-8:]
            return (
                f"no bot message to chat {chat_id} after the first {after} matched "
                f"{predicate} within {timeout}s.\nSent to that chat:\n  "
                + "\n  ".join(lines)
                + "\nLast calls:\n  "
                + "\n  ".join(calls or ["(none)"])
            )

        return await self.wait_until(find, timeout, explain)
