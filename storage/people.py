"""The people repository and the mapping between a Person and its row."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Final

from sqlalchemy import BindParameter, Table, bindparam, delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coach.i18n import DEFAULT as DEFAULT_LANGUAGE
from coach.model import Equipment, Person, Profile, RedFlagGroup, SafetyState, Screening
from storage.driver import Read
from storage.models import Base, PersonRow, ReminderRow
from storage.repositories import affected_rows, by_dialect, table_of
from storage.types import format_hhmm, parse_hhmm

# Tables that hold nothing about a person; any other table must have a chat_id column,
# so that delete_everything cannot silently miss a table added later.
# A webhook update's row holds its content and chat only until it is handled (seconds; the
# person's own updates, in flight), then its id alone, which says nothing about a person and
# goes after a day; uploaded files are the bot's own drawings, the same for everyone.
TABLES_WITHOUT_PERSON_DATA: Final[frozenset[str]] = frozenset({"handled_updates", "uploaded_files"})


def person_tables() -> tuple[Table, ...]:
    """Every table with a chat_id, children first; raise if a table can't be accounted for."""
    tables = []
    for table in reversed(Base.metadata.sorted_tables):
        if "chat_id" in table.c:
            tables.append(table)
        elif table.name not in TABLES_WITHOUT_PERSON_DATA:
            raise LookupError(f"table {table.name!r} has no chat_id and is not allowlisted")
    return tuple(tables)


def _safety(row: Any) -> SafetyState:
    answers = (
        row.screening_pregnant,
        row.screening_recent_spinal_surgery,
        row.screening_osteoporosis,
        row.screening_under_18,
    )
    dates = (row.screening_cleared_at, row.red_flag_at, row.cleared_at)
    return _safety_of(answers, row.red_flag, *dates)


def _safety_of(
    answers: Sequence[bool | None],
    red_flag: str | None,
    screening_cleared_at: datetime | None,
    red_flag_at: datetime | None,
    cleared_at: datetime | None,
) -> SafetyState:
    screening = None if all(a is None for a in answers) else Screening(*(bool(a) for a in answers))
    return SafetyState(
        screening=screening,
        screening_cleared_at=screening_cleared_at,
        red_flag=None if red_flag is None else RedFlagGroup(red_flag),
        red_flag_at=red_flag_at,
        cleared_at=cleared_at,
    )


def to_person(row: Any) -> Person:
    """Build a Person from its row: anything with the people table's columns as attributes
    (a ``PersonRow``, a Core row, the columns a unit remembers)."""
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
        # A copy all the way down: what the person's steps change in place must not change
        # what the repository remembers of the row.
        step_data=copy.deepcopy(row.step_data),
        paused=row.paused,
        active=row.active,
        registered=row.registered,
        escalation_suggested_on=row.escalation_suggested_on,
        quiet=row.quiet,
        weekly_summary=row.weekly_summary,
        checkin_weekly=row.checkin_weekly,
        language=row.language or DEFAULT_LANGUAGE,
        day_floor=row.day_floor,
    )


def person_values(person: Person) -> dict[str, Any]:
    """Every column of ``person``'s row but the chat id, as it is written."""
    safety, screening = person.safety, person.safety.screening
    return {
        "created_at": person.created_at,
        "timezone": person.timezone,
        "checkin_time": None if person.checkin_time is None else format_hhmm(person.checkin_time),
        "hang_times": [format_hhmm(value) for value in person.hang_times],
        "equipment": sorted(item.value for item in person.profile.equipment),
        "gym_experienced": person.profile.gym_experienced,
        "consent_version": person.consent_version,
        "consent_at": person.consent_at,
        "screening_pregnant": None if screening is None else screening.pregnant,
        "screening_recent_spinal_surgery": None
        if screening is None
        else screening.recent_spinal_surgery,
        "screening_osteoporosis": None if screening is None else screening.osteoporosis,
        "screening_under_18": None if screening is None else screening.under_18,
        "screening_cleared_at": safety.screening_cleared_at,
        "red_flag": None if safety.red_flag is None else safety.red_flag.value,
        "red_flag_at": safety.red_flag_at,
        "cleared_at": safety.cleared_at,
        "step": person.step,
        "step_data": dict(person.step_data),
        "paused": person.paused,
        "active": person.active,
        "registered": person.registered,
        "escalation_suggested_on": person.escalation_suggested_on,
        "quiet": person.quiet,
        "weekly_summary": person.weekly_summary,
        "checkin_weekly": person.checkin_weekly,
        "language": person.language,
        "day_floor": person.day_floor,
    }


