"""Red flags: the answers to the three tiers' questions, the advice with the local
numbers, and the all-clear that lifts a pause.

The all-clear means one: it is never a button on the advice. It starts from /cleared (or
the pause's own message), names what was flagged and when, asks when the person was
examined (before the flagged answer does not count) and whether the clinician said
exercise is OK: two deliberate answers. After an emergency answer it is not offered for an
hour. Each step is stored with the person (``services/steps.py``).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from coach import places, red_flags, texts
from coach.model import Person, RedFlagGroup, SafetyEvent, SafetyEventKind
from coach.places import load_zone
from coach.safety import Hold, clinician_cleared, hold, record_red_flag
from services.core import Core
from services.outcome import Message, Outcome, Say, pain_question
from services.steps import (
    AFTER,
    BEFORE,
    STEPS,
    TIER_OF,
    Step,
    after_hold,
    question,
)
from services.unit import Work, unit

# After an emergency "yes", the all-clear waits this long: the person should be on their
# way to an emergency department, not tapping through questions.
EMERGENCY_WAIT = timedelta(hours=1)


# --- advice --------------------------------------------------------------------------------


def number_words(zone: str | None) -> str | None:
    """The local emergency number(s) with the country, or None when it is not known."""
    found = places.emergency_number(zone or "UTC")
    if not found.number:
        return None
    template = texts.EMERGENCY_NUMBER_ALSO if found.also else texts.EMERGENCY_NUMBER
    country = texts.country(found.country_code, found.country)
    return template.format(number=found.number, also=found.also, country=country)


def with_number(sentences: dict[str, str], zone: str | None) -> str:
    """A whole sentence for the known number, or the one for an unknown number: a phrase is
    never fitted into a sentence made for the other."""
    words = number_words(zone)
    if words is None:
        return sentences["unknown"]
    return sentences["number"].format(number=escape(words))


def _how_to_get_the_number(zone: str | None) -> str:
    found = places.emergency_number(zone or "UTC")
    return "" if found.country else texts.EMERGENCY_NUMBER_HOW


def advice(tier: RedFlagGroup, zone: str | None) -> str:
    """What to do after a "yes" in a tier, with the local numbers where they are known."""
    if tier is RedFlagGroup.SOON:
        return texts.SOON_ADVICE
    if tier is RedFlagGroup.EMERGENCY:
        text = with_number(texts.EMERGENCY_ADVICE, zone)
    else:
        text = with_number(texts.URGENT_ADVICE, zone)
        found = places.emergency_number(zone or "UTC")
        if found.urgent:
            country = texts.country(found.country_code, found.country)
            line = texts.EMERGENCY_NUMBER.format(number=found.urgent, country=country)
            text += " " + texts.URGENT_LINE.format(urgent=escape(line))
    return text + _how_to_get_the_number(zone)


def info(zone: str | None) -> Say:
    """The warning signs and what to do, for anyone (nothing is asked or stored)."""
    text = texts.RED_FLAGS_INFO.format(
        emergency=red_flags.bullets(RedFlagGroup.EMERGENCY),
        urgent=red_flags.bullets(RedFlagGroup.URGENT),
        soon=red_flags.bullets(RedFlagGroup.SOON),
        call=with_number(texts.RED_FLAGS_CALL, zone),
    )
    return Say(text + _how_to_get_the_number(zone))


# --- the answers -----------------------------------------------------------------------------


async def answered(work: Work, person: Person, step: Step, yes: bool) -> list[Message] | None:
    """An answer to one tier's question. A "yes" is logged with the wording's version; an
    emergency or urgent one pauses everything and answers with the advice alone (no
    button: the all-clear is its own conversation). Returns None after a "no" or a "soon"
    "yes", for the caller to go on to the next question or the plan."""
    tier = TIER_OF[step]
    if not yes:
        return None
    wording = f"wording {texts.RED_FLAGS_VERSION}"
    record_red_flag(person, tier, work.now)
    detail = f"{tier} ({wording})"
    await work.safety.log(person.chat_id, SafetyEvent(work.now, SafetyEventKind.RED_FLAG, detail))
    if not red_flags.holds(tier):
        return None
    resume_at = STEPS[step].next
    person.step = None if person.registered else Step.RF_HOLD
    person.step_data = {} if person.registered else {"after": str(resume_at)}
    return [
        Say(advice(tier, person.timezone), alone=True),
        Say(texts.RED_FLAG_PAUSED, alone=True),
    ]


# --- the all-clear ---------------------------------------------------------------------------


async def start_clearance(core: Core, chat_id: int) -> Outcome:
    """/cleared, or the pause message's button: the first question of the all-clear."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        messages = begin(work, person)
        await work.save(person)
        await work.commit()
    return Outcome(messages)


