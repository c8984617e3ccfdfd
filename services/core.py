"""What every service needs: the store, the clock and the program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.days import today_in
from coach.model import Person
from coach.program import Program
from services.clock import Clock
from storage.unit_of_work import Store


@dataclass(frozen=True)
class Core:
    """The application's parts the decisions are made with, built once by bootstrap."""

    store: Store
    clock: Clock
    program: Program

    def today(self, person: Person) -> date:
        """The person's local date now; never before the day they had reached when they last
        changed time zone (a day over in any zone they had stays over)."""
        return today_in(self.clock.now(), person.timezone, person.day_floor)
