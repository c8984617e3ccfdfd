"""The activities a person's back gets in the way of, their weekly ratings and the
invitation to name them; returned as coach.function dataclasses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coach.function import Activity, ActivityRating
from storage.models import ActivityInviteRow, ActivityRatingRow, ActivityRow
from storage.repositories import affected_rows, upsert_insert


def _activity(row: ActivityRow) -> Activity:
    return Activity(row.id, row.name, row.added, row.retired)


class ActivitiesRepository:
    """A person's activities, each week's ratings and when they were last invited."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def add(self, chat_id: int, name: str, day: date, at: datetime) -> Activity:
        """A new current activity."""
        row = ActivityRow(chat_id=chat_id, name=name, added=day, retired=None, at=at)
        self._session.add(row)
        await self._session.flush()
        return _activity(row)

    async def all(self, chat_id: int) -> tuple[Activity, ...]:
        """Every activity of the person, current and retired, oldest first."""
        query = select(ActivityRow).where(ActivityRow.chat_id == chat_id).order_by(ActivityRow.id)
        return tuple(_activity(row) for row in (await self._session.scalars(query)).all())

    async def retire(self, chat_id: int, activity: int, day: date) -> bool:
        """Stop asking about a current activity from ``day``; its ratings stay."""
        statement = (
            update(ActivityRow)
            .where(
                ActivityRow.id == activity,
                ActivityRow.chat_id == chat_id,
                ActivityRow.retired.is_(None),
            )
            .values(retired=day)
        )
        return affected_rows(await self._session.execute(statement)) == 1

    async def rate(self, chat_id: int, activity: int, week: date, score: int, at: datetime) -> None:
        """An activity's rating for a week, replacing an earlier one of the same week."""
        insert = upsert_insert(self._dialect, ActivityRatingRow)
        values = {"activity_id": activity, "week": week, "chat_id": chat_id}
        statement = insert.values(**values, score=score, at=at).on_conflict_do_update(
            index_elements=[ActivityRatingRow.activity_id, ActivityRatingRow.week],
            set_={"score": insert.excluded.score, "at": insert.excluded.at},
        )
        await self._session.execute(statement)

    async def ratings(self, chat_id: int) -> tuple[ActivityRating, ...]:
        """Every rating of the person's activities, oldest week first."""
        query = (
            select(ActivityRatingRow)
            .where(ActivityRatingRow.chat_id == chat_id)
            .order_by(ActivityRatingRow.week, ActivityRatingRow.activity_id)
        )
        rows = (await self._session.scalars(query)).all()
        return tuple(ActivityRating(r.activity_id, r.week, r.score) for r in rows)

    async def export_rows(
        self, chat_id: int
    ) -> tuple[tuple[tuple[Activity, datetime], ...], tuple[tuple[ActivityRating, datetime], ...]]:
        """Each activity with when it was named, and each rating with when it was given."""
        activities = await self._session.scalars(
            select(ActivityRow).where(ActivityRow.chat_id == chat_id).order_by(ActivityRow.id)
        )
        named = tuple((_activity(row), row.at) for row in activities.all())
        ratings = await self._session.scalars(
            select(ActivityRatingRow)
            .where(ActivityRatingRow.chat_id == chat_id)
            .order_by(ActivityRatingRow.week, ActivityRatingRow.activity_id)
        )
        rated = tuple((ActivityRating(r.activity_id, r.week, r.score), r.at) for r in ratings.all())
        return named, rated

    async def asked_on(self, chat_id: int) -> date | None:
        """The day the person was last invited to name their activities."""
        row = await self._session.get(ActivityInviteRow, chat_id)
        return None if row is None else row.asked_on

    async def invite_state(self, chat_id: int) -> tuple[date | None, bool]:
        """When the person was last invited, and whether they ever named an activity: one
        query, as it runs after every check-in once the invitation may be due."""
        named = select(ActivityRow.id).where(ActivityRow.chat_id == chat_id).exists()
        asked = select(ActivityInviteRow.asked_on).where(ActivityInviteRow.chat_id == chat_id)
        row = (await self._session.execute(select(asked.scalar_subquery(), named))).one()
        return row[0], bool(row[1])

    async def asked(self, chat_id: int, day: date) -> None:
        """Remember the invitation of ``day``."""
        insert = upsert_insert(self._dialect, ActivityInviteRow)
        statement = insert.values(chat_id=chat_id, asked_on=day).on_conflict_do_update(
            index_elements=[ActivityInviteRow.chat_id], set_={"asked_on": insert.excluded.asked_on}
        )
        await self._session.execute(statement)

    async def with_current(self, chat_ids: Collection[int]) -> frozenset[int]:
        """Which of these people have at least one current activity, in one query."""
        if not chat_ids:
            return frozenset()
        query = (
            select(ActivityRow.chat_id)
            .where(ActivityRow.chat_id.in_(list(chat_ids)), ActivityRow.retired.is_(None))
            .distinct()
        )
        return frozenset((await self._session.scalars(query)).all())
