"""The kinds of reminder, each one object: when it is due, how late it may still go, when it
is skipped and why, which facts it needs, and how its message is composed.

Every ``coach.schedule.Kind`` has exactly one object in ``KINDS`` (checked when this module
is imported, and by a test), so a new kind can never go out as another kind's message.
A message is composed here, in the person's language, and carries that language: the
dispatcher in ``conversations/`` only paces, takes, renders, sends and records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum, auto
from typing import ClassVar

from coach import i18n, texts
from coach.explain import standing
from coach.model import History, Person
from coach.places import load_zone
from coach.program import Program
from coach.progress import weekly_summary
from coach.rules import hang_level
from coach.schedule import (
    CHECKIN_GRACE,
    HANG_GRACE,
    Delivery,
    Kind,
    PastPrompt,
    Reminder,
    hang_late,
    next_occurrence,
    prompt_late,
)
from services.actions import Action
from services.function_messages import weekly_message
from services.outcome import Button, Say, pain_question
from services.steps import red_flags_open

STILL_THERE = "still_there"  # the ledger's reason on the prompt that says "still there?"
NOON = time(12)  # "Good morning!" only before noon on the person's clock


class Need(Enum):
    """What a kind's decisions or message read about a person, loaded once per batch."""

    RATED = auto()  # whether the day of the reminder is rated
    LATEST = auto()  # the day of the latest rating
    HANG_MARKS = auto()  # the day's bar hangs marked done or skipped, from reminders or plan
    PROMPTS = auto()  # the latest check-in prompts sent (for "still there?")
    FEEDBACK = auto()  # the person's feedback on moves (the bar hang's dose level)
    DAY_PAIN = auto()  # the pain rated on the reminder's day, if it was
    HISTORY = auto()  # ratings, feedback and profile changes (the weekly summary)
    FUNCTION = auto()  # the activities and their weekly ratings (the weekly summary)


@dataclass
class Facts:
    """What the rules read about a batch's people (filled in by services.reminders)."""

    people: dict[int, Person]
    rated: frozenset[tuple[int, date]] = frozenset()
    latest: dict[int, date] = field(default_factory=dict)
    marks: dict[tuple[int, date], dict[int, str]] = field(default_factory=dict)
    plan_hangs: set[tuple[int, date]] = field(default_factory=set)
    prompts: dict[int, list[PastPrompt]] = field(default_factory=dict)
    quieted: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Composed:
    """A reminder's message as a person reads it, and the language it was composed in."""

    message: Say
    language: str


