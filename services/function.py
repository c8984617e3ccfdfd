"""The activities a person's back gets in the way of: the invitation after a few check-ins,
naming them (typed, in the person's own words), rating them 0-10 each week, and changing
or retiring them from /settings.

The names are health data in the person's own words: stored, exported and deleted with
everything else, and never logged (nothing here logs at all).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from html import escape

from coach import texts
from coach.explain import standing
from coach.function import (
    MAX_ACTIVITIES,
    Function,
    clean_name,
    current,
    invite_day,
    invite_due,
    unrated,
    week_of,
)
from coach.function_words import menu_text
from coach.model import Person
from coach.progress import weekly_summary
from services.access import registered
from services.actions import Action
from services.core import Core
from services.function_messages import (
    NAMED,
    SETTINGS,
    WEEKLY,
    rating_question,
    week_question,
    weekly_message,
)
from services.outcome import Button, Message, Outcome, Say
from services.steps import Step, activity_question, step_of
from services.unit import Work, unit


async def invitation(work: Work, person: Person, checkin_days: int) -> list[Message]:
    """After a day's plan: the invitation to name activities, when it is due (the third
    check-in day, again every 14th while nothing is named)."""
    if person.step is not None or not invite_day(checkin_days):
        return []  # no query at all on other days: a check-in costs what it did
    today = work.core.today(person)
    asked_on, named = await work.uow.activities.invite_state(person.chat_id)
    if not invite_due(checkin_days, named, asked_on, today):
        return []
    await work.uow.activities.asked(person.chat_id, today)
    rows = (
        (Button(texts.BTN_FUNCTION_NAME, Action.ACTIVITY, ("name",)),),
        (Button(texts.BTN_FUNCTION_LATER, Action.ACTIVITY, ("later",)),),
    )
    return [Say(texts.FUNCTION_INVITE, rows)]


def menu(function: Function, today: date) -> Say:
    """/settings → Activities: the list, and what can be done with it."""
    named = current(function.activities)
    rows: list[tuple[Button, ...]] = []
    if named and unrated(function.activities, function.ratings, week_of(today)):
        rows.append((Button(texts.BTN_FUNCTION_RATE, Action.ACTIVITY, ("rate",)),))
    if len(named) < MAX_ACTIVITIES:
        rows.append((Button(texts.BTN_FUNCTION_ADD, Action.ACTIVITY, ("name",)),))
    retire = [
        Button(texts.BTN_FUNCTION_RETIRE.format(count=n), Action.ACTIVITY, ("retire", a.id))
        for n, a in enumerate(named, 1)
    ]
    if retire:
        rows.append(tuple(retire))
    return Say(menu_text(function), tuple(rows))


async def activity_button(core: Core, chat_id: int, choice: str, arg: str) -> Outcome:
    """A press on an activities button: name them, not now, that's all, the menu, rate this
    week, retire one."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        today = core.today(person)
        function = await work.uow.function(chat_id)
        outcome = await _choose(work, person, function, today, choice, arg)
        await work.save(person)
        await work.commit()
    return outcome


async def _choose(
    work: Work, person: Person, function: Function, today: date, choice: str, arg: str
) -> Outcome:
    named = current(function.activities)
    if choice == "name":
        if len(named) >= MAX_ACTIVITIES:
            return Outcome([Say(texts.FUNCTION_FULL)], answered=True)
        person.step, person.step_data = Step.ACTIVITY, {}
        return Outcome([activity_question()], answered=True)
    if choice == "later":
        return Outcome([Say(texts.FUNCTION_LATER)], answered=True)
    if choice == "done":
        if step_of(person) is Step.ACTIVITY:
            person.step, person.step_data = None, {}
        text = texts.FUNCTION_ALL_SET_SHORT if named else texts.FUNCTION_NONE_NAMED
        return Outcome([Say(text)], answered=True)
    if choice == "menu":
        return Outcome([menu(function, today)])
    if choice == "rate":
        if not unrated(function.activities, function.ratings, week_of(today)):
            return Outcome([Say(texts.FUNCTION_ALL_RATED)])
        return Outcome([week_question(function, SETTINGS, today)])
    if choice == "retire" and arg.isascii() and arg.isdigit():
        activity = next((a for a in named if a.id == int(arg)), None)
        if activity is None or not await work.uow.activities.retire(
            person.chat_id, activity.id, today
        ):
            return Outcome(toast=texts.FUNCTION_NOT_CURRENT)
        function = await work.uow.function(person.chat_id)
        said = texts.FUNCTION_RETIRED.format(name=escape(activity.name))
        return Outcome([Say(said), menu(function, today)])
    return Outcome(toast=texts.INVALID_BUTTON)


async def typed_name(work: Work, person: Person, text: str) -> list[Message]:
    """A typed activity while naming them: stored in the person's own words, then its
    first rating asked."""
    name = clean_name(text)
    if name is None:
        return [Say(texts.FUNCTION_NAME_INVALID), activity_question()]
    today = work.core.today(person)
    if len(current(await work.uow.activities.all(person.chat_id))) >= MAX_ACTIVITIES:
        person.step, person.step_data = None, {}
        return [Say(texts.FUNCTION_FULL)]
    activity = await work.uow.activities.add(person.chat_id, name, today, work.now)
    return [rating_question(activity, NAMED, today)]


async def rate(
    core: Core, chat_id: int, mode: str, day: date | None, activity_id: int, score: int
) -> Outcome:
    """A press on an activity's 0-10 keyboard: the week's rating (replacing an earlier one),
    then the next question in place (weekly), or the next step of naming them."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        today = core.today(person)
        if day is None or day > today or week_of(day) < week_of(today) - timedelta(days=7):
            return Outcome(toast=texts.FUNCTION_STALE)
        function = await work.uow.function(chat_id)
        activity = next((a for a in current(function.activities) if a.id == activity_id), None)
        if activity is None:
            return Outcome(toast=texts.FUNCTION_NOT_CURRENT)
        await work.uow.activities.rate(chat_id, activity.id, week_of(day), score, work.now)
        function = await work.uow.function(chat_id)
        outcome = await _after_rating(work, person, function, mode, day, activity.name, score)
        await work.save(person)
        await work.commit()
    return outcome


async def _after_rating(
    work: Work, person: Person, function: Function, mode: str, day: date, name: str, score: int
) -> Outcome:
    if mode == WEEKLY:  # the Sunday summary, redrawn with the next question or the thanks
        history = replace(await work.uow.history(person.chat_id), function=function)
        program = work.core.program
        summary = weekly_summary(program, standing(program, history, day))
        return Outcome([weekly_message(summary, function, day, thanks=True)], edit=True)
    if mode == SETTINGS:
        return Outcome([week_question(function, SETTINGS, day)], edit=True)
    naming = step_of(person) is Step.ACTIVITY
    if naming and len(current(function.activities)) < MAX_ACTIVITIES:
        done = Button(texts.BTN_FUNCTION_DONE, Action.ACTIVITY, ("done",))
        said = texts.FUNCTION_NEXT.format(name=escape(name), score=score)
        return Outcome([Say(said, ((done,),))], answered=True)
    if naming:
        person.step, person.step_data = None, {}
    return Outcome(
        [Say(texts.FUNCTION_ALL_SET.format(name=escape(name), score=score))], answered=True
    )
