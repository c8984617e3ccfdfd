"""The daily check-in: a pain rating, the day's plan, and the plan's buttons."""

from __future__ import annotations

from datetime import date, datetime

from coach import texts
from coach.model import Feedback, History, MoveFeedback, Person
from coach.plan import Plan, plan_for
from coach.rules import replay
from coach.safety import Hold, escalation, hold, worse_again
from conversations import steps
from conversations.clock import local_today
from conversations.context import Deps
from conversations.onboarding import clear_button
from conversations.render import pain_keyboard, plan_keyboard, plan_text
from conversations.replies import Reply
from storage.unit_of_work import UnitOfWork


def today_of(deps: Deps, person: Person) -> date:
    """The person's local date now."""
    return local_today(deps.clock, person.timezone)


def hold_reply(deps: Deps, person: Person) -> Reply | None:
    """While a hold is on, the only thing to say is why, with the button that lifts it."""
    why = hold(person)
    if why is None:
        return None
    text = texts.PAUSED_FOR_RED_FLAG if why is Hold.RED_FLAG else texts.WAITING_FOR_SCREENING
    return Reply(text, clear_button(deps, person))


def ask_pain(deps: Deps, person: Person) -> Reply:
    """The check-in question with 0-10 buttons for today."""
    return Reply(texts.PAIN_ASK, pain_keyboard(deps.signer, person.chat_id, today_of(deps, person)))


async def current_plan(deps: Deps, uow: UnitOfWork, person: Person) -> tuple[Plan | None, History]:
    """Today's plan (None before today's check-in) and the history it was made from."""
    history = await uow.history(person.chat_id)
    return plan_for(deps.program, history, today_of(deps, person)), history


def plan_message(deps: Deps, person: Person, plan: Plan, history: History) -> Reply:
    """The plan as one message with its buttons."""
    markup = plan_keyboard(deps.signer, person.chat_id, plan, history.feedback)
    return Reply(plan_text(deps.program, plan), markup)


async def plan_replies(deps: Deps, uow: UnitOfWork, person: Person) -> list[Reply]:
    """Today's plan, or the check-in question when there is none yet."""
    plan, history = await current_plan(deps, uow, person)
    if plan is None:
        return [Reply(texts.NO_CHECKIN_TODAY), ask_pain(deps, person)]
    return [plan_message(deps, person, plan, history)]


async def rate(
    deps: Deps, uow: UnitOfWork, person: Person, pain: int, now: datetime
) -> list[Reply]:
    """Store today's rating (replacing an earlier one) and answer with the plan.

    While the program is on hold nothing is stored: the rating would count toward stages
    of a program that is paused until a clinician has seen the person.
    """
    held = hold_reply(deps, person)
    if held is not None:
        return [held]
    today = today_of(deps, person)
    await uow.ratings.set(person.chat_id, today, pain, now)
    person.quiet = False  # an answer: check-in prompts may come again
    plan, history = await current_plan(deps, uow, person)
    assert plan is not None
    if plan.away:
        # After time away, the red flags come before any exercise.
        person.step, person.step_data = steps.RF_EMERGENCY, {"then": "plan"}
        return [Reply(texts.PLAN_REASON_AWAY_FIRST), steps.question(deps.signer, person)]
    replies = [plan_message(deps, person, plan, history)]
    if person.checkin_weekly and not plan.maintenance:
        person.checkin_weekly = False  # rebuilding after a flare needs daily check-ins
        replies.append(Reply(texts.BACK_TO_DAILY))
    if plan.ask_red_flags:
        person.step, person.step_data = steps.RF_EMERGENCY, {}
        replies.append(steps.question(deps.signer, person))
    why = escalation(deps.program, history.ratings, today, person.escalation_suggested_on)
    if why is not None:
        person.escalation_suggested_on = today
        replies.append(Reply(texts.ESCALATE[why.value]))
    return replies


async def feedback(
    deps: Deps, uow: UnitOfWork, person: Person, action: str, slug: str, now: datetime
) -> tuple[str, bool]:
    """A plan button: Done, Worse or Undo. Returns the toast and whether the plan changed."""
    today = today_of(deps, person)
    plan, _history = await current_plan(deps, uow, person)
    name = deps.program.move(slug).name
    if action == "un":
        removed = await uow.feedback.remove(person.chat_id, today, slug, Feedback.WORSE)
        return (texts.UNDO_ACK.format(name=name) if removed else texts.NOTHING_TO_UNDO), removed
    item = plan.item(slug) if plan else None
    if item is None or not item.actionable:
        return texts.NOT_NOW, False
    if action == "dn":
        done = MoveFeedback(today, slug, Feedback.DONE)
        if not await uow.feedback.add(person.chat_id, done, now):
            return texts.DONE_ALREADY, False
        days = replay(deps.program, await uow.history(person.chat_id), today)
        complete = slug != "bar_hang" and bool(days) and days[-1].session
        return (texts.SESSION_COMPLETE if complete else texts.DONE_ACK.format(name=name)), True
    history = await uow.history(person.chat_id)
    again = worse_again(deps.program, history.feedback, slug, today)
    await uow.feedback.add(person.chat_id, MoveFeedback(today, slug, Feedback.WORSE), now)
    if slug == "bar_hang":
        toast = texts.WORSE_HANG_ACK
    else:
        toast = texts.WORSE_ACK.format(name=name, days=deps.program.rules.worse_leave_out_days)
    if again:
        toast = f"{toast}\n\n{texts.WORSE_AGAIN.format(name=name)}"
    return toast, True
