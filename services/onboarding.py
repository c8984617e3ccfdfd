"""Onboarding and settings answers: consent, screening, red flags, time zone, times,
equipment, gym; /start, /redflags, typed messages and shared locations.

Every step's question and accepted answers are in ``services.steps``; here is what an
answer does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import time
from html import escape

from coach import i18n, places, texts
from coach.days import floor_on_leaving
from coach.model import Equipment, Person, Profile, RedFlagGroup, SafetyEvent, SafetyEventKind
from coach.model import Screening as ScreeningAnswers
from coach.safety import Hold, clinician_cleared, hold, record_screening
from services import checkin, function, listen, red_flags
from services.core import Core
from services.outcome import Keyboard, Message, Outcome, Say, hold_notice, pain_question
from services.steps import (
    CLEARANCE,
    HANG_SUGGESTIONS,
    NONE,
    RED_FLAGS,
    SCREENING_KEYS,
    SETTINGS_CHANGES,
    STEPS,
    TOGGLE,
    TOGGLES,
    ZONE,
    Step,
    accepts,
    after_zone,
    kit,
    parse_hhmm,
    parse_time,
    parse_times,
    question,
    red_flag_hold,
    screening_answers,
    started,
    step_of,
    zone_choices,
)
from services.unit import Work, unit

MAX_TEXT = 200  # no answer the bot waits for is longer; longer messages change nothing


def zone_label(zone: str | None) -> str:
    """A zone as a person reads it: "Etc/GMT-3" (POSIX signs are inverted) is "UTC+3"."""
    posix = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", zone or "")
    if posix is None:
        return zone or "UTC"
    return f"UTC{'-' if posix[1] == '+' else '+'}{int(posix[2])}"


# Moving between steps -------------------------------------------------------------------


def goto(work: Work, person: Person, step: Step | None) -> list[Message]:
    """Move to a step and ask its question (finishing setup after the last)."""
    person.step = step
    if step is None:
        return finish(work, person)
    return [question(person)]


def after(work: Work, person: Person, step: Step, said: str | None = None) -> list[Message]:
    """After answering ``step``: the next step, or the end of a change from /settings,
    with the new value said back (by default "Saved.", in the person's language)."""
    if person.registered and STEPS[step].ends_change:
        person.step, person.step_data = None, {}
        return [Say(said or texts.SAVED)]
    # During set-up a typed or chosen value is said back before the next question.
    following = STEPS[step].next
    return ([Say(said)] if said and following else []) + goto(work, person, following)


def finish(work: Work, person: Person) -> list[Message]:
    """Setup is complete: register the person and ask for the first check-in."""
    if person.registered:  # the last step of a change from /settings
        person.step, person.step_data = None, {}
        return [Say(texts.SAVED)]
    person.registered, person.step, person.step_data = True, None, {}
    hangs = ", ".join(f"{t:%H:%M}" for t in person.hang_times)
    checkin_at = f"{person.checkin_time:%H:%M}" if person.checkin_time else "?"
    zone = zone_label(person.timezone)
    why = hold(person)
    # Without hang times (no bar) the texts that name none: no sentence with an empty slot.
    if why is not None:  # no rating is asked for while the program waits for a clinician
        screening = hold_notice(texts.WAITING_FOR_SCREENING)
        waiting = red_flag_hold() if why is Hold.RED_FLAG else screening
        held = texts.SETUP_DONE_HELD if hangs else texts.SETUP_DONE_HELD_NO_HANGS
        return [Say(held.format(checkin=checkin_at, hangs=hangs, zone=zone)), waiting]
    done = texts.SETUP_DONE if hangs else texts.SETUP_DONE_NO_HANGS
    return [
        Say(done.format(checkin=checkin_at, hangs=hangs, zone=zone)),
        pain_question(work.core.today(person)),
    ]


# Use cases ------------------------------------------------------------------------------


async def start(core: Core, chat_id: int) -> Outcome:
    """/start: begin onboarding, or pick up where the person left off; never wipe anyone."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None or not started(person):
            welcome = await _welcome(work, chat_id, person)
            await work.commit()
            return welcome
        reactivated = not person.active  # back after blocking the bot
        person.active = True
        person.quiet = False
        await work.save(person, resync=reactivated)  # reminders from now on
        messages: list[Message]
        if person.registered and person.step is None:
            messages = [Say(texts.ALREADY_REGISTERED)]
        elif person.registered:  # a question is pending (red flags, a settings change)
            messages = [question(person)]
        elif person.consent_at is None and step_of(person) is Step.CONSENT:
            # Not agreed yet: what Back Coach is and is not comes before the question
            # every time. The first /start may have been stored by a worker that died
            # before its reply, and its update is then handled again by another.
            messages = [Say(texts.WELCOME), question(person)]
        else:
            messages = [Say(texts.FINISH_SETUP), question(person)]
        await work.commit()
    return Outcome(messages)


async def _welcome(work: Work, chat_id: int, chosen: Person | None) -> Outcome:
    """A first /start: what Back Coach is and is not, with the choice of language, then the
    consent question; in the language chosen with /language before, if one was, otherwise
    their Telegram app's (if we ship it)."""
    if chosen is None:
        person = Person(chat_id=chat_id, created_at=work.now, step=Step.CONSENT)
        person.language = i18n.current()
        await work.add(person)
    else:
        person = chosen
        person.step = Step.CONSENT
        await work.save(person)
    with i18n.speaking(person.language or i18n.current()):
        return Outcome([Say(texts.WELCOME), question(person)])


async def redflags(core: Core, chat_id: int) -> Outcome:
    """/redflags: ask the red-flag questions now (while no hold is on). Before set-up is
    complete it shows the signs and the advice, and stores nothing."""
    async with unit(core) as work:
        person = await work.person(chat_id, repair=False)
        if person is None or not person.registered:
            return Outcome([red_flags.info(person.timezone if person else None)])
        if hold(person) is not None:
            return Outcome([checkin.held(person) or Say(texts.NOT_NOW)])
        person.step, person.step_data = Step.RF_EMERGENCY, {}
        await work.save(person)
        await work.commit()
    return Outcome([question(person)])


async def answer(core: Core, chat_id: int, step: str, value: str) -> Outcome:
    """A button answer to a step's question."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None or not started(person):
            return Outcome([Say(texts.NOT_REGISTERED)], answered=True)
        current = step_of(person)
        if current is None or current.value != step:
            return Outcome([Say(texts.OLD_QUESTION), question(person)], answered=True)
        person.step = current  # a step stored by an earlier version, as today's
        if value.startswith(TOGGLE) and current in TOGGLES:
            _toggle(person, current, value)
            await work.save(person)
            await work.commit()
            return Outcome([question(person)], edit=True)
        messages = await _answer(work, person, value)
        if not (person.step is None and not person.registered):  # declined: nothing is kept
            await work.save(person)
        await work.commit()
    return Outcome(messages, answered=bool(messages))


def _toggle(person: Person, step: Step, value: str) -> None:
    """Tick or untick one item of a toggle question (screening, equipment)."""
    index = int(value.removeprefix(TOGGLE))
    if step is Step.SCREENING:
        answers = screening_answers(person)
        key = SCREENING_KEYS[index]
        answers[key] = not answers.get(key, False)
        person.step_data = {**person.step_data, "screening": answers}
        return
    owned, gym = kit(person)
    items = list(Equipment)
    if index == len(items):
        gym = not gym
    else:
        owned = owned ^ {items[index]}
    person.step_data = {
        **person.step_data,
        "equipment": sorted(e.value for e in owned),
        "gym": gym,
    }


async def _answer(work: Work, person: Person, value: str) -> list[Message]:
    step = step_of(person)
    if step is None or not accepts(person, step, value):
        return [question(person)]
    yes = value == "y"
    if step is Step.CONSENT:
        if not yes:
            await work.people.delete_everything(person.chat_id)
            person.step = None
            return [Say(texts.CONSENT_DECLINED)]
        person.consent_version, person.consent_at = texts.CONSENT_VERSION, work.now
        return goto(work, person, STEPS[step].next)
    if step is Step.SCREENING:
        return await _screening(work, person, none=value == NONE)
    if step in RED_FLAGS:
        return await _red_flags(work, person, step, yes)
    if step in CLEARANCE:
        return await red_flags.clearance_answer(work, person, step, value)
    if step is Step.TZ_CHOICE:
        return _set_zone(work, person, zone_choices(person)[int(value)][1])
    if step is Step.CHECKIN_TIME:
        return _set_checkin_time(work, person, parse_hhmm(f"{value[:2]}:{value[2:]}"))
    if step is Step.EQUIPMENT:
        return _set_equipment(work, person)
    if step is Step.HANGS:
        return _set_hang_times(work, person, tuple(map(parse_hhmm, HANG_SUGGESTIONS[int(value)])))
    return [question(person)]


async def _screening(work: Work, person: Person, *, none: bool) -> list[Message]:
    """The screening answer (Done, or None of these): a "yes" asks for a clinician's
    go-ahead, and set-up goes on meanwhile."""
    ticked = {} if none else screening_answers(person)
    answers = {key: ticked.get(key, False) for key in SCREENING_KEYS}
    screening = ScreeningAnswers(**{k: bool(v) for k, v in answers.items()})
    record_screening(person, screening)
    detail = ",".join(k for k, v in sorted(answers.items()) if v) or "none"
    await work.safety.log(person.chat_id, SafetyEvent(work.now, SafetyEventKind.SCREENING, detail))
    person.step_data = {}
    notice: list[Message] = [hold_notice(texts.SCREENING_HOLD)] if screening.needs_clearance else []
    return notice + goto(work, person, STEPS[Step.SCREENING].next)


async def _red_flags(work: Work, person: Person, step: Step, yes: bool) -> list[Message]:
    """An answer to one red-flag tier: an emergency or urgent "yes" pauses everything, with
    the advice; a "soon" "yes" gives its advice and the program goes on."""
    paused = await red_flags.answered(work, person, step, yes)
    if paused is not None:
        return paused
    following = STEPS[step].next
    if following in RED_FLAGS:
        return goto(work, person, following)
    said: Message
    if yes:  # the last tier, "soon": a GP within days, and the program goes on gently
        said = Say(red_flags.advice(RedFlagGroup.SOON, person.timezone), alone=True)
    else:
        wording = f"wording {texts.RED_FLAGS_VERSION}"
        await work.safety.log(
            person.chat_id, SafetyEvent(work.now, SafetyEventKind.RED_FLAGS_NONE, wording)
        )
        said = Say(texts.NO_RED_FLAGS)
    then = person.step_data.get("then")
    person.step_data = {}
    if not person.registered:
        return [said, *goto(work, person, following)] if yes else goto(work, person, following)
    person.step = None
    if then == "plan":
        return [said, *await checkin.plan_after_red_flags(work, person)]
    return [said]


async def clear_hold(core: Core, chat_id: int) -> Outcome:
    """The button of a hold: a screening go-ahead lifts a screening hold at once; a
    red-flag pause starts the all-clear (``services/red_flags.py``), never lifts it."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        why = hold(person)
        if why is None:
            return Outcome(toast=texts.NOT_NOW)
        messages: list[Message]
        if why is Hold.RED_FLAG:
            messages = red_flags.begin(work, person)
        else:
            clinician_cleared(person, work.now)
            await work.safety.log(chat_id, SafetyEvent(work.now, SafetyEventKind.CLINICIAN_CLEARED))
            if person.registered:
                said = await red_flags.cleared_text(work, person)
                messages = [Say(said), pain_question(core.today(person))]
            else:  # a screening go-ahead in the middle of set-up
                messages = [Say(texts.CLEARED_SETUP), question(person)]
        await work.save(person)
        await work.commit()
    return Outcome(messages)


async def typed(core: Core, chat_id: int, text: str) -> Outcome:
    """Free text: the answer to the current step, a typed pain rating, or a friendly nudge."""
    if len(text) > MAX_TEXT:
        return Outcome([Say(texts.TOO_LONG)])
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None or not started(person):
            return Outcome([Say(texts.NOT_REGISTERED)])
        messages = await _typed(work, person, text.strip())
        await work.save(person)
        await work.commit()
    return Outcome(messages)


async def _typed(work: Work, person: Person, text: str) -> list[Message]:
    step = step_of(person)
    if step in ZONE:
        return _zone_text(work, person, text)
    if step is Step.CHECKIN_TIME:
        chosen = parse_time(text)
        if chosen is None:
            return [Say(texts.TIME_INVALID), question(person)]
        return _set_checkin_time(work, person, chosen)
    if step is Step.HANGS:
        times = parse_times(text, 2) or parse_times(text, 3)
        if times is None:
            return [Say(texts.HANGS_INVALID), question(person)]
        return _set_hang_times(work, person, times)
    if step is Step.ACTIVITY:
        return await function.typed_name(work, person, text)
    if person.step is not None:  # a question answered with its buttons
        return [Say(texts.TYPED_DURING_QUESTION), question(person)]
    return await listen.reply(work, person, text)


ZoneFinder = Callable[[float, float], Awaitable[str | None]]


async def _zone_in_thread(latitude: float, longitude: float) -> str | None:
    # A process's first location loads the zones' outlines (~0.2 s, ~35 MB).
    return await asyncio.to_thread(places.zone_from_location, latitude, longitude)


async def location(
    core: Core,
    chat_id: int,
    latitude: float,
    longitude: float,
    find: ZoneFinder = _zone_in_thread,
) -> Outcome:
    """A shared location: the time zone, during the time-zone step. ``find`` gives the
    zone at a point (the bot looks it up in its drawing process, which holds the zones'
    outlines instead of the bot)."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None or step_of(person) not in ZONE:
            return Outcome([Say(texts.UNEXPECTED_TEXT)])
        zone = await find(latitude, longitude)
        messages: list[Message]
        if zone is None:
            messages = [Say(texts.TIMEZONE_NOT_FOUND.format(hint=""))]
        else:
            messages = _set_zone(work, person, zone)
        await work.save(person)
        await work.commit()
    return Outcome(messages)


async def settings_change(work: Work, person: Person, choice: str) -> list[Message] | None:
    """A settings-menu button that starts a step (None if ``choice`` is not one)."""
    step = SETTINGS_CHANGES.get(choice)
    if step is None:
        return None
    person.step, person.step_data = step, {"settings": True}
    return [question(person)]


# Storing answers ------------------------------------------------------------------------


def _zone_text(work: Work, person: Person, text: str) -> list[Message]:
    """A typed time zone, city or UTC offset."""
    found = places.resolve_zone(text)
    if isinstance(found, places.Zone):
        return _set_zone(work, person, found.name, fixed=not found.follows_dst)
    if isinstance(found, places.Choice):
        person.step_data = {
            "choices": [[f"{c.city}, {c.country} ({c.zone})", c.zone] for c in found.candidates]
        }
        return goto(work, person, Step.TZ_CHOICE)
    return [Say(texts.TIMEZONE_NOT_FOUND.format(hint=escape(found.hint)))]


def _set_zone(work: Work, person: Person, zone: str, *, fixed: bool = False) -> list[Message]:
    """Store the person's zone and go on to the check-in time. The day reached in the zone
    left behind stays the earliest "today" (``Core.today``): moving west across midnight
    never makes yesterday today again."""
    person.day_floor = floor_on_leaving(work.now, person.timezone, person.day_floor)
    person.timezone, person.step_data = zone, {}
    local = work.now.astimezone(places.load_zone(zone))
    messages: list[Message] = [
        Say(
            texts.TIMEZONE_SET.format(zone=zone_label(zone), local=f"{local:%H:%M}"),
            keyboard=Keyboard.REMOVE,
        )
    ]
    if fixed:
        messages.append(Say(texts.TIMEZONE_FIXED))
    if not person.registered:
        return messages + goto(work, person, after_zone(person))
    settled = after(work, person, Step.TIMEZONE)  # "Time zone set" says it: no "Saved." too
    return messages + [m for m in settled if not (isinstance(m, Say) and m.text == texts.SAVED)]


def _set_checkin_time(work: Work, person: Person, chosen: time) -> list[Message]:
    """Store the daily check-in time."""
    person.checkin_time = chosen
    return after(work, person, Step.CHECKIN_TIME, texts.CHECKIN_SET.format(time=f"{chosen:%H:%M}"))


def _set_hang_times(work: Work, person: Person, chosen: tuple[time, ...]) -> list[Message]:
    """Store the bar-hang reminder times: the last question of set-up."""
    person.hang_times, person.step_data = chosen, {}
    said = texts.HANGS_SET.format(times=", ".join(f"{t:%H:%M}" for t in chosen))
    return after(work, person, Step.HANGS, said)


def _set_equipment(work: Work, person: Person) -> list[Message]:
    """Store the ticked equipment and gym experience. With a bar, the hang times come
    next (if none are set yet); without one there are no hang reminders to time."""
    owned, gym = kit(person)
    person.profile, person.step_data = Profile(owned, gym_experienced=gym), {}
    bar = Equipment.PULLUP_BAR in owned
    words = texts.WORDS
    items = ", ".join(sorted(texts.EQUIPMENT[e.value] for e in owned)) or words["none"]
    said: list[Message] = [
        Say(texts.EQUIPMENT_SET.format(items=items, gym=words["yes" if gym else "no"]))
    ]
    if not bar:
        person.hang_times = ()
        notes: list[Message] = [Say(texts.HANGS_NONE)]
        if person.registered:
            person.step = None
            return said + notes
        return notes + goto(work, person, None)
    if person.registered and person.hang_times:
        person.step = None
        return said
    return (said if person.registered else []) + goto(work, person, Step.HANGS)
