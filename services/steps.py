"""The one table of onboarding and settings steps: each step's question, the button values
and typed forms it accepts, and the step after it.

The step a person is in is stored with them (``Person.step``), so any handler can ask the
current question again: after a restart, an old button, or an unexpected message. The
handlers render a step's question from here; the services check answers against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from html import escape

from coach import texts
from coach.model import Equipment, Person
from services.actions import Action
from services.outcome import Button, Keyboard, Say


class Step(StrEnum):
    """Every step a person can be in (stored as its value)."""

    CONSENT = "consent"
    SC_PREGNANT = "sc_pregnant"
    SC_RECENT_SPINAL_SURGERY = "sc_recent_spinal_surgery"
    SC_OSTEOPOROSIS = "sc_osteoporosis"
    SC_UNDER_18 = "sc_under_18"
    RF_EMERGENCY = "rf_emergency"
    RF_URGENT = "rf_urgent"
    RF_HOLD = "rf_hold"
    TIMEZONE = "timezone"
    TZ_CHOICE = "tz_choice"
    CHECKIN_TIME = "checkin_time"
    HANG_COUNT = "hang_count"
    HANG_TIMES = "hang_times"
    EQ_PULLUP_BAR = "eq_pullup_bar"
    EQ_BAND = "eq_band"
    EQ_CABLE = "eq_cable"
    EQ_BENCH = "eq_bench"
    EQ_DUMBBELL = "eq_dumbbell"
    EQ_BARBELL = "eq_barbell"
    GYM = "gym"


SCREENING = (
    Step.SC_PREGNANT,
    Step.SC_RECENT_SPINAL_SURGERY,
    Step.SC_OSTEOPOROSIS,
    Step.SC_UNDER_18,
)
RED_FLAGS = (Step.RF_EMERGENCY, Step.RF_URGENT)
EQUIPMENT = tuple(Step(f"eq_{item.value}") for item in Equipment)
ZONE = (Step.TIMEZONE, Step.TZ_CHOICE)

CHECKIN_TIMES = ["07:00", "08:00", "09:00", "12:00", "18:00", "20:00"]
HANG_SUGGESTIONS = {2: ["08:30", "18:30"], 3: ["08:30", "13:00", "19:00"]}
YES_NO = frozenset({"y", "n"})

# Which step each settings-menu button starts.
SETTINGS_CHANGES = {
    "ct": Step.CHECKIN_TIME,
    "hc": Step.HANG_COUNT,
    "tz": Step.TIMEZONE,
    "eq": EQUIPMENT[0],
}

TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def parse_time(text: str) -> time | None:
    """'7:30', '07:30', '19.05' → a time; anything else → None."""
    match = TIME.match(text)
    return time(int(match[1]), int(match[2])) if match else None


def parse_times(text: str, count: int) -> tuple[time, ...] | None:
    """Exactly ``count`` different times separated by spaces or commas, sorted."""
    found = [parse_time(part) for part in re.split(r"[\s,;]+", text.strip()) if part]
    if len(found) != count or any(t is None for t in found):
        return None
    unique = sorted({t for t in found if t is not None})
    return tuple(unique) if len(unique) == count else None


def parse_hhmm(text: str) -> time:
    """A time from the program's own 'HH:MM' constants."""
    parsed = parse_time(text)
    assert parsed is not None
    return parsed


def hang_count(person: Person) -> int:
    """The number of hang times being chosen (stored by the step before)."""
    return int(str(person.step_data.get("hang_count", 2)))


def zone_choices(person: Person) -> list[list[str]]:
    """The candidate zones offered in the choice step, as [label, zone]."""
    options = person.step_data.get("choices", [])
    assert isinstance(options, list)
    return [[str(option[0]), str(option[1])] for option in options]


@dataclass(frozen=True)
class Spec:
    """One step: its question, what it accepts, and where it leads.

    ``buttons`` are the button values a step accepts (None: decided from the person, as for
    a choice among found places). ``typed`` steps accept a typed answer too. ``next`` is
    the step after it during onboarding; a change from /settings ends after a step whose
    ``ends_change`` is set.
    """

    ask: Callable[[Person], Say]
    buttons: frozenset[str] | None = YES_NO
    typed: bool = False
    next: Step | None = None
    ends_change: bool = True


def _answers(step: Step, *rows: list[tuple[str, str]]) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        tuple(Button(label, Action.ANSWER, (step.value, value)) for label, value in row)
        for row in rows
    )


def _yes_no(step: Step, text: str, yes: str = texts.YES, no: str = texts.NO) -> Say:
    return Say(text, _answers(step, [(yes, "y"), (no, "n")]))


def _screening(step: Step) -> Callable[[Person], Say]:
    def ask(_person: Person) -> Say:
        intro = texts.SCREENING_INTRO if step is SCREENING[0] else ""
        return _yes_no(step, f"{intro}{texts.SCREENING_ITEMS[step.removeprefix('sc_')]}")

    return ask


def _red_flags(step: Step) -> Callable[[Person], Say]:
    def ask(person: Person) -> Say:
        since = texts.SINCE_CLEARED if person.safety.cleared_at else ""
        template = (
            texts.RED_FLAGS_EMERGENCY if step is Step.RF_EMERGENCY else texts.RED_FLAGS_URGENT
        )
        return _yes_no(step, template.format(since=since))

    return ask


