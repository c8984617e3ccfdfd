"""A webhook worker's side of the inbox (``services.updates``): an update is answered as soon
as it is taken in, then handled here, after the answer; the worker keeps its lease on what it
holds and takes over what a dead worker left.

- Taking in commits the update with its content, so Telegram's 200 never waits for the
  handling (nor for the limited sends the handling makes).
- Handling goes through the application's update processor, as a polled update does: one
  person's updates in the order they were taken in here, one at a time. An update whose
  chat has an earlier one unfinished on another worker waits for it first (checked every
  ``WAIT_STEP``, for at most ``WAIT_AT_MOST``); the chat's later updates here wait behind it.
- Handled updates are marked finished together: while one write is under way the next
  finished ones gather for the one after it, so a busy worker writes once per batch.
- Every third of the lease the worker renews its lease on what it holds and takes over the
  updates whose lease ran out (their worker died after answering, before finishing them).
  On SQLite, one process by design, what an earlier process left is taken over at start.
- Stopping lets what is under way finish for ``STOP_WITHIN``; what is left stays in the
  inbox under a lease that runs out, and another worker (or the next start) handles it.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import logging
import secrets
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from services import updates

log = logging.getLogger(__name__)

WAIT_STEP = 0.05  # seconds between looks at another worker's earlier update of a chat
# An earlier update that is neither finished nor taken over by then is waited for no more.
WAIT_AT_MOST = updates.HANDLED_WITHIN.total_seconds() * 2
RETRY_FINISH = 1.0  # seconds before marking updates finished again after a database error
STOP_WITHIN = 10.0  # seconds stopping waits for the updates under way


# Chat ids are stored as signed 64-bit integers (as Telegram's own are).
CHAT_IDS = range(-(1 << 63), 1 << 63)


def chat_of(update: Update) -> int | None:
    """The chat whose updates are handled in turn (None: an update of no chat, or of a chat
    id no chat has, which its handling refuses)."""
    chat = update.effective_chat
    return chat.id if chat is not None and chat.id in CHAT_IDS else None


class Intake:
    """One worker's updates: taken in, handled after the answer, finished in batches."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.worker = secrets.token_hex(8)
        self._running: set[asyncio.Task[None]] = set()
        self._waiting: dict[int, list[int]] = {}  # chat -> update ids waiting their turn
        self._finished: list[int] = []
        self._writer: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None

    @property
    def held(self) -> int:
        """Updates taken in here and not yet marked finished."""
        return len(self._running) + len(self._finished)

    async def take(self, update: Update, body: bytes) -> updates.Taken:
        """Take ``update`` in (raises SQLAlchemyError when the database cannot) and, when it
        is this worker's to handle, start handling it."""
        chat = chat_of(update)
        taken, waits = await updates.take_in(
            self.app.deps,
            update.update_id,
            chat=chat,
            worker=self.worker,
            payload=body.decode(),
        )
        if taken is updates.Taken.HANDLE:
            self._start(update, chat, waits)
        return taken

    def _start(self, update: Update, chat: int | None, waits: bool) -> None:
        if chat is not None and (waits or chat in self._waiting):
            bisect.insort(self._waiting.setdefault(chat, []), update.update_id)
        else:
            chat = None  # nothing to wait for
        task = asyncio.create_task(self._handle(update, chat))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _handle(self, update: Update, waiting_in: int | None) -> None:
        if waiting_in is not None:
            await self._turn(waiting_in, update.update_id)
        # Nothing is awaited between the turn and the processor: the chat's next update
        # here finds this one ahead of it in the person's queue.
        try:
            await self.app.update_processor.process_update(update, self.app.process_update(update))
        except Exception:  # the error handler answered what it could: not handled again
            log.exception("update %d failed", update.update_id)
        self._finished.append(update.update_id)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_finished())

    async def _turn(self, chat: int, update_id: int) -> None:
        """Wait until this is the chat's earliest update waiting here and no earlier one is
        unfinished on another worker."""
        waiting = self._waiting[chat]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_AT_MOST
        try:
            while loop.time() < deadline:
                if waiting[0] == update_id:
                    try:
                        if not await updates.behind(self.app.deps, chat, update_id, self.worker):
                            return
                    except SQLAlchemyError as exc:
                        log.warning("could not look at a chat's turn (%s)", type(exc).__name__)
                await asyncio.sleep(WAIT_STEP)
            log.warning("update %d waited its chat's turn too long; handled now", update_id)
        finally:
            waiting.remove(update_id)
            if not waiting:
                del self._waiting[chat]

    async def _write_finished(self) -> None:
        """Mark finished what was handled, in batches, until nothing is left to mark."""
        while self._finished:
            batch, self._finished = self._finished, []
            try:
                await updates.finish(self.app.deps, batch)
            except SQLAlchemyError as exc:  # kept under the lease: written again later
                log.error("could not mark webhook updates handled (%s)", type(exc).__name__)
                self._finished[:0] = batch
                await asyncio.sleep(RETRY_FINISH)

    async def start(self) -> None:
        """Take over what was left unfinished, then keep the lease (every third of it)."""
        await self._look(starting=True)
        self._keeper = asyncio.create_task(self._keep())

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(updates.HANDLED_WITHIN.total_seconds() / 3)
            await self._look()

    async def _look(self, *, starting: bool = False) -> None:
        try:
            await self.sweep(starting=starting)
        except SQLAlchemyError as exc:  # looked at again a third of the lease later
            log.error("could not keep the webhook inbox (%s)", type(exc).__name__)

    async def sweep(self, *, starting: bool = False) -> None:
        """Renew the lease on what this worker holds; take over and handle what a worker
        that died left once its lease ran out (``starting`` on SQLite: at once)."""
        if self.held:
            await updates.renew(self.app.deps, self.worker)
        deps = self.app.deps
        for update_id, payload in await updates.take_over(deps, self.worker, starting=starting):
            self._resume(update_id, payload)

    def _resume(self, update_id: int, payload: str) -> None:
        """Handle an update taken over from a worker that died holding it."""
        try:
            update = Update.de_json(json.loads(payload), self.app.bot)
        except Exception as exc:  # stored only once it parsed: never expected
            log.error("update %d in the inbox is unreadable (%s)", update_id, type(exc).__name__)
            self._finished.append(update_id)
            return
        log.info("update %d taken over from a worker that stopped", update_id)
        self._start(update, chat_of(update), True)

    async def stop(self) -> None:
        """Let what is under way finish (for ``STOP_WITHIN`` at most), then mark it."""
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        if self._running:
            _done, late = await asyncio.wait(set(self._running), timeout=STOP_WITHIN)
            for task in late:  # left in the inbox: taken over once the lease runs out
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._writer, STOP_WITHIN)
        if self._finished:  # the last write failed: one more try
            batch, self._finished = self._finished, []
            try:
                await updates.finish(self.app.deps, batch)
            except SQLAlchemyError as exc:
                log.error("could not mark webhook updates handled (%s)", type(exc).__name__)
