"""A person's data as CSV: one row per event, dates and times in their own time zone.

Everything stored about a person is here: consent, settings, screening and red-flag answers,
check-ins, per-move feedback (Done, Worse, Easy / Right / Hard), equipment and gym experience
by the day they changed, the activities they named (in their own words) with each week's
0-10 rating, sessions and stage changes (with reasons), dose levels (each change
with its reason, and every move's level today), reminders sent, and bar-hang marks. Opens
cleanly in a spreadsheet: a header row, UTF-8 with a byte-order mark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from coach import texts
from coach.doses import level_resets, walk
from coach.function import Activity, ActivityRating
from coach.model import History, MoveFeedback, Person, ProfileChange, Rating, SafetyEvent
from coach.places import load_zone
from coach.program import Program
from coach.rules import replay
from coach.schedule import Delivery

# The columns; their names are in the person's language (texts.EXPORT_COLUMNS).
HEADER = ["event", "date", "time", "move", "value", "detail"]


@dataclass(frozen=True, slots=True)
class Everything:
    """All stored data of one person, as the repositories return it."""

    person: Person
    ratings: tuple[tuple[Rating, datetime], ...]
    feedback: tuple[tuple[MoveFeedback, datetime], ...]
    safety: tuple[SafetyEvent, ...]
    deliveries: tuple[Delivery, ...]
    hang_marks: tuple[tuple[date, int, str, datetime], ...]
    profile_changes: tuple[tuple[ProfileChange, datetime], ...] = ()
    # The activities in the person's own words, and their weekly ratings (coach/function.py).
    activities: tuple[tuple[Activity, datetime], ...] = ()
    activity_ratings: tuple[tuple[ActivityRating, datetime], ...] = ()


def rows(program: Program, data: Everything, now: datetime) -> list[list[str]]:
    """The export's rows, header first, events in time order."""
    person = data.person
    zone = load_zone(person.timezone or "UTC")

    def when(at: datetime | None) -> tuple[str, str]:
        if at is None:
            return "", ""
        local = at.astimezone(zone)
        return local.date().isoformat(), local.isoformat(timespec="seconds")

    events: list[tuple[str, list[str]]] = []

    def add(
        event: str, day: str, at: str, move: str = "", value: str = "", detail: str = ""
    ) -> None:
        events.append((at or day, [event, day, at, move, value, detail]))

    add("consent", *when(person.consent_at), value=person.consent_version or "")
    add("signed_up", *when(person.created_at))
    for name, value in _settings(person):
        add("setting", *when(now), value=value, detail=name)
    for event in data.safety:
        add(event.kind.value, *when(event.at), detail=event.detail)
    for rating, at in data.ratings:
        add("checkin", rating.day.isoformat(), when(at)[1], value=str(rating.pain))
    for item, at in data.feedback:
        add(f"move_{item.kind.value}", item.day.isoformat(), when(at)[1], move=item.move)
    for change, at in data.profile_changes:
        profile = change.profile
        add(
            "equipment_from",
            change.day.isoformat(),
            when(at)[1],
            value=" ".join(sorted(e.value for e in profile.equipment)),
            detail=f"gym_experienced={'yes' if profile.gym_experienced else 'no'}",
        )
    history = History(
        person.profile,
        tuple(r for r, _ in data.ratings),
        tuple(f for f, _ in data.feedback),
        tuple(c for c, _ in data.profile_changes),
    )
    today = now.astimezone(zone).date()
    replayed = replay(program, history, today)
    doses = walk(program, history.feedback, level_resets(replayed), today)
    for moved in doses.changes:
        add(
            "dose_level_change",
            moved.day.isoformat(),
            "",
            move=moved.move,
            value=f"{moved.before} -> {moved.after}",
            detail=moved.why,
        )
    for move in program.moves:
        step = doses.levels[move.slug]
        add(
            "dose_level",
            today.isoformat(),
            "",
            move=move.slug,
            value=f"{step} of {move.top_level}",
            detail=move.levels[step - 1],
        )
    previous = 1
    for day in replayed:
        iso = day.day.isoformat()
        if day.change is not None:
            add(
                "stage_change", iso, "", value=f"{previous} -> {day.stage}", detail=day.change.value
            )
        if day.session:
            add("session", iso, "", value=f"stage {day.stage}")
        previous = day.stage
    for delivery in data.deliveries:
        detail = delivery.reason or ""
        add(
            f"reminder_{delivery.kind.value}",
            delivery.day.isoformat(),
            when(delivery.at)[1],
            value=delivery.state.value,
            detail=detail,
        )
    for marked, slot, mark, at in data.hang_marks:
        add(
            "bar_hang_reminder",
            marked.isoformat(),
            when(at)[1],
            move="bar_hang",
            value=mark,
            detail=f"reminder {slot + 1}",
        )
    _activities(data, add, when)
    events.sort(key=lambda pair: pair[0])
    return [[texts.EXPORT_COLUMNS[column] for column in HEADER], *(row for _, row in events)]


def _activities(
    data: Everything,
    add: Callable[..., None],
    when: Callable[[datetime | None], tuple[str, str]],
) -> None:
    """Each activity as named (and retired), and each week's rating of it."""
    names = {}
    for activity, at in data.activities:
        name = names[activity.id] = _cell(activity.name)
        add("activity_named", activity.added.isoformat(), when(at)[1], value=name)
        if activity.retired is not None:
            add("activity_retired", activity.retired.isoformat(), "", value=name)
    for rating, at in data.activity_ratings:
        detail = f"week of {rating.week.isoformat()}"
        add(
            "activity_rating",
            rating.week.isoformat(),
            when(at)[1],
            value=str(rating.score),
            detail=f"{names.get(rating.activity, '')} ({detail})",
        )


def _cell(text: str) -> str:
    """Typed words as a spreadsheet shows them, never as a formula it would run."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _settings(person: Person) -> list[tuple[str, str]]:
    return [
        ("time_zone", person.timezone or ""),
        ("checkin_time", f"{person.checkin_time:%H:%M}" if person.checkin_time else ""),
        ("bar_hang_times", " ".join(f"{t:%H:%M}" for t in person.hang_times)),
        ("equipment", " ".join(sorted(e.value for e in person.profile.equipment))),
        ("gym_experienced", "yes" if person.profile.gym_experienced else "no"),
        ("weekly_summary", "on" if person.weekly_summary else "off"),
        ("reminders_paused", "yes" if person.paused else "no"),
        # The day reached before the last change of time zone: "today" never goes back.
        ("day_floor", person.day_floor.isoformat() if person.day_floor else ""),
    ]


def to_csv(table: list[list[str]]) -> bytes:
    """CSV bytes a spreadsheet opens as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8-sig")
