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

from coach import i18n, red_flags, texts
from coach.model import Equipment, Person, RedFlagGroup
from coach.places import load_zone
from services.actions import Action
from services.outcome import Button, Keyboard, Say


class Step(StrEnum):
    """Every step a person can be in (stored as its value)."""

    CONSENT = "consent"
    SCREENING = "screening"  # one question: a toggle per item, then Done or None of these
    RF_EMERGENCY = "rf_emergency"
    RF_URGENT = "rf_urgent"
    RF_SOON = "rf_soon"
    RF_HOLD = "rf_hold"
    CLEAR_WHEN = "clear_when"  # the all-clear: when was the person examined?
    CLEAR_OK = "clear_ok"  # … and did the clinician say exercise is OK?
    TIMEZONE = "timezone"
    TZ_CHOICE = "tz_choice"
    CHECKIN_TIME = "checkin_time"
    EQUIPMENT = "equipment"  # one toggle keyboard: equipment and gym experience, then Done
    HANGS = "hangs"  # how many bar hangs and when, in one answer
    ACTIVITY = "activity"  # naming an activity the back gets in the way of (typed)


# Steps stored by earlier versions (a question at a time), read as today's step.
LEGACY = {
    "sc_pregnant": Step.SCREENING,
    "sc_recent_spinal_surgery": Step.SCREENING,
    "sc_osteoporosis": Step.SCREENING,
    "sc_under_18": Step.SCREENING,
    **{f"eq_{item.value}": Step.EQUIPMENT for item in Equipment},
    "gym": Step.EQUIPMENT,
    "hang_count": Step.HANGS,
    "hang_times": Step.HANGS,
}
SCREENING_KEYS = ("pregnant", "recent_spinal_surgery", "osteoporosis", "under_18")
RED_FLAGS = (Step.RF_EMERGENCY, Step.RF_URGENT, Step.RF_SOON)
TIER_OF = {
    Step.RF_EMERGENCY: RedFlagGroup.EMERGENCY,
    Step.RF_URGENT: RedFlagGroup.URGENT,
    Step.RF_SOON: RedFlagGroup.SOON,
}
CLEARANCE = (Step.CLEAR_WHEN, Step.CLEAR_OK)
AFTER, BEFORE, NOT_YET = "after", "before", "notyet"  # answers to "when were you examined?"
ZONE = (Step.TIMEZONE, Step.TZ_CHOICE)
GYM = "gym"  # the gym-experience toggle of the equipment keyboard

CHECKIN_TIMES = ["07:00", "08:00", "09:00", "12:00", "18:00", "20:00"]
HANG_SUGGESTIONS = {2: ["08:30", "18:30"], 3: ["08:30", "13:00", "19:00"]}
YES_NO = frozenset({"y", "n"})
TOGGLE, DONE, NONE = "t", "done", "none"  # a toggle's value is "t" and the item's index

# Which step each settings-menu button starts.
SETTINGS_CHANGES = {
    "ct": Step.CHECKIN_TIME,
    "hc": Step.HANGS,
    "tz": Step.TIMEZONE,
    "eq": Step.EQUIPMENT,
}

TIME = re.compile(
    r"^\s*(\d{1,2})(?:\s*[:.h]\s*([0-5]\d))?\s*(a\.?m\.?|p\.?m\.?)?\s*$", re.IGNORECASE
)


def parse_time(text: str) -> time | None:
    """'7:30', '07:30', '7.30', '19h30', '7:30am', '7pm' → a time; anything else → None."""
    match = TIME.match(text)
    if match is None or (match[2] is None and match[3] is None):
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    return time(hour, minute) if hour <= 23 else None


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


def _yes_no(step: Step, text: str, yes: str | None = None, no: str | None = None) -> Say:
    """A yes/no question; the labels are read when asked, in the person's language."""
    return Say(text, _answers(step, [(yes or texts.YES, "y"), (no or texts.NO, "n")]))


def language_row() -> tuple[Button, ...]:
    """A button per language we ship, each named in its own words."""
    return tuple(Button(name, Action.LANGUAGE, (code,)) for code, name in i18n.LANGUAGES.items())


def _consent() -> Say:
    """The consent question, which comes right after the welcome: with the choice of
    language under its answers, so a person can read both in theirs before agreeing."""
    question = _yes_no(Step.CONSENT, texts.CONSENT, texts.CONSENT_YES, texts.CONSENT_NO)
    return Say(question.text, (*question.buttons, language_row()))


