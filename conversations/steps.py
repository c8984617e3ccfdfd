"""The steps of a dialogue, by name, and the question each one asks.

The step a person is in is stored with them (``Person.step``), so any handler can ask the
current question again: after a restart, an old button, or an unexpected message.
"""

from __future__ import annotations

from html import escape

from telegram import KeyboardButton, ReplyKeyboardMarkup

from coach import texts
from coach.model import Equipment, Person
from conversations.payload import Signer
from conversations.render import keyboard
from conversations.replies import Reply

CONSENT = "consent"
SCREENING_STEPS = ["sc_pregnant", "sc_recent_spinal_surgery", "sc_osteoporosis", "sc_under_18"]
RF_EMERGENCY = "rf_emergency"
RF_URGENT = "rf_urgent"
RF_HOLD = "rf_hold"
TIMEZONE = "timezone"
TZ_CHOICE = "tz_choice"
CHECKIN_TIME = "checkin_time"
HANG_COUNT = "hang_count"
HANG_TIMES = "hang_times"
GYM = "gym"
EQUIPMENT_STEPS = [f"eq_{item.value}" for item in Equipment]

# Onboarding after the safety questions, in order.
SETUP = [TIMEZONE, CHECKIN_TIME, HANG_COUNT, HANG_TIMES, *EQUIPMENT_STEPS, GYM]

CHECKIN_TIMES = ["07:00", "08:00", "09:00", "12:00", "18:00", "20:00"]
HANG_SUGGESTIONS = {2: ["08:30", "18:30"], 3: ["08:30", "13:00", "19:00"]}


def next_setup_step(step: str) -> str | None:
    """The setup step after ``step`` (None when setup is complete)."""
    index = SETUP.index(step)
    return SETUP[index + 1] if index + 1 < len(SETUP) else None


def question(signer: Signer, person: Person) -> Reply:
    """The question of the step a person is in."""
    step, chat = person.step, person.chat_id

    def ask(text: str, *rows: list[tuple[str, str]]) -> Reply:
        return Reply(text, keyboard(rows) if rows else None)

    def answer(value: str) -> str:
        return signer.sign(chat, "ob", step or "", value)

    since = texts.SINCE_CLEARED if person.safety.cleared_at else ""
    if step == CONSENT:
        return ask(
            texts.CONSENT, [(texts.CONSENT_YES, answer("y")), (texts.CONSENT_NO, answer("n"))]
        )
    if step in SCREENING_STEPS:
        item = texts.SCREENING_ITEMS[step.removeprefix("sc_")]
        intro = texts.SCREENING_INTRO if step == SCREENING_STEPS[0] else ""
        return ask(f"{intro}{item}", [(texts.YES, answer("y")), (texts.NO, answer("n"))])
    if step in (RF_EMERGENCY, RF_URGENT):
        template = texts.RED_FLAGS_EMERGENCY if step == RF_EMERGENCY else texts.RED_FLAGS_URGENT
        return ask(
            template.format(since=since), [(texts.YES, answer("y")), (texts.NO, answer("n"))]
        )
    if step == RF_HOLD:
        return ask(texts.PAUSED_FOR_RED_FLAG, [(texts.CLINICIAN_OK, signer.sign(chat, "cl"))])
    if step == TIMEZONE:
        share = KeyboardButton(texts.SHARE_LOCATION, request_location=True)
        markup = ReplyKeyboardMarkup([[share]], one_time_keyboard=True, resize_keyboard=True)
        return Reply(texts.TIMEZONE_ASK, markup)
    if step == TZ_CHOICE:
        options = person.step_data.get("choices", [])
        assert isinstance(options, list)
        rows = [[(str(option[0]), answer(str(i)))] for i, option in enumerate(options)]
        return ask(texts.TIMEZONE_CHOOSE, *rows)
    if step == CHECKIN_TIME:
        buttons = [(t, answer(t.replace(":", ""))) for t in CHECKIN_TIMES]
        return ask(texts.CHECKIN_TIME_ASK, buttons[:3], buttons[3:])
    if step == HANG_COUNT:
        return ask(texts.HANG_COUNT_ASK, [("2", answer("2")), ("3", answer("3"))])
    if step == HANG_TIMES:
        count = int(str(person.step_data.get("hang_count", 2)))
        times = " ".join(HANG_SUGGESTIONS[count])
        text = texts.HANG_TIMES_ASK.format(times=times, count=count, example=times)
        return ask(text, [(f"{texts.USE_THESE}: {times}", answer("ok"))])
    if step in EQUIPMENT_STEPS:
        item = texts.EQUIPMENT[step.removeprefix("eq_")]
        return ask(
            texts.EQUIPMENT_ASK.format(item=escape(item)),
            [(texts.YES, answer("y")), (texts.NO, answer("n"))],
        )
    if step == GYM:
        return ask(texts.GYM_ASK, [(texts.GYM_YES, answer("y")), (texts.GYM_NO, answer("n"))])
    return Reply(texts.UNEXPECTED_TEXT)
