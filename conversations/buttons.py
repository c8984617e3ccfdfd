"""Inline-button presses: verified (this person's, a known action), routed through one table
to a service, then rendered and sent."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from coach import i18n, texts
from conversations.context import Ctx, Deps
from conversations.limiter import INTERACTIVE, LaneLimiter
from conversations.payload import Payload
from conversations.render import (
    LIMIT,
    REPLY_ATTEMPTS,
    fold,
    plan_keyboard,
    plan_text,
    reply,
    send,
    send_folded,
)
from conversations.replies import Reply
from conversations.sending import Result, SendOutcome, send_with_retries
from conversations.updates_bot import BackCoachBot
from services import checkin, data, function, onboarding, reminders, settings
from services.actions import Action
from services.outcome import Outcome, Say, ShowPlan

log = logging.getLogger(__name__)

Route = Callable[[Deps, int, Payload], Awaitable[Outcome]]

# Seconds a rating's plan may wait for a message slot before the person is told to ask for
# it with /today instead (about fifteen replies queued at Telegram's 30 a second).
SHED_AFTER = 0.5
TOAST_LIMIT = 200  # Telegram's limit on an answerCallbackQuery text; longer ones are sent


def _invalid() -> Outcome:
    return Outcome(toast=texts.INVALID_BUTTON)


async def _answer(deps: Deps, chat: int, p: Payload) -> Outcome:
    if len(p.args) != 2:
        return _invalid()
    return await onboarding.answer(deps, chat, p.args[0], p.args[1])


async def _clear_hold(deps: Deps, chat: int, _p: Payload) -> Outcome:
    return await onboarding.clear_hold(deps, chat)


async def _pain(deps: Deps, chat: int, p: Payload) -> Outcome:
    pain = p.args[1] if len(p.args) == 2 else ""
    if not (pain.isascii() and pain.isdigit()) or int(pain) > 10:
        return _invalid()
    return await checkin.rate_button(deps, chat, p.day(), int(pain))


def _plan_feedback(action: Action) -> Route:
    async def route(deps: Deps, chat: int, p: Payload) -> Outcome:
        if len(p.args) != 2:
            return _invalid()
        return await checkin.feedback(deps, chat, action, p.args[1], p.day())

    return route


async def _how(deps: Deps, chat: int, p: Payload) -> Outcome:
    return await checkin.how(deps, chat, p.args[0]) if p.args else _invalid()


def _hang(action: Action) -> Route:
    async def route(deps: Deps, chat: int, p: Payload) -> Outcome:
        slot = p.args[1] if len(p.args) == 2 else ""
        return await reminders.hang_answer(deps, chat, action, p.day(), slot)

    return route


async def _rerate(deps: Deps, chat: int, p: Payload) -> Outcome:
    if len(p.args) != 2:
        return _invalid()
    return await checkin.rerate(deps, chat, p.day(), p.args[1])


async def _dose(deps: Deps, chat: int, p: Payload) -> Outcome:
    if len(p.args) != 3:
        return _invalid()
    return await checkin.dose_feedback(deps, chat, p.args[1], p.day(), p.args[2])


async def _delete(deps: Deps, chat: int, p: Payload) -> Outcome:
    return await data.delete(deps, chat, confirmed=p.args == ("yes",))


async def _activity(deps: Deps, chat: int, p: Payload) -> Outcome:
    if not p.args or len(p.args) > 2:
        return _invalid()
    return await function.activity_button(deps, chat, p.args[0], p.args[1] if p.args[1:] else "")


async def _activity_rate(deps: Deps, chat: int, p: Payload) -> Outcome:
    if len(p.args) != 4 or not all(a.isascii() and a.isdigit() for a in p.args[2:]):
        return _invalid()
    score = int(p.args[3])
    if score > 10:
        return _invalid()
    return await function.rate(deps, chat, p.args[0], p.day(1), int(p.args[2]), score)


async def _pick(deps: Deps, chat: int, p: Payload) -> Outcome:
    return await checkin.pick(deps, chat, p.day(), p.args[1] if len(p.args) == 2 else "")


async def _settings(deps: Deps, chat: int, p: Payload) -> Outcome:
    return await settings.settings_button(deps, chat, p.args[0] if p.args else "")


ROUTES: dict[Action, Route] = {
    Action.ANSWER: _answer,
    Action.CLEAR_HOLD: _clear_hold,
    Action.PAIN: _pain,
    Action.DONE: _plan_feedback(Action.DONE),
    Action.WORSE: _plan_feedback(Action.WORSE),
    Action.UNDO: _plan_feedback(Action.UNDO),
    Action.HOW: _how,
    Action.HANG_DONE: _hang(Action.HANG_DONE),
    Action.HANG_SNOOZE: _hang(Action.HANG_SNOOZE),
    Action.HANG_SKIP: _hang(Action.HANG_SKIP),
    Action.DELETE: _delete,
    Action.SETTINGS: _settings,
    Action.RERATE: _rerate,
    Action.DOSE: _dose,
    Action.ACTIVITY: _activity,
    Action.ACTIVITY_RATE: _activity_rate,
    Action.PICK: _pick,
}


async def button(update: Update, ctx: Ctx) -> None:
    """Route a button press by its verified payload.

    Whatever the service committed reaches the person: the replies go first (retried when
    that is safe), the toast is answered without letting an expired query stop anything, and
    only then does an answered question lose its buttons.
    """
    query = update.callback_query
    assert query is not None
    if query.message is None:  # an inline-mode message: no chat of ours to act in
        await _answer_query(ctx, None, query, texts.INVALID_BUTTON)
        return
    chat = query.message.chat.id
    payload = ctx.deps.signer.verify(chat, query.data)
    if payload is None:
        log.info("refused a button payload that was not signed for this chat")
        await _answer_query(ctx, chat, query, texts.INVALID_BUTTON, alert=True)
        return
    try:
        action = Action(payload.action)
    except ValueError:
        outcome = _invalid()
    else:
        outcome = await ROUTES[action](ctx.deps, chat, payload)
    backlogged = _too_busy_for_the_plan(ctx, payload.action, outcome)
    if backlogged is not None:
        # The rating is saved; the plan waits for /today rather than in a queue that would
        # keep growing while presses come faster than Telegram takes messages.
        backlogged.put_off += 1
        busy = texts.BUSY_PLAN.format(pain=payload.args[1])  # digits: the route checked them
        await _answer_query(ctx, chat, query, busy, alert=True)
        return
    await _answer_query(ctx, chat, query, outcome.toast)
    if outcome.edit:
        await _redraw(ctx, chat, query, outcome)
        return
    if outcome.messages:
        await _reply(ctx, chat, query, outcome, in_place=_replaces(payload.action, outcome))
    elif outcome.answered:  # answered with a toast alone ("kept today's 1/10")
        await _drop_keyboard(query)
    if outcome.redraw_plan is not None:
        with i18n.speaking(outcome.language):
            await _redraw_plan(ctx, chat, query, outcome.redraw_plan)


def _too_busy_for_the_plan(ctx: Ctx, action: str, outcome: Outcome) -> LaneLimiter | None:
    """The rate limiter, if a rating's plan would wait over ``SHED_AFTER`` seconds in it
    (presses coming faster than Telegram takes messages): the person is told at once
    instead, in the press's pop-up, which takes no message slot. Only a plain plan is put
    off: a safety message (a hold, red flags, a clinician) always goes."""
    limiter = getattr(ctx.bot, "rate_limiter", None)
    if not isinstance(limiter, LaneLimiter) or action != Action.PAIN.value:
        return None
    messages = outcome.messages
    if not messages or not isinstance(messages[0], ShowPlan):
        return None
    if any(isinstance(m, Say) and m.alone for m in messages):
        return None
    return limiter if limiter.backlog(INTERACTIVE) > SHED_AFTER else None


def _replaces(action: str, outcome: Outcome) -> bool:
    """Whether the reply takes the pressed message's place: an answered question, or a pain
    rating answered with the plan (whose title carries the rating)."""
    return outcome.answered or (
        action == Action.PAIN.value and isinstance(outcome.messages[0], ShowPlan)
    )


async def _reply(
    ctx: Ctx, chat: int, query: CallbackQuery, outcome: Outcome, *, in_place: bool
) -> None:
    """The press's messages folded into as few as possible: one Telegram request per press
    where they fit one message. An answered question becomes its answer (what was chosen,
    then what comes next) instead of losing its buttons in a second request. Sent instead,
    at the bottom of the chat: a safety message (``alone``), a reply to a press on an older
    message (an edit up the history would go unseen), and whatever follows the first
    message; an edit that fails (too old, deleted) falls back to sending, so the reply is
    never lost. A question answered by sent messages loses its buttons once they arrived
    (if they did not, the old buttons stay, to ask again with)."""
    deps = ctx.deps
    replies = fold(deps.signer, deps.program, chat, outcome)
    first = replies[0]
    if in_place and _editable(ctx, chat, query, first):
        chosen = _chosen(query) if outcome.answered else None
        text = (
            f"{texts.CHOSEN.format(label=escape(chosen))}\n\n{first.text}" if chosen else first.text
        )
        edited = await _edit(query, Reply(text, first.markup)) if len(text) <= LIMIT else None
        if edited is SendOutcome.BLOCKED:
            return
        if edited in (SendOutcome.SENT, SendOutcome.UNCERTAIN):  # shown, or may be: never twice
            await send_folded(ctx, chat, replies[1:])
            return
    delivered = await send_folded(ctx, chat, replies)
    if outcome.answered and delivered:
        await _drop_keyboard(query)


def _editable(ctx: Ctx, chat: int, query: CallbackQuery, out: Reply) -> bool:
    """Whether ``out`` can take the pressed message's place: not a safety message nor a
    drawing, no keyboard under the input field, and the pressed message is the chat's
    newest."""
    if out.alone or out.drawing or _reply_keyboard(out) or query.message is None:
        return False
    bot = ctx.bot
    return not isinstance(bot, BackCoachBot) or bot.is_newest(chat, query.message.message_id)


def _reply_keyboard(out: Reply) -> bool:
    """A keyboard under the input field can't be put on an edited message."""
    return out.markup is not None and not isinstance(out.markup, InlineKeyboardMarkup)


