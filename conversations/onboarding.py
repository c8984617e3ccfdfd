"""Onboarding answers: consent, screening, red flags, time zone, times, equipment, gym.

Each function takes the person (loaded in the caller's unit of work), changes them, and
returns what to say; the caller stores the person and the answer in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time
from html import escape

from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove

from coach import places, texts
from coach.model import Equipment, Person, Profile, RedFlagGroup, SafetyEvent, SafetyEventKind
from coach.model import Screening as ScreeningAnswers
from coach.safety import Hold, hold, record_red_flag, record_screening
from conversations import steps
from conversations.context import Deps
from conversations.render import keyboard, pain_keyboard
from conversations.replies import Reply
from storage.unit_of_work import UnitOfWork

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


def zone_label(zone: str | None) -> str:
    """A zone as a person reads it: "Etc/GMT-3" (POSIX signs are inverted) is "UTC+3"."""
    posix = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", zone or "")
    if posix is None:
        return zone or "UTC"
    return f"UTC{'-' if posix[1] == '+' else '+'}{int(posix[2])}"


def goto(deps: Deps, person: Person, step: str | None) -> list[Reply]:
    """Move to a step and ask its question (finishing setup after the last)."""
    person.step = step
    if step is None:
        return finish(deps, person)
    return [steps.question(deps.signer, person)]


def then(deps: Deps, person: Person, step: str | None) -> list[Reply]:
    """After a setting: onboarding goes on to ``step``; a change from /settings is done."""
    if person.registered:
        person.step, person.step_data = None, {}
        return [Reply(texts.SAVED)]
    return goto(deps, person, step)


def finish(deps: Deps, person: Person) -> list[Reply]:
    """Setup is complete: register the person and ask for the first check-in."""
    if person.registered:  # the last step of a change from /settings
        return then(deps, person, None)
    person.registered, person.step, person.step_data = True, None, {}
    hangs = ", ".join(f"{t:%H:%M}" for t in person.hang_times)
    checkin = f"{person.checkin_time:%H:%M}" if person.checkin_time else "?"
    today = deps.clock.now().astimezone(places.load_zone(person.timezone or "UTC")).date()
    zone = zone_label(person.timezone)
    why = hold(person)
    if why is not None:  # no rating is asked for while the program waits for a clinician
        waiting = texts.PAUSED_FOR_RED_FLAG if why is Hold.RED_FLAG else texts.WAITING_FOR_SCREENING
        return [
            Reply(texts.SETUP_DONE_HELD.format(checkin=checkin, hangs=hangs, zone=zone)),
            Reply(waiting, clear_button(deps, person)),
        ]
    return [
        Reply(texts.SETUP_DONE.format(checkin=checkin, hangs=hangs, zone=zone)),
        Reply(texts.PAIN_ASK, pain_keyboard(deps.signer, person.chat_id, today)),
    ]


async def answer(
    deps: Deps, uow: UnitOfWork, person: Person, value: str, now: datetime
) -> list[Reply]:
    """A button answer to the current onboarding step."""
    step = person.step or ""
    yes = value == "y"
    if step == steps.CONSENT:
        if not yes:
            await uow.people.delete_everything(person.chat_id)
            person.step = None
            return [Reply(texts.CONSENT_DECLINED)]
        person.consent_version, person.consent_at = texts.CONSENT_VERSION, now
        return goto(deps, person, steps.SCREENING_STEPS[0])
    if step in steps.SCREENING_STEPS:
        return await screening_answer(deps, uow, person, yes, now)
    if step in (steps.RF_EMERGENCY, steps.RF_URGENT):
        return await red_flag_answer(deps, uow, person, yes, now)
    if step == steps.TZ_CHOICE:
        choices = person.step_data.get("choices", [])
        assert isinstance(choices, list)
        if not value.isdigit() or int(value) >= len(choices):
            return [steps.question(deps.signer, person)]
        return set_zone(deps, person, str(choices[int(value)][1]))
    if step == steps.CHECKIN_TIME:
        chosen = parse_time(f"{value[:2]}:{value[2:]}")
        return set_checkin_time(deps, person, chosen) if chosen else goto(deps, person, step)
    if step == steps.HANG_COUNT and value in ("2", "3"):
        person.step_data = {"hang_count": int(value)}
        return goto(deps, person, steps.HANG_TIMES)
    if step == steps.HANG_TIMES and value == "ok":
        count = int(str(person.step_data.get("hang_count", 2)))
        return set_hang_times(deps, person, tuple(map(parse_hhmm, steps.HANG_SUGGESTIONS[count])))
    if step in steps.EQUIPMENT_STEPS:
        item = Equipment(step.removeprefix("eq_"))
        owned = person.profile.equipment | {item} if yes else person.profile.equipment - {item}
        person.profile = replace(person.profile, equipment=frozenset(owned))
        return goto(deps, person, steps.next_setup_step(step))
    if step == steps.GYM:
        person.profile = Profile(person.profile.equipment, gym_experienced=yes)
        return goto(deps, person, None)
    return [steps.question(deps.signer, person)]


def parse_hhmm(text: str) -> time:
    """A time from the program's own 'HH:MM' constants."""
    parsed = parse_time(text)
    assert parsed is not None
    return parsed


