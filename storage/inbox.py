"""The webhook's inbox, shared by every worker: each update Telegram posts is taken in once
(a retry, or a copy a load balancer handed to a second worker, is dropped), held with its
content under its worker's lease until handled, and taken over by another worker when the
lease runs out (the worker died after answering Telegram, before handling it).

A chat's updates are handled in turn across workers: an update waits while an earlier one
of its chat is unfinished on another worker (``behind``). On PostgreSQL updates of one chat
are taken in one at a time (a transaction-level advisory lock on the chat, in a key space of
its own), so of two updates taken in at once on two workers the later one sees the earlier.
SQLite is one process by design: no other worker is alive, and every unfinished row of
another worker was left by a process that stopped.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HandledUpdateRow
from storage.repositories import affected_rows, table_of, upsert_insert

# The two-key form of PostgreSQL's advisory locks never collides with the one-key form that
# person locks use, nor with the reminder sender's (0x4243, 1).
CHAT_INTAKE = 0x4244
ROW = HandledUpdateRow


class Taken(enum.Enum):
    """What a worker does with an update posted to it."""

    HANDLE = "handle"  # taken in here (or taken over from a dead worker): handle it
    DONE = "done"  # handled before: drop this copy
    HELD = "held"  # taken in and held by a live worker, which handles it: drop this copy
    BUSY = "busy"  # being handled by a worker that answers only once handled: retry later


def _chat_key(chat: int) -> int:
    """A chat id folded into the 32-bit key of an advisory lock (chats that share a key
    are only taken in one after the other)."""
    return (chat ^ (chat >> 31)) & 0x7FFFFFFF


@functools.cache
def _insert(dialect: str) -> Any:
    """The INSERT that takes an update in (unless already in), built once: it runs for every
    update posted, its values given as parameters."""
    return upsert_insert(dialect, table_of(ROW)).on_conflict_do_nothing()


@functools.cache
def _insert_locked() -> Any:
    """PostgreSQL's INSERT that first takes the chat's intake lock (``key``), then takes the
    update in: one round trip. What the transaction reads after it sees every update of the
    chat taken in before the lock was granted."""
    table = table_of(ROW)
    lock = select(func.pg_advisory_xact_lock(CHAT_INTAKE, bindparam("key")).label("l"))
    names = ["update_id", "done", "at", "chat", "worker", "payload"]
    row = select(*(bindparam(n, type_=table.c[n].type) for n in names))
    row = row.select_from(lock.subquery())
    return postgresql.insert(table).from_select(names, row).on_conflict_do_nothing()


class Inbox:
    """Updates taken in, shared by every worker."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    @property
    def shared(self) -> bool:
        """Whether other processes may share the database (so other workers may be alive)."""
        return self._dialect == "postgresql"

    async def take(
        self,
        update_id: int,
        at: datetime,
        stale: datetime,
        *,
        chat: int | None = None,
        worker: str | None = None,
        payload: str | None = None,
    ) -> Taken:
        """Take the update in at ``at`` for ``worker``, holding ``payload`` until it is
        finished. One held since before ``stale`` and never finished belonged to a worker
        that died: it is taken over."""
        values = {"at": at, "chat": chat, "worker": worker, "payload": payload}
        row = {"update_id": update_id, "done": False, **values}
        if chat is not None and self.shared:  # the chat's lock first, in the same statement
            statement, row = _insert_locked(), {**row, "key": _chat_key(chat)}
        else:
            statement = _insert(self._dialect)
        if affected_rows(await self._session.execute(statement, row)) == 1:
            return Taken.HANDLE
        found = (
            await self._session.execute(
                select(ROW.at, ROW.done, ROW.payload).where(ROW.update_id == update_id)
            )
        ).one_or_none()
        if found is None or found.done:
            return Taken.DONE  # a row gone meanwhile was pruned: handled a day ago
        if found.at >= stale:
            # Held with its content, it is handled where it is; without, its worker answers
            # only once it is handled (a worker from before the inbox): Telegram retries.
            return Taken.HELD if found.payload is not None else Taken.BUSY
        takeover = (
            update(ROW)
            .where(ROW.update_id == update_id, ROW.at == found.at, ROW.done.is_(False))
            .values(**values)
        )
        taken = affected_rows(await self._session.execute(takeover)) == 1
        return Taken.HANDLE if taken else Taken.HELD

    async def behind(self, chat: int, update_id: int, worker: str) -> bool:
        """Whether an earlier update of ``chat`` is unfinished on a worker other than
        ``worker`` (never on SQLite, where no other worker is alive)."""
        if not self.shared:
            return False
        query = (
            select(ROW.update_id)
            .where(ROW.chat == chat, ROW.update_id < update_id, ROW.done.is_(False))
            .where(or_(ROW.worker != worker, ROW.worker.is_(None)))
            .limit(1)
        )
        return (await self._session.execute(query)).first() is not None

    async def finish(self, update_ids: Iterable[int]) -> None:
        """These updates were handled to the end: their content goes, their ids stay."""
        ids = list(update_ids)
        if ids:
            await self._session.execute(
                update(ROW).where(ROW.update_id.in_(ids)).values(done=True, payload=None)
            )

    async def renew(self, worker: str, at: datetime) -> int:
        """Renew the lease on every update ``worker`` holds; how many it holds."""
        query = update(ROW).where(ROW.done.is_(False), ROW.worker == worker).values(at=at)
        return affected_rows(await self._session.execute(query))

    async def take_over(
        self,
        worker: str,
        at: datetime,
        stale: datetime,
        *,
        starting: bool = False,
        limit: int = 100,
    ) -> list[tuple[int, str]]:
        """Take over, for ``worker``, updates whose lease ran out before ``stale`` (on SQLite,
        ``starting``: every unfinished one of another worker, a process that stopped); their
        (update id, payload), oldest first. Only updates held with their content can be
        handled here."""
        others = or_(ROW.worker != worker, ROW.worker.is_(None))  # its own it handles
        lapsed = others if starting and not self.shared else and_(others, ROW.at < stale)
        query = (
            select(ROW.update_id, ROW.at, ROW.payload)
            .where(ROW.done.is_(False), ROW.payload.is_not(None), lapsed)
            .order_by(ROW.update_id)
            .limit(limit)
        )
        taken = []
        for row in (await self._session.execute(query)).all():
            fence = and_(ROW.update_id == row.update_id, ROW.at == row.at, ROW.done.is_(False))
            moved = update(ROW).where(fence).values(at=at, worker=worker)
            if affected_rows(await self._session.execute(moved)) == 1:
                taken.append((row.update_id, row.payload))
        return taken

    async def prune(self, before: datetime) -> int:
        """Forget updates taken in before ``before``."""
        query = delete(ROW).where(ROW.at < before)
        return affected_rows(await self._session.execute(query))
