"""The people repository and the mapping between a Person and its row."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final, cast

from sqlalchemy import Row, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coach.i18n import DEFAULT as DEFAULT_LANGUAGE
from coach.model import Equipment, Person, Profile, RedFlagGroup, SafetyState, Screening
from storage.models import Base, PersonRow, ReminderRow
from storage.repositories import affected_rows, by_dialect
from storage.types import format_hhmm, parse_hhmm

# Tables that hold nothing about a person; any other table must have a chat_id column,
# so that delete_everything cannot silently miss a table added later.
# Update ids alone say nothing about a person (no chat id, no content), and go after a day.
TABLES_WITHOUT_PERSON_DATA: Final[frozenset[str]] = frozenset({"handled_updates"})


PEOPLE = cast(Table, PersonRow.__table__)
# A batch's people, and quieting some, as statements built once (columns, not ORM
# entities: a batch's people are read once, never changed through the session).
_MANY = by_dialect(lambda one_of: select(PEOPLE).where(one_of(PEOPLE.c.chat_id, "chat_ids")))
# What the dispatcher's rules read of a person (services/reminders.py: skip_reason,
# quiet_down, the zone a row moves in): a claim loads a thousand people at a time, and
# only these columns, none of the settings and conversation data it has no use for.
_STANDING_COLUMNS = (
    "chat_id",
    "created_at",
    "timezone",
    "step",
    "paused",
    "active",
    "registered",
    "quiet",
    "screening_pregnant",
    "screening_recent_spinal_surgery",
    "screening_osteoporosis",
    "screening_under_18",
    "screening_cleared_at",
    "red_flag",
    "red_flag_at",
    "cleared_at",
)
_STANDING = by_dialect(
    lambda one_of: select(*(PEOPLE.c[name] for name in _STANDING_COLUMNS)).where(
        one_of(PEOPLE.c.chat_id, "chat_ids")
    )
)
_QUIET = by_dialect(
    lambda one_of: update(PEOPLE).where(one_of(PEOPLE.c.chat_id, "chat_ids")).values(quiet=True)
)


def person_tables() -> tuple[Table, ...]:
    """Every table with a chat_id, children first; raise if a table can't be accounted for."""
    tables = []
    for table in reversed(Base.metadata.sorted_tables):
        if "chat_id" in table.c:
            tables.append(table)
        elif table.name not in TABLES_WITHOUT_PERSON_DATA:
            raise LookupError(f"table {table.name!r} has no chat_id and is not allowlisted")
    return tuple(tables)


def _safety(row: PersonRow | Row[*tuple[Any, ...]]) -> SafetyState:
    answers = (
        row.screening_pregnant,
        row.screening_recent_spinal_surgery,
        row.screening_osteoporosis,
        row.screening_under_18,
    )
    screening = None if all(a is None for a in answers) else Screening(*(bool(a) for a in answers))
    return SafetyState(
        screening=screening,
        screening_cleared_at=row.screening_cleared_at,
        red_flag=None if row.red_flag is None else RedFlagGroup(row.red_flag),
        red_flag_at=row.red_flag_at,
        cleared_at=row.cleared_at,
    )


def to_person(row: PersonRow | Row[*tuple[Any, ...]]) -> Person:
    """Build a Person from its row (an entity, or the table's columns)."""
    return Person(
        chat_id=row.chat_id,
        created_at=row.created_at,
        timezone=row.timezone,
        checkin_time=None if row.checkin_time is None else parse_hhmm(row.checkin_time),
        hang_times=tuple(parse_hhmm(text) for text in row.hang_times),
        profile=Profile(
            equipment=frozenset(Equipment(item) for item in row.equipment),
            gym_experienced=row.gym_experienced,
        ),
        consent_version=row.consent_version,
        consent_at=row.consent_at,
        safety=_safety(row),
        step=row.step,
        step_data=dict(row.step_data),
        paused=row.paused,
        active=row.active,
        registered=row.registered,
        escalation_suggested_on=row.escalation_suggested_on,
        quiet=row.quiet,
        weekly_summary=row.weekly_summary,
        checkin_weekly=row.checkin_weekly,
        language=row.language or DEFAULT_LANGUAGE,
    )


_NO_SAFETY = SafetyState()  # frozen: one shared by everyone without screening or flags
_NO_PROFILE = Profile()  # frozen, the default: a standing says nothing of equipment


def to_standing(row: Row[*tuple[Any, ...]]) -> Person:
    """A Person from the columns the dispatcher's rules read (``_STANDING``, in its
    order); every other field keeps its default, so such a Person is for reading, never
    for saving."""
    (
        chat_id,
        created_at,
        timezone,
        step,
        paused,
        active,
        registered,
        quiet,
        *answers,
        screening_cleared_at,
        red_flag,
        red_flag_at,
        cleared_at,
    ) = row
    dates = (screening_cleared_at, red_flag_at, cleared_at)
    if red_flag is None and dates == (None, None, None) and answers == [None] * 4:
        safety = _NO_SAFETY
    else:
        safety = _safety(row)
    return Person(
        chat_id=chat_id,
        created_at=created_at,
        timezone=timezone,
        profile=_NO_PROFILE,
        safety=safety,
        step=step,
        paused=paused,
        active=active,
        registered=registered,
        quiet=quiet,
    )