def _equipment(step: Step) -> Callable[[Person], Say]:
    def ask(_person: Person) -> Say:
        item = texts.EQUIPMENT[step.removeprefix("eq_")]
        return _yes_no(step, texts.EQUIPMENT_ASK.format(item=escape(item)))

    return ask


def _hold(_person: Person) -> Say:
    return Say(texts.PAUSED_FOR_RED_FLAG, ((Button(texts.CLINICIAN_OK, Action.CLEAR_HOLD),),))


def _zone_choice(person: Person) -> Say:
    rows = [[(label, str(i))] for i, (label, _zone) in enumerate(zone_choices(person))]
    return Say(texts.TIMEZONE_CHOOSE, _answers(Step.TZ_CHOICE, *rows))


def _checkin_time(_person: Person) -> Say:
    buttons = [(t, t.replace(":", "")) for t in CHECKIN_TIMES]
    return Say(texts.CHECKIN_TIME_ASK, _answers(Step.CHECKIN_TIME, buttons[:3], buttons[3:]))


def _hang_times(person: Person) -> Say:
    count = hang_count(person)
    times = " ".join(HANG_SUGGESTIONS[count])
    text = texts.HANG_TIMES_ASK.format(times=times, count=count, example=times)
    return Say(text, _answers(Step.HANG_TIMES, [(f"{texts.USE_THESE}: {times}", "ok")]))


STEPS: dict[Step, Spec] = {
    Step.CONSENT: Spec(
        lambda _p: _yes_no(Step.CONSENT, texts.CONSENT, texts.CONSENT_YES, texts.CONSENT_NO),
        next=Step.TIMEZONE,
    ),
    **{
        step: Spec(_screening(step), next=following)
        for step, following in zip(SCREENING, [*SCREENING[1:], Step.RF_EMERGENCY], strict=True)
    },
    Step.RF_EMERGENCY: Spec(_red_flags(Step.RF_EMERGENCY), next=Step.RF_URGENT),
    Step.RF_URGENT: Spec(_red_flags(Step.RF_URGENT), next=Step.CHECKIN_TIME),
    # After a "yes" and a clinician's go-ahead: the urgent group if the emergency one was
    # the "yes", else the rest of the set-up (see ``after_hold``).
    Step.RF_HOLD: Spec(_hold, buttons=frozenset(), next=Step.CHECKIN_TIME),
    # The time zone comes right after consent, so the safety advice carries the local
    # emergency number; a person who answered screening before (an older order) skips it.
    Step.TIMEZONE: Spec(
        lambda _p: Say(texts.TIMEZONE_ASK, keyboard=Keyboard.SHARE_LOCATION),
        buttons=frozenset(),
        typed=True,
        next=SCREENING[0],
    ),
    Step.TZ_CHOICE: Spec(_zone_choice, buttons=None, typed=True, next=SCREENING[0]),
    Step.CHECKIN_TIME: Spec(
        _checkin_time,
        buttons=frozenset(t.replace(":", "") for t in CHECKIN_TIMES),
        typed=True,
        next=Step.HANG_COUNT,
    ),
    Step.HANG_COUNT: Spec(
        lambda _p: Say(texts.HANG_COUNT_ASK, _answers(Step.HANG_COUNT, [("2", "2"), ("3", "3")])),
        buttons=frozenset({"2", "3"}),
        next=Step.HANG_TIMES,
        ends_change=False,
    ),
    Step.HANG_TIMES: Spec(_hang_times, buttons=frozenset({"ok"}), typed=True, next=EQUIPMENT[0]),
    **{
        step: Spec(_equipment(step), next=following, ends_change=False)
        for step, following in zip(EQUIPMENT, [*EQUIPMENT[1:], Step.GYM], strict=True)
    },
    Step.GYM: Spec(
        lambda _p: _yes_no(Step.GYM, texts.GYM_ASK, texts.GYM_YES, texts.GYM_NO), next=None
    ),
}


def after_zone(person: Person) -> Step:
    """The onboarding step after the time zone: screening, unless already answered."""
    return SCREENING[0] if person.safety.screening is None else Step.CHECKIN_TIME


def after_hold(person: Person) -> Step:
    """The onboarding step after a red-flag hold is lifted."""
    stored = str(person.step_data.get("after", ""))
    if stored in Step.__members__.values():
        return Step(stored)
    return Step.TIMEZONE if person.timezone is None else Step.CHECKIN_TIME


def step_of(person: Person) -> Step | None:
    """The step a person is in (None when no question is open, or an unknown stored one)."""
    try:
        return Step(person.step) if person.step else None
    except ValueError:
        return None


def question(person: Person) -> Say:
    """The question of the step a person is in."""
    step = step_of(person)
    return STEPS[step].ask(person) if step else Say(texts.UNEXPECTED_TEXT)


def accepts(person: Person, step: Step, value: str) -> bool:
    """Whether a button value is an answer the step takes."""
    allowed = STEPS[step].buttons
    if allowed is None:  # a choice among the places found
        return value.isascii() and value.isdigit() and int(value) < len(zone_choices(person))
    return value in allowed
