"""Every text Back Coach says, in one catalogue (English first; translations can follow).

Texts are plain; the Telegram layer escapes them for HTML. Placeholders use str.format.
"""

from __future__ import annotations

from datetime import date


def plural(count: int, noun: str) -> str:
    """'1 more day', '2 more days'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def day(value: date) -> str:
    """A short, unambiguous date: 'Mon 3 Nov'."""
    return f"{value:%a} {value.day} {value:%b}"


EQUIPMENT = {
    "pullup_bar": "a pull-up bar",
    "band": "a resistance band",
    "cable": "a cable machine",
    "bench": "a bench",
    "dumbbell": "a dumbbell",
    "barbell": "a barbell",
}

MET = "✅"
UNMET = "▫️"

NEED_STREAK = "pain ≤ {pain} on {target} days in a row: {have} of {target}{more}"
NEED_SESSIONS = "{target} stage-{stage} sessions: {have} of {target}{more}"
NEED_NO_LEFT_OUT = "no stage-{stage} move left out after “made it worse” (left out now: {names})"
NEED_EQUIPMENT = "equipment for the next moves (missing: {items})"
NEED_NO_FLARE = "no flare since entering this stage (flares: {flares})"

WHY_STAGE = "You are in stage {stage}: {name}."
WHY_NO_CHECKINS = "Every program starts here. Check in with /checkin to begin."
ENTERED_BY = {
    "start": "You started the program on {day}.",
    "advance": "You moved up on {day}: you met every condition of this stage.",
    "flare": "You moved down on {day} because of a flare (a sharp rise in pain).",
    "away": "You moved down on {day} after time away, to restart gently.",
}
WHY_MAINTENANCE = (
    "Four weeks at the top with no flare: you are in maintenance. "
    "A weekly check-in is enough now, if you prefer."
)
WHY_TOP = "This is the last stage of the progression. Keep it up at a weight that moves cleanly."
WHY_NEXT = "To reach stage {stage} ({name}), all of these must hold:"
WHY_ALL_MET = "Everything is met: you move up at your next check-in."
WHY_CAP = (
    "Without a barbell the program tops out at stage {cap}. "
    "Tell me in /settings if you get access to one."
)

PLAN_REASON = {
    "flare": (
        "Pain {pain}/10 today is a flare, a sharp rise for you. Today is bar hangs only; "
        "don't push through pain."
    ),
    "flare_drop": (
        "Pain {pain}/10 today is a flare, a sharp rise for you, so you move back to "
        "stage {stage} and today is bar hangs only. Don't push through pain; "
        "this is a normal part of recovery."
    ),
    "away": (
        "Welcome back. After {days}+ days away you restart one stage lower, at stage {stage}, "
        "to ease back in."
    ),
    "advance": "You earned stage {stage}: {name}. New moves are marked below.",
    "rest": "Stage {stage}: {name}. The lifts rest today (every other day).",
    "same": "Stage {stage}: {name}.",
}
