"""SQLite's one writer at a time, in this process: units of work take turns to write.

First come, first served, without a timeout; except that an urgent writer goes before every
ordinary one still waiting (never before the one writing). The webhook's take-in is urgent:
Telegram's post waits for it, and it writes one row, so it would otherwise wait behind every
handler queued to write before it (their units last a whole use case each).
"""

from __future__ import annotations

import asyncio
from collections import deque


class WriteGate:
    """A lock whose waiters are served in order, the urgent ones first."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    async def acquire(self, urgent: bool = False) -> None:
        """Wait for the turn to write (handed over by ``release``)."""
        if not self._held and not self._urgent and not self._ordinary:
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._ordinary
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the turn came with the cancellation: passed on
            else:
                queue.remove(turn)
            raise

    def release(self) -> None:
        """End this turn: the next waiter's begins (an urgent one's first)."""
        for queue in (self._urgent, self._ordinary):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # still held: handed over
                    return
        self._held = False
