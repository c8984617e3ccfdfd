"""Plain dataclasses the coach decides over. Storage returns these; nothing here touches I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from coach.function import Function


class Equipment(StrEnum):
    """Equipment a person may have; each move names what it needs."""

    PULLUP_BAR = "pullup_bar"
    BAND = "band"
    CABLE = "cable"
    BENCH = "bench"
    DUMBBELL = "dumbbell"
    BARBELL = "barbell"


class Feedback(StrEnum):
    """What a person said about a move on a day.

    After a *Done*, a person may say how the dose felt: *Easy*, *Right* or *Hard* (optional);
    these move the move's dose level (coach/doses.py).
    """

    DONE = "done"
    WORSE = "worse"
    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"


class RedFlagGroup(StrEnum):
    """The red-flag tiers (coach/red_flags.toml): emergency care now, a doctor today, or a
    GP within days (the program goes on)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"


@dataclass(frozen=True, slots=True)
class Rating:
    """The final pain rating (0-10) of one local calendar day."""

    day: date
    pain: int


@dataclass(frozen=True, slots=True)
class MoveFeedback:
    """A *Done*, *Made it worse*, or *Easy* / *Right* / *Hard* on one move, on one local day.

    An *Undo* of "worse" deletes the row, so a mis-tap leaves no trace in the rules.
    """

    day: date
    move: str
    kind: Feedback


@dataclass(frozen=True, slots=True)
class Profile:
    """What the coach knows about a person besides their ratings."""

    equipment: frozenset[Equipment] = frozenset()
    gym_experienced: bool = False


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """Equipment or gym experience as changed on a local day, in force from that day."""

    day: date
    profile: Profile


@dataclass(frozen=True, slots=True)
class History:
    """Everything the stage rules replay: ratings, feedback and profile changes, in any order.

    ``profile`` is the current profile; ``profile_changes`` date it (see ``profile_on``).
    """

    profile: Profile = field(default_factory=Profile)
    ratings: tuple[Rating, ...] = ()
    feedback: tuple[MoveFeedback, ...] = ()
    profile_changes: tuple[ProfileChange, ...] = ()
    # The activities and their weekly ratings, where a use case loads them (the summary).
    function: Function = field(default_factory=Function)


def profile_on(history: History, day: date) -> Profile:
    """The profile in force on ``day``: the latest change on or before it, else the current."""
    latest: ProfileChange | None = None
    for change in history.profile_changes:
        if change.day <= day and (latest is None or change.day >= latest.day):
            latest = change
    return history.profile if latest is None else latest.profile


@dataclass(frozen=True, slots=True)
class Screening:
    """Onboarding screening answers: any True needs a clinician's go-ahead."""

    pregnant: bool = False
    recent_spinal_surgery: bool = False
    osteoporosis: bool = False
    under_18: bool = False

    @property
    def needs_clearance(self) -> bool:
        return self.pregnant or self.recent_spinal_surgery or self.osteoporosis or self.under_18


@dataclass(frozen=True, slots=True)
class SafetyState:
    """Where a person stands with screening and red flags.

    ``red_flag`` is the group of the last "yes" that is not yet lifted by a clinician's
    all-clear; ``cleared_at`` is when a clinician last said exercise is OK.
    """

    screening: Screening | None = None
    screening_cleared_at: datetime | None = None
    red_flag: RedFlagGroup | None = None
    red_flag_at: datetime | None = None
    cleared_at: datetime | None = None


@dataclass(slots=True)
class Person:
    """One person the bot coaches: settings, consent, safety, and where they are in a dialogue.

    ``step`` and ``step_data`` are the conversation state (``services/steps.py``): the step a person
    is in is stored with them, in the same transaction as their answer.
    """

    chat_id: int
    created_at: datetime
    timezone: str | None = None
    checkin_time: time | None = None
    hang_times: tuple[time, ...] = ()
    profile: Profile = field(default_factory=Profile)
    consent_version: str | None = None
    consent_at: datetime | None = None
    safety: SafetyState = field(default_factory=SafetyState)
    step: str | None = None
    step_data: dict[str, object] = field(default_factory=dict)
    paused: bool = False
    active: bool = True
    registered: bool = False
    escalation_suggested_on: date | None = None
    quiet: bool = False  # after 3 ignored check-in prompts: no prompts until they answer
    weekly_summary: bool = True
    checkin_weekly: bool = False  # in maintenance a person may check in once a week
    language: str = "en"  # what Back Coach speaks to them (coach/i18n.py): en, ru or es
    # The local day the person had reached when they last changed time zone: "today" never
    # goes back before it, so a day already over in any zone they had is never rated again.
    day_floor: date | None = None


class SafetyEventKind(StrEnum):
    """Entries of the safety log, kept for the person's export."""

    SCREENING = "screening"
    SCREENING_CLEARED = "screening_cleared"
    RED_FLAGS_NONE = "red_flags_none"
    RED_FLAG = "red_flag"
    CLINICIAN_CLEARED = "clinician_cleared"


@dataclass(frozen=True, slots=True)
class SafetyEvent:
    """One answer to screening or red-flag questions, or a clinician's all-clear."""

    at: datetime
    kind: SafetyEventKind
    detail: str = ""
