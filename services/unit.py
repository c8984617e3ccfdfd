"""A use case's unit of work: one transaction, and a person's reminders kept in step.

``save`` rebuilds the person's reminder schedule whenever a setting it depends on changed
since the person was loaded, so no use case can forget it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time

from coach import i18n
from coach.model import Equipment, Person, Profile
from coach.schedule import WEEKLY_AT, Kind, Reminder
from services.core import Core
from services.kinds import schedule_for
from storage.unit_of_work import UnitOfWork


def schedule_key(person: Person) -> tuple[object, ...]:
    """What the schedule depends on: when it changes, the schedule is rebuilt."""
    return (
        person.registered,
        person.timezone,
        person.checkin_time,
        person.hang_times,
        person.weekly_summary,
        person.checkin_weekly,
    )


def wanted(person: Person, now: datetime) -> list[Reminder]:
    """The schedule a person's settings ask for (nothing before setup is complete)."""
    if not person.registered or person.timezone is None:
        return []
    bar = Equipment.PULLUP_BAR in person.profile.equipment  # no bar: no hang reminders
    times: dict[Kind, tuple[time, ...]] = {Kind.HANG: person.hang_times if bar else ()}
    if person.checkin_time is not None:
        prompt = Kind.WEEKLY_CHECKIN if person.checkin_weekly else Kind.CHECKIN
        times[prompt] = (person.checkin_time,)
    if person.weekly_summary:
        times[Kind.WEEKLY] = (WEEKLY_AT,)
    return schedule_for(times, person.timezone, now)


class Work:
    """The repositories of one transaction, the instant it started, and person tracking."""

    def __init__(self, core: Core, uow: UnitOfWork) -> None:
        self.core, self.uow, self.now = core, uow, core.clock.now()
        self.people, self.ratings, self.feedback = uow.people, uow.ratings, uow.feedback
        self.safety, self.schedule, self.profiles = uow.safety, uow.schedule, uow.profiles
        self._loaded: dict[int, tuple[object, ...]] = {}
        self._profiles: dict[int, tuple[bool, Profile]] = {}
        self.repaired = self.committed = False

    async def person(self, chat_id: int, *, repair: bool = True) -> Person | None:
        """Load a person, remembering what their schedule was built from. With ``repair``
        (any update from the person), a schedule that went missing is rebuilt from their
        settings and kept even if the use case writes nothing else. The person's lock is
        taken first, so what is read here is not changed by another worker meanwhile."""
        await self.uow.lock_person(chat_id)
        if repair:  # whether a schedule is there comes with the person, in one query
            person, has_schedule = await self.uow.people.load(chat_id)
        else:
            person, has_schedule = await self.uow.people.get(chat_id), True
        if person is None:
            return None
        i18n.learn(chat_id, person.language)  # their next updates are answered in it
        self._loaded[chat_id] = schedule_key(person)
        self._profiles[chat_id] = (person.registered, person.profile)
        if repair and person.active and not has_schedule:
            rows = wanted(person, self.now)
            if rows:
                await self.uow.schedule.replace(chat_id, rows)
                self.repaired = True
        return person

    async def add(self, person: Person) -> None:
        """Store a new person (their schedule comes once setup is complete)."""
        await self.uow.people.add(person)
        self._loaded[person.chat_id] = schedule_key(person)
        self._profiles[person.chat_id] = (person.registered, person.profile)

    async def save(self, person: Person, *, resync: bool = False) -> None:
        """Store the person; rebuild their schedule if a setting it depends on changed (or
        ``resync``: from now on, as after /resume); date a change of equipment or gym
        experience (and the profile a person registers with), so past days keep theirs."""
        if person.registered and self._profiles.get(person.chat_id) != (True, person.profile):
            day = self.core.today(person)
            await self.uow.profiles.record(person.chat_id, day, person.profile, self.now)
            self._profiles[person.chat_id] = (True, person.profile)
        key = schedule_key(person)
        if resync or self._loaded.get(person.chat_id) != key:
            await self.uow.schedule.replace(person.chat_id, wanted(person, self.now))
            self._loaded[person.chat_id] = key
        await self.uow.people.save(person)

    async def commit(self) -> None:
        """Make the use case's writes durable: once, at its end."""
        await self.uow.commit()
        self.committed = True


@asynccontextmanager
async def unit(core: Core, *, urgent: bool = False) -> AsyncIterator[Work]:
    """``async with unit(core) as work:`` one transaction, rolled back unless committed;
    an ``urgent`` one writes before the ordinary ones waiting to (on SQLite)."""
    async with core.store.unit(urgent=urgent) as uow:
        work = Work(core, uow)
        yield work
        if work.repaired and not work.committed:  # a read-only use case that found a hole
            await work.commit()
