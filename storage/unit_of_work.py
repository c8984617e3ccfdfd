"""One unit of work per update: repositories over one session, committed once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.function import Function
from coach.model import History
from storage.checkpoints import Checkpoints
from storage.coordination import UploadedFiles, lock_person
from storage.db import DEFAULT_URL, create_engine, sqlite_file, upgrade
from storage.function import ActivitiesRepository
from storage.inbox import Inbox
from storage.people import PeopleRepository
from storage.repositories import (
    FeedbackRepository,
    ProfileChangesRepository,
    RatingsRepository,
    SafetyRepository,
    history_of,
)
from storage.schedule import ScheduleRepository
from storage.write_gate import WriteGate


class DatabaseFileMissing(SQLAlchemyError):
    """The SQLite file is gone while the bot runs: nothing can be committed to it."""


class WriterSession(AsyncSession):
    """A session that, on SQLite, waits its turn to write in this process.

    SQLite has one writer at a time. Left to SQLite, every other writer of a burst (64
    handlers at once, a dispatcher tick) holds a pooled connection and a thread while it
    sleeps and retries in SQLite's busy handler, which is neither fair nor unbounded: under a
    long enough queue one of them gives up with "database is locked" and the person's press
    fails. Here a unit's first write (a DML statement, or a flush of pending changes) first
    takes the store's ``WriteGate`` -- first come, first served (an urgent unit before the
    ordinary ones waiting), without a timeout -- and holds it until the unit commits, rolls
    back or closes (it has its pooled connection before it queues, so the holder never
    waits for the pool). Reads never wait for it. Without a gate (PostgreSQL) the session is
    a plain AsyncSession.
    """

    gate: WriteGate | None = None
    urgent = False  # goes before the ordinary units waiting to write (``WriteGate``)
    database_file: Path | None = None  # SQLite: the file every commit must still find
    checkpoints: Checkpoints | None = None  # SQLite: told of each commit that wrote
    _writing = False

    async def _turn(self) -> None:
        """Wait for this unit's turn to write (once per transaction). Its connection comes
        first: a unit holding the turn while it waited for a pooled connection could wait
        for ever on units that hold every connection while they wait for the turn."""
        if self.gate is not None and not self._writing:
            await self.connection()
            await self.gate.acquire(self.urgent)
            self._writing = True

    def _release(self) -> None:
        if self._writing and self.gate is not None:
            self._writing = False
            self.gate.release()

    def _pending(self) -> bool:
        """Whether a flush (explicit, or before a query or a commit) would write."""
        return bool(self.new or self.dirty or self.deleted)

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(statement, "is_dml", False) or self._pending():
            await self._turn()
        return await super().execute(statement, *args, **kwargs)

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if self._pending():
            await self._turn()
        return await super().scalar(statement, *args, **kwargs)

    async def scalars(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if self._pending():
            await self._turn()
        return await super().scalars(statement, *args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        if self._pending():
            await self._turn()
        return await super().get(*args, **kwargs)

    async def flush(self, objects: Sequence[Any] | None = None) -> None:
        if self._pending():
            await self._turn()
        await super().flush(objects)

    async def commit(self) -> None:
        if self._pending():
            await self._turn()
        try:
            if self.database_file is not None and not self.database_file.exists():
                # Its directory was removed or its volume unmounted: the open connections
                # would go on writing to a file nobody will ever read again.
                await super().rollback()
                raise DatabaseFileMissing(f"the SQLite file {self.database_file} is missing")
            await super().commit()
            wrote = self._writing
        finally:
            self._release()
        if wrote and self.checkpoints is not None:
            self.checkpoints.written()

    async def rollback(self) -> None:
        try:
            await super().rollback()
        finally:
            self._release()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._release()


class UnitOfWork:
    """Repositories sharing one transaction; rolled back unless commit() was called."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect
        self.people = PeopleRepository(session, dialect)
        self.ratings = RatingsRepository(session, dialect)
        self.feedback = FeedbackRepository(session, dialect)
        self.safety = SafetyRepository(session)
        self.schedule = ScheduleRepository(session, dialect)
        self.profiles = ProfileChangesRepository(session, dialect)
        self.handled = Inbox(session, dialect)
        self.uploads = UploadedFiles(session, dialect)
        self.activities = ActivitiesRepository(session, dialect)

    async def lock_person(self, chat_id: int) -> None:
        """Wait for, then hold until this unit ends, the person's turn: another worker's
        unit for the same person (on a shared PostgreSQL) runs before or after, never in
        between. Within one process the update processor already keeps a person's order."""
        await lock_person(self._session, self._dialect, chat_id)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # After a commit this rollback is a no-op; otherwise it discards the unit's writes.
        await self._session.rollback()
        await self._session.close()

    async def commit(self) -> None:
        """Make the unit's writes durable."""
        await self._session.commit()

    async def history(self, chat_id: int) -> History:
        """Profile (with its dated changes), ratings and feedback of a person, for the stage
        rules."""
        person = await self.people.get(chat_id)
        if person is None:
            raise LookupError(f"no person with chat_id {chat_id}")
        ratings, feedback, changes = await history_of(self._session, chat_id)
        return History(
            profile=person.profile, ratings=ratings, feedback=feedback, profile_changes=changes
        )

    async def function(self, chat_id: int) -> Function:
        """The person's activities and their weekly ratings."""
        activities = await self.activities.all(chat_id)
        return Function(activities, await self.activities.ratings(chat_id))


class Store:
    """The database: hands out units of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, class_=WriterSession, expire_on_commit=False)
        # SQLite's writers queue here, in order, instead of in SQLite's busy handler.
        self._gate = WriteGate() if engine.dialect.name == "sqlite" else None
        self._file = sqlite_file(engine.url.render_as_string(hide_password=False))
        self.checkpoints = Checkpoints(engine) if self._file is not None else None

    def unit(self, *, urgent: bool = False) -> UnitOfWork:
        """A new unit of work; use it as ``async with store.unit() as uow: ...``. An
        ``urgent`` one writes before the ordinary ones waiting to (on SQLite)."""
        session = self._sessions()
        session.gate = self._gate
        session.urgent = urgent
        session.database_file = self._file
        session.checkpoints = self.checkpoints
        return UnitOfWork(session, self.engine.dialect.name)

    async def close(self) -> None:
        """Close every pooled connection (the last one to close checkpoints the file)."""
        if self.checkpoints is not None:
            await self.checkpoints.close()
        await self.engine.dispose()


async def open_store(url: str = DEFAULT_URL) -> Store:
    """Create the engine, migrate to the newest schema and return the store."""
    engine = create_engine(url)
    await upgrade(engine)
    return Store(engine)