def screening_answers(person: Person) -> dict[str, bool]:
    """The screening items toggled so far."""
    so_far = person.step_data.get("screening", {})
    return {str(k): bool(v) for k, v in so_far.items()} if isinstance(so_far, dict) else {}


def _toggle(label: str, on: bool) -> str:
    return f"{texts.TOGGLE_ON if on else texts.TOGGLE_OFF} {label}"


def _screening(person: Person) -> Say:
    answers = screening_answers(person)
    rows = [
        [(_toggle(texts.SCREENING_LABELS[key], answers.get(key, False)), f"{TOGGLE}{i}")]
        for i, key in enumerate(SCREENING_KEYS)
    ]
    last = (texts.DONE, DONE) if any(answers.values()) else (texts.NONE_OF_THESE, NONE)
    return Say(texts.SCREENING_ASK, _answers(Step.SCREENING, *rows, [last]))


def kit(person: Person) -> tuple[frozenset[Equipment], bool]:
    """The equipment and gym experience being chosen (the profile's until changed)."""
    chosen = person.step_data.get("equipment")
    gym = person.step_data.get("gym", person.profile.gym_experienced)
    owned = (
        frozenset(Equipment(e) for e in chosen)
        if isinstance(chosen, list)
        else person.profile.equipment
    )
    return owned, bool(gym)


def _equipment(person: Person) -> Say:
    owned, gym = kit(person)
    items = [(texts.EQUIPMENT_LABELS[e.value], e in owned) for e in Equipment]
    labels = [*items, (texts.GYM_TOGGLE, gym)]
    rows = [[(_toggle(label, on), f"{TOGGLE}{i}")] for i, (label, on) in enumerate(labels)]
    return Say(texts.EQUIPMENT_ASK_ALL, _answers(Step.EQUIPMENT, *rows, [(texts.DONE, DONE)]))


def _hangs(_person: Person) -> Say:
    """2 or 3 a day on the buttons, their suggested times in the question (a label with
    three times would not fit a phone's button)."""
    rows = [[(texts.HANGS_OPTION.format(count=n), str(n))] for n in HANG_SUGGESTIONS]
    two, three = (", ".join(HANG_SUGGESTIONS[n]) for n in (2, 3))
    return Say(texts.HANGS_ASK.format(two=two, three=three), _answers(Step.HANGS, *rows))


def _red_flags(step: Step) -> Callable[[Person], Say]:
    def ask(person: Person) -> Say:
        since = person.safety.cleared_at is not None
        return _yes_no(step, red_flags.question(TIER_OF[step], since_cleared=since))

    return ask


def red_flag_hold() -> Say:
    """The red-flag pause, with the button that starts the all-clear (never lifts it)."""
    return Say(
        texts.PAUSED_FOR_RED_FLAG,
        ((Button(texts.CLEARED_START, Action.CLEAR_HOLD),),),
        alone=True,
    )


def _hold(_person: Person) -> Say:
    return red_flag_hold()


def flagged(person: Person) -> str:
    """What was flagged and when, in the person's zone: the tier's signs."""
    safety = person.safety
    tier = safety.red_flag or RedFlagGroup.EMERGENCY
    at = safety.red_flag_at
    when = "?"
    if at is not None:
        local = at.astimezone(load_zone(person.timezone or "UTC"))
        when = f"{texts.day(local.date())} {local:%H:%M}"
    return texts.CLEAR_FLAGGED[tier.value].format(when=when, signs=red_flags.bullets(tier))


def _clear_when(person: Person) -> Say:
    rows = [
        [(texts.BTN_CLEAR_AFTER, AFTER)],
        [(texts.BTN_CLEAR_BEFORE, BEFORE)],
        [(texts.BTN_CLEAR_NOT_YET, NOT_YET)],
    ]
    text = f"{flagged(person)}\n\n<b>{texts.CLEAR_ASK_WHEN}</b>"
    return Say(text, _answers(Step.CLEAR_WHEN, *rows), alone=True)


def _clear_ok(_person: Person) -> Say:
    rows = [[(texts.BTN_CLEAR_YES, "y")], [(texts.BTN_CLEAR_NO, "n")]]
    return Say(texts.CLEAR_ASK_OK, _answers(Step.CLEAR_OK, *rows), alone=True)


def _zone_choice(person: Person) -> Say:
    rows = [[(label, str(i))] for i, (label, _zone) in enumerate(zone_choices(person))]
    return Say(texts.TIMEZONE_CHOOSE, _answers(Step.TZ_CHOICE, *rows))


