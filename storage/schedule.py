"""The schedule (reminder rows), the delivery ledger and bar-hang marks."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Date,
    Row,
    SmallInteger,
    String,
    Table,
    bindparam,
    column,
    delete,
    false,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coach.schedule import Delivery, Kind, PastPrompt, Reminder, State
from storage.driver import Read, Write, converter
from storage.models import DeliveryRow, HangMarkRow, ReminderRow
from storage.repositories import affected_rows, by_dialect, upsert_insert
from storage.types import UTCDateTime, format_hhmm, parse_hhmm

# The tables, for executemany statements: no ORM objects, no ids fetched back row by row.
log = logging.getLogger(__name__)

REMINDERS = cast(Table, ReminderRow.__table__)
DELIVERIES = cast(Table, DeliveryRow.__table__)
HANG_MARKS = cast(Table, HangMarkRow.__table__)

# The claim's statements, built once: columns, not ORM entities (no identity map to fill
# for rows read once), and the same statement object each time, so SQLAlchemy's compiled
# cache is hit without building and hashing a new statement per batch. Lists of ids and
# days go in as one parameter each (``by_dialect``).
_R, _D, _H = REMINDERS.c, DELIVERIES.c, HANG_MARKS.c
_OCCURRENCE_COLUMNS = (_D.chat_id, _D.kind, _D.slot, _D.day)

_DUE = (
    select(_R.id, _R.chat_id, _R.kind, _R.slot, _R.local_time, _R.due, _R.day, _R.once)
    .where(_R.due <= bindparam("now"))
    .order_by(_R.due)
    .limit(bindparam("limit"))
)
# On PostgreSQL the rows read stay locked against other dispatchers until the commit.
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True)
_CURRENT_DUE = by_dialect(lambda one_of: select(_R.id, _R.due).where(one_of(_R.id, "ids")))
# A row's due time written again in the stored format (it was written in another by hand).
_REWRITE_DUE = update(REMINDERS).where(_R.id == bindparam("b_id")).values(due=bindparam("b_due"))


def _unnest(**columns: Any) -> Any:
    """PostgreSQL: rows made of one array parameter per column (``a_`` and its name)."""
    arrays = (bindparam(f"a_{name}", type_=ARRAY(kind)) for name, kind in columns.items())
    table = func.unnest(*arrays).table_valued(*(column(n, k) for n, k in columns.items()))
    return table.render_derived(name="given")


# On PostgreSQL the moves and the ledger rows are each one statement over arrays: the
# server takes them in one execution instead of one per row (1,000 rows: ~25% faster).
_MOVES = _unnest(id=BigInteger(), was=UTCDateTime(), due=UTCDateTime(), day=Date())
_MOVE_ARRAYS = (
    update(REMINDERS)
    .where(_R.id == _MOVES.c.id, _R.due == _MOVES.c.was)
    .values(due=_MOVES.c.due, day=_MOVES.c.day)
)
_LEDGER = _unnest(
    chat_id=BigInteger(),
    kind=String(),
    slot=SmallInteger(),
    day=Date(),
    attempt=SmallInteger(),
    state=String(),
    due=UTCDateTime(),
    reason=String(),
)
_LEDGER_SELECT = select(
    *(_LEDGER.c[name] for name in ("chat_id", "kind", "slot", "day", "attempt")),
    *(_LEDGER.c[name] for name in ("state", "due", "reason")),
    bindparam("a_at", type_=UTCDateTime()),
)
_LEDGER_INTO = ["chat_id", "kind", "slot", "day", "attempt", "state", "due", "reason", "at"]
_RECORD_ARRAYS = insert(DELIVERIES).from_select(_LEDGER_INTO, _LEDGER_SELECT)
# A claim's rows as first attempts, but for occurrences the ledger has already (a snooze
# that came due, a day asked again): those are left out, and returned by none. The unique
# index is read for each row by the insert itself; counting each occurrence's rows before
# it read the same pages twice (1,000 rows: ~8 ms on SQLite, ~10 ms on PostgreSQL).
_FIRST_ARRAYS = (
    postgresql.insert(DELIVERIES)
    .from_select(_LEDGER_INTO, _LEDGER_SELECT)
    .on_conflict_do_nothing()
    .returning(*_OCCURRENCE_COLUMNS)
)

# On SQLite they are an executemany of the driver's own (storage/driver.py): SQLite runs a
# statement per row in one call either way (one pass by rowid, cheaper than the join of an
# UPDATE ... FROM), over rows converted here with the columns' converters.
_TO_INSTANT = converter(UTCDateTime())  # remembers recent UTC instants itself
_TO_DAY = lru_cache(maxsize=4096)(converter(Date()))  # a batch's rows share a few days
_MOVE_WRITE = Write(
    update(REMINDERS)
    .where(_R.id == bindparam("id"), _R.due == bindparam("was"))
    .values(due=bindparam("due"), day=bindparam("day")),
    ("due", "day", "id", "was"),
)
_LEDGER_COLUMNS = ("chat_id", "kind", "slot", "day", "attempt", "state", "due", "at", "reason")
_RECORD_WRITE = Write(
    insert(DELIVERIES).values({name: bindparam(name) for name in _LEDGER_COLUMNS}),
    _LEDGER_COLUMNS,
)
_FIRST_WRITE = Write(
    sqlite.insert(DELIVERIES)
    .values({name: bindparam(name) for name in _LEDGER_COLUMNS})
    .on_conflict_do_nothing(),
    _LEDGER_COLUMNS,
)
# The ledger's newest id, and the occurrences of the rows written after it: read with the
# write lock held, the rows this unit wrote since (SQLite numbers a new row past the
# largest id).
_NEWEST = select(func.max(_D.id))
_WRITTEN_AFTER = select(*_OCCURRENCE_COLUMNS).where(_D.id > bindparam("after")).order_by(_D.id)
# Both backends: the due rows, read by the driver.
_DUE_READ = {"sqlite": Read(_DUE), "postgresql": Read(_DUE_LOCKED)}
_REMOVE = by_dialect(lambda one_of: delete(REMINDERS).where(one_of(_R.id, "ids")).returning(_R.id))
_TAKE_WRITE_LOCK = delete(REMINDERS).where(false())
# The ledger rows of given occurrences, counted: an index seek per occurrence (every column
# of the unique index given), however long each person's ledger has grown.
_ATTEMPTS = by_dialect(
    lambda one_of: (
        select(*_OCCURRENCE_COLUMNS, func.count())
        .where(
            one_of(_D.chat_id, "chat_ids"),
            one_of(_D.kind, "kinds"),
            one_of(_D.slot, "slots"),
            one_of(_D.day, "days"),
        )
        .group_by(*_OCCURRENCE_COLUMNS)
    )
)
# Each person's latest ``limit`` ledger rows of one kind and slot, of days after a day given
# for each: per person, a walk back along the unique index (chat_id, kind, slot, day,
# attempt) that stops after ``limit`` rows or at that day. (A condition on every row of the
# people's ledgers, as before, read all of it: a month's history made it 6x slower, and it
# grows with every day.) Latest by day, then attempt: the order the occurrences had, and no
# index of its own to write with every claimed row. Each row found is read from the table,
# a page each: the day given stops the walk before the rows its caller has no use for.
# SQLite runs the per-person subquery as row lookups; PostgreSQL takes it as a lateral join.
_NEWER = DELIVERIES.alias("newer")
_PROMPT_COLUMNS = (_D.id, _D.chat_id, _D.day, _D.state, _D.reason)
NO_DAY = date.min  # a person's rows of every day


def _people_after(dialect: str) -> Any:
    """The people and each one's day as a table (chat_id, after): on PostgreSQL two arrays,
    ``a_chat_id`` and ``a_after``; on SQLite one JSON object, ``after_of``, of days
    ("YYYY-MM-DD", as SQLite stores them) by chat id."""
    if dialect == "postgresql":
        return _unnest(chat_id=BigInteger(), after=Date())
    each = func.json_each(bindparam("after_of", type_=String())).table_valued("key", "value")
    return select(
        each.c.key.cast(BigInteger()).label("chat_id"), each.c.value.label("after")
    ).subquery("person")


def _recent(dialect: str) -> Any:
    person = _people_after(dialect)
    if dialect == "postgresql":
        latest = (
            select(*_PROMPT_COLUMNS, _D.attempt)
            .where(
                _D.chat_id == person.c.chat_id,
                _D.kind == bindparam("kind"),
                _D.slot == bindparam("slot"),
                _D.day > person.c.after,
            )
            .order_by(_D.day.desc(), _D.attempt.desc())
            .limit(bindparam("limit"))
            .lateral("latest")
        )
        return (
            select(*list(latest.c)[: len(_PROMPT_COLUMNS)])
            .select_from(person.join(latest, true()))
            .order_by(latest.c.chat_id, latest.c.day, latest.c.attempt)
        )
    ids = (
        select(_NEWER.c.id)
        .where(
            _NEWER.c.chat_id == person.c.chat_id,
            _NEWER.c.kind == bindparam("kind"),
            _NEWER.c.slot == bindparam("slot"),
            _NEWER.c.day > person.c.after,
        )
        .order_by(_NEWER.c.day.desc(), _NEWER.c.attempt.desc())
        .limit(bindparam("limit"))
        .correlate(person)
    )
    return (
        select(*_PROMPT_COLUMNS)
        .select_from(person.join(DELIVERIES, _D.id.in_(ids)))
        .order_by(_D.chat_id, _D.day, _D.attempt)
    )


_RECENT = {dialect: Read(_recent(dialect)) for dialect in ("postgresql", "sqlite")}
_MARKS = by_dialect(
    lambda one_of: select(_H.chat_id, _H.day, _H.slot, _H.mark).where(
        one_of(_H.chat_id, "chat_ids"), one_of(_H.day, "days")
    )
)


Occurrence = tuple[int, str, int, date]  # chat_id, kind, slot, day


def _occurrence(item: Reminder) -> Occurrence:
    return (item.chat_id, item.kind.value, item.slot, item.day)


def _ledger_arrays(numbered: Sequence[tuple[Entry, int]], at: datetime) -> dict[str, Any]:
    """PostgreSQL: numbered ledger rows as one array per column (``_LEDGER``)."""
    return {
        "a_chat_id": [e.item.chat_id for e, _ in numbered],
        "a_kind": [e.item.kind.value for e, _ in numbered],
        "a_slot": [e.item.slot for e, _ in numbered],
        "a_day": [e.item.day for e, _ in numbered],
        "a_attempt": [attempt for _, attempt in numbered],
        "a_state": [e.state.value for e, _ in numbered],
        "a_due": [e.item.due for e, _ in numbered],
        "a_reason": [e.reason for e, _ in numbered],
        "a_at": at,
    }


def _ledger_rows(numbered: Sequence[tuple[Entry, int]], at: datetime) -> list[tuple[Any, ...]]:
    """SQLite: numbered ledger rows in ``_LEDGER_COLUMNS`` order, converted for the driver."""
    instant, day, stamp = _TO_INSTANT, _TO_DAY, _TO_INSTANT(at)
    return [
        (
            e.item.chat_id,
            e.item.kind.value,
            e.item.slot,
            day(e.item.day),
            attempt,
            e.state.value,
            instant(e.item.due),
            stamp,
            e.reason,
        )
        for e, attempt in numbered
    ]


def _reminder(row: ReminderRow | Row[*tuple[Any, ...]]) -> Reminder:
    return Reminder(
        row.id,
        row.chat_id,
        Kind(row.kind),
        row.slot,
        parse_hhmm(row.local_time),
        row.due,
        row.day,
        row.once,
    )


_KINDS = {kind.value: kind for kind in Kind}
_STATES = {state.value: state for state in State}


def _due_reminder(row: Sequence[Any]) -> Reminder:
    """A Reminder from a row of ``_DUE`` (its columns, in order): a claim reads a thousand."""
    row_id, chat_id, kind, slot, local_time, due, day, once = row
    return Reminder(row_id, chat_id, _KINDS[kind], slot, parse_hhmm(local_time), due, day, once)


def _delivery(row: DeliveryRow | Row[*tuple[Any, ...]]) -> Delivery:
    return Delivery(
        row.id,
        row.chat_id,
        Kind(row.kind),
        row.slot,
        row.day,
        row.attempt,
        State(row.state),
        row.due,
        row.at,
        row.reason,
        row.message_id,
    )


@dataclass(frozen=True, slots=True)
class Move:
    """A schedule row's next occurrence, if it is still due at ``was``."""

    id: int
    was: datetime
    due: datetime
    day: date


