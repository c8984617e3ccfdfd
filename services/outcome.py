"""What a service returns: what happened and what to say, as plain data.

``conversations/render.py`` turns each message into Telegram text and keyboards; nothing
here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from coach import i18n, texts
from coach.model import Equipment, MoveFeedback
from coach.plan import Plan
from services.actions import Action


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: its label, and the action (with arguments) a press asks for."""

    label: str
    action: Action
    args: tuple[str | int | date, ...] = ()


Rows = tuple[tuple[Button, ...], ...]


class Keyboard(StrEnum):
    """The reply keyboard under the input field, when a message changes it."""

    SHARE_LOCATION = "share_location"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class Say:
    """One message: Telegram-HTML text, and inline buttons or a reply keyboard.

    ``alone``: safety (red-flag advice, a hold, a suggestion to see a clinician) comes as a
    message of its own, sent at the bottom of the chat: never folded into another message's
    text nor edited into the message a person pressed, where it could be read past.
    """

    text: str
    buttons: Rows = ()
    keyboard: Keyboard | None = None
    alone: bool = False


@dataclass(frozen=True, slots=True)
class ShowPlan:
    """The day's plan, with the day's feedback that decides its buttons."""

    plan: Plan
    feedback: tuple[MoveFeedback, ...]
    legend: bool = False  # what the marks and buttons mean: the first days, and /today


@dataclass(frozen=True, slots=True)
class ShowHow:
    """How to do a move."""

    slug: str


@dataclass(frozen=True, slots=True)
class ShowExercises:
    """Every move by stage, marking what the person's equipment allows."""

    stage: int
    equipment: frozenset[Equipment]


Message = Say | ShowPlan | ShowHow | ShowExercises


@dataclass(slots=True)
class Outcome:
    """The result of a use case: messages to send, a button's toast, what to redraw."""

    messages: list[Message] = field(default_factory=list)
    toast: str | None = None
    answered: bool = False  # a question was answered: its buttons can go
    edit: bool = False  # a toggle: the question's own message is redrawn, nothing is sent
    # A plan button changed today's plan: the plan as it now stands, made in the press's
    # own unit of work, to redraw the pressed plan message with.
    redraw_plan: ShowPlan | None = None
    # The language its texts were composed in, which renders the rest (a plan, a move):
    # a service that composes in another language (a language just chosen) says so.
    language: str = field(default_factory=i18n.current)


def pain_question(day: date, text: str | None = None) -> Say:
    """The 0-10 question for a day's rating (asked in the person's language)."""
    buttons = tuple(Button(str(n), Action.PAIN, (day, n)) for n in range(11))
    return Say(text or texts.PAIN_ASK, (buttons[:6], buttons[6:]))


def hold_notice(text: str) -> Say:
    """A hold's explanation, with the one button that lifts it."""
    return Say(text, ((Button(texts.CLINICIAN_OK, Action.CLEAR_HOLD),),), alone=True)