def write_person(row: PersonRow, person: Person) -> None:
    """Copy every field of ``person`` onto ``row``."""
    safety, screening = person.safety, person.safety.screening
    row.created_at = person.created_at
    row.timezone = person.timezone
    row.checkin_time = None if person.checkin_time is None else format_hhmm(person.checkin_time)
    row.hang_times = [format_hhmm(value) for value in person.hang_times]
    row.equipment = sorted(item.value for item in person.profile.equipment)
    row.gym_experienced = person.profile.gym_experienced
    row.consent_version = person.consent_version
    row.consent_at = person.consent_at
    row.screening_pregnant = None if screening is None else screening.pregnant
    row.screening_recent_spinal_surgery = (
        None if screening is None else screening.recent_spinal_surgery
    )
    row.screening_osteoporosis = None if screening is None else screening.osteoporosis
    row.screening_under_18 = None if screening is None else screening.under_18
    row.screening_cleared_at = safety.screening_cleared_at
    row.red_flag = None if safety.red_flag is None else safety.red_flag.value
    row.red_flag_at = safety.red_flag_at
    row.cleared_at = safety.cleared_at
    row.step = person.step
    row.step_data = dict(person.step_data)
    row.paused = person.paused
    row.active = person.active
    row.registered = person.registered
    row.escalation_suggested_on = person.escalation_suggested_on
    row.quiet = person.quiet
    row.weekly_summary = person.weekly_summary
    row.checkin_weekly = person.checkin_weekly
    row.language = person.language


class PeopleRepository:
    """People by chat id."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def get(self, chat_id: int) -> Person | None:
        """The person with this chat id, or None."""
        row = await self._session.get(PersonRow, chat_id)
        return None if row is None else to_person(row)

    async def add(self, person: Person) -> None:
        """Insert a new person; IntegrityError if the chat id is taken."""
        row = PersonRow(chat_id=person.chat_id)
        write_person(row, person)
        self._session.add(row)
        await self._session.flush()

    async def save(self, person: Person) -> None:
        """Write every field of an existing person back; LookupError if there is none."""
        row = await self._session.get(PersonRow, person.chat_id)
        if row is None:
            raise LookupError(f"no person with chat_id {person.chat_id}")
        write_person(row, person)
        await self._session.flush()

    async def delete_everything(self, chat_id: int) -> int:
        """Delete every row of this person in every table; return how many went."""
        tables = person_tables()
        await self._session.flush()
        deleted = 0
        for table in tables:
            result = await self._session.execute(delete(table).where(table.c.chat_id == chat_id))
            deleted += affected_rows(result)
        # Rows loaded earlier in this unit are gone from the database; forget them too.
        self._session.expunge_all()
        return deleted

    async def active_chat_ids(self) -> tuple[int, ...]:
        """Chat ids of everyone still active, in order."""
        query = select(PersonRow.chat_id).where(PersonRow.active).order_by(PersonRow.chat_id)
        return tuple((await self._session.scalars(query)).all())

    async def without_schedule(self) -> tuple[int, ...]:
        """Chat ids of registered, active people who have no reminder row at all (a schedule
        lost to an older version or a failed write), in order."""
        has_rows = select(ReminderRow.chat_id).where(ReminderRow.chat_id == PersonRow.chat_id)
        query = (
            select(PersonRow.chat_id)
            .where(PersonRow.registered, PersonRow.active, PersonRow.timezone.is_not(None))
            .where(~has_rows.exists())
            .order_by(PersonRow.chat_id)
        )
        return tuple((await self._session.scalars(query)).all())

    async def get_many(self, chat_ids: Collection[int]) -> dict[int, Person]:
        """The people with these chat ids (those that exist), in one query."""
        if not chat_ids:
            return {}
        rows = await self._session.execute(_MANY[self._dialect], {"chat_ids": list(chat_ids)})
        return {row.chat_id: to_person(row) for row in rows}

    async def standing_many(self, chat_ids: Collection[int]) -> dict[int, Person]:
        """The people with these chat ids (those that exist), in one query, with only what
        the dispatcher's rules read: status, safety, open question, zone and quiet (see
        ``to_standing``). Read-only: never pass one to ``save``."""
        if not chat_ids:
            return {}
        rows = await self._session.execute(_STANDING[self._dialect], {"chat_ids": list(chat_ids)})
        return {row.chat_id: to_standing(row) for row in rows}

    async def set_quiet(self, chat_ids: Collection[int]) -> None:
        """After "still there?": these people get no prompt until they answer."""
        if chat_ids:
            await self._session.execute(_QUIET[self._dialect], {"chat_ids": list(chat_ids)})