# The statements of the hot path, built once: SQLAlchemy compiles each once and finds it in
# its cache by a key computed once. Core rows: the ORM's identity map and unit of work add
# nothing to a repository that hands out Person dataclasses.
PEOPLE = table_of(PersonRow)
_CHAT_ID: BindParameter[int] = bindparam("chat_id")
_GET = select(PEOPLE).where(PEOPLE.c.chat_id == _CHAT_ID)
_GET_WITH_SCHEDULE = select(
    PEOPLE,
    exists().where(table_of(ReminderRow).c.chat_id == PEOPLE.c.chat_id).label("has_schedule"),
).where(PEOPLE.c.chat_id == _CHAT_ID)
_LANGUAGE = select(PEOPLE.c.language).where(PEOPLE.c.chat_id == _CHAT_ID)
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
_STANDING_READ = {dialect: Read(query) for dialect, query in _STANDING.items()}  # by the driver
_QUIET = by_dialect(
    lambda one_of: update(PEOPLE).where(one_of(PEOPLE.c.chat_id, "chat_ids")).values(quiet=True)
)
_NO_SAFETY = SafetyState()  # frozen: one shared by everyone without screening or flags
_NO_PROFILE = Profile()  # frozen, the default: a standing says nothing of equipment


def to_standing(row: Any) -> Person:
    """A Person from the columns the dispatcher's rules read (``_STANDING``, in its
    order: a row or a tuple); every other field keeps its default, so such a Person is for
    reading, never for saving."""
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
        safety = _safety_of(answers, red_flag, *dates)
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


class PeopleRepository:
    """People by chat id."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect
        # Each person's columns as this unit read or last wrote them: a second read in the
        # unit costs no query, and a save writes only the columns that changed (nothing,
        # and no write lock, when none did).
        self._seen: dict[int, dict[str, Any]] = {}

    def _remember(self, row: Any) -> Person:
        """The person of a row read in this unit, whose columns are remembered."""
        values = {column.name: row._mapping[column] for column in PEOPLE.c}
        self._seen[values.pop("chat_id")] = values
        return to_person(row)

    async def get(self, chat_id: int) -> Person | None:
        """The person with this chat id, or None."""
        seen = self._seen.get(chat_id)
        if seen is not None:
            return to_person(SimpleNamespace(chat_id=chat_id, **seen))
        row = (await self._session.execute(_GET, {"chat_id": chat_id})).first()
        return None if row is None else self._remember(row)

    async def load(self, chat_id: int) -> tuple[Person | None, bool]:
        """The person (or None) and whether they have any reminder row, in one query."""
        row = (await self._session.execute(_GET_WITH_SCHEDULE, {"chat_id": chat_id})).first()
        return (None, False) if row is None else (self._remember(row), bool(row.has_schedule))

    async def language(self, chat_id: int) -> tuple[bool, str | None]:
        """Whether the person is stored, and their stored language (None: none chosen)."""
        row = (await self._session.execute(_LANGUAGE, {"chat_id": chat_id})).first()
        return (False, None) if row is None else (True, row.language)

    async def languages(self, chat_ids: Collection[int]) -> dict[int, str | None]:
        """The stored language (None: none chosen) of each of these people who is stored,
        in one query."""
        if not chat_ids:
            return {}
        query = select(PEOPLE.c.chat_id, PEOPLE.c.language).where(
            PEOPLE.c.chat_id.in_(list(chat_ids))
        )
        return {chat_id: code for chat_id, code in await self._session.execute(query)}

    async def add(self, person: Person) -> None:
        """Insert a new person; IntegrityError if the chat id is taken."""
        values = person_values(person)
        await self._session.execute(insert(PEOPLE).values(chat_id=person.chat_id, **values))

    async def save(self, person: Person) -> None:
        """Write every field of an existing person back; LookupError if there is none."""
        values = person_values(person)
        seen = self._seen.get(person.chat_id)
        changed = values if seen is None else {k: v for k, v in values.items() if seen[k] != v}
        if changed:
            # What the database now holds is read back the next time it is asked for.
            self._seen.pop(person.chat_id, None)
            query = update(PEOPLE).where(PEOPLE.c.chat_id == person.chat_id).values(changed)
            if affected_rows(await self._session.execute(query)) != 1:
                raise LookupError(f"no person with chat_id {person.chat_id}")

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
        self._seen.clear()
        return deleted

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
        query = select(PEOPLE).where(PEOPLE.c.chat_id.in_(list(chat_ids)))
        found = {}
        for row in await self._session.execute(query):
            found[row.chat_id] = self._remember(row)
        return found

    async def standing_many(self, chat_ids: Collection[int]) -> dict[int, Person]:
        """The people with these chat ids (those that exist), in one query, with only what
        the dispatcher's rules read: status, safety, open question, zone and quiet (see
        ``to_standing``). Read-only: never pass one to ``save``."""
        if not chat_ids:
            return {}
        read = _STANDING_READ[self._dialect]
        rows = await read.rows(self._session, chat_ids=list(chat_ids))
        return {row[0]: to_standing(row) for row in rows}

    async def set_quiet(self, chat_ids: Collection[int]) -> None:
        """After "still there?": these people get no prompt until they answer."""
        if chat_ids:
            for chat_id in chat_ids:
                self._seen.pop(chat_id, None)
            await self._session.execute(_QUIET[self._dialect], {"chat_ids": list(chat_ids)})