def _chosen(query: CallbackQuery) -> str | None:
    """The label of the pressed button, to show what was chosen."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return str(button.text)
    return None


async def _edit(query: CallbackQuery, out: Reply) -> SendOutcome:
    """Turn the pressed message into ``out``, retried while that is safe (as a reply is):
    SENT when it shows it, UNCERTAIN when it may (the answer was lost after Telegram acted:
    it is not sent again as a new message), FAILED when it certainly does not (too old,
    deleted: it is sent instead), BLOCKED when the person blocked the bot."""
    markup = out.markup if isinstance(out.markup, InlineKeyboardMarkup) else None
    result = await _retried(
        lambda: query.edit_message_text(out.text, parse_mode="HTML", reply_markup=markup)
    )
    if result.outcome is SendOutcome.FAILED:
        log.info("could not edit a pressed message, sending instead: %s", result.reason)
    elif result.outcome is SendOutcome.UNCERTAIN:
        log.info("editing a pressed message may have worked (%s): not sent again", result.reason)
    return result.outcome


async def _retried(edit: Callable[[], Awaitable[object]]) -> Result:
    """An edit of the pressed message, retried while it certainly did not take effect (as
    a reply is); "not modified" (it shows that already) counts as done."""

    async def attempt() -> object:
        try:
            return await edit()
        except BadRequest as exc:
            if "not modified" in str(exc):
                return True
            raise

    return await send_with_retries(attempt, attempts=REPLY_ATTEMPTS)


async def _answer_query(
    ctx: Ctx, chat: int | None, query: CallbackQuery, toast: str | None, *, alert: bool = False
) -> None:
    """Answer the press (a toast, or an alert for a longer one). A text over Telegram's
    limit is sent whole as a message, its first paragraph as the toast; and a query Telegram
    no longer accepts (too old, after downtime or a backlog) must not cost the person what it
    said: it comes as a message instead."""
    whole = bool(toast and len(toast) > TOAST_LIMIT)
    short = toast.split("\n\n")[0] if toast and whole else toast
    if short and len(short) > TOAST_LIMIT:
        short = None
    try:
        await query.answer(short, show_alert=alert or bool(short and len(short) > 60))
    except TelegramError as exc:
        log.info("could not answer a button press: %s", type(exc).__name__)
        whole = True
    if whole and toast and chat is not None:
        await send(ctx, chat, Outcome([Say(toast)]))


async def _redraw(ctx: Ctx, chat: int, query: CallbackQuery, outcome: Outcome) -> None:
    """A toggle question redrawn in place with its new ticks."""
    out = reply(ctx.deps.signer, ctx.deps.program, chat, outcome.messages[0], outcome.language)
    markup = out.markup if isinstance(out.markup, InlineKeyboardMarkup) else None
    result = await _retried(
        lambda: query.edit_message_text(out.text, parse_mode="HTML", reply_markup=markup)
    )
    if result.outcome is not SendOutcome.SENT:  # the tick is stored; the next press shows it
        log.info("could not redraw a toggle question (%s): %s", result.outcome, result.reason)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """An answered question loses its buttons, so old presses are rare."""
    result = await _retried(lambda: query.edit_message_reply_markup(None))
    if result.outcome is not SendOutcome.SENT:  # the replies went out; the old buttons stay
        log.info("could not remove an answered question's buttons: %s", result.reason)


async def _redraw_plan(ctx: Ctx, chat: int, query: CallbackQuery, view: ShowPlan) -> None:
    """Re-draw the plan message the button belonged to, with today's state (a button of an
    old day's plan is refused as stale: that message keeps what it said that day)."""
    markup = plan_keyboard(ctx.deps.signer, chat, view.plan, view.feedback)
    text = plan_text(ctx.deps.program, view.plan, view.feedback, legend=view.legend)
    result = await _retried(
        lambda: query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    )
    if result.outcome is not SendOutcome.SENT:  # the toast said what happened; /today shows it
        log.info("could not redraw a plan (%s): %s", result.outcome, result.reason)