def clear_button(deps: Deps, person: Person) -> InlineKeyboardMarkup:
    """The one button that lifts a hold: a clinician said exercise is OK."""
    return keyboard([[(texts.CLINICIAN_OK, deps.signer.sign(person.chat_id, "cl"))]])


def emergency_words(zone: str | None) -> str:
    """The local emergency number, from the country of the person's time zone."""
    found = places.emergency_number(zone or "UTC")
    if not found.number:
        return texts.EMERGENCY_NUMBER_UNKNOWN
    template = texts.EMERGENCY_NUMBER_ALSO if found.also else texts.EMERGENCY_NUMBER
    return template.format(number=found.number, also=found.also, country=found.country)


async def screening_answer(
    deps: Deps, uow: UnitOfWork, person: Person, yes: bool, now: datetime
) -> list[Reply]:
    """One screening answer; after the last, a "yes" asks for a clinician's go-ahead."""
    step = person.step or ""
    key = step.removeprefix("sc_")
    so_far = person.step_data.get("screening", {})
    answers = {str(k): bool(v) for k, v in so_far.items()} if isinstance(so_far, dict) else {}
    answers[key] = yes
    person.step_data = {"screening": answers}
    following = steps.SCREENING_STEPS.index(step) + 1
    if following < len(steps.SCREENING_STEPS):
        return goto(deps, person, steps.SCREENING_STEPS[following])
    screening = ScreeningAnswers(**{k: bool(v) for k, v in answers.items()})
    record_screening(person, screening)
    detail = ",".join(k for k, v in sorted(answers.items()) if v) or "none"
    await uow.safety.log(person.chat_id, SafetyEvent(now, SafetyEventKind.SCREENING, detail))
    person.step_data = {}
    held = (
        [Reply(texts.SCREENING_HOLD, clear_button(deps, person))]
        if screening.needs_clearance
        else []
    )
    return held + goto(deps, person, steps.RF_EMERGENCY)


async def red_flag_answer(
    deps: Deps, uow: UnitOfWork, person: Person, yes: bool, now: datetime
) -> list[Reply]:
    """An answer to one red-flag group: a "yes" pauses everything, with the advice."""
    emergency = person.step == steps.RF_EMERGENCY
    group = (RedFlagGroup.EMERGENCY if emergency else RedFlagGroup.URGENT) if yes else None
    if group is not None:
        record_red_flag(person, group, now)
        await uow.safety.log(person.chat_id, SafetyEvent(now, SafetyEventKind.RED_FLAG, group))
        advice = texts.EMERGENCY_ADVICE if emergency else texts.URGENT_ADVICE
        person.step = None if person.registered else steps.RF_HOLD
        person.step_data = {}
        number = escape(emergency_words(person.timezone))
        return [Reply(advice.format(number=number), clear_button(deps, person))]
    if emergency:
        return goto(deps, person, steps.RF_URGENT)
    await uow.safety.log(person.chat_id, SafetyEvent(now, SafetyEventKind.RED_FLAGS_NONE))
    then = person.step_data.get("then")
    person.step_data = {}
    if not person.registered:
        return goto(deps, person, steps.TIMEZONE)
    person.step = None
    if then == "plan":
        from conversations.checkin import plan_replies

        return [Reply(texts.NO_RED_FLAGS), *await plan_replies(deps, uow, person)]
    return [Reply(texts.NO_RED_FLAGS)]


def zone_text(deps: Deps, person: Person, text: str) -> list[Reply]:
    """A typed time zone, city or UTC offset."""
    found = places.resolve_zone(text)
    if isinstance(found, places.Zone):
        return set_zone(deps, person, found.name, fixed=not found.follows_dst)
    if isinstance(found, places.Choice):
        person.step_data = {
            "choices": [[f"{c.city}, {c.country} ({c.zone})", c.zone] for c in found.candidates]
        }
        return goto(deps, person, steps.TZ_CHOICE)
    return [Reply(texts.TIMEZONE_NOT_FOUND.format(hint=escape(found.hint)))]


def set_zone(deps: Deps, person: Person, zone: str, *, fixed: bool = False) -> list[Reply]:
    """Store the person's zone and go on to the check-in time."""
    person.timezone, person.step_data = zone, {}
    local = deps.clock.now().astimezone(places.load_zone(zone))
    replies = [
        Reply(
            texts.TIMEZONE_SET.format(zone=zone_label(zone), local=f"{local:%H:%M}"),
            ReplyKeyboardRemove(),
        )
    ]
    if fixed:
        replies.append(Reply(texts.TIMEZONE_FIXED))
    return replies + then(deps, person, steps.CHECKIN_TIME)


def set_checkin_time(deps: Deps, person: Person, chosen: time) -> list[Reply]:
    """Store the daily check-in time."""
    person.checkin_time = chosen
    return then(deps, person, steps.HANG_COUNT)


def set_hang_times(deps: Deps, person: Person, chosen: tuple[time, ...]) -> list[Reply]:
    """Store the bar-hang reminder times and go on to equipment."""
    person.hang_times, person.step_data = chosen, {}
    return then(deps, person, steps.EQUIPMENT_STEPS[0])