class ReminderKind:
    """One kind of reminder. Subclasses say what differs; nothing falls through to another."""

    kind: ClassVar[Kind]
    weekday: ClassVar[int | None] = None  # weekly, on this weekday (Monday is 0)
    grace: ClassVar[timedelta]  # how late (after downtime) it may still go, at most
    asks_pain: ClassVar[bool] = False  # answered with a pain rating
    quiets: ClassVar[bool] = False  # goes quiet after being ignored
    claim_needs: ClassVar[frozenset[Need]] = frozenset()
    message_needs: ClassVar[frozenset[Need]] = frozenset()
    # Decided again just before it is sent (services/reminders.py, ``prepare``): what the
    # person did since the claim holds it back as it would have at the claim.
    decided_again: ClassVar[bool] = True

    def too_late(self, due: datetime, now: datetime, zone: str) -> str | None:
        """Why, after downtime, it is no longer worth sending (None: it still goes)."""
        raise NotImplementedError

    def skip_reason(self, day: date, slot: int, person: Person, facts: Facts) -> str | None:
        """Why this due reminder is not sent, for reasons of its own kind (None: sent)."""
        raise NotImplementedError

    def compose(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Say:
        """The message, in the language being spoken."""
        raise NotImplementedError

    def composed(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Composed:
        """The message in the person's own language, which it carries."""
        language = i18n.choose(person.language)
        with i18n.speaking(language):
            return Composed(self.compose(delivery, person, history, program), language)


class _AsksPain(ReminderKind):
    """The check-in prompt: the pain question, sent late within limits."""

    grace = CHECKIN_GRACE
    asks_pain = True
    claim_needs = frozenset({Need.RATED})

    def too_late(self, due: datetime, now: datetime, zone: str) -> str | None:
        late = prompt_late(due, now, zone)
        return None if late is None else late.value

    def skip_reason(self, day: date, slot: int, person: Person, facts: Facts) -> str | None:
        if red_flags_open(person):
            return "red_flags_open"  # nothing else until the safety question is answered
        if person.quiet:
            return "quiet"
        if (person.chat_id, day) in facts.rated:
            return "checked_in"
        return None

    def compose(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Say:
        if delivery.reason == STILL_THERE:
            return Say(texts.STILL_THERE)
        zone = load_zone(person.timezone or "UTC")
        morning = delivery.due.astimezone(zone).time() < NOON
        text = texts.REMINDER_CHECKIN_MORNING if morning else texts.REMINDER_CHECKIN
        return pain_question(delivery.day, text)


class CheckinPrompt(_AsksPain):
    """The daily check-in prompt; after three ignored in a row, one "still there?"."""

    kind = Kind.CHECKIN
    claim_needs = frozenset({Need.RATED, Need.LATEST, Need.PROMPTS})
    quiets = True  # three ignored in a row: "still there?" and no more until answered


class WeeklyCheckin(_AsksPain):
    """The check-in prompt once a week (Mondays), in maintenance."""

    kind = Kind.WEEKLY_CHECKIN
    weekday = 0


class Hang(ReminderKind):
    """A bar-hang reminder with *Done*, *Snooze 15 min* and *Skip*: gentler after a *Worse*
    on the hang; not sent once that hang (or enough hangs) are done or skipped."""

    kind = Kind.HANG
    grace = HANG_GRACE
    claim_needs = frozenset({Need.HANG_MARKS})
    message_needs = frozenset({Need.FEEDBACK, Need.DAY_PAIN})

    def too_late(self, due: datetime, now: datetime, zone: str) -> str | None:
        late = hang_late(due, now)
        return None if late is None else late.value

    def skip_reason(self, day: date, slot: int, person: Person, facts: Facts) -> str | None:
        if red_flags_open(person):
            return "red_flags_open"
        if person.quiet:
            return "quiet"  # after "still there?", hangs wait for an answer too
        marks = facts.marks.get((person.chat_id, day), {})
        if slot in marks:
            return "hang_marked"
        done = sum(mark == "done" for mark in marks.values())
        plan_done = (person.chat_id, day) in facts.plan_hangs
        if max(done, int(plan_done)) > slot:
            return "hang_done"
        return None

    def compose(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Say:
        args = (delivery.day, delivery.slot)
        row = (
            Button(texts.BTN_HANG_DONE, Action.HANG_DONE, args),
            Button(texts.BTN_HANG_SNOOZE, Action.HANG_SNOOZE, args),
            Button(texts.BTN_HANG_SKIP, Action.HANG_SKIP, args),
        )
        hang = program.move("bar_hang")
        level = hang_level(program, history.feedback, delivery.day)
        pain = next((r.pain for r in history.ratings if r.day == delivery.day), None)
        gentle = texts.REMINDER_HANG_SHORTEST if level == 1 else texts.REMINDER_HANG_GENTLE
        if pain is not None and pain >= program.rules.flare_pain:
            # A high-pain day: the hang is optional, only if it eases the pain (the plan
            # says the same), never a reminder to hold it for a minute.
            text = texts.REMINDER_HANG_HIGH
        elif level < hang.top_level:
            text = gentle.format(what=hang.levels[level - 1])
        else:
            text = texts.REMINDER_HANG
        return Say(text, (row,))


class WeeklySummary(ReminderKind):
    """The Sunday summary of the week, to anyone who has checked in at all."""

    kind = Kind.WEEKLY
    weekday = 6
    grace = CHECKIN_GRACE
    claim_needs = frozenset({Need.LATEST})
    message_needs = frozenset({Need.HISTORY, Need.FUNCTION})

    def too_late(self, due: datetime, now: datetime, zone: str) -> str | None:
        late = prompt_late(due, now, zone)
        return None if late is None else late.value

    def skip_reason(self, day: date, slot: int, person: Person, facts: Facts) -> str | None:
        return None if person.chat_id in facts.latest else "no_checkins"

    def compose(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Say:
        # The emergency signs in one line, every week, whether or not a plan showed them:
        # red flags are asked again only at high pain or after time away.
        summary = weekly_summary(program, standing(program, history, delivery.day))
        summary = f"{summary}\n\n{texts.RED_FLAGS_WEEKLY}"
        # The activities' changes, and this week's ratings asked beneath (three presses).
        return weekly_message(summary, history.function, delivery.day)


class RetentionWarning(ReminderKind):
    """The warning a week before an inactive person's data is deleted. It is queued by the
    hourly sweep, never claimed from the schedule."""

    kind = Kind.RETENTION
    grace = timedelta.max
    decided_again = False  # never claimed: the sweep decided it, and the deletion waits for it

    def too_late(self, due: datetime, now: datetime, zone: str) -> str | None:
        return None  # the deletion waits for the warning, however late it goes

    def skip_reason(self, day: date, slot: int, person: Person, facts: Facts) -> str | None:
        return None

    def compose(
        self, delivery: Delivery, person: Person, history: History, program: Program
    ) -> Say:
        return Say(texts.RETENTION_WARNING)


KINDS: Mapping[Kind, ReminderKind] = {
    k.kind: k
    for k in (CheckinPrompt(), WeeklyCheckin(), Hang(), WeeklySummary(), RetentionWarning())
}
_missing = set(Kind) - set(KINDS)
if _missing:  # pragma: no cover - a kind added to the enum without its object
    raise ImportError(f"reminder kinds without an object in services.kinds: {sorted(_missing)}")


def kind_of(kind: Kind) -> ReminderKind:
    """The object of a kind."""
    return KINDS[kind]


def schedule_for(
    times: Mapping[Kind, tuple[time, ...]], zone: str, now: datetime
) -> list[Reminder]:
    """A person's whole schedule from their settings: each kind's times of day, each row
    due at its next occurrence (on the kind's weekday, for a weekly kind); ids come when
    the rows are stored."""
    rows = []
    for kind, chosen in times.items():
        for slot, at in enumerate(chosen):
            found = next_occurrence(at, zone, now, KINDS[kind].weekday)
            rows.append(Reminder(0, 0, kind, slot, at, found.due, found.day))
    return rows
