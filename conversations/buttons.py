"""Inline-button presses: verified (this person's, a known action, not stale), then acted on."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest

from coach import texts
from coach.model import Person, SafetyEvent, SafetyEventKind
from coach.safety import clinician_cleared, hold
from conversations import checkin, data_flow, onboarding, settings_flow, steps
from conversations.context import Ctx
from conversations.payload import Payload
from conversations.reminders import hang_answer, schedule_key, sync_if_changed
from conversations.render import how_text, plan_keyboard, plan_text
from conversations.replies import Reply, send_all

log = logging.getLogger(__name__)

PLAN_ACTIONS = {"dn", "wr", "un"}
HANG_ACTIONS = {"hd", "hz", "hs"}


async def button(update: Update, ctx: Ctx) -> None:
    """Route a button press by its verified payload."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id = query.message.chat.id
    payload = ctx.deps.signer.verify(chat_id, query.data)
    if payload is None:
        log.info("refused a button payload that was not signed for this chat")
        await query.answer(texts.INVALID_BUTTON, show_alert=True)
        return
    toast, replies = await _act(ctx, chat_id, payload)
    await query.answer(toast[:200] if toast else None, show_alert=bool(toast and len(toast) > 60))
    if payload.action == "ob" and replies:
        await _drop_keyboard(query)
    await send_all(ctx.bot, chat_id, replies)
    if payload.action in PLAN_ACTIONS and toast not in (texts.NOT_NOW, None):
        await _refresh_plan(ctx, chat_id, query, payload)


async def _act(ctx: Ctx, chat_id: int, payload: Payload) -> tuple[str | None, list[Reply]]:
    deps, now = ctx.deps, ctx.deps.clock.now()
    async with deps.store.unit() as uow:
        person = await uow.people.get(chat_id)
        if person is None:
            return None, [Reply(texts.NOT_REGISTERED)]
        before = schedule_key(person)
        action, args = payload.action, payload.args
        if action == "hw" and args and _known(ctx, args[0]):
            return None, [Reply(how_text(deps.program.move(args[0])))]
        if action == "cl":
            if hold(person) is None:
                return texts.NOT_NOW, []
            clinician_cleared(person, now)
            await uow.safety.log(chat_id, SafetyEvent(now, SafetyEventKind.CLINICIAN_CLEARED))
            replies = [Reply(texts.CLEARED)]
            if person.step == steps.RF_HOLD:
                replies += onboarding.goto(deps, person, steps.TIMEZONE)
            elif person.registered:
                replies.append(checkin.ask_pain(deps, person))
        elif action == "ob" and len(args) == 2:
            if person.step != args[0]:
                return None, [Reply(texts.OLD_QUESTION), steps.question(deps.signer, person)]
            replies = await onboarding.answer(deps, uow, person, args[1], now)
            if person.step is None and not person.registered:  # declined: nothing is kept
                await uow.commit()
                return None, replies
        elif action == "pn" and len(args) == 2 and args[1].isdigit() and int(args[1]) <= 10:
            if not person.registered:
                return None, [Reply(texts.FINISH_SETUP), steps.question(deps.signer, person)]
            stale = _stale(ctx, person, payload)
            if stale:
                return stale, []
            replies = await checkin.rate(deps, uow, person, int(args[1]), now)
        elif action in PLAN_ACTIONS and len(args) == 2 and _known(ctx, args[1]):
            stale = _stale(ctx, person, payload)
            if stale:
                return stale, []
            toast, _changed = await checkin.feedback(deps, uow, person, action, args[1], now)
            await uow.commit()
            return toast, []
        elif action in HANG_ACTIONS and person.registered:
            toast = await hang_answer(deps, uow, person, payload, now)
            await uow.commit()
            return toast, []
        elif action == "dd":
            return None, await data_flow.delete_button(deps, uow, person, payload)
        elif action == "st" and person.registered:
            replies = await settings_flow.settings_button(deps, uow, person, payload)
        else:
            return texts.INVALID_BUTTON, []
        await sync_if_changed(uow, before, person, now)
        await uow.people.save(person)
        await uow.commit()
    return None, replies


def _known(ctx: Ctx, slug: str) -> bool:
    return any(m.slug == slug for m in ctx.deps.program.moves)


def _stale(ctx: Ctx, person: Person, payload: Payload) -> str | None:
    """A button from another day gets a clear answer instead of acting on today."""
    day = payload.day()
    today = checkin.today_of(ctx.deps, person)
    if day is None:
        return texts.INVALID_BUTTON
    if day != today:
        return texts.STALE_BUTTON.format(day=texts.day(day))
    return None


async def _drop_keyboard(query: CallbackQuery) -> None:
    """An answered question loses its buttons, so old presses are rare."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def _refresh_plan(ctx: Ctx, chat_id: int, query: CallbackQuery, payload: Payload) -> None:
    """Re-draw the plan message the button belonged to, with today's state.

    Only today's plan is re-drawn: an old day's message keeps what it said that day.
    """
    async with ctx.deps.store.unit() as uow:
        person = await uow.people.get(chat_id)
        if person is None:
            return
        plan, history = await checkin.current_plan(ctx.deps, uow, person)
    if plan is None or plan.day != payload.day():
        return
    markup = plan_keyboard(ctx.deps.signer, chat_id, plan, history.feedback)
    try:
        await query.edit_message_text(
            plan_text(ctx.deps.program, plan), parse_mode="HTML", reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