@dataclass(frozen=True, slots=True)
class Entry:
    """A ledger row to write for a claimed occurrence."""

    item: Reminder
    state: State
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Ending:
    """How a send ended, for the ledger row being sent."""

    delivery_id: int
    state: State
    reason: str | None = None
    message_id: int | None = None


class ScheduleRepository:
    """Reminder rows and their ledger. Claiming works a batch at a time with set-based
    statements, and stays safe for several dispatchers: rows are locked (PostgreSQL) and
    moved only if still due where they were read (compare-and-set)."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    @property
    def locks_due(self) -> bool:
        """Whether ``due`` locks the rows it reads until the commit (PostgreSQL): then their
        compare-and-set relies on that lock, and must be written in the same transaction."""
        return self._dialect == "postgresql"

    async def due(self, now: datetime, limit: int = 500) -> list[Reminder]:
        """Rows due at ``now``, oldest first, locked against other dispatchers on PostgreSQL."""
        found = await _DUE_READ[self._dialect].rows(self._session, now=now, limit=limit)
        return [_due_reminder(row) for row in found]

    async def count_due(self, until: datetime, at_most: int | None = None) -> int:
        """How many rows are due by ``until`` (those overdue included), counted up to
        ``at_most``: a caller that needs no more reads no further along the index."""
        due = select(ReminderRow.id).where(ReminderRow.due <= until)
        if at_most is not None:
            due = due.limit(at_most)
        query = select(func.count()).select_from(due.subquery())
        return int(await self._session.scalar(query) or 0)

    async def of(self, chat_id: int) -> list[Reminder]:
        """A person's schedule, in due order."""
        query = select(ReminderRow).where(ReminderRow.chat_id == chat_id).order_by(ReminderRow.due)
        return [_reminder(row) for row in (await self._session.scalars(query)).all()]

    async def replace(self, chat_id: int, reminders: list[Reminder]) -> None:
        """Rewrite a person's schedule (snoozes included) from their settings."""
        await self._session.execute(delete(ReminderRow).where(ReminderRow.chat_id == chat_id))
        for item in reminders:
            await self.add(chat_id, item)

    async def add(self, chat_id: int, item: Reminder) -> None:
        """One more row (a snooze is a row with ``once``)."""
        self._session.add(
            ReminderRow(
                chat_id=chat_id,
                kind=item.kind.value,
                slot=item.slot,
                local_time=format_hhmm(item.local_time),
                due=item.due,
                day=item.day,
                once=item.once,
            )
        )
        await self._session.flush()

    async def move(
        self, reminder_id: int, due: datetime, day: date, *, was: datetime | None = None
    ) -> bool:
        """Set a row's next due instant; with ``was``, only if it is still due then (so of
        two claimers only one moves it). Returns whether the row moved."""
        query = update(ReminderRow).where(ReminderRow.id == reminder_id)
        if was is not None:
            query = query.where(ReminderRow.due == was)
        return affected_rows(await self._session.execute(query.values(due=due, day=day))) == 1

    async def remove(self, reminder_id: int) -> bool:
        """Delete one row (a snooze that came due); returns whether it was still there."""
        query = delete(ReminderRow).where(ReminderRow.id == reminder_id)
        return affected_rows(await self._session.execute(query)) == 1

    async def record(
        self, item: Reminder, state: State, at: datetime, reason: str | None = None
    ) -> Delivery:
        """A ledger row for this occurrence; each snooze of it is a further attempt."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .where(
                DeliveryRow.chat_id == item.chat_id,
                DeliveryRow.kind == item.kind.value,
                DeliveryRow.slot == item.slot,
                DeliveryRow.day == item.day,
            )
        )
        row = DeliveryRow(
            chat_id=item.chat_id,
            kind=item.kind.value,
            slot=item.slot,
            day=item.day,
            attempt=count or 0,
            state=state.value,
            due=item.due,
            at=at,
            reason=reason,
        )
        self._session.add(row)
        await self._session.flush()
        return _delivery(row)

    async def set_state(
        self,
        delivery_id: int,
        state: State,
        at: datetime,
        *,
        reason: str | None = None,
        message_id: int | None = None,
        expected: State | None = None,
    ) -> bool:
        """Move a ledger row on; with ``expected``, only from that state (so of two senders
        only one can take a row). Returns whether the row moved."""
        values: dict[str, object] = {"state": state.value, "at": at}
        if reason is not None:
            values["reason"] = reason
        if message_id is not None:
            values["message_id"] = message_id
        query = update(DeliveryRow).where(DeliveryRow.id == delivery_id)
        if expected is not None:
            query = query.where(DeliveryRow.state == expected.value)
        return affected_rows(await self._session.execute(query.values(**values))) == 1

    async def in_state(self, state: State, limit: int = 500) -> list[Delivery]:
        """Ledger rows in one state, oldest first."""
        query = select(DeliveryRow).where(DeliveryRow.state == state.value)
        query = query.order_by(DeliveryRow.id).limit(limit)
        return [_delivery(row) for row in (await self._session.scalars(query)).all()]

    async def check_writable(self) -> None:
        """Raise now if the database takes no writes (a read-only file or volume): a write
        that changes nothing still needs the write lock, so it fails as any write would."""
        await self._session.execute(delete(ReminderRow).where(false()))

    async def abandon_in_flight(self, at: datetime, *, before: datetime | None = None) -> int:
        """After a crash (or, with ``before``, for sends begun before then and never
        finished): sends that may have reached Telegram are never repeated."""
        stuck = [DeliveryRow.state == State.SENDING.value]
        if before is not None:
            stuck.append(DeliveryRow.at < before)
        # Mostly there are none: a read (no write lock to queue for, no write transaction
        # every tick) says so, and only then the update runs.
        if await self._session.scalar(select(DeliveryRow.id).where(*stuck).limit(1)) is None:
            return 0
        query = update(DeliveryRow).where(*stuck)
        reason = "in flight at a crash" if before is None else "never finished"
        result = await self._session.execute(
            query.values(state=State.UNCERTAIN.value, at=at, reason=reason)
        )
        return affected_rows(result)

    async def recent(self, chat_id: int, kind: Kind, limit: int) -> list[Delivery]:
        """A person's latest ledger rows of one kind, oldest of them first."""
        query = (
            select(DeliveryRow)
            .where(DeliveryRow.chat_id == chat_id, DeliveryRow.kind == kind.value)
            .order_by(DeliveryRow.id.desc())
            .limit(limit)
        )
        rows = (await self._session.scalars(query)).all()
        return [_delivery(row) for row in reversed(rows)]

    async def deliveries(self, chat_id: int) -> list[Delivery]:
        """A person's ledger, oldest first."""
        query = select(DeliveryRow).where(DeliveryRow.chat_id == chat_id).order_by(DeliveryRow.id)
        return [_delivery(row) for row in (await self._session.scalars(query)).all()]

    async def mark_hang(self, chat_id: int, day: date, slot: int, mark: str, at: datetime) -> bool:
        """*Done* or *Skip* on a bar-hang reminder; False if that hang was already marked."""
        insert = upsert_insert(self._dialect, HangMarkRow).values(
            chat_id=chat_id, day=day, slot=slot, mark=mark, at=at
        )
        result = await self._session.execute(insert.on_conflict_do_nothing())
        return affected_rows(result) == 1

    async def all_hang_marks(self, chat_id: int) -> list[tuple[date, int, str, datetime]]:
        """Every hang mark of a person: day, slot, mark and when."""
        query = select(HangMarkRow).where(HangMarkRow.chat_id == chat_id)
        rows = (await self._session.scalars(query.order_by(HangMarkRow.day))).all()
        return [(row.day, row.slot, row.mark, row.at) for row in rows]

    async def hang_marks(self, chat_id: int, day: date) -> dict[int, str]:
        """The day's marks by hang slot."""
        query = select(HangMarkRow).where(HangMarkRow.chat_id == chat_id, HangMarkRow.day == day)
        return {row.slot: row.mark for row in (await self._session.scalars(query)).all()}

    # Set-based, for a batch of claimed rows or sends ---------------------------------------

    async def claim_rows(self, remove: Collection[int], moves: Sequence[Move]) -> set[int]:
        """A claim's first writes in its transaction: delete rows (snoozes that came due,
        rows of people gone) and move others to their next occurrence, each only if it is
        still due at its ``was`` (of two claimers only one moves it). Returns the ids
        deleted or moved here.

        On PostgreSQL the rows are locked since ``due`` read them: each is still where it
        was read, and all move in one executemany. On SQLite the first write takes the
        database's lock, and the executemany moves the rows still where they were: when
        it moved them all (the rule: one claimer at a time) they are all ours; otherwise
        another claimer took some first, the transaction starts again, and with the lock
        held the rows are read again before those still where they were move.

        The unit holds a pooled connection before it queues for SQLite's write lock (a
        claim's later slices start without one, their last commit gave it back): had it
        its turn and no connection, it would wait for a pool emptied by units that each
        hold one while they wait for their turn after it."""
        await self._session.connection()
        ours = await self._remove(remove)
        if not moves:
            return ours
        moved = await self._move(moves)
        if moved == len(moves):
            return ours | {m.id for m in moves}
        if self._dialect == "postgresql":  # locked since read: none was moved by another
            return ours | {m.id for m in await self._only_moved(moves)}
        # Which rows the other claimer took cannot be told apart from ours once moved
        # (both move a row to the same next occurrence): undo, and check before moving.
        await self._session.rollback()
        await self._session.connection()
        ours = await self._remove(remove)
        if not remove:
            await self._session.execute(_TAKE_WRITE_LOCK)
        current = await self._session.execute(
            _CURRENT_DUE[self._dialect], {"ids": [m.id for m in moves]}
        )
        still: dict[int, datetime] = {row_id: due for row_id, due in current}
        moves = [m for m in moves if still.get(m.id) == m.was]
        if await self._move(moves) < len(moves):
            moves = await self._only_moved(moves)
        return ours | {m.id for m in moves}

    async def _only_moved(self, moves: Sequence[Move]) -> list[Move]:
        """The moves that took effect, once no other claimer can move these rows (locked on
        PostgreSQL, SQLite's write lock held). A row still at its ``was`` did not match it
        as stored: its due time was written in another form (with the sqlite3 shell, say).
        It is written again in the stored form and moved, logged once (that fixes it); a
        row that still does not move is logged and left out of the claim, never sent."""
        ids = {"ids": [m.id for m in moves]}
        now_at: dict[int, datetime] = {
            row_id: due
            for row_id, due in await self._session.execute(_CURRENT_DUE[self._dialect], ids)
        }
        unmoved = [m for m in moves if now_at.get(m.id) == m.was]
        if unmoved:
            for m in unmoved:
                log.warning("reminder row %d: its due time was stored in another form; fixed", m.id)
            await self._session.execute(
                _REWRITE_DUE, [{"b_id": m.id, "b_due": m.was} for m in unmoved]
            )
            await self._move(unmoved)
            current = await self._session.execute(_CURRENT_DUE[self._dialect], ids)
            now_at.update({row_id: due for row_id, due in current})
        kept = [m for m in moves if now_at.get(m.id) == m.due]
        for m in moves:
            if now_at.get(m.id) != m.due:
                log.warning("reminder row %d could not be moved on; left out of the claim", m.id)
        return kept

    async def _move(self, moves: Sequence[Move]) -> int:
        """Move rows still due at their ``was``, in one execution; returns how many moved."""
        if not moves:
            return 0
        if self._dialect == "postgresql":
            arrays = {
                "a_id": [m.id for m in moves],
                "a_was": [m.was for m in moves],
                "a_due": [m.due for m in moves],
                "a_day": [m.day for m in moves],
            }
            return affected_rows(await self._session.execute(_MOVE_ARRAYS, arrays))
        instant, day = _TO_INSTANT, _TO_DAY
        rows = [(instant(m.due), day(m.day), m.id, instant(m.was)) for m in moves]
        return await self._write_many(_MOVE_WRITE, rows)

    async def _write_many(self, write: Write, rows: list[tuple[Any, ...]]) -> int:
        """SQLite: a write run for each of ``rows`` by the driver, once this unit has the
        write lock (taken as any write takes it); returns the rows changed."""
        await self._session.execute(_TAKE_WRITE_LOCK)
        return await write.run(self._session, rows)

    async def _remove(self, reminder_ids: Collection[int]) -> set[int]:
        """Delete rows; returns those that were still there."""
        if not reminder_ids:
            return set()
        return set(await self._session.scalars(_REMOVE[self._dialect], {"ids": list(reminder_ids)}))

    async def record_many(self, entries: Sequence[Entry], at: datetime) -> None:
        """Ledger rows for claimed occurrences, numbering each snooze of an occurrence as a
        further attempt (as ``record`` does).

        Nearly every claimed occurrence is new to the ledger: all are written first as
        first attempts, with the unique index leaving out those it has already (one
        statement). Only the rows left out are counted and written again, each as the
        next attempt of its occurrence, in the order given."""
        if not entries:
            return
        first = await self._write_first(entries, at)
        again = []
        for entry in entries:
            occurrence = _occurrence(entry.item)
            if first[occurrence] > 0:
                first[occurrence] -= 1
            else:
                again.append(entry)
        if again:
            await self._write_attempts(again, at)

    async def _write_first(self, entries: Sequence[Entry], at: datetime) -> Counter[Occurrence]:
        """Write each entry as its occurrence's first attempt, where the ledger has none;
        returns the occurrences written (once each)."""
        numbered = [(e, 0) for e in entries]
        if self._dialect == "postgresql":
            written = await self._session.execute(_FIRST_ARRAYS, _ledger_arrays(numbered, at))
            return Counter(cast(Occurrence, tuple(row)) for row in written)
        await self._session.execute(_TAKE_WRITE_LOCK)  # no other writer until the commit
        newest = await self._session.scalar(_NEWEST)
        rows = _ledger_rows(numbered, at)
        if await _FIRST_WRITE.run(self._session, rows) == len(rows):  # the lock is held
            return Counter(_occurrence(e.item) for e in entries)
        written = await self._session.execute(_WRITTEN_AFTER, {"after": newest or 0})
        return Counter(cast(Occurrence, tuple(row)) for row in written)

    async def _write_attempts(self, entries: Sequence[Entry], at: datetime) -> None:
        """Write each entry as the next attempt of its occurrence: its rows counted (an index
        seek per occurrence), then numbered on in the order given."""
        occurrences = {
            "chat_ids": list({e.item.chat_id for e in entries}),
            "kinds": list({e.item.kind.value for e in entries}),
            "slots": list({e.item.slot for e in entries}),
            "days": list({e.item.day for e in entries}),
        }
        counts = await self._session.execute(_ATTEMPTS[self._dialect], occurrences)
        attempts: dict[Occurrence, int] = {
            (chat_id, kind, slot, day): count for chat_id, kind, slot, day, count in counts
        }
        numbered = []
        for entry in entries:
            occurrence = _occurrence(entry.item)
            attempt = attempts.get(occurrence, 0)
            attempts[occurrence] = attempt + 1
            numbered.append((entry, attempt))
        if self._dialect == "postgresql":
            await self._session.execute(_RECORD_ARRAYS, _ledger_arrays(numbered, at))
            return
        await self._write_many(_RECORD_WRITE, _ledger_rows(numbered, at))

    async def recent_many(
        self,
        chat_ids: Collection[int],
        kind: Kind,
        limit: int,
        *,
        slot: int = 0,
        after: Mapping[int, date] | None = None,
    ) -> dict[int, list[PastPrompt]]:
        """Each person's latest ``limit`` ledger rows of one kind and slot (a kind once a
        day, as the check-in, has only slot 0), by day and attempt, oldest of them first;
        with ``after``, only those of days after the person's day there (where they have
        one)."""
        if not chat_ids:
            return {}
        days = {c: (after or {}).get(c, NO_DAY) for c in chat_ids}
        values: dict[str, Any] = {"kind": kind.value, "slot": slot, "limit": limit}
        if self._dialect == "postgresql":
            values |= {"a_chat_id": list(days), "a_after": list(days.values())}
        else:
            values["after_of"] = json.dumps({c: _TO_DAY(day) for c, day in days.items()})
        found: dict[int, list[PastPrompt]] = defaultdict(list)
        states = _STATES
        for _, chat_id, day, state, reason in await _RECENT[self._dialect].rows(
            self._session, **values
        ):
            found[chat_id].append(PastPrompt(day, states[state], reason))
        return dict(found)

    async def hang_marks_many(
        self, chat_ids: Collection[int], days: Collection[date]
    ) -> dict[tuple[int, date], dict[int, str]]:
        """The marks of these people on these days, by (person, day) and then hang slot."""
        if not chat_ids or not days:
            return {}
        values = {"chat_ids": list(chat_ids), "days": list(days)}
        found: dict[tuple[int, date], dict[int, str]] = defaultdict(dict)
        for chat_id, day, slot, mark in await self._session.execute(_MARKS[self._dialect], values):
            found[chat_id, day][slot] = mark
        return dict(found)

    async def take(self, delivery_id: int, at: datetime) -> bool:
        """Mark one queued ledger row as being sent; False if another sender took it."""
        return await self.set_state(delivery_id, State.SENDING, at, expected=State.QUEUED)

    async def end_many(self, endings: Sequence[Ending], at: datetime) -> None:
        """Record how sends ended, each only if it is still being sent, in one executemany:
        a second's worth of outcomes holds the write lock for one statement, not one
        statement a row."""
        if not endings:
            return
        table = DELIVERIES
        end = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.state == State.SENDING.value)
            .values(
                state=bindparam("b_state"),
                at=bindparam("b_at", type_=table.c.at.type),
                reason=func.coalesce(
                    bindparam("b_reason", type_=table.c.reason.type), table.c.reason
                ),
                message_id=func.coalesce(
                    bindparam("b_message_id", type_=table.c.message_id.type), table.c.message_id
                ),
            )
        )
        await self._session.execute(
            end,
            [
                {
                    "b_id": e.delivery_id,
                    "b_state": e.state.value,
                    "b_at": at,
                    "b_reason": e.reason,
                    "b_message_id": e.message_id,
                }
                for e in endings
            ],
        )

    async def count_in_state(self, state: State) -> int:
        """How many ledger rows are in one state."""
        query = select(func.count()).select_from(DeliveryRow)
        query = query.where(DeliveryRow.state == state.value)
        return int(await self._session.scalar(query) or 0)
