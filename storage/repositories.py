"""Repositories for ratings, feedback, the safety log and dated profile changes; each returns
coach dataclasses."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import (
    BigInteger,
    CursorResult,
    Dialect,
    Integer,
    Result,
    String,
    Table,
    bindparam,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator, TypeEngine

from coach.model import (
    Equipment,
    Feedback,
    MoveFeedback,
    Profile,
    ProfileChange,
    Rating,
    SafetyEvent,
    SafetyEventKind,
)
from storage.models import (
    Base,
    FeedbackRow,
    PersonRow,
    ProfileChangeRow,
    RatingRow,
    SafetyEventRow,
)

T = TypeVar("T")
OneOf = Callable[[Any, str], Any]  # (column, parameter name) -> "column is in the list"


class JSONList(TypeDecorator[list[Any]]):
    """A list bound as one JSON array text, each item converted as its column's type
    would convert it (a day becomes SQLite's "YYYY-MM-DD")."""

    impl = String
    cache_ok = True

    def __init__(self, item: TypeEngine[Any]) -> None:
        super().__init__()
        self.item = item

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        convert = self.item.dialect_impl(dialect).bind_processor(dialect)
        return json.dumps(value if convert is None else [convert(item) for item in value])


def _json_each(column: Any, name: str) -> Any:
    values = func.json_each(bindparam(name, type_=JSONList(column.type))).table_valued("value")
    return column.in_(select(values.c.value))


def _unnest(column: Any, name: str) -> Any:
    values = func.unnest(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(select(values))


def by_dialect(build: Callable[[OneOf], T]) -> Mapping[str, T]:
    """A statement with lists of values, built once per backend, each list one parameter:
    the statement text is the same whatever the list's length, so the driver prepares it
    once and the database plans it without a thousand parameters. On PostgreSQL a list is
    an array read with ``unnest`` (500 people read ~5x faster than with an expanding IN;
    ``= ANY`` would be planned anew, element by element, on a connection's first five
    executions), on SQLite a JSON array read with ``json_each``."""
    return {"postgresql": build(_unnest), "sqlite": build(_json_each)}


# Statements the dispatcher's claim runs for each batch, built once (columns, not ORM
# entities), so SQLAlchemy's compiled cache is hit.
_RATINGS = cast(Table, RatingRow.__table__).c
_FEEDBACK = cast(Table, FeedbackRow.__table__).c
_RATED_ON = by_dialect(
    lambda one_of: select(_RATINGS.chat_id, _RATINGS.day).where(
        one_of(_RATINGS.chat_id, "chat_ids"), one_of(_RATINGS.day, "days")
    )
)
_PAINS_ON = by_dialect(
    lambda one_of: select(_RATINGS.chat_id, _RATINGS.day, _RATINGS.pain).where(
        one_of(_RATINGS.chat_id, "chat_ids"), one_of(_RATINGS.day, "days")
    )
)


def each_person(name: str, dialect: str) -> Any:
    """The list parameter ``name`` of chat ids as a table of one column, ``chat_id``: for a
    subquery run once per person (a seek each, however many rows each person has)."""
    if dialect == "postgresql":
        values = func.unnest(bindparam(name, type_=postgresql.ARRAY(BigInteger())))
        return values.table_valued("chat_id").render_derived(name="person")
    each = func.json_each(bindparam(name, type_=JSONList(BigInteger()))).table_valued("value")
    return select(each.c.value.label("chat_id")).subquery("person")


def _latest_days(dialect: str) -> Any:
    """Each person's latest rating day: one seek to the end of their ratings (grouping all
    their ratings read every one, a month's ratings per person 2x slower)."""
    person = each_person("chat_ids", dialect)
    latest = (
        select(func.max(_RATINGS.day)).where(_RATINGS.chat_id == person.c.chat_id).scalar_subquery()
    )
    return select(person.c.chat_id, latest)


_LATEST_DAYS = {dialect: _latest_days(dialect) for dialect in ("postgresql", "sqlite")}
_GIVEN_ON = by_dialect(
    lambda one_of: select(_FEEDBACK.chat_id, _FEEDBACK.day).where(
        one_of(_FEEDBACK.chat_id, "chat_ids"),
        one_of(_FEEDBACK.day, "days"),
        _FEEDBACK.move == bindparam("move"),
        _FEEDBACK.kind == bindparam("kind"),
    )
)


def affected_rows(result: Result[Any]) -> int:
    """Rows an INSERT, UPDATE or DELETE touched."""
    return cast("CursorResult[Any]", result).rowcount


def upsert_insert(dialect: str, entity: type[Base] | Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ON CONFLICT, for the engine's dialect."""
    if dialect == "postgresql":
        return postgresql.insert(entity)
    if dialect == "sqlite":
        return sqlite.insert(entity)
    raise NotImplementedError(f"no upsert for the {dialect!r} dialect")


def table_of(entity: type[Base]) -> Table:
    """The Core table of a mapped class."""
    return cast(Table, entity.__table__)


# The statements every check-in runs, built once (per dialect where they differ): Core
# statements on the tables, which SQLAlchemy compiles once and finds in its cache by a
# memoised key, and whose rows need none of the ORM's machinery.
RATINGS, FEEDBACK, PROFILE_CHANGES = (
    table_of(RatingRow),
    table_of(FeedbackRow),
    table_of(ProfileChangeRow),
)
_CHAT_ID: Any = bindparam("chat_id")
_RATINGS_OF = (
    select(RATINGS.c.day, RATINGS.c.pain)
    .where(RATINGS.c.chat_id == _CHAT_ID)
    .order_by(RATINGS.c.day)
)
_FEEDBACK_OF = (
    select(FEEDBACK.c.day, FEEDBACK.c.move, FEEDBACK.c.kind)
    .where(FEEDBACK.c.chat_id == _CHAT_ID)
    .order_by(FEEDBACK.c.day, FEEDBACK.c.id)
)
_PROFILE_CHANGES_OF = (
    select(PROFILE_CHANGES.c.day, PROFILE_CHANGES.c.equipment, PROFILE_CHANGES.c.gym_experienced)
    .where(PROFILE_CHANGES.c.chat_id == _CHAT_ID)
    .order_by(PROFILE_CHANGES.c.day)
)

# The three at once, for the stage rules (one statement, not three): a row's ``src`` says
# which table it is from; each table's rows in the order its own statement gives.
_NO_TEXT: Any = cast_(null(), String)
_NO_NUMBER: Any = cast_(null(), Integer)
_HISTORY_OF = union_all(
    select(
        literal(0).label("src"),
        RATINGS.c.day,
        RATINGS.c.pain.label("n"),
        _NO_TEXT.label("a"),
        _NO_TEXT.label("b"),
        literal(0).label("id"),
    ).where(RATINGS.c.chat_id == _CHAT_ID),
    select(
        literal(1), FEEDBACK.c.day, _NO_NUMBER, FEEDBACK.c.move, FEEDBACK.c.kind, FEEDBACK.c.id
    ).where(FEEDBACK.c.chat_id == _CHAT_ID),
    select(
        literal(2),
        PROFILE_CHANGES.c.day,
        cast_(PROFILE_CHANGES.c.gym_experienced, Integer),
        cast_(PROFILE_CHANGES.c.equipment, String),
        _NO_TEXT,
        literal(0),
    ).where(PROFILE_CHANGES.c.chat_id == _CHAT_ID),
).order_by(text("src"), text("day"), text("id"))


async def history_of(
    session: AsyncSession, chat_id: int
) -> tuple[tuple[Rating, ...], tuple[MoveFeedback, ...], tuple[ProfileChange, ...]]:
    """A person's ratings, feedback and profile changes (each as its repository's ``all``
    gives them), read in one statement."""
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    changes: list[ProfileChange] = []
    for src, day, number, first, second, _id in await session.execute(
        _HISTORY_OF, {"chat_id": chat_id}
    ):
        if src == 0:
            ratings.append(Rating(day=day, pain=number))
        elif src == 1:
            feedback.append(MoveFeedback(day=day, move=first, kind=Feedback(second)))
        else:
            equipment = frozenset(Equipment(e) for e in json.loads(first))
            changes.append(ProfileChange(day, Profile(equipment, bool(number))))
    return tuple(ratings), tuple(feedback), tuple(changes)


@cache
def _set_rating(dialect: str) -> postgresql.Insert | sqlite.Insert:
    """Insert a day's rating, or replace the one already there."""
    insert = upsert_insert(dialect, RATINGS)
    return insert.on_conflict_do_update(
        index_elements=[RATINGS.c.chat_id, RATINGS.c.day],
        set_={"pain": insert.excluded.pain, "updated_at": insert.excluded.updated_at},
    )


class RatingsRepository:
    """Each day's final pain rating."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def set(self, chat_id: int, day: date, pain: int, at: datetime) -> None:
        """Record the day's rating, replacing an earlier one of the same day."""
        values = {"chat_id": chat_id, "day": day, "pain": pain, "updated_at": at}
        await self._session.execute(_set_rating(self._dialect), values)

    async def get(self, chat_id: int, day: date) -> Rating | None:
        """The day's rating, or None."""
        row = await self._session.get(RatingRow, (chat_id, day))
        return None if row is None else Rating(day=row.day, pain=row.pain)

    async def all(self, chat_id: int) -> tuple[Rating, ...]:
        """Every rating of the person, oldest day first."""
        rows = await self._session.execute(_RATINGS_OF, {"chat_id": chat_id})
        return tuple(Rating(day=day, pain=pain) for day, pain in rows)

    async def rated_on(
        self, chat_ids: Collection[int], days: Collection[date]
    ) -> frozenset[tuple[int, date]]:
        """Which of these people checked in on which of these days, in one query."""
        if not chat_ids or not days:
            return frozenset()
        values = {"chat_ids": list(chat_ids), "days": list(days)}
        rows = await self._session.execute(_RATED_ON[self._dialect], values)
        return frozenset((chat_id, day) for chat_id, day in rows)

    async def pains_on(
        self, chat_ids: Collection[int], days: Collection[date]
    ) -> dict[tuple[int, date], int]:
        """The pain these people rated on these days (where they did), in one query."""
        if not chat_ids or not days:
            return {}
        values = {"chat_ids": list(chat_ids), "days": list(days)}
        rows = await self._session.execute(_PAINS_ON[self._dialect], values)
        return {(chat_id, day): pain for chat_id, day, pain in rows}

    async def latest_days(self, chat_ids: Collection[int]) -> dict[int, date]:
        """The day of each person's latest check-in (those who have one), in one query."""
        if not chat_ids:
            return {}
        rows = await self._session.execute(
            _LATEST_DAYS[self._dialect], {"chat_ids": list(chat_ids)}
        )
        return {chat_id: day for chat_id, day in rows if day is not None}

    async def timed(self, chat_id: int) -> tuple[tuple[Rating, datetime], ...]:
        """Every rating with when it was last given, for the person's export."""
        query = (
            select(RatingRow.day, RatingRow.pain, RatingRow.updated_at)
            .where(RatingRow.chat_id == chat_id)
            .order_by(RatingRow.day)
        )
        rows = await self._session.execute(query)
        return tuple((Rating(day=day, pain=pain), at) for day, pain, at in rows)

    async def last_activity(self, before: datetime) -> tuple[tuple[int, datetime], ...]:
        """People whose latest check-in (or sign-up, without one) is older than ``before``.

        The hourly sweep asks it of everyone: it seeks each person's latest rating day, and
        reads all of a person's ratings only where that day is no later than two days after
        ``before`` (as UTC). A later one was given after ``before``: a day's rating is given
        on that local day (or, after a move west, the local day before it), and a local day
        starts at most 14 hours before the UTC one. Grouping every rating, as before, read
        the whole table each hour, a year of it for each long-standing person."""
        here = RatingRow.chat_id == PersonRow.chat_id
        last_day = select(func.max(RatingRow.day)).where(here).scalar_subquery()
        latest = select(func.max(RatingRow.updated_at)).where(here).scalar_subquery()
        last = func.coalesce(latest, PersonRow.created_at)
        cutoff = before.astimezone(UTC).date() + timedelta(days=2)
        query = (
            select(PersonRow.chat_id, last)
            .where(or_(last_day.is_(None), last_day <= cutoff))
            .where(last < before)
            .order_by(PersonRow.chat_id)
        )
        rows = await self._session.execute(query)
        return tuple((chat_id, at) for chat_id, at in rows)


class FeedbackRepository:
    """*Done* and *Made it worse* on moves."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def add(self, chat_id: int, feedback: MoveFeedback, at: datetime) -> bool:
        """Record feedback once; False if the same feedback was already there."""
        insert = upsert_insert(self._dialect, FeedbackRow).values(
            chat_id=chat_id,
            day=feedback.day,
            move=feedback.move,
            kind=feedback.kind.value,
            at=at,
        )
        result = await self._session.execute(insert.on_conflict_do_nothing())
        return affected_rows(result) == 1

    async def exists(self, chat_id: int, feedback: MoveFeedback) -> bool:
        """Whether this exact feedback was given."""
        query = select(FeedbackRow.id).where(
            FeedbackRow.chat_id == chat_id,
            FeedbackRow.day == feedback.day,
            FeedbackRow.move == feedback.move,
            FeedbackRow.kind == feedback.kind.value,
        )
        return await self._session.scalar(query) is not None

    async def remove(self, chat_id: int, day: date, move: str, kind: Feedback) -> bool:
        """Undo one feedback; False if there was none."""
        result = await self._session.execute(
            delete(FeedbackRow).where(
                FeedbackRow.chat_id == chat_id,
                FeedbackRow.day == day,
                FeedbackRow.move == move,
                FeedbackRow.kind == kind.value,
            )
        )
        return affected_rows(result) > 0

    async def all(self, chat_id: int) -> tuple[MoveFeedback, ...]:
        """Every feedback of the person, oldest day first."""
        rows = await self._session.execute(_FEEDBACK_OF, {"chat_id": chat_id})
        return tuple(
            MoveFeedback(day=day, move=move, kind=Feedback(kind)) for day, move, kind in rows
        )

    async def given_on(
        self, chat_ids: Collection[int], days: Collection[date], move: str, kind: Feedback
    ) -> set[tuple[int, date]]:
        """Which of these people gave this feedback on this move on which of these days."""
        if not chat_ids or not days:
            return set()
        values = {"chat_ids": list(chat_ids), "days": list(days), "move": move, "kind": kind.value}
        return {
            (chat_id, day)
            for chat_id, day in await self._session.execute(_GIVEN_ON[self._dialect], values)
        }

    async def all_of(self, chat_ids: Collection[int]) -> dict[int, tuple[MoveFeedback, ...]]:
        """Every feedback of each of these people, oldest day first, in one query."""
        if not chat_ids:
            return {}
        query = (
            select(FeedbackRow.chat_id, FeedbackRow.day, FeedbackRow.move, FeedbackRow.kind)
            .where(FeedbackRow.chat_id.in_(list(chat_ids)))
            .order_by(FeedbackRow.chat_id, FeedbackRow.day, FeedbackRow.id)
        )
        found: dict[int, list[MoveFeedback]] = {}
        for chat_id, day, move, kind in await self._session.execute(query):
            found.setdefault(chat_id, []).append(MoveFeedback(day, move, Feedback(kind)))
        return {chat_id: tuple(items) for chat_id, items in found.items()}

    async def timed(self, chat_id: int) -> tuple[tuple[MoveFeedback, datetime], ...]:
        """Every feedback with when it was given, for the person's export."""
        query = (
            select(FeedbackRow.day, FeedbackRow.move, FeedbackRow.kind, FeedbackRow.at)
            .where(FeedbackRow.chat_id == chat_id)
            .order_by(FeedbackRow.day, FeedbackRow.id)
        )
        rows = await self._session.execute(query)
        return tuple(
            (MoveFeedback(day=day, move=move, kind=Feedback(kind)), at)
            for day, move, kind, at in rows
        )


class SafetyRepository:
    """The safety log: screening, red-flag answers and clinicians' all-clears."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def log(self, chat_id: int, event: SafetyEvent) -> None:
        """Append one event."""
        self._session.add(
            SafetyEventRow(chat_id=chat_id, at=event.at, kind=event.kind.value, detail=event.detail)
        )
        await self._session.flush()

    async def all(self, chat_id: int) -> tuple[SafetyEvent, ...]:
        """Every event of the person, oldest first."""
        query = (
            select(SafetyEventRow.at, SafetyEventRow.kind, SafetyEventRow.detail)
            .where(SafetyEventRow.chat_id == chat_id)
            .order_by(SafetyEventRow.at, SafetyEventRow.id)
        )
        rows = await self._session.execute(query)
        return tuple(
            SafetyEvent(at=at, kind=SafetyEventKind(kind), detail=detail)
            for at, kind, detail in rows
        )


class ProfileChangesRepository:
    """A person's equipment and gym experience, dated by local day."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def record(self, chat_id: int, day: date, profile: Profile, at: datetime) -> None:
        """The profile as it stands at the end of ``day`` (a later change that day wins)."""
        equipment = sorted(e.value for e in profile.equipment)
        insert = upsert_insert(self._dialect, ProfileChangeRow).values(
            chat_id=chat_id,
            day=day,
            equipment=equipment,
            gym_experienced=profile.gym_experienced,
            at=at,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[ProfileChangeRow.chat_id, ProfileChangeRow.day],
            set_={
                "equipment": insert.excluded.equipment,
                "gym_experienced": insert.excluded.gym_experienced,
                "at": insert.excluded.at,
            },
        )
        await self._session.execute(upsert)

    async def all(self, chat_id: int) -> tuple[ProfileChange, ...]:
        """Every change of the person, oldest day first."""
        rows = await self._session.execute(_PROFILE_CHANGES_OF, {"chat_id": chat_id})
        return tuple(
            ProfileChange(day, Profile(frozenset(Equipment(e) for e in equipment), bool(gym)))
            for day, equipment, gym in rows
        )

    async def timed(self, chat_id: int) -> tuple[tuple[ProfileChange, datetime], ...]:
        """Every change with when it was made, for the person's export."""
        query = (
            select(ProfileChangeRow)
            .where(ProfileChangeRow.chat_id == chat_id)
            .order_by(ProfileChangeRow.day)
        )
        rows = (await self._session.scalars(query)).all()
        return tuple(
            (
                ProfileChange(
                    row.day,
                    Profile(frozenset(Equipment(e) for e in row.equipment), row.gym_experienced),
                ),
                row.at,
            )
            for row in rows
        )
