"""Turning the services' results into Telegram HTML messages and keyboards."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram import (
    Message as TgMessage,
)

from coach import texts
from coach.explain import plan_reason
from coach.model import Equipment, Feedback, MoveFeedback
from coach.plan import Item, Plan, Status
from coach.program import Move, Program
from coach.rules import Change
from conversations.payload import Signer
from conversations.replies import Markup, Reply
from conversations.sending import Outcome, send_with_retries
from services.actions import Action
from services.outcome import Keyboard, Message, Rows, Say, ShowExercises, ShowHow, ShowPlan

if TYPE_CHECKING:
    from conversations.context import Ctx

log = logging.getLogger(__name__)

LIMIT = 4096  # Telegram's limit on a message's text
REPLY_ATTEMPTS = 4


def keyboard(rows: Iterable[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def buttons(signer: Signer, chat_id: int, rows: Rows) -> InlineKeyboardMarkup:
    """Inline buttons, each signed for this chat."""
    return keyboard(
        [(b.label, signer.sign(chat_id, b.action.value, *b.args)) for b in row] for row in rows
    )


def reply(signer: Signer, program: Program, chat_id: int, message: Message) -> Reply:
    """One service message as Telegram text and markup."""
    if isinstance(message, ShowPlan):
        return Reply(
            plan_text(program, message.plan),
            plan_keyboard(signer, chat_id, message.plan, message.feedback),
        )
    if isinstance(message, ShowHow):
        return Reply(how_text(program.move(message.slug)))
    if isinstance(message, ShowExercises):
        return Reply(exercises_text(program, message.stage, message.equipment))
    return Reply(message.text, _markup(signer, chat_id, message))


async def send(ctx: Ctx, chat_id: int, messages: list[Message]) -> bool:
    """Render the services' messages for this chat and send them in order.

    What a service decided is already committed, so each reply is retried while that is
    safe (nothing reached Telegram, or it asked to wait); a reply that can't be delivered
    is logged, and the person's open question is asked again on their next message.
    Returns whether every reply certainly arrived.
    """
    deps, bot = ctx.deps, ctx.bot
    for message in messages:
        out = reply(deps.signer, deps.program, chat_id, message)

        def deliver(out: Reply = out) -> Awaitable[TgMessage]:
            return bot.send_message(chat_id, out.text, parse_mode="HTML", reply_markup=out.markup)

        result = await send_with_retries(deliver, attempts=REPLY_ATTEMPTS)
        if result.outcome is not Outcome.SENT:
            log.warning("a reply was not delivered (%s): %s", result.outcome, result.reason)
            return False
    return True


def _markup(signer: Signer, chat_id: int, message: Say) -> Markup | None:
    if message.keyboard is Keyboard.SHARE_LOCATION:
        share = KeyboardButton(texts.SHARE_LOCATION, request_location=True)
        return ReplyKeyboardMarkup([[share]], one_time_keyboard=True, resize_keyboard=True)
    if message.keyboard is Keyboard.REMOVE:
        return ReplyKeyboardRemove()
    return buttons(signer, chat_id, message.buttons) if message.buttons else None


def _item_text(program: Program, plan: Plan, number: int, item: Item, cues: int) -> str:
    move = item.move
    new = plan.change is Change.ADVANCE and program.stage_of(move.slug) == plan.stage
    head = f"{number}. {texts.NEW_MOVE if new else ''}<b>{escape(move.name)}</b>"
    if item.status in (Status.DO, Status.GENTLE):
        ours = texts.PLAN_DOSE_OURS if move.dose_source == "back_coach" else ""
        lines = [f"{head} — {escape(item.dose)}{ours}"]
        if item.needs_equipment:
            lines.append(f"   <i>{escape(texts.NEEDS.format(equipment=move.equipment_text))}</i>")
        if item.status is Status.GENTLE:
            lines.append(f"   <i>{escape(texts.STATUS_NOTE['gentle'])}</i>")
        lines += [f"   • {escape(cue)}" for cue in move.cues[:cues]]
        return "\n".join(lines)
    note = texts.STATUS_NOTE[item.status.value].format(
        until=texts.day(item.until) if item.until else "",
        equipment=move.equipment_text,
        alternative=move.alternative or "",
    )
    return f"{head} — <i>{escape(note.strip())}</i>"


def plan_text(program: Program, plan: Plan) -> str:
    """The day's plan as one message, shortened to fit Telegram's limit if it must."""
    for cues in (3, 1, 0):
        parts = [
            texts.PLAN_TITLE.format(pain=plan.pain),
            escape(plan_reason(program, plan)),
            "\n\n".join(
                _item_text(program, plan, n, item, cues) for n, item in enumerate(plan.items, 1)
            ),
            texts.PLAN_FOOTER,
        ]
        text = "\n\n".join(parts)
        if len(text) <= LIMIT:
            return text
    return text[:LIMIT]


def plan_keyboard(
    signer: Signer, chat_id: int, plan: Plan, feedback: tuple[MoveFeedback, ...]
) -> InlineKeyboardMarkup:
    """Done / Worse / How? for each move of today's plan; Undo for today's "worse"."""
    today = {(f.move, f.kind) for f in feedback if f.day == plan.day}
    rows = []
    for item in plan.items:
        slug, name = item.move.slug, item.move.name
        undo = (f"{texts.BTN_UNDO}: {name}", signer.sign(chat_id, Action.UNDO, plan.day, slug))
        if (slug, Feedback.WORSE) in today and slug != "bar_hang":
            rows.append([undo])
            continue
        if not item.actionable:
            continue
        done = (slug, Feedback.DONE) in today
        label = f"{texts.BTN_DONE_ALREADY if done else texts.BTN_DONE}: {name}"
        rows.append(
            [
                (label, signer.sign(chat_id, Action.DONE, plan.day, slug)),
                (texts.BTN_WORSE, signer.sign(chat_id, Action.WORSE, plan.day, slug)),
                (texts.BTN_HOW, signer.sign(chat_id, Action.HOW, slug)),
            ]
        )
        if (slug, Feedback.WORSE) in today:  # the bar hang stays, with shorter holds
            rows.append([undo])
    return keyboard(rows)


def how_text(move: Move) -> str:
    """The *How?* text of a move, with where it comes from: a text of Back Coach's own says
    so in its first words (the program file's tests hold it to that), so it gets no second
    label."""
    parts = [texts.HOW_TITLE.format(name=escape(move.name)), escape(move.how)]
    if move.how_source == "article":
        parts.append(f"<i>{texts.HOW_ARTICLE}</i>")
    return "\n\n".join(parts)


def exercises_text(program: Program, stage: int, equipment: frozenset[Equipment]) -> str:
    """All moves by stage, with cues and equipment, marking what the person lacks."""
    parts = [texts.EXERCISES_TITLE.format(stage=stage, name=escape(program.stage(stage).name))]
    for st in program.stages:
        lines = [f"<b>{texts.EXERCISES_STAGE.format(stage=st.number)}: {escape(st.name)}</b>"]
        for slug in st.adds:
            move = program.move(slug)
            lack = "" if move.possible_with(equipment) else texts.EXERCISES_YOU_LACK
            beginner = texts.EXERCISES_BEGINNER if move.gym_experience_required else ""
            need = texts.EXERCISES_NEED.format(equipment=move.equipment_text)
            lines.append(f"• <b>{escape(move.name)}</b> ({escape(need)}{lack}{beginner})")
            lines.append(f"  {escape(move.cues[0])}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