def _checkin_time(_person: Person) -> Say:
    buttons = [(t, t.replace(":", "")) for t in CHECKIN_TIMES]
    return Say(texts.CHECKIN_TIME_ASK, _answers(Step.CHECKIN_TIME, buttons[:3], buttons[3:]))


TOGGLES = {Step.SCREENING: len(SCREENING_KEYS), Step.EQUIPMENT: len(Equipment) + 1}

STEPS: dict[Step, Spec] = {
    Step.CONSENT: Spec(lambda _p: _consent(), next=Step.TIMEZONE),
    Step.SCREENING: Spec(
        _screening,
        buttons=frozenset({DONE, NONE, *(f"{TOGGLE}{i}" for i in range(len(SCREENING_KEYS)))}),
        next=Step.RF_EMERGENCY,
    ),
    Step.RF_EMERGENCY: Spec(_red_flags(Step.RF_EMERGENCY), next=Step.RF_URGENT),
    Step.RF_URGENT: Spec(_red_flags(Step.RF_URGENT), next=Step.RF_SOON),
    Step.RF_SOON: Spec(_red_flags(Step.RF_SOON), next=Step.CHECKIN_TIME),
    # The all-clear after a red-flag "yes" (services/red_flags.py): two deliberate answers.
    Step.CLEAR_WHEN: Spec(_clear_when, buttons=frozenset({AFTER, BEFORE, NOT_YET})),
    Step.CLEAR_OK: Spec(_clear_ok),
    # After a "yes" and a clinician's all-clear: the next group after the one answered
    # "yes", then the rest of the set-up (see ``after_hold``).
    Step.RF_HOLD: Spec(_hold, buttons=frozenset(), next=Step.CHECKIN_TIME),
    # The time zone comes right after consent, so the safety advice carries the local
    # emergency number; a person who answered screening before (an older order) skips it.
    Step.TIMEZONE: Spec(
        lambda _p: Say(texts.TIMEZONE_ASK, keyboard=Keyboard.SHARE_LOCATION),
        buttons=frozenset(),
        typed=True,
        next=Step.SCREENING,
    ),
    Step.TZ_CHOICE: Spec(_zone_choice, buttons=None, typed=True, next=Step.SCREENING),
    Step.CHECKIN_TIME: Spec(
        _checkin_time,
        buttons=frozenset(t.replace(":", "") for t in CHECKIN_TIMES),
        typed=True,
        next=Step.EQUIPMENT,
    ),
    # Equipment before the hang times: without a bar there are no hang reminders to time.
    Step.EQUIPMENT: Spec(
        _equipment,
        buttons=frozenset({DONE, *(f"{TOGGLE}{i}" for i in range(len(Equipment) + 1))}),
        next=Step.HANGS,
    ),
    Step.HANGS: Spec(
        _hangs, buttons=frozenset(str(n) for n in HANG_SUGGESTIONS), typed=True, next=None
    ),
    # Naming activities (services/function.py): typed, one per message, "That's all" ends it.
    Step.ACTIVITY: Spec(lambda _p: activity_question(), buttons=frozenset(), typed=True),
}


def activity_question() -> Say:
    """Name an activity, or end the list."""
    done = Button(texts.BTN_FUNCTION_DONE, Action.ACTIVITY, ("done",))
    return Say(texts.FUNCTION_NAME_ASK, ((done,),))


def after_zone(person: Person) -> Step:
    """The onboarding step after the time zone: screening, unless already answered."""
    return Step.SCREENING if person.safety.screening is None else Step.CHECKIN_TIME


def after_hold(person: Person) -> Step:
    """The onboarding step after a red-flag hold is lifted."""
    stored = str(person.step_data.get("after", ""))
    if stored in Step.__members__.values():
        return Step(stored)
    return Step.TIMEZONE if person.timezone is None else Step.CHECKIN_TIME


def step_of(person: Person) -> Step | None:
    """The step a person is in (None when no question is open, or an unknown stored one)."""
    if not person.step:
        return None
    try:
        return Step(person.step)
    except ValueError:
        return LEGACY.get(person.step)


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


def red_flags_open(person: Person) -> bool:
    """Whether the red-flag question is the open question: until it is answered, nothing
    else (no plan, no *Done*, no prompt or hang reminder) is sent."""
    return person.registered and step_of(person) in RED_FLAGS


def started(person: Person) -> bool:
    """Whether the person has sent /start: before it, a chat may be stored with nothing but
    the language chosen with /language."""
    return person.registered or person.step is not None
