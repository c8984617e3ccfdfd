"""One unit of work per update: repositories over one session, committed once."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from coach.model import History
from storage.db import DEFAULT_URL, create_engine, migrate
from storage.people import PeopleRepository
from storage.repositories import (
    FeedbackRepository,
    ProfileChangesRepository,
    RatingsRepository,
    SafetyRepository,
)
from storage.schedule import ScheduleRepository


class UnitOfWork:
    """Repositories sharing one transaction; rolled back unless commit() was called."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self.people = PeopleRepository(session)
        self.ratings = RatingsRepository(session, dialect)
        self.feedback = FeedbackRepository(session, dialect)
        self.safety = SafetyRepository(session)
        self.schedule = ScheduleRepository(session, dialect)
        self.profiles = ProfileChangesRepository(session, dialect)

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
        return History(
            profile=person.profile,
            ratings=await self.ratings.all(chat_id),
            feedback=await self.feedback.all(chat_id),
            profile_changes=await self.profiles.all(chat_id),
        )


class Store:
    """The database: hands out units of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    def unit(self) -> UnitOfWork:
        """A new unit of work; use it as ``async with store.unit() as uow: ...``."""
        return UnitOfWork(self._sessions(), self.engine.dialect.name)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def open_store(url: str = DEFAULT_URL) -> Store:
    """Create the engine, migrate to the newest schema and return the store."""
    engine = create_engine(url)
    await migrate(engine)
    return Store(engine)
