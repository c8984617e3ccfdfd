"""The daily check-in: a pain rating, the day's plan, and the plan's buttons."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from coach import texts
from coach.explain import standing, why_text
from coach.function_words import why_sentence
from coach.milestones import stage_message, welcome_back
from coach.model import Equipment, Feedback, History, MoveFeedback, Person, profile_on
from coach.plan import Plan, plan_for
from coach.rules import Change, advance_taken_back, replay
from coach.safety import Hold, escalation, hold, red_flags_answered_since, worse_again
from services import function
from services.access import registered
from services.actions import Action
from services.core import Core
from services.outcome import (
    Button,
    Message,
    Outcome,
    Say,
    ShowExercises,
    ShowHow,
    ShowPlan,
    hold_notice,
    pain_question,
)
from services.steps import Step, question, red_flag_hold, red_flags_open
from services.unit import Work, unit


def held(person: Person) -> Say | None:
    """While a hold is on, the only thing to say is why, with the button that lifts a
    screening hold or starts the all-clear of a red-flag pause."""
    why = hold(person)
    if why is None:
        return None
    if why is Hold.RED_FLAG:
        return red_flag_hold()
    return hold_notice(texts.WAITING_FOR_SCREENING)


async def current_plan(work: Work, person: Person) -> tuple[Plan | None, History]:
    """Today's plan (None before today's check-in) and the history it was made from."""
    history = await work.uow.history(person.chat_id)
    return plan_for(work.core.program, history, work.core.today(person)), history


def red_flags_first(person: Person) -> list[Message]:
    """The open red-flag question, asked again."""
    return [Say(texts.RED_FLAGS_STILL_OPEN), question(person)]


async def _red_flags_due(work: Work, person: Person, plan: Plan) -> bool:
    """High pain asks the red flags unless they were answered today or on the days just
    before (after a clinician's all-clear, they are asked afresh)."""
    if plan.pain < work.core.program.rules.red_flag_pain:
        return False
    first_day = plan.day - timedelta(days=work.core.program.rules.red_flag_recheck_days - 1)
    events = await work.safety.all(person.chat_id)
    return not red_flags_answered_since(events, person.timezone or "UTC", first_day)


async def _answered_today(work: Work, person: Person, plan: Plan) -> bool:
    """Whether the red flags were answered today: after time away they are asked before
    the day's first plan, and the answers stand for the rest of the day."""
    events = await work.safety.all(person.chat_id)
    return red_flags_answered_since(events, person.timezone or "UTC", plan.day)


async def plan_messages(work: Work, person: Person) -> list[Message]:
    """Today's plan, or the check-in question when there is none yet."""
    plan, history = await current_plan(work, person)
    if plan is None:
        return [Say(texts.NO_CHECKIN_TODAY), pain_question(work.core.today(person))]
    return [ShowPlan(plan, history.feedback, legend=True)]


LEGEND_DAYS = 3  # check-in days whose plans say what the marks and buttons mean


def show(plan: Plan, history: History) -> ShowPlan:
    """The plan, with its legend in the person's first days."""
    first_days = len({r.day for r in history.ratings}) <= LEGEND_DAYS
    return ShowPlan(plan, history.feedback, legend=first_days)


async def checkin(core: Core, chat_id: int) -> Outcome:
    """/checkin: ask for today's pain rating."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
    if person is None:
        return refusal
    notice = held(person)
    if notice is None and red_flags_open(person):
        return Outcome(red_flags_first(person))
    return Outcome([notice or pain_question(core.today(person))])


async def today(core: Core, chat_id: int) -> Outcome:
    """/today: today's plan again."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        notice = held(person)
        if notice is not None:
            return Outcome([notice])
        if red_flags_open(person):
            return Outcome(red_flags_first(person))
        return Outcome(await plan_messages(work, person))


async def why(core: Core, chat_id: int) -> Outcome:
    """/why: the stage, why, and what unlocks the next."""
    async with unit(core) as work:
        person, refusal = await registered(work, chat_id)
        if person is None:
            return refusal
        history = await work.uow.history(chat_id)
        activities = await work.uow.function(chat_id)
    at = standing(core.program, history, core.today(person))
    text = escape(why_text(core.program, at))
    sentence = why_sentence(activities)  # the activities, once one was rated twice
    return Outcome([Say(f"{text}\n\n{sentence}" if sentence else text)])


async def exercises(core: Core, chat_id: int) -> Outcome:
    """/exercises: every move, with the person's stage and equipment marked (for anyone:
    before set-up, the list from stage 1 with all equipment)."""
    async with unit(core) as work:
        person = await work.person(chat_id, repair=False)
        if person is None or not person.registered:
            return Outcome([ShowExercises(1, frozenset(Equipment))])
        history = await work.uow.history(chat_id)
    at = standing(core.program, history, core.today(person))
    return Outcome([ShowExercises(at.stage, person.profile.equipment)])


async def plan_view(work: Work, person: Person) -> ShowPlan | None:
    """Today's plan as it stands now, to redraw a plan message (None without one)."""
    plan, history = await current_plan(work, person)
    return show(plan, history) if plan else None


def stale(core: Core, person: Person, day: date | None) -> str | None:
    """A button from another day gets a clear answer instead of acting on today."""
    if day is None:
        return texts.INVALID_BUTTON
    if day != core.today(person):
        return texts.STALE_BUTTON.format(day=texts.day(day))
    return None


async def rate_button(core: Core, chat_id: int, day: date | None, pain: int) -> Outcome:
    """A press on a pain keyboard: today's rating (replacing an earlier one)."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        if not person.registered:
            return Outcome([Say(texts.FINISH_SETUP), question(person)])
        refusal = stale(core, person, day)
        if refusal:
            return Outcome(toast=refusal)
        messages = await rate(work, person, pain)
        await work.save(person)
        await work.commit()
    return Outcome(messages)


async def rate(work: Work, person: Person, pain: int) -> list[Message]:
    """Store today's rating (replacing an earlier one) and answer with the plan.

    While the program is on hold nothing is stored: the rating would count toward stages
    of a program that is paused until a clinician has seen the person. The caller saves
    the person and commits.
    """
    notice = held(person)
    if notice is not None:
        return [notice]
    core = work.core
    day = core.today(person)
    before = await work.ratings.get(person.chat_id, day)
    await work.ratings.set(person.chat_id, day, pain, work.now)
    person.quiet = False  # an answer: check-in prompts may come again
    plan, history = await current_plan(work, person)
    assert plan is not None
    # The red flags come before anything else: the rating is kept, the plan waits.
    if red_flags_open(person):
        person.step_data = {"then": "plan"}
        return red_flags_first(person)
    if plan.away and not await _answered_today(work, person, plan):
        person.step, person.step_data = Step.RF_EMERGENCY, {"then": "plan"}
        return [Say(texts.PLAN_REASON_AWAY_FIRST), question(person)]
    if await _red_flags_due(work, person, plan):
        person.step, person.step_data = Step.RF_EMERGENCY, {"then": "plan"}
        return [Say(texts.RED_FLAGS_HIGH_PAIN_FIRST.format(pain=pain)), question(person)]
    old = before.pain if before else None
    messages = _with_notes(work, person, plan, history, old=old)
    if any(isinstance(m, ShowPlan) for m in messages):  # never beside a hold or red flags
        messages += await function.invitation(work, person, len(history.ratings))
    return messages


async def plan_after_red_flags(work: Work, person: Person) -> list[Message]:
    """Today's plan once the red-flag question asked at check-in is answered "no"."""
    plan, history = await current_plan(work, person)
    if plan is None:
        return [Say(texts.NO_CHECKIN_TODAY), pain_question(work.core.today(person))]
    return _with_notes(work, person, plan, history)


def _with_notes(
    work: Work, person: Person, plan: Plan, history: History, *, old: int | None = None
) -> list[Message]:
    """The plan, and what else the day's rating brings: a welcome back, a stage earned or
    lost, daily check-ins again, escalation. ``old``: the rating it replaced, if any."""
    program = work.core.program
    messages: list[Message] = [
        show(plan, history),
        *_milestones(work, plan, history, old),
    ]
    if person.checkin_weekly and not plan.maintenance:
        person.checkin_weekly = False  # rebuilding after a flare needs daily check-ins
        messages.append(Say(texts.BACK_TO_DAILY))
    reason = escalation(
        program,
        history.ratings,
        plan.day,
        person.escalation_suggested_on,
        maintenance=plan.maintenance,
    )
    if reason is not None:
        person.escalation_suggested_on = plan.day
        messages.append(Say(texts.ESCALATE[reason.value], alone=True))
    return messages


WELCOME_BACK_AFTER = 3  # days without a check-in, then a welcome back


def _milestones(work: Work, plan: Plan, history: History, old: int | None) -> list[Message]:
    """A welcome back after days away (at the day's first rating), and a stage earned or
    lost today (again only if a new rating changed it): each a short message of its own."""
    if old == plan.pain:
        return []
    earlier = [r.day for r in history.ratings if r.day < plan.day]
    away = (plan.day - max(earlier)).days - 1 if earlier else 0
    welcome = old is None and away >= WELCOME_BACK_AFTER and plan.change is not Change.AWAY
    if not welcome and plan.change is None:  # most days: nothing to replay again
        return []
    program = work.core.program
    at = standing(program, history, plan.day)
    said: list[Message] = []
    if welcome:
        said.append(Say(welcome_back(program, at, away + 1), alone=True))
    stage = stage_message(program, at, profile_on(history, plan.day))
    if stage is not None:
        said.append(Say(stage, alone=True))
    return said


async def rerate(core: Core, chat_id: int, day: date | None, value: str) -> Outcome:
    """The answer to "change today's rating?" asked after a typed number."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        refusal = stale(core, person, day)
        if refusal:
            return Outcome(toast=refusal)
        if not (value.isascii() and value.isdigit()) or int(value) > 10:
            old = await work.ratings.get(chat_id, core.today(person))
            kept = texts.RERATE_KEPT.format(old=old.pain) if old else texts.RATING_NOT_SAVED
            return Outcome(toast=kept, answered=True)
        messages = await rate(work, person, int(value))
        await work.save(person)
        await work.commit()
    return Outcome(messages, answered=True)


async def typed_rating(work: Work, person: Person, pain: int) -> list[Message]:
    """A typed number as today's rating; replacing a different rating asks first."""
    notice = held(person)
    if notice is not None:
        return [notice]
    today_ = work.core.today(person)
    old = await work.ratings.get(person.chat_id, today_)
    if old is None or old.pain == pain:
        return await rate(work, person, pain)
    buttons = (
        (Button(texts.BTN_RERATE_YES.format(new=pain), Action.RERATE, (today_, pain)),),
        (Button(texts.BTN_RERATE_NO.format(old=old.pain), Action.RERATE, (today_, "keep")),),
    )
    return [Say(texts.RERATE_ASK.format(old=old.pain, new=pain), buttons)]


async def feedback(
    core: Core, chat_id: int, action: Action, slug: str, day: date | None
) -> Outcome:
    """A plan button: *Done*, *Worse* or *Undo* on a move of the day's plan."""
    if slug not in {m.slug for m in core.program.moves}:
        return Outcome(toast=texts.INVALID_BUTTON)
    async with unit(core) as work:
        person, refusal = await _on_todays_plan(work, chat_id, day)
        if person is None:
            return refusal
        toast = await _feedback(work, person, action, slug)
        await work.commit()
        view = None if toast == texts.NOT_NOW else await plan_view(work, person)
    return Outcome(toast=toast, redraw_plan=view)


async def _on_todays_plan(
    work: Work, chat_id: int, day: date | None
) -> tuple[Person | None, Outcome]:
    """The person behind a button of today's plan, or None and what to answer instead (not
    registered, a button of another day, the red-flag question still open)."""
    person = await work.person(chat_id)
    if person is None:
        return None, Outcome([Say(texts.NOT_REGISTERED)])
    refusal = stale(work.core, person, day)
    if refusal:
        return None, Outcome(toast=refusal)
    if red_flags_open(person):
        return None, Outcome(toast=texts.RED_FLAGS_OPEN_TOAST)
    return person, Outcome()


async def _feedback(work: Work, person: Person, action: Action, slug: str) -> str:
    program, today_ = work.core.program, work.core.today(person)
    plan, _history = await current_plan(work, person)
    name = program.move(slug).name
    if action is Action.UNDO:
        removed = await work.feedback.remove(person.chat_id, today_, slug, Feedback.WORSE)
        return texts.UNDO_ACK.format(name=name) if removed else texts.NOTHING_TO_UNDO
    item = plan.item(slug) if plan else None
    if item is None or not item.actionable:
        return texts.NOT_NOW
    if action is Action.DONE:
        done = MoveFeedback(today_, slug, Feedback.DONE)
        if not await work.feedback.add(person.chat_id, done, work.now):
            return texts.DONE_ALREADY
        history = await work.uow.history(person.chat_id)
        days = replay(program, history, today_)
        complete = slug != "bar_hang" and bool(days) and days[-1].session
        if not complete:
            return texts.DONE_ACK.format(name=name)
        # The session leaves the bar hang aside: "every move" only once it is done too.
        marked = {f.move for f in history.feedback if f.day == today_ and f.kind is Feedback.DONE}
        todo = {i.move.slug for i in plan.items if i.actionable} if plan else set()
        return texts.SESSION_COMPLETE if todo <= marked else texts.SESSION_COUNTED
    history = await work.uow.history(person.chat_id)
    again = worse_again(program, history.feedback, slug, today_)
    earned = replay(program, history, today_)
    await work.feedback.add(person.chat_id, MoveFeedback(today_, slug, Feedback.WORSE), work.now)
    if slug == "bar_hang":
        toast = texts.WORSE_HANG_ACK
    else:
        away = texts.plural(program.rules.worse_leave_out_days, "day")
        toast = texts.WORSE_ACK.format(name=name, days=away)
    taken = advance_taken_back(
        program, earned, replay(program, await work.uow.history(person.chat_id), today_)
    )
    if taken is not None:
        stage, back = taken
        toast += "\n\n" + texts.WORSE_TAKES_ADVANCE.format(
            name=name, stage=stage, day=texts.day(back)
        )
    if again:
        toast = f"{toast}\n\n{texts.WORSE_AGAIN.format(name=name)}"
    return toast


async def how(core: Core, chat_id: int, slug: str) -> Outcome:
    """*How?* on a move: its technique, with where it comes from."""
    if slug not in {m.slug for m in core.program.moves}:
        return Outcome(toast=texts.INVALID_BUTTON)
    async with unit(core) as work:
        if await work.person(chat_id) is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
    return Outcome([ShowHow(slug)])


DOSE_KINDS = {"easy": Feedback.EASY, "right": Feedback.RIGHT, "hard": Feedback.HARD}


async def dose_feedback(
    core: Core, chat_id: int, slug: str, day: date | None, kind: str
) -> Outcome:
    """*Easy / Right / Hard* on a move done today: the dose's level follows (coach.doses)."""
    feeling = DOSE_KINDS.get(kind)
    if feeling is None or slug not in {m.slug for m in core.program.moves}:
        return Outcome(toast=texts.INVALID_BUTTON)
    async with unit(core) as work:
        person, refusal = await _on_todays_plan(work, chat_id, day)
        if person is None:
            return refusal
        today_ = core.today(person)
        if not await work.feedback.exists(chat_id, MoveFeedback(today_, slug, Feedback.DONE)):
            return Outcome(toast=texts.DOSE_ONLY_AFTER_DONE)
        feelings = set(DOSE_KINDS.values())
        history = await work.uow.history(chat_id)
        felt_before = any(f.kind in feelings for f in history.feedback)
        await work.feedback.add(chat_id, MoveFeedback(today_, slug, feeling), work.now)
        await work.commit()
        view = await plan_view(work, person)
    name = core.program.move(slug).name
    # The rule is said the first time; after that a short toast, not an alert to dismiss.
    template = texts.DOSE_ACK_AGAIN if felt_before else texts.DOSE_ACK
    toast = template.format(name=name, what=texts.BTN_DOSE[kind].lower())
    return Outcome(toast=toast, redraw_plan=view)


async def pick(core: Core, chat_id: int, day: date | None, what: str) -> Outcome:
    """A plan's *Worse…* or *How…* (a plan with many moves): which move, as buttons."""
    if what not in ("wr", "hw"):
        return Outcome(toast=texts.INVALID_BUTTON)
    async with unit(core) as work:
        person, refusal = await _on_todays_plan(work, chat_id, day)
        if person is None:
            return refusal
        plan, _history = await current_plan(work, person)
    if plan is None:
        return Outcome(toast=texts.NOT_NOW)
    moves = [i.move for i in plan.items if i.actionable]
    if what == "wr":
        rows = tuple((Button(f"😣 {m.name}", Action.WORSE, (plan.day, m.slug)),) for m in moves)
        return Outcome([Say(texts.PICK_WORSE, rows)])
    rows = tuple((Button(f"❓ {m.name}", Action.HOW, (m.slug,)),) for m in moves)
    legend = f"{texts.PLAN_FOOTER}\n<i>{texts.PLAN_TIPS_NOTE}</i>"  # what the plan's marks mean
    return Outcome([Say(f"{texts.PICK_HOW}\n\n{legend}", rows)])