def begin(work: Work, person: Person) -> list[Message]:
    """Start the all-clear (the caller saves the person): refused with nothing to clear,
    and for an hour after an emergency answer."""
    safety = person.safety
    if hold(person) is not Hold.RED_FLAG or safety.red_flag is None:
        return [Say(texts.CLEAR_NOTHING)]
    if person.step in (Step.CLEAR_WHEN, Step.CLEAR_OK):
        return [question(person)]  # already under way: the open question again
    at = safety.red_flag_at
    if safety.red_flag is RedFlagGroup.EMERGENCY and at and work.now - at < EMERGENCY_WAIT:
        local = (at + EMERGENCY_WAIT).astimezone(load_zone(person.timezone or "UTC"))
        return [
            Say(texts.CLEAR_TOO_SOON.format(time=f"{local:%H:%M}"), alone=True),
            Say(advice(RedFlagGroup.EMERGENCY, person.timezone), alone=True),
        ]
    back = {"back": person.step or "", **person.step_data}
    person.step, person.step_data = Step.CLEAR_WHEN, back
    return [question(person)]


def _stay_paused(person: Person, text: str) -> list[Message]:
    """The all-clear did not count: back where the person was, still paused."""
    data = dict(person.step_data)
    back = str(data.pop("back", ""))
    person.step = back or None
    person.step_data = data if back else {}
    return [Say(text, alone=True)]


async def clearance_answer(work: Work, person: Person, step: Step, value: str) -> list[Message]:
    """An answer to one of the all-clear's two questions (a value the step accepts)."""
    if step is Step.CLEAR_WHEN:
        if value == AFTER:
            person.step = Step.CLEAR_OK
            return [question(person)]
        return _stay_paused(person, texts.CLEAR_BEFORE if value == BEFORE else texts.CLEAR_NOT_YET)
    if value != "y":
        return _stay_paused(person, texts.CLEAR_NOT_OK)
    back = str(person.step_data.get("back", ""))
    after = person.step_data.get("after")
    flagged_at = person.safety.red_flag_at
    detail = f"examined after the answer of {flagged_at:%Y-%m-%d %H:%M} UTC" if flagged_at else ""
    clinician_cleared(person, work.now)
    await work.safety.log(
        person.chat_id, SafetyEvent(work.now, SafetyEventKind.CLINICIAN_CLEARED, detail)
    )
    if back == Step.RF_HOLD:  # set-up goes on where the "yes" stopped it: no program yet
        person.step_data = {"after": after} if after else {}
        person.step, person.step_data = after_hold(person), {}
        return [Say(texts.CLEARED_SETUP), question(person)]
    person.step, person.step_data = None, {}
    return [Say(await cleared_text(work, person)), pain_question(work.core.today(person))]


async def cleared_text(work: Work, person: Person) -> str:
    """What the all-clear says: the program goes on, or, held since set-up, it starts."""
    started = await work.ratings.latest_days([person.chat_id])
    return texts.CLEARED if started else texts.CLEARED_FIRST
