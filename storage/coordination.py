"""Several processes on one PostgreSQL: whose turn it is.

- One person's units of work never interleave across workers: each takes a transaction-level
  advisory lock on the person's chat id (``lock_person``), released at commit or rollback.
- A Telegram update delivered twice (a webhook retry) is taken in once (``storage.inbox``).
- Exactly one process sends reminders (``Leadership``): the holder of a session-level
  advisory lock on a connection of its own. If that process dies, PostgreSQL drops its
  connection and the lock with it, and the next process to ask becomes the sender.

SQLite is one process by design (one file, one writer): there every check passes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage.models import UploadedFileRow
from storage.repositories import upsert_insert

log = logging.getLogger(__name__)

# The two-key form of PostgreSQL's advisory locks never collides with the one-key form
# that person locks use (their key is the chat id).
SENDER_LOCK = (0x4243, 1)  # "BC", the reminder sender


async def lock_person(session: AsyncSession, dialect: str, chat_id: int) -> None:
    """Hold the person's lock until this transaction ends (PostgreSQL only)."""
    if dialect == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(chat_id)))


class Leadership:
    """Whether this process is the one that sends reminders."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        # The claimer and the sender ask at once: one question at a time, so the second
        # sees the lock the first took (and the connection is never used by two at once).
        self._asking = asyncio.Lock()

    @property
    def shared(self) -> bool:
        """Whether other processes may share the database (so leadership is contested)."""
        return self._engine.dialect.name == "postgresql"

    async def hold(self) -> bool:
        """Keep or take the sender's lock; False while another process holds it."""
        if not self.shared:
            return True
        async with self._asking:
            return await self._hold()

    async def _hold(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                log.warning("lost the connection holding the reminder sender's lock")
                await self._drop()
        connection = await self._engine.connect()
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = bool(await connection.scalar(select(func.pg_try_advisory_lock(*SENDER_LOCK))))
        except SQLAlchemyError:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("this process now sends the reminders")
        return True

    async def release(self) -> None:
        """Give the lock up (at shutdown), so another process takes over at once."""
        async with self._asking:
            if self._connection is None:
                return
            with contextlib.suppress(SQLAlchemyError):
                await self._connection.execute(select(func.pg_advisory_unlock(*SENDER_LOCK)))
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except SQLAlchemyError:
                await connection.invalidate()


class UploadedFiles:
    """File ids Telegram gave the bot's uploads, by the name of what each file shows; shared
    by every worker, so a drawing is uploaded once per bot, not once per process."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def get(self, name: str) -> str | None:
        """The file_id of the upload named ``name``, if there was one."""
        row = await self._session.get(UploadedFileRow, name)
        return row.file_id if row else None

    async def put(self, name: str, file_id: str, at: datetime) -> None:
        """Remember (or replace: Telegram refused the old one) the file_id of ``name``."""
        insert = upsert_insert(self._dialect, UploadedFileRow).values(
            name=name, file_id=file_id, at=at
        )
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[UploadedFileRow.name], set_={"file_id": file_id, "at": at}
            )
        )
